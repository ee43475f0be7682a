// A plugin-style strategy (tape/strategy.h) that trades on OFI, VPIN and Hawkes from
// tape/microstructure.h: its indicators' bytes go through save_state/load_state (and through the
// plugin's C table), and a restored copy goes on to send exactly the orders and write exactly the
// bytes of the original.
#include <gtest/gtest.h>

#include <vector>

#include "tape/microstructure.h"
#include "tape/strategy.h"

namespace {

using tape::api::Context;
using tape::api::OrderSpec;
using tape::api::Params;
using tape::api::Quote;
using tape::api::Side;
using tape::api::Trade;

// Buys 1 lot when the OFI window exceeds `threshold` while buy intensity leads sell intensity,
// sells when the reverse holds; VPIN above 0.5 stops new orders.
class FlowSignal final : public tape::api::Strategy {
 public:
  explicit FlowSignal(const Params& p)
      : threshold_(p.get_int("threshold")),
        ofi_(static_cast<uint32_t>(p.get_int("window"))),
        vpin_(vpin_options(p.get_int("bucket"))),
        hawkes_(tape::micro::HawkesOptions{0.1, 1.0, 0.0, 2.0}) {}

  void on_quote(Context& ctx, const Quote& q) override {
    ofi_.update(q.bid, q.bid_qty, q.ask, q.ask_qty);
    if (vpin_.window_count() > 0 && vpin_.value() > 0.5) return;
    const double buy = hawkes_.intensity_at(ctx.now_ns(), tape::micro::Hawkes::kBuy);
    const double sell = hawkes_.intensity_at(ctx.now_ns(), tape::micro::Hawkes::kSell);
    if (ofi_.window_sum() > threshold_ && buy > sell) ctx.market(q.instrument, Side::kBuy, 1);
    if (ofi_.window_sum() < -threshold_ && sell > buy) ctx.market(q.instrument, Side::kSell, 1);
  }
  void on_trade(Context& ctx, const Trade& t) override {
    vpin_.add(ctx.now_ns(), t.price, t.qty);
    hawkes_.add(ctx.now_ns(), t.aggressor == Side::kBuy ? tape::micro::Hawkes::kBuy
                                                        : tape::micro::Hawkes::kSell);
  }
  void save_state(std::vector<uint8_t>& out) const override {
    ofi_.save(out);
    vpin_.save(out);
    hawkes_.save(out);
  }
  void load_state(std::span<const uint8_t> in) override {
    ofi_.load(in);
    vpin_.load(in);
    hawkes_.load(in);
    if (!in.empty()) throw std::runtime_error("trailing bytes in the saved state");
  }

