// core/strategies/fat_finger.h: trades small on its timer (one live order per instrument,
// alternating sides, inside max_position), sends its oversize orders and its burst exactly once
// at the first callback at or after their times, round robin over instruments with a mid,
// one order at a time (the next once the last is answered), defers them while there is no mid,
// and restores its state byte for byte.
#include "core/strategies/fat_finger.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "core/strategy.h"
#include "strategy_fixture.h"

namespace tape {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr AccountId kAccount(7);

// No book: the strategy falls back to the last valid quote for its mid.
class EmptyMarket : public MarketView {
 public:
  bool halt = false;
  TopOfBook top(InstrumentId) const override { return {}; }
  size_t depth(InstrumentId, Side, std::span<LevelView>) const override { return 0; }
  bool halted(InstrumentId) const override { return halt; }
  bool is_resting(OrderId) const override { return false; }
};

OrderId own_id(uint64_t n) { return OrderId(kStrategyOrderIdBase + n); }

class FatFingerTest : public ::testing::Test {
 protected:
  FatFingerTest() {
    for (const char* symbol : {"AAA", "BBB"}) {
      InstrumentConfig ic;
      ic.symbol = symbol;
      config_.instruments.push_back(ic);
    }
    StrategyConfig sc;
    sc.kind = StrategyKind::kFatFinger;
    sc.name = "ff";
    sc.account = kAccount;
    sc.timer_ms = 100;
    sc.fat_finger = FatFingerParams{Qty(10), 1, 25, 1000, 3, 100, 2000, 7};
    config_.strategies.push_back(sc);
  }

  FatFingerParams& params() { return config_.strategies[0].fat_finger; }
  StrategyHost& host() {
    if (!host_) {
      portfolio_.emplace(config_, queue_);
      host_.emplace(config_, clock_, market_, *portfolio_, queue_);
      host_->advance_time(Timestamp(0));  // timers anchored at 0: due at 100 ms, 200 ms, ...
    }
    return *host_;
  }
  const FatFinger& ff() { return *host().builtin<FatFinger>(0); }

  std::vector<OrderIntent> intents() { return testing_util::drain_intents(queue_); }
  // Moves simulated time to `ms` (firing due timers) and returns what was sent.
  std::vector<OrderIntent> at_ms(int64_t ms) {
    clock_.advance(Seq(clock_.seq().value() + 1), Timestamp(ms * kMs));
    host().advance_time(Timestamp(ms * kMs));
    return intents();
  }
  std::vector<OrderIntent> quote(uint32_t instrument, int64_t bid, int64_t ask) {
    host().on(QuoteIn{InstrumentId(instrument), Price(bid), Qty(5), Price(ask), Qty(5)});
    return intents();
  }
  // Answers each IOC order in `out` as risk would reject it, appending what the strategy sends
  // next, until it sends nothing more: everything a paced mistake sends within its instant.
  std::vector<OrderIntent> answer_all(std::vector<OrderIntent> out) {
    for (size_t i = 0; i < out.size(); ++i) {
      if (out[i].kind != IntentKind::kNew || out[i].tif != TimeInForce::kIoc) continue;
      host().on(OrderRejected{out[i].id, out[i].account, out[i].instrument,
                              RejectReason::kRateLimit});
      for (const OrderIntent& next : intents()) out.push_back(next);
    }
    return out;
  }
  std::string bytes() {
    StateHasher h;
    host().hash_state(h);
    return h.bytes();
  }

