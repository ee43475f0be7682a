// A strategy plugin for the plugin host tests: every behaviour is switched on by a parameter, and
// everything it saw is in its saved state (so a test can read it through the state hash bytes).
#include <tape/strategy.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace tape::api;

class Probe final : public Strategy {
 public:
  explicit Probe(const Params& p)
      : throw_at_bar_(p.get_int("throw_at_bar")),
        orders_(p.get_bool("orders")),
        zero_qty_(p.get_bool("zero_qty")),
        timer_ns_(p.get_int("timer_ns")),
        buy_on_bar_(p.get_int("buy_on_bar")),
        label_(p.get_string("label")),
        ratio_(p.get_decimal("ratio")) {
    if (p.get_bool("fail_create")) throw std::invalid_argument("probe refuses to start");
  }

  void on_start(Context& ctx) override {
    ++starts_;
    if (timer_ns_ > 0) ctx.set_timer(timer_ns_);
  }
  void on_bar(Context& ctx, const Bar& bar) override {
    if (bars_ == throw_at_bar_) throw std::runtime_error("probe: boom at bar " + std::to_string(bars_));
    pos_at_bar_ = ctx.position(bar.instrument);
    bar_ns_ = ctx.now_ns();
    if (bars_ == buy_on_bar_) ctx.market(bar.instrument, Side::kBuy, 1);
    ++bars_;
    last_close_ = bar.close;
    if (zero_qty_) ctx.market(bar.instrument, Side::kBuy, 0);
    if (orders_ && bars_ == 1) {
      ctx.market(bar.instrument, Side::kBuy, 1);
      ctx.limit(bar.instrument, Side::kSell, bar.close + 5, 2, Tif::kGtd, true, ctx.now_ns() + 1000);
      ctx.stop(bar.instrument, Side::kSell, bar.low - 1, 3);
      ctx.stop_limit(bar.instrument, Side::kBuy, bar.high + 1, bar.high + 2, 4, Tif::kDay);
    }
  }
  void on_quote(Context&, const Quote&) override { ++quotes_; }
  void on_trade(Context&, const Trade&) override { ++trades_; }
  void on_fill(Context& ctx, const FillReport& f) override {
    filled_ += f.qty;
    fill_ns_ = ctx.now_ns();
    fill_price_ = f.price;
    pos_at_fill_ = ctx.position(f.instrument);
  }
  void on_order(Context&, const OrderEvent& e) override {
    ++order_events_;
    last_reason_ = std::string(e.reason_name);
  }
  void on_timer(Context& ctx) override {
    ++timers_;
    last_timer_ns_ = ctx.now_ns();
  }

  void save_state(std::vector<uint8_t>& out) const override {
    StateWriter w(out);
    for (int64_t v : {starts_, bars_, quotes_, trades_, filled_, order_events_, timers_,
                      last_timer_ns_, last_close_, ratio_.units, int64_t{ratio_.scale}}) {
      w.i64(v);
    }
    w.u64(last_reason_.size());
    for (char c : last_reason_) w.u8(static_cast<uint8_t>(c));
    w.u64(label_.size());
    for (char c : label_) w.u8(static_cast<uint8_t>(c));
    for (int64_t v : {pos_at_bar_, bar_ns_, fill_ns_, fill_price_, pos_at_fill_}) w.i64(v);
  }
  void load_state(std::span<const uint8_t> in) override {
    StateReader r(in);
    for (int64_t* v : {&starts_, &bars_, &quotes_, &trades_, &filled_, &order_events_, &timers_,
                       &last_timer_ns_, &last_close_}) {
      *v = r.i64();
    }
    if (r.i64() != ratio_.units || r.i64() != ratio_.scale) {
      throw std::runtime_error("state of another ratio");
    }
    last_reason_.assign(r.u64(), ' ');
    for (char& c : last_reason_) c = static_cast<char>(r.u8());
    std::string label(r.u64(), ' ');
    for (char& c : label) c = static_cast<char>(r.u8());
    if (label != label_) throw std::runtime_error("state of another label");
    for (int64_t* v : {&pos_at_bar_, &bar_ns_, &fill_ns_, &fill_price_, &pos_at_fill_}) *v = r.i64();
    r.expect_end();
  }

 private:
  int64_t throw_at_bar_;
  bool orders_, zero_qty_;
  int64_t timer_ns_;
  int64_t buy_on_bar_;
  std::string label_;
  Decimal ratio_;
  int64_t starts_ = 0, bars_ = 0, quotes_ = 0, trades_ = 0, filled_ = 0, order_events_ = 0;
  int64_t timers_ = 0, last_timer_ns_ = 0, last_close_ = 0;
  // What the latency tests read: the position and time at the last bar and fill, its price.
  int64_t pos_at_bar_ = 0, bar_ns_ = 0, fill_ns_ = 0, fill_price_ = 0, pos_at_fill_ = 0;
  std::string last_reason_;
};

}  // namespace

TAPE_STRATEGY_PLUGIN(Probe, "probe",
                     int_param("throw_at_bar", -1, "bar index whose on_bar throws; -1 = none"),
                     bool_param("orders", false, "send one order of each type on the first bar"),
                     bool_param("zero_qty", false, "send a market order of qty 0 on every bar"),
                     int_param("timer_ns", 0, "on_start sets this timer period; 0 = none"),
                     string_param("label", "probe", "saved with the state"),
                     decimal_param("ratio", "0.5", "saved with the state"),
                     bool_param("fail_create", false, "the constructor throws"),
                     int_param("buy_on_bar", -1, "bar index whose on_bar sends a market buy of 1"))
