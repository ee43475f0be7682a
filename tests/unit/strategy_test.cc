// Strategies and their host: the market maker quotes around the mid, skews with inventory,
// respects max position and requotes only past its threshold; the host routes events, fires timers
// in the documented (due time, index) order, and hash_state tracks state.
#include "core/strategies/market_maker.h"
#include "core/strategy.h"

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "unit/strategy_fixture.h"

namespace tape {
namespace {

using testing_util::HostTest;
using testing_util::kExt;
using testing_util::kInst;
using testing_util::kMs;
using testing_util::momentum_config;
using testing_util::print;
using testing_util::strategy_id;

StrategyConfig mm_config(AccountId account = AccountId(1)) {
  StrategyConfig s;
  s.kind = StrategyKind::kMarketMaker;
  s.name = "mm";
  s.account = account;
  s.mm = MarketMakerParams{2, Qty(10), 0, 10, 100, 1};
  return s;
}

// ---- Market maker ----

TEST_F(HostTest, MarketMakerQuotesBothSidesAroundTheQuoteMid) {
  config_.strategies.push_back(mm_config());
  quote(99, 101);
  const std::vector<OrderIntent> out = intents();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0],
            (OrderIntent{IntentKind::kNew, strategy_id(0, 1), AccountId(1), kInst, Side::kBuy,
                         OrderType::kLimit, TimeInForce::kGtc, Price(98), Qty(10)}));
  EXPECT_EQ(out[1].side, Side::kSell);
  EXPECT_EQ(out[1].price, Price(102));
  EXPECT_EQ(out[1].id, strategy_id(0, 2));
}

TEST_F(HostTest, MarketMakerRoundsAnOddMidOutwards) {
  config_.strategies.push_back(mm_config());
  quote(100, 101);  // mid 100.5
  const std::vector<OrderIntent> out = intents();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].price, Price(98));
  EXPECT_EQ(out[1].price, Price(103));
}

TEST_F(HostTest, MarketMakerSendsNoSecondOrderWhilePending) {
  config_.strategies.push_back(mm_config());
  quote(99, 101);
  ASSERT_EQ(intents().size(), 2u);
  quote(120, 122);  // target moved, but both new orders are still unanswered
  EXPECT_TRUE(intents().empty());
}

TEST_F(HostTest, MarketMakerUsesBookMidExcludingItsOwnQuotes) {
  config_.strategies.push_back(mm_config());
  std::vector<OrderIntent> out = quote_and_accept(99, 101);
  EXPECT_TRUE(intents().empty());
  // Only its own quotes in the book: no outside mid, falls back to the quote mid (no change).
  market_.bids = {LevelView{Price(98), Qty(10), 1}};
  market_.asks = {LevelView{Price(102), Qty(10), 1}};
  host().on(BookChanged{kInst});
  EXPECT_TRUE(intents().empty());
  // Outside liquidity at 99 (behind nothing) and at 103 behind its own ask: mid 101.
  market_.bids = {LevelView{Price(99), Qty(4), 1}, LevelView{Price(98), Qty(10), 1}};
  market_.asks = {LevelView{Price(102), Qty(10), 1}, LevelView{Price(103), Qty(7), 1}};
  host().on(BookChanged{kInst});
  out = intents();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].kind, IntentKind::kReplace);
  EXPECT_EQ(out[0].id, strategy_id(0, 1));
  EXPECT_EQ(out[0].price, Price(99));
  EXPECT_EQ(out[1].kind, IntentKind::kReplace);
  EXPECT_EQ(out[1].id, strategy_id(0, 2));
  EXPECT_EQ(out[1].price, Price(103));
}

TEST_F(HostTest, MarketMakerSkewsBothQuotesAgainstInventory) {
  StrategyConfig mm = mm_config();
  mm.mm.skew_ticks_per_lot = 1;
  mm.mm.skew_unit_lots = 10;
  config_.strategies.push_back(mm);
  host();
  set_position(AccountId(1), 29);  // trunc(29 / 10) = 2 ticks of skew
  quote(99, 101);
  std::vector<OrderIntent> out = intents();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].price, Price(96));
  EXPECT_EQ(out[1].price, Price(100));

  host_.reset();  // fresh host and portfolio
  host();
  set_position(AccountId(1), -29);
  quote(99, 101);
  out = intents();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].price, Price(100));
  EXPECT_EQ(out[1].price, Price(104));
}