  CoreConfig config_;
  SimClock clock_;
  EventQueue queue_{4096};
  EmptyMarket market_;
  std::optional<Portfolio> portfolio_;
  std::optional<StrategyHost> host_;
};

// Proves each timer sends one GTC limit order per instrument with a mid, offset from it,
// alternating sides, after cancelling the previous one.
TEST_F(FatFingerTest, TradesSmallOnItsTimer) {
  config_.strategies[0].instruments = {InstrumentId(0)};
  EXPECT_TRUE(quote(0, 99, 101).empty());  // before any due time: nothing
  std::vector<OrderIntent> out = at_ms(100);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], (OrderIntent{IntentKind::kNew, own_id(1), kAccount, InstrumentId(0), Side::kBuy,
                                 OrderType::kLimit, TimeInForce::kGtc, Price(99), Qty(10)}));
  EXPECT_EQ(ff().live_order(InstrumentId(0)), own_id(1).value());
  out = at_ms(200);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].kind, IntentKind::kCancel);
  EXPECT_EQ(out[0].id, own_id(1));
  EXPECT_EQ(out[1].side, Side::kSell);
  EXPECT_EQ(out[1].price, Price(101));
  EXPECT_EQ(out[1].tif, TimeInForce::kGtc);
}

// Proves a side whose fill would take |position| past max_position is skipped.
TEST_F(FatFingerTest, SkipsTheSidePastMaxPosition) {
  config_.strategies[0].instruments = {InstrumentId(0)};
  host();
  portfolio_->on(Fill{InstrumentId(0), OrderId(1), AccountId(2000), OrderId(2), kAccount,
                      Price(100), Qty(20), Side::kBuy, Qty(0), Qty(0)});  // long 20, limit 25
  quote(0, 99, 101);
  EXPECT_TRUE(at_ms(100).empty());  // buy 10 would make 30
  const std::vector<OrderIntent> out = at_ms(200);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].side, Side::kSell);
}

// Proves the oversize orders go out once, at the first callback at or after at_ms, with
// order_qty x size_multiplier lots, IOC at the mid, alternating sides, round robin.
TEST_F(FatFingerTest, SendsOversizeOrdersOnceAtItsTime) {
  config_.strategies[0].timer_ms = 0;  // no normal trading: only the mistakes
  quote(0, 99, 101);
  quote(1, 499, 501);
  clock_.advance(Seq(9), Timestamp(999 * kMs));
  EXPECT_TRUE(quote(0, 99, 101).empty());
  clock_.advance(Seq(10), Timestamp(1000 * kMs));
  const std::vector<OrderIntent> out = answer_all(quote(0, 99, 101));
  ASSERT_EQ(out.size(), 3u);
  const uint32_t instruments[] = {0, 1, 0};
  const int64_t prices[] = {100, 500, 100};
  for (size_t k = 0; k < out.size(); ++k) {
    EXPECT_EQ(out[k].instrument, InstrumentId(instruments[k])) << k;
    EXPECT_EQ(out[k].side, k % 2 == 0 ? Side::kBuy : Side::kSell) << k;
    EXPECT_EQ(out[k].price, Price(prices[k])) << k;
    EXPECT_EQ(out[k].qty, Qty(1000)) << k;
    EXPECT_EQ(out[k].tif, TimeInForce::kIoc) << k;
  }
  EXPECT_EQ(ff().oversize_sent(), 3u);
  EXPECT_TRUE(quote(0, 99, 101).empty());  // once only
}

// Proves the burst sends burst_orders normal-size orders in one callback, and only once.
TEST_F(FatFingerTest, SendsItsBurstInOneInstant) {
  config_.strategies[0].timer_ms = 0;
  params().oversize_orders = 0;
  quote(1, 499, 501);
  clock_.advance(Seq(2), Timestamp(2500 * kMs));
  const std::vector<OrderIntent> out = answer_all(quote(1, 499, 501));
  ASSERT_EQ(out.size(), 7u);
  for (const OrderIntent& i : out) {
    EXPECT_EQ(i.qty, Qty(10));
    EXPECT_EQ(i.instrument, InstrumentId(1));  // the only instrument with a mid
  }
  EXPECT_EQ(ff().burst_sent(), 7u);
  EXPECT_EQ(ff().oversize_sent(), 0u);
  EXPECT_TRUE(quote(1, 499, 501).empty());
}

