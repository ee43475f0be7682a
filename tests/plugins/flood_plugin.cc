// A strategy plugin that never settles: every answer to one of its orders sends another order,
// so one input never ends without the host's per-input intent cap (core/strategy.h). For the
// test that the cap stops the run with a clear error instead of growing without bound. With
// `burst` > 1 it also sends that many orders at once on every quote and bar (the cap must stop
// a burst before it fills the bus queue).
#include <tape/strategy.h>

#include <vector>

namespace {

using namespace tape::api;

class Flood final : public Strategy {
 public:
  explicit Flood(const Params& p) : burst_(p.get_int("burst")) {}

  void on_quote(Context& ctx, const Quote& q) override {
    for (int64_t i = 0; i < burst_; ++i) send(ctx, q.instrument, q.bid);
  }
  void on_bar(Context& ctx, const Bar& b) override {
    for (int64_t i = 0; i < burst_; ++i) send(ctx, b.instrument, b.close);
  }
  void on_order(Context& ctx, const OrderEvent& e) override { send(ctx, e.instrument, price_); }

  void save_state(std::vector<uint8_t>&) const override {}
  void load_state(std::span<const uint8_t>) override {}

 private:
  void send(Context& ctx, uint32_t instrument, int64_t near) {
    if (near > 2) price_ = near / 2;  // far below the market: it rests, and then the book fills
    ctx.limit(instrument, Side::kBuy, price_, 1);
  }
  int64_t burst_ = 1;
  int64_t price_ = 1;
};

}  // namespace

TAPE_STRATEGY_PLUGIN(Flood, "flood",
                     tape::api::int_param("burst", 1, "orders sent at once on each quote and bar"))