TEST_F(HostTest, MarketMakerStopsTheSideThatWouldBreachMaxPosition) {
  StrategyConfig mm = mm_config();
  mm.mm.max_position = 15;
  config_.strategies.push_back(mm);
  host();
  set_position(AccountId(1), 5);  // a bid of 10 would reach 15: at the limit, allowed
  std::vector<OrderIntent> out = quote_and_accept(99, 101);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(intents().empty());
  set_position(AccountId(1), 1);  // now 6: a bid of 10 would reach 16
  quote(99, 101);
  out = intents();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, IntentKind::kCancel);
  EXPECT_EQ(out[0].id, strategy_id(0, 1));
  host().on(OrderCancelled{out[0].id, AccountId(1), kInst, Qty(10), CancelReason::kUser});
  quote(99, 101);
  EXPECT_TRUE(intents().empty());  // no new bid while long 6
  // Short side mirrors it: -6 blocks the ask, re-enables the bid.
  set_position(AccountId(1), -12);
  quote(99, 101);
  out = intents();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].kind, IntentKind::kNew);
  EXPECT_EQ(out[0].side, Side::kBuy);
  EXPECT_EQ(out[1].kind, IntentKind::kCancel);
  EXPECT_EQ(out[1].id, strategy_id(0, 2));
}

TEST_F(HostTest, MarketMakerRequotesOnlyWhenTargetMovesPastThreshold) {
  StrategyConfig mm = mm_config();
  mm.mm.requote_ticks = 3;
  config_.strategies.push_back(mm);
  std::vector<OrderIntent> out = quote_and_accept(99, 101);
  quote(101, 103);  // mid +2: below the threshold
  EXPECT_TRUE(intents().empty());
  quote(102, 104);  // mid +3: at the threshold
  out = intents();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].kind, IntentKind::kReplace);
  EXPECT_EQ(out[0].price, Price(101));
  EXPECT_EQ(out[1].price, Price(105));
  replaced(out[0]);
  replaced(out[1]);
  EXPECT_TRUE(intents().empty());
  const MarketMaker& m = *host().builtin<MarketMaker>(0);
  EXPECT_EQ(m.quote(kInst, Side::kBuy).price, 101);
  EXPECT_EQ(m.quote(kInst, Side::kBuy).pending, MarketMaker::Pending::kNone);
}

TEST_F(HostTest, MarketMakerNeverQuotesIntoItsOwnOtherSide) {
  config_.strategies.push_back(mm_config());
  std::vector<OrderIntent> out = quote_and_accept(99, 101);  // bid 98, ask 102
  quote(109, 111);  // targets 108 / 112: the bid would cross the resting ask at 102
  out = intents();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, strategy_id(0, 2));
  EXPECT_EQ(out[0].price, Price(112));
  replaced(out[0]);  // the ask moved away: now the bid follows
  out = intents();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, strategy_id(0, 1));
  EXPECT_EQ(out[0].price, Price(108));
}

TEST_F(HostTest, MarketMakerBacksOffAfterAReject) {
  config_.strategies.push_back(mm_config());
  at_ms(0);
  quote(99, 101);
  std::vector<OrderIntent> out = intents();
  host().on(OrderRejected{out[0].id, AccountId(1), kInst, RejectReason::kKillSwitch});
  EXPECT_TRUE(intents().empty());
  at_ms(99);
  quote(99, 101);
  EXPECT_TRUE(intents().empty());
  at_ms(100);
  quote(99, 101);
  out = intents();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].side, Side::kBuy);
  EXPECT_EQ(out[0].id, strategy_id(0, 3));
}

TEST_F(HostTest, MarketMakerTracksFillsOfItsQuotes) {
  config_.strategies.push_back(mm_config());
  std::vector<OrderIntent> out = quote_and_accept(99, 101);
  const Fill partial{kInst,     out[0].id, AccountId(1), OrderId(7), kExt,
                     Price(98), Qty(4),    Side::kSell,  Qty(6),     Qty(0)};
  portfolio_->on(partial);
  host().on(partial);
  const MarketMaker& m = *host().builtin<MarketMaker>(0);
  EXPECT_EQ(m.quote(kInst, Side::kBuy).qty, 6);
  const Fill rest{kInst,     out[0].id, AccountId(1), OrderId(8), kExt,
                  Price(98), Qty(6),    Side::kSell,  Qty(0),     Qty(0)};
  portfolio_->on(rest);
  host().on(rest);
  // Fully filled: the bid slot is free and a new bid goes out at once.
  out = intents();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, IntentKind::kNew);
  EXPECT_EQ(out[0].side, Side::kBuy);
}

TEST_F(HostTest, MarketMakerLeavesHaltedInstrumentsAlone) {
  config_.strategies.push_back(mm_config());
  market_.halt = true;
  quote(99, 101);
  EXPECT_TRUE(intents().empty());
}

// ---- Host: routing and timers ----