// Proves a mistake's orders go out one at a time: the next only once the last one has its
// final answer (a reject, a cancel, or a fill that leaves it nothing; a partial fill is not
// one), at the mid as it was when the mistake began, and that nothing is in flight after.
TEST_F(FatFingerTest, SendsItsMistakesOneAtATimeEachAfterTheLastAnswered) {
  config_.strategies[0].timer_ms = 0;
  params().oversize_orders = 0;
  params().burst_orders = 4;
  quote(0, 99, 101);
  clock_.advance(Seq(2), Timestamp(2500 * kMs));
  std::vector<OrderIntent> out = quote(0, 99, 101);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(ff().in_flight());
  EXPECT_TRUE(quote(0, 199, 201).empty());  // unanswered: nothing more, and the mid is kept
  const OrderIntent first = out[0];
  host().on(Fill{InstrumentId(0), OrderId(1), AccountId(2000), first.id, kAccount, Price(100),
                 Qty(4), Side::kBuy, Qty(0), Qty(6)});  // partial: not an answer
  EXPECT_TRUE(intents().empty());
  host().on(Fill{InstrumentId(0), OrderId(1), AccountId(2000), first.id, kAccount, Price(100),
                 Qty(6), Side::kBuy, Qty(0), Qty(0)});  // filled: answered
  out = intents();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].side, Side::kSell);
  EXPECT_EQ(out[0].price, Price(100));
  host().on(OrderCancelled{out[0].id, kAccount, InstrumentId(0), Qty(10),
                           CancelReason::kNoLiquidity});
  out = intents();
  ASSERT_EQ(out.size(), 1u);
  host().on(OrderRejected{out[0].id, kAccount, InstrumentId(0), RejectReason::kRateLimit});
  out = intents();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(ff().in_flight());
  host().on(OrderRejected{out[0].id, kAccount, InstrumentId(0), RejectReason::kRateLimit});
  EXPECT_TRUE(intents().empty());
  EXPECT_FALSE(ff().in_flight());
  EXPECT_EQ(ff().burst_sent(), 4u);
}

// Proves the mistakes wait for a mid instead of being lost, and ignore crossed quotes.
TEST_F(FatFingerTest, DefersItsMistakesUntilThereIsAMid) {
  config_.strategies[0].timer_ms = 0;
  clock_.advance(Seq(1), Timestamp(5000 * kMs));
  EXPECT_TRUE(quote(0, 101, 99).empty());  // crossed: no mid
  EXPECT_EQ(ff().oversize_sent(), 0u);
  EXPECT_EQ(answer_all(quote(0, 99, 101)).size(), 3u + 7u);
  EXPECT_EQ(ff().oversize_sent(), 3u);
  EXPECT_EQ(ff().burst_sent(), 7u);
}

// Proves the state restores into a fresh host byte for byte, and bad bytes are refused.
TEST_F(FatFingerTest, StateRoundTripsAndRefusesCorruption) {
  quote(0, 99, 101);
  at_ms(100);
  at_ms(1000);
  const std::string saved = bytes();
  ASSERT_EQ(ff().oversize_sent(), 3u);

  StrategyHost fresh(config_, clock_, market_, *portfolio_, queue_);
  StateReader r(saved);
  ASSERT_TRUE(fresh.restore_state(r).is_ok()) << r.status().message();
  EXPECT_TRUE(r.at_end());
  StateHasher h;
  fresh.hash_state(h);
  EXPECT_EQ(h.bytes(), saved);

  std::string bad = saved;
  bad[bad.size() - 1] = 2;  // next_side of the last instrument
  StrategyHost other(config_, clock_, market_, *portfolio_, queue_);
  StateReader rb(bad);
  EXPECT_FALSE(other.restore_state(rb).is_ok());
  StateReader rt(std::string_view(saved).substr(0, saved.size() - 3));
  StrategyHost third(config_, clock_, market_, *portfolio_, queue_);
  EXPECT_FALSE(third.restore_state(rt).is_ok());
}

}  // namespace
}  // namespace tape
