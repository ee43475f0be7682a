// The momentum taker fires on a strong order-flow imbalance only, with cooldown, max position and
// the trend filter; MidTrend's slope is the exact least-squares fit over its window.
#include "core/strategies/momentum.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <variant>
#include <vector>

#include "core/strategy.h"
#include "unit/strategy_fixture.h"

namespace tape {
namespace {

using testing_util::HostTest;
using testing_util::kExt;
using testing_util::kInst;
using testing_util::momentum_config;
using testing_util::print;
using testing_util::strategy_id;

// ---- Momentum ----

class MomentumTest : public HostTest {
 protected:
  void prints(int buys, int sells, int64_t qty = 1) {
    for (int i = 0; i < buys; ++i) host().on(print(qty, Side::kBuy));
    for (int i = 0; i < sells; ++i) host().on(print(qty, Side::kSell));
  }
  void resolve(const OrderIntent& i) {
    host().on(OrderCancelled{i.id, i.account, i.instrument, i.qty, CancelReason::kNoLiquidity});
  }
};

TEST_F(MomentumTest, FiresMarketOrderOnStrongImbalance) {
  config_.strategies.push_back(momentum_config());
  prints(7, 3);  // (7 - 3) / 10 = 0.4 >= 0.3
  const std::vector<OrderIntent> out = intents();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0],
            (OrderIntent{IntentKind::kNew, strategy_id(0, 1), AccountId(1), kInst, Side::kBuy,
                         OrderType::kMarket, TimeInForce::kIoc, Price(0), Qty(5)}));
}

TEST_F(MomentumTest, FiresAtExactlyTheThresholdNotJustBelow) {
  config_.strategies.push_back(momentum_config());
  // Quantity-weighted over 10 prints: buys 1299, sells 701 -> 598 / 2000 = 0.299 < 0.3.
  for (int i = 0; i < 6; ++i) host().on(print(100, Side::kSell));
  host().on(print(101, Side::kSell));
  for (int i = 0; i < 3; ++i) host().on(print(433, Side::kBuy));
  EXPECT_EQ(host().builtin<Momentum>(0)->imbalance_ppm(kInst), 299'000);
  EXPECT_TRUE(intents().empty());

  host_.reset();
  // Buys 13, sells 7 -> exactly 0.3: fires.
  for (int i = 0; i < 7; ++i) host().on(print(1, Side::kSell));
  for (int64_t q : {5, 4, 4}) host().on(print(q, Side::kBuy));
  EXPECT_EQ(host().builtin<Momentum>(0)->imbalance_ppm(kInst), 300'000);
  EXPECT_EQ(intents().size(), 1u);
}

TEST_F(MomentumTest, DoesNotFireOnWeakImbalanceOrBeforeTheWindowFills) {
  config_.strategies.push_back(momentum_config());
  prints(6, 0);  // 6 prints: window (10) not full
  EXPECT_TRUE(intents().empty());
  prints(0, 4);  // (6 - 4) / 10 = 0.2 < 0.3
  EXPECT_TRUE(intents().empty());
  const Momentum& m = *host().builtin<Momentum>(0);
  EXPECT_EQ(m.imbalance_ppm(kInst), 200'000);
}

TEST_F(MomentumTest, SellsOnStrongSellImbalance) {
  config_.strategies.push_back(momentum_config());
  prints(2, 8);
  const std::vector<OrderIntent> out = intents();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].side, Side::kSell);
}

TEST_F(MomentumTest, RespectsCooldownOnSimulatedTimeAndOneOrderInFlight) {
  config_.strategies.push_back(momentum_config());  // cooldown 100 ms
  at_ms(1'000);
  prints(10, 0);
  std::vector<OrderIntent> out = intents();
  ASSERT_EQ(out.size(), 1u);  // only one: the rest of the prints found it in flight
  prints(1, 0);
  EXPECT_TRUE(intents().empty());  // still in flight
  resolve(out[0]);
  at_ms(1'099);
  prints(1, 0);
  EXPECT_TRUE(intents().empty());  // cooling down
  at_ms(1'100);
  prints(1, 0);
  out = intents();
  ASSERT_EQ(out.size(), 1u);
  // A full fill (taker leaves 0) also ends the order in flight.
  host().on(Fill{kInst, OrderId(9), kExt, out[0].id, AccountId(1), Price(100), Qty(5), Side::kBuy,
                 Qty(0), Qty(0)});
  const Momentum& m = *host().builtin<Momentum>(0);
  EXPECT_EQ(m.pending_order(kInst), 0u);
}

TEST_F(MomentumTest, CountsEngineFillsAsTradePrints) {
  config_.strategies.push_back(momentum_config());
  for (int i = 0; i < 10; ++i) {
    host().on(Fill{kInst, OrderId(100 + i), kExt, OrderId(200 + i), AccountId(2001), Price(100),
                   Qty(1), Side::kSell, Qty(0), Qty(0)});
  }
  EXPECT_EQ(host().builtin<Momentum>(0)->imbalance_ppm(kInst), -1'000'000);
  const std::vector<OrderIntent> out = intents();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].side, Side::kSell);
}

TEST_F(MomentumTest, RespectsMaxPosition) {
  StrategyConfig s = momentum_config();
  s.momentum.max_position = 12;
  s.momentum.cooldown_ms = 0;
  config_.strategies.push_back(s);
  host();
  set_position(AccountId(1), 8);  // +5 would reach 13 > 12
  prints(10, 0);
  EXPECT_TRUE(intents().empty());
  set_position(AccountId(1), -1);  // 7: +5 reaches 12, at the limit
  prints(1, 0);
  EXPECT_EQ(intents().size(), 1u);
}

TEST_F(MomentumTest, TrendFilterBlocksBuyingIntoAFallingMid) {
  config_.strategies.push_back(momentum_config());
  for (int k = 0; k < 5; ++k) quote(110 - k, 112 - k);  // mid falling one tick per sample
  const Momentum& m = *host().builtin<Momentum>(0);
  EXPECT_DOUBLE_EQ(m.trend_slope(kInst), -1.0);
  prints(10, 0);
  EXPECT_TRUE(intents().empty());
  prints(0, 10);  // selling agrees with the trend
  EXPECT_EQ(intents().size(), 1u);
}

TEST(MidTrendTest, SlopeIsExactLeastSquaresOverTheWindow) {
  MidTrend t(4);
  EXPECT_EQ(t.slope(), 0.0);
  t.add(200);
  EXPECT_EQ(t.slope_sign(), 0);
  t.add(202);
  EXPECT_EQ(t.slope(), 1.0);
  for (int64_t v : {1000, 1000, 1000, 1000}) t.add(v);  // the window forgets older samples
  EXPECT_EQ(t.slope(), 0.0);
  EXPECT_EQ(t.slope_sign(), 0);
  t.add(994);  // 1000 1000 1000 994: fit slope -1.8 half-ticks = -0.9 ticks per sample
  EXPECT_EQ(t.slope_sign(), -1);
  EXPECT_DOUBLE_EQ(t.slope(), -0.9);
}

}  // namespace
}  // namespace tape