TEST_F(HostTest, DeliversOnlyTradedInstrumentsAndOwnOrderEvents) {
  InstrumentConfig other;
  other.symbol = "OTHER";
  config_.instruments.push_back(other);
  StrategyConfig a = mm_config(AccountId(1));
  a.instruments = {InstrumentId(1)};
  config_.strategies.push_back(a);
  config_.strategies.push_back(mm_config(AccountId(2)));  // all instruments
  quote(99, 101);                                         // instrument 0: only strategy 1 quotes
  std::vector<OrderIntent> out = intents();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].account, AccountId(2));
  EXPECT_EQ(out[0].id, strategy_id(1, 1));
  // A reject of strategy 1's order is not strategy 0's business.
  host().on(OrderRejected{out[0].id, AccountId(2), kInst, RejectReason::kPriceBand});
  const MarketMaker& m0 = *host().builtin<MarketMaker>(0);
  const MarketMaker& m1 = *host().builtin<MarketMaker>(1);
  EXPECT_EQ(m0.quote(kInst, Side::kBuy).id, 0u);
  EXPECT_EQ(m1.quote(kInst, Side::kBuy).id, 0u);  // cleared by the reject
  EXPECT_EQ(m1.quote(kInst, Side::kSell).id, strategy_id(1, 2).value());
}

TEST_F(HostTest, TimerDueAtTFiresAtAdvanceTimeBeforeTheInput) {
  StrategyConfig s = mm_config();
  s.timer_ms = 100;
  config_.strategies.push_back(s);
  host().advance_time(Timestamp(0));  // anchors the timers: first due at 100 ms
  market_.halt = true;
  quote(99, 101);  // remembered, but halted: nothing sent
  market_.halt = false;
  host().advance_time(Timestamp(99 * kMs));
  EXPECT_TRUE(intents().empty());
  host().advance_time(Timestamp(100 * kMs));  // due at t: fires before any input stamped t
  EXPECT_EQ(intents().size(), 2u);
}

TEST_F(HostTest, TimersFireInDueTimeThenIndexOrder) {
  StrategyConfig a = mm_config(AccountId(1));
  a.timer_ms = 100;
  StrategyConfig b = mm_config(AccountId(2));
  b.timer_ms = 30;
  config_.strategies = {a, b};
  host().advance_time(Timestamp(0));
  market_.halt = true;
  quote(99, 101);
  market_.halt = false;
  // b is due at 30 (first), a at 100: b's quotes go out first.
  host().advance_time(Timestamp(100 * kMs));
  std::vector<OrderIntent> out = intents();
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].account, AccountId(2));
  EXPECT_EQ(out[2].account, AccountId(1));

  // Equal due times: lower index first.
  config_.strategies[1].timer_ms = 100;
  host_.reset();
  host().advance_time(Timestamp(0));
  market_.halt = true;
  quote(99, 101);
  market_.halt = false;
  host().advance_time(Timestamp(100 * kMs));
  out = intents();
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].account, AccountId(1));
  EXPECT_EQ(out[2].account, AccountId(2));
}

TEST_F(HostTest, TimerCatchUpIsBoundedAfterALongGap) {
  StrategyConfig s = mm_config();
  s.timer_ms = 1;
  config_.strategies.push_back(s);
  host().advance_time(Timestamp(0));
  EXPECT_EQ(host().next_timer(0), Timestamp(kMs));
  host().advance_time(Timestamp(10 * kMs + 5));  // 10 periods: all caught up
  EXPECT_EQ(host().next_timer(0), Timestamp(11 * kMs));
  // ~36 years of 1 ms periods: 64 firings, then a skip to the first due time after now.
  const int64_t far = (int64_t{1} << 60) + 5;
  host().advance_time(Timestamp(far));
  EXPECT_GT(host().next_timer(0).value(), far);
  EXPECT_LE(host().next_timer(0).value(), far + kMs);
  EXPECT_EQ((host().next_timer(0).value() - kMs) % kMs, 0);  // still on its grid
}

TEST_F(HostTest, HashStateDiffersWhenStateDiffersAndIsCanonical) {
  config_.strategies.push_back(mm_config());
  config_.strategies.push_back(momentum_config(AccountId(2)));
  const std::string empty = hash();
  quote(99, 101);
  const std::string quoted = hash();
  EXPECT_NE(quoted, empty);
  (void)intents();

  // Momentum windows with the same prints in the same order hash equal whatever the ring offset.
  StrategyConfig w = momentum_config();
  w.momentum.window_trades = 2;
  config_.strategies = {w};
  host_.reset();
  host().on(print(1, Side::kBuy));
  host().on(print(1, Side::kSell));
  host().on(print(1, Side::kBuy));  // window: sell, buy (offset 1)
  const std::string shifted = hash();
  host_.reset();
  host().on(print(1, Side::kSell));
  host().on(print(1, Side::kBuy));  // window: sell, buy (offset 0)
  EXPECT_EQ(hash(), shifted);
  host().on(print(2, Side::kBuy));
  EXPECT_NE(hash(), shifted);
}

}  // namespace
}  // namespace tape