 private:
  static tape::micro::VpinOptions vpin_options(int64_t bucket) {
    tape::micro::VpinOptions o;
    o.bucket_volume = bucket, o.window_buckets = 5;
    return o;
  }
  int64_t threshold_;
  tape::micro::Ofi ofi_;
  tape::micro::Vpin vpin_;
  tape::micro::Hawkes hawkes_;
};

// Records the orders; the clock is set by the test.
class FakeContext final : public Context {
 public:
  int64_t now = 0;
  std::vector<OrderSpec> sent;
  int64_t now_ns() const override { return now; }
  int64_t position(uint32_t) const override { return 0; }
  int64_t cash() const override { return 0; }
  int64_t money_scale() const override { return 10000; }
  uint32_t instrument_count() const override { return 1; }
  std::string_view symbol(uint32_t) const override { return "X"; }
  std::string_view tick_size(uint32_t) const override { return "0.01"; }
  tape::api::BookTop top(uint32_t) const override { return {}; }
  uint32_t depth(uint32_t, Side, std::span<tape::api::Level>) const override { return 0; }
  bool halted(uint32_t) const override { return false; }
  uint64_t send(const OrderSpec& s) override {
    sent.push_back(s);
    return sent.size();
  }
  void cancel(uint32_t, uint64_t) override {}
  void replace(uint32_t, uint64_t, int64_t, int64_t) override {}
  void set_timer(int64_t) override {}
};

// Step i of a fixed market: quotes whose bid size swings, prints in bursts of one side.
void step(tape::api::Strategy& s, FakeContext& ctx, int i) {
  ctx.now = int64_t(i) * 50'000'000;
  if (i % 3 == 0) {
    s.on_trade(ctx, Trade{0, 1000 + i % 5, 1 + i % 4, (i / 7) % 2 ? Side::kSell : Side::kBuy});
  } else {
    s.on_quote(ctx, Quote{0, 999, 10 + (i * 7) % 13 - (i % 11), 1001, 10 + (i * 5) % 9});
  }
}

tape::api::Params params(std::vector<tape_param_value_v1>& storage) {
  storage = {{"threshold", TAPE_PARAM_INT, 3, 0, "3"},
             {"window", TAPE_PARAM_INT, 4, 0, "4"},
             {"bucket", TAPE_PARAM_INT, 6, 0, "6"}};
  return Params(storage.data(), static_cast<uint32_t>(storage.size()));
}

TEST(MicrostructureStrategy, RestoredStrategySendsTheSameOrdersAndBytes) {
  std::vector<tape_param_value_v1> storage;
  const Params p = params(storage);
  FlowSignal a(p);
  FakeContext ca;
  for (int i = 0; i < 60; ++i) step(a, ca, i);
  std::vector<uint8_t> bytes;
  a.save_state(bytes);
  FlowSignal b(p);
  b.load_state(bytes);
  FakeContext cb;
  const size_t before = ca.sent.size();
  for (int i = 60; i < 200; ++i) {
    step(a, ca, i);
    step(b, cb, i);
  }
  ASSERT_GT(ca.sent.size(), before);  // the signal does trade in the second half
  ASSERT_EQ(ca.sent.size() - before, cb.sent.size());
  for (size_t k = 0; k < cb.sent.size(); ++k) {
    EXPECT_EQ(ca.sent[before + k].side, cb.sent[k].side) << k;
  }
  std::vector<uint8_t> ea, eb;
  a.save_state(ea);
  b.save_state(eb);
  EXPECT_EQ(ea, eb);
  // Bytes cut short are refused.
  FlowSignal c(p);
  EXPECT_THROW(c.load_state(std::span<const uint8_t>(ea.data(), ea.size() - 3)),
               std::runtime_error);
}

TEST(MicrostructureStrategy, StateCrossesThePluginBoundary) {
  const tape_plugin_v1* t = tape::api::plugin_table<FlowSignal>(
      "flow_signal", {tape::api::int_param("threshold", 3, "OFI window sum to act on"),
                      tape::api::int_param("window", 4, "OFI window, updates"),
                      tape::api::int_param("bucket", 6, "VPIN bucket, lots")});
  std::vector<tape_param_value_v1> storage;
  params(storage);
  void* x = nullptr;
  char err[256] = {};
  ASSERT_EQ(t->create(storage.data(), 3, &x, err, sizeof err), TAPE_OK) << err;
  FakeContext ctx;
  for (int i = 0; i < 40; ++i) step(*static_cast<FlowSignal*>(x), ctx, i);
  std::vector<uint8_t> bytes;
  auto sink = [](void* s, const uint8_t* d, size_t n) {
    auto* v = static_cast<std::vector<uint8_t>*>(s);
    v->insert(v->end(), d, d + n);
  };
  ASSERT_EQ(t->save_state(x, &bytes, sink, err, sizeof err), TAPE_OK) << err;
  void* y = nullptr;
  ASSERT_EQ(t->create(storage.data(), 3, &y, err, sizeof err), TAPE_OK) << err;
  ASSERT_EQ(t->load_state(y, bytes.data(), bytes.size(), err, sizeof err), TAPE_OK) << err;
  std::vector<uint8_t> again;
  ASSERT_EQ(t->save_state(y, &again, sink, err, sizeof err), TAPE_OK) << err;
  EXPECT_EQ(again, bytes);
  EXPECT_NE(t->load_state(y, bytes.data(), bytes.size() - 1, err, sizeof err), TAPE_OK);
  EXPECT_NE(std::string(err).find("truncated"), std::string::npos) << err;
  t->destroy(x);
  t->destroy(y);
}

}  // namespace
