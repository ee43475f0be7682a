// The data venue's bar model (core/data_venue.h, "Bars"): each rule on a small hand-written
// series of bars. Bars are stamped at their close; an order sent at a bar's stamp arrives after it.
#include "data_venue_fixture.h"

namespace tape {
namespace {

using namespace testing_util;

constexpr int64_t T1 = 1 * kMinute, T2 = 2 * kMinute, T3 = 3 * kMinute, T4 = 4 * kMinute;

class BarsTest : public VenueTest {
 protected:
  void SetUp() override { make(venue_config(VenueModel::kBars)); }
  void with(BarFill mode, int64_t cap_ppm = 0, int64_t slippage = 0) {
    CoreConfig c = venue_config(VenueModel::kBars);
    c.venue.bar_fill = mode;
    c.venue.volume_cap_ppm = cap_ppm;
    c.venue.slippage_ticks = slippage;
    make(c);
  }
};

TEST_F(BarsTest, MarketOrderFillsAtTheNextBarsOpenByDefault) {
  bar(T1, 100, 104, 98, 102);
  const auto sent = send(T1, market_order(1, Side::kBuy, 10));
  ASSERT_EQ(events_of<OrderAccepted>(sent).size(), 1u);
  EXPECT_TRUE(fills(sent).empty());  // not at bar t's close
  const auto next = bar(T2, 105, 107, 103, 106);
  EXPECT_EQ(fills(next), (Fills{{105, 10}}));
  const Fill f = events_of<Fill>(next).front();
  EXPECT_EQ(f.maker, OrderId(0));
  EXPECT_EQ(f.maker_account, AccountId(kExternalAccountBase));
  EXPECT_EQ(f.taker, OrderId(1));
  EXPECT_EQ(f.aggressor, Side::kBuy);
  EXPECT_EQ(f.maker_leaves, Qty(0));
  EXPECT_EQ(f.taker_leaves, Qty(0));
  EXPECT_FALSE(venue_->maker_fill(f));  // a market fill is a taker fill
  EXPECT_EQ(venue_->working(), 0u);
}

TEST_F(BarsTest, MarketOrderFillsAtTheNextBarsCloseInNextCloseMode) {
  with(BarFill::kNextClose);
  bar(T1, 100, 104, 98, 102);
  EXPECT_TRUE(fills(send(T1, market_order(1, Side::kSell, 3))).empty());
  EXPECT_EQ(fills(bar(T2, 105, 107, 103, 106)), (Fills{{106, 3}}));
}

TEST_F(BarsTest, MarketOrderFillsAtOnceAtTheLastCloseInCloseMode) {
  with(BarFill::kClose);
  bar(T1, 100, 104, 98, 102);
  const auto sent = send(T1, market_order(1, Side::kBuy, 4));
  EXPECT_EQ(kinds_of(sent), (std::vector<size_t>{BusEvent(OrderAccepted{}).index(),
                                                 BusEvent(Fill{}).index()}));
  EXPECT_EQ(fills(sent), (Fills{{102, 4}}));
}

TEST_F(BarsTest, CloseModeOrderArrivingAfterTheBarFillsAtTheNextClose) {
  with(BarFill::kClose);
  bar(T1, 100, 104, 98, 102);
  // Order latency: it reaches the venue 5 ms after the bar it was sent on.
  EXPECT_TRUE(fills(send(T1 + 5'000'000, market_order(1, Side::kBuy, 4))).empty());
  EXPECT_EQ(fills(bar(T2, 105, 107, 103, 106)), (Fills{{106, 4}}));
}

TEST_F(BarsTest, AnOrderArrivingAtABarsStampWorksFromTheNextBar) {
  bar(T1, 100, 104, 98, 102);
  // Delivered at T2 before the bar stamped T2 is processed: that bar happened before it arrived.
  send(T2, limit_order(1, Side::kBuy, 101, 5));
  EXPECT_TRUE(fills(bar(T2, 103, 103, 99, 100)).empty());
  EXPECT_EQ(fills(bar(T3, 102, 102, 100, 101)), (Fills{{101, 5}}));
}

TEST_F(BarsTest, LimitBuyFillsWhenLowTouchesAtTheLesserOfOpenAndLimit) {
  bar(T1, 100, 104, 98, 102);
  send(T1, limit_order(1, Side::kBuy, 100, 5));
  EXPECT_TRUE(fills(bar(T2, 103, 105, 101, 104)).empty());  // low 101 > 100
  const auto touched = bar(T3, 102, 103, 99, 101);            // open above: fills at the limit
  EXPECT_EQ(fills(touched), (Fills{{100, 5}}));
  EXPECT_TRUE(venue_->maker_fill(events_of<Fill>(touched).front()));
  send(T3, limit_order(2, Side::kBuy, 104, 5));
  EXPECT_EQ(fills(bar(T4, 102, 103, 101, 102)), (Fills{{102, 5}}));  // opens below: at the open
}

TEST_F(BarsTest, LimitSellFillsWhenHighTouchesAtTheGreaterOfOpenAndLimit) {
  bar(T1, 100, 104, 98, 102);
  send(T1, limit_order(1, Side::kSell, 106, 5));
  send(T1, limit_order(2, Side::kSell, 101, 5));
  // Arrival order: order 1 (at its limit, the path rises to 107) then 2 (opens above it).
  EXPECT_EQ(fills(bar(T2, 103, 107, 102, 104)), (Fills{{106, 5}, {103, 5}}));
}

TEST_F(BarsTest, StopBuyTriggersOnTheHighAndFillsAtTheGreaterOfOpenAndStopPlusSlippage) {
  with(BarFill::kNextOpen, 0, 2);
  bar(T1, 100, 104, 98, 102);
  send(T1, stop_order(1, Side::kBuy, 105, 5));
  EXPECT_TRUE(fills(bar(T2, 101, 104, 100, 103)).empty());     // high 104 < 105
  EXPECT_EQ(fills(bar(T3, 101, 106, 100, 103)), (Fills{{107, 5}}));  // 105 + 2
  send(T3, stop_order(2, Side::kBuy, 105, 5));
  EXPECT_EQ(fills(bar(T4, 108, 109, 107, 108)), (Fills{{110, 5}}));  // gap: open 108 + 2
}

TEST_F(BarsTest, StopSellTriggersOnTheLowAndFillsAtTheLesserOfOpenAndStopMinusSlippage) {
  with(BarFill::kNextOpen, 0, 1);
  bar(T1, 100, 104, 98, 102);
  send(T1, stop_order(1, Side::kSell, 97, 5));
  EXPECT_EQ(fills(bar(T2, 99, 100, 96, 97)), (Fills{{96, 5}}));
}

TEST_F(BarsTest, SlippageNeverAppliesToLimitFills) {
  with(BarFill::kNextOpen, 0, 3);
  bar(T1, 100, 104, 98, 102);
  send(T1, limit_order(1, Side::kBuy, 100, 5));
  send(T1, market_order(2, Side::kBuy, 5));
  EXPECT_EQ(fills(bar(T2, 101, 102, 99, 100)), (Fills{{100, 5}, {104, 5}}));
}

// Stop buy at 105, limit 103, on the same range (high 106, low 98..100) in both directions.
TEST_F(BarsTest, StopLimitOnAnUpBarTriggersOnTheWayUpAndMissesALimitBelow) {
  bar(T1, 100, 104, 98, 102);
  send(T1, stop_order(1, Side::kBuy, 105, 5, 103));
  // Up bar: open 100 -> low 98 -> high 106 -> close 104. Triggers at 105 after the low; the rest
  // of the path (105 -> 106 -> 104) never comes back to 103.
  EXPECT_TRUE(fills(bar(T2, 100, 106, 98, 104)).empty());
  // Triggered: from now on a limit buy at 103.
  EXPECT_EQ(fills(bar(T3, 104, 105, 102, 104)), (Fills{{103, 5}}));
}

TEST_F(BarsTest, StopLimitOnADownBarTriggersFirstAndFillsOnTheWayDown) {
  bar(T1, 100, 104, 98, 102);
  send(T1, stop_order(1, Side::kBuy, 105, 5, 103));
  // Down bar: open 104 -> high 106 -> low 100 -> close 101. Triggers at 105, then falls to 103.
  const auto down = bar(T2, 104, 106, 100, 101);
  EXPECT_EQ(fills(down), (Fills{{103, 5}}));
  EXPECT_TRUE(venue_->maker_fill(events_of<Fill>(down).front()));
}

TEST_F(BarsTest, StopLimitGappingThroughTheStopFillsAtTheOpenIfWithinTheLimit) {
  bar(T1, 100, 104, 98, 102);
  send(T1, stop_order(1, Side::kBuy, 105, 5, 108));
  EXPECT_EQ(fills(bar(T2, 107, 109, 106, 108)), (Fills{{107, 5}}));
}

TEST_F(BarsTest, VolumeCapFillsAShareOfEachBarAndTheRemainderKeepsWorking) {
  with(BarFill::kNextOpen, 100'000);  // 10% of each bar's volume
  bar(T1, 100, 104, 98, 102);
  send(T1, market_order(1, Side::kBuy, 5));
  EXPECT_EQ(fills(bar(T2, 101, 102, 100, 101, 29)), (Fills{{101, 2}}));  // floor(2.9)
  EXPECT_EQ(fills(bar(T3, 103, 104, 102, 103, 20)), (Fills{{103, 2}}));
  EXPECT_TRUE(fills(bar(T4, 103, 104, 102, 103, 9)).empty());  // floor(0.9) = 0
  EXPECT_EQ(fills(bar(T4 + kMinute, 104, 104, 104, 104, 100)), (Fills{{104, 1}}));
  EXPECT_EQ(venue_->working(), 0u);
}

TEST_F(BarsTest, IocWorksAgainstOneBarOnlyThenCancelsTheRest) {
  with(BarFill::kNextOpen, 100'000);
  bar(T1, 100, 104, 98, 102);
  send(T1, market_order(1, Side::kBuy, 5, TimeInForce::kIoc));
  send(T1, limit_order(2, Side::kBuy, 90, 5, TimeInForce::kIoc));
  const auto next = bar(T2, 101, 102, 100, 101, 30);
  EXPECT_EQ(fills(next), (Fills{{101, 3}}));
  EXPECT_EQ(cancels(next), (std::vector<CancelReason>{CancelReason::kIocRemainder,
                                                      CancelReason::kNoLiquidity}));
}

TEST_F(BarsTest, FokFillsWholeInTheNextBarOrIsCancelledWhole) {
  with(BarFill::kNextOpen, 100'000);
  bar(T1, 100, 104, 98, 102);
  send(T1, market_order(1, Side::kBuy, 5, TimeInForce::kFok));
  send(T1, market_order(2, Side::kBuy, 3, TimeInForce::kFok));
  const auto next = bar(T2, 101, 102, 100, 101, 30);  // cap 3
  EXPECT_EQ(fills(next), (Fills{{101, 3}}));
  EXPECT_EQ(cancels(next), (std::vector<CancelReason>{CancelReason::kFokUnfilled}));
  EXPECT_EQ(events_of<OrderCancelled>(next).front().qty, Qty(5));
}

TEST_F(BarsTest, GtdExpiresBeforeTheFirstBarStampedAtOrAfterItsExpiry) {
  bar(T1, 100, 104, 98, 102);
  OrderIntent a = limit_order(1, Side::kBuy, 100, 5, TimeInForce::kGtd);
  a.expire = Timestamp(T2 + 1);  // still good at the bar stamped T2
  OrderIntent b = limit_order(2, Side::kBuy, 99, 5, TimeInForce::kGtd);
  b.expire = Timestamp(T2);      // no longer good at T2
  send(T1, a);
  send(T1, b);
  at(T2 - 1);
  EXPECT_TRUE(drain().empty());
  at(T2);
  const auto expired = drain();  // advance_time(T2) before the bar is worked
  ASSERT_EQ(events_of<OrderCancelled>(expired).size(), 1u);
  EXPECT_EQ(events_of<OrderCancelled>(expired).front().id, OrderId(2));
  EXPECT_EQ(events_of<OrderCancelled>(expired).front().reason, CancelReason::kExpired);
  venue_->on_market(BarIn{InstrumentId(0), Price(101), Price(102), Price(98), Price(99), Qty(100),
                          kMinute});
  EXPECT_EQ(fills(drain()), (Fills{{100, 5}}));
}

TEST_F(BarsTest, DayOrderExpiresAtTheNextUtcMidnight) {
  constexpr int64_t kDay = 86'400'000'000'000;
  bar(kDay + T1, 100, 104, 98, 102);
  send(kDay + T1, limit_order(1, Side::kBuy, 90, 5, TimeInForce::kDay));
  EXPECT_TRUE(cancels(bar(2 * kDay - 1, 100, 104, 98, 102)).empty());
  EXPECT_EQ(cancels(bar(2 * kDay, 100, 104, 98, 102)),
            (std::vector<CancelReason>{CancelReason::kExpired}));
}

TEST_F(BarsTest, GtdWhoseExpiryIsNotAfterArrivalIsRejected) {
  OrderIntent a = limit_order(1, Side::kBuy, 100, 5, TimeInForce::kGtd);
  a.expire = Timestamp(T1);
  EXPECT_EQ(rejected(send(T1, a)), RejectReason::kInvalidExpiry);
}

TEST_F(BarsTest, PostOnlyThatWouldTakeAtTheLastCloseIsRejected) {
  bar(T1, 100, 104, 98, 102);
  OrderIntent a = limit_order(1, Side::kBuy, 102, 5);
  a.post_only = true;
  EXPECT_EQ(rejected(send(T1, a)), RejectReason::kWouldTake);
  a.price = Price(101);
  EXPECT_EQ(rejected(send(T1, a)), RejectReason::kNone);
}

TEST_F(BarsTest, ReplaceMovesTheLimitForTheNextBarAndCancelEndsIt) {
  bar(T1, 100, 104, 98, 102);
  send(T1, limit_order(1, Side::kBuy, 95, 5));
  const auto r = replace(T1, 1, 99, 3);
  ASSERT_EQ(events_of<OrderReplaced>(r).size(), 1u);
  EXPECT_FALSE(events_of<OrderReplaced>(r).front().priority_kept);
  EXPECT_EQ(fills(bar(T2, 101, 102, 98, 100)), (Fills{{99, 3}}));
  send(T2, limit_order(2, Side::kBuy, 90, 5));
  EXPECT_EQ(cancels(cancel(T2, 2)), (std::vector<CancelReason>{CancelReason::kUser}));
  EXPECT_EQ(rejected(cancel(T2, 2)), RejectReason::kUnknownOrderId);
}

TEST_F(BarsTest, HaltedVenueRejectsNewOrdersAndDoesNotWorkOrders) {
  bar(T1, 100, 104, 98, 102);
  send(T1, limit_order(1, Side::kBuy, 101, 5));
  venue_->on(ControlIn{ControlKind::kHalt, InstrumentId(0)});
  EXPECT_EQ(rejected(send(T1, limit_order(2, Side::kBuy, 101, 5))), RejectReason::kHalted);
  EXPECT_TRUE(fills(bar(T2, 101, 102, 98, 100)).empty());
  venue_->on(ControlIn{ControlKind::kResume, InstrumentId(0)});
  EXPECT_EQ(fills(bar(T3, 101, 102, 98, 100)), (Fills{{101, 5}}));
}

TEST_F(BarsTest, KillSwitchCancelsWorkingOrdersInArrivalOrder) {
  send(T1, limit_order(1, Side::kBuy, 90, 5));
  send(T1, limit_order(2, Side::kSell, 110, 5));
  venue_->on(ControlIn{ControlKind::kKillSwitchOn, InstrumentId(0)});
  const auto out = drain();
  ASSERT_EQ(events_of<OrderCancelled>(out).size(), 2u);
  EXPECT_EQ(events_of<OrderCancelled>(out)[0].id, OrderId(1));
  EXPECT_EQ(events_of<OrderCancelled>(out)[1].reason, CancelReason::kKillSwitch);
  EXPECT_EQ(venue_->working(), 0u);
}

TEST_F(BarsTest, WorkingOrdersBeyondTheBoundAreRejectedBookFull) {
  CoreConfig c = venue_config(VenueModel::kBars);
  c.event_queue_capacity = 8;  // working_max = min(1024, 8 / 4) = 2
  make(c);
  EXPECT_EQ(venue_->working_max(), 2u);
  EXPECT_EQ(rejected(send(T1, limit_order(1, Side::kBuy, 90, 5))), RejectReason::kNone);
  EXPECT_EQ(rejected(send(T1, limit_order(2, Side::kBuy, 90, 5))), RejectReason::kNone);
  EXPECT_EQ(rejected(send(T1, limit_order(3, Side::kBuy, 90, 5))), RejectReason::kBookFull);
  cancel(T1, 1);
  EXPECT_EQ(rejected(send(T1, limit_order(3, Side::kBuy, 90, 5))), RejectReason::kNone);
}

TEST_F(BarsTest, InvalidOrdersAreRejectedWithTheirReason) {
  EXPECT_EQ(rejected(send(T1, limit_order(1, Side::kBuy, 0, 5))), RejectReason::kInvalidPrice);
  EXPECT_EQ(rejected(send(T1, limit_order(1, Side::kBuy, 90, 0))), RejectReason::kInvalidQty);
  EXPECT_EQ(rejected(send(T1, stop_order(1, Side::kBuy, 0, 5))), RejectReason::kInvalidStopPrice);
  OrderIntent po = market_order(1, Side::kBuy, 5);
  po.post_only = true;
  EXPECT_EQ(rejected(send(T1, po)), RejectReason::kInvalidOrderType);
  send(T1, limit_order(1, Side::kBuy, 90, 5));
  EXPECT_EQ(rejected(send(T1, limit_order(1, Side::kBuy, 90, 5))),
            RejectReason::kDuplicateOrderId);
}

TEST_F(BarsTest, StateRestoresToTheSameBytesAndTheSameFills) {
  with(BarFill::kNextOpen, 100'000);
  bar(T1, 100, 104, 98, 102);
  send(T1, market_order(1, Side::kBuy, 5));
  send(T1, stop_order(2, Side::kBuy, 105, 5, 103));
  bar(T2, 100, 106, 98, 104, 20);  // 1 partly filled, 2 triggered
  const std::string bytes = state();
  DataVenue copy(config_, clock_, queue_);
  StateReader r(bytes);
  ASSERT_TRUE(copy.restore_state(r).is_ok());
  ASSERT_TRUE(r.at_end());
  StateHasher again;
  copy.hash_state(again);
  EXPECT_EQ(again.bytes(), bytes);
  EXPECT_EQ(copy.working(), 2u);
  // Both continue alike.
  const auto a = bar(T3, 104, 105, 102, 104, 100);
  at(T3);
  copy.on_market(BarIn{InstrumentId(0), Price(104), Price(105), Price(102), Price(104), Qty(100),
                       kMinute});
  EXPECT_EQ(fills(drain()), fills(a));
}

TEST_F(BarsTest, BookModelVenueDoesNothingAndHoldsNoState) {
  make(venue_config(VenueModel::kBook));
  EXPECT_FALSE(venue_->active());
  EXPECT_TRUE(send(T1, limit_order(1, Side::kBuy, 90, 5)).empty());
  EXPECT_TRUE(bar(T2, 100, 104, 80, 102).empty());
  EXPECT_EQ(venue_->working(), 0u);
}

}  // namespace
}  // namespace tape
