// Stop and stop-limit orders on the L3 venue (core/l3_venue.h, docs/l3_venue.md "Stops"): they
// wait outside the book and trigger on a data print (an execution) at or through the stop price,
// as on the bar and quote venues; a print exactly at the stop triggers, one tick short does not.
#include <gtest/gtest.h>

#include "tests/unit/l3_venue_fixture.h"

namespace tape {
namespace {

using testing_util::events_of;
using testing_util::fills;
using testing_util::limit_order;
using testing_util::stop_order;

// The data stay a consistent level-1 file: a print at a price is at the best of its side.
TEST_F(L3VenueTest, L3StopBuyTriggersOnAPrintAtItsStopNotOneTickShort) {
  add(1, Side::kSell, kA, 10);
  add(2, Side::kSell, kA + 1, 10);
  auto ev = send(stop_order(7, Side::kBuy, kA + 1, 5));
  ASSERT_EQ(events_of<OrderAccepted>(ev).size(), 1u);
  EXPECT_TRUE(fills(ev).empty());
  EXPECT_TRUE(venue_->is_resting(OrderId(7)));
  EXPECT_TRUE(fills(exec(1, Side::kSell, kA, 1)).empty()) << "a print one tick short";
  EXPECT_TRUE(fills(exec(1, Side::kSell, kA, 9)).empty()) << "the ask moves up to the stop";
  EXPECT_TRUE(venue_->is_resting(OrderId(7))) << "a quote at the stop does not trigger";
  // A print exactly at the stop: a market buy of 5 walks the book (9 left at kA + 1).
  ev = exec(2, Side::kSell, kA + 1, 1);
  ASSERT_EQ(fills(ev), (std::vector<std::pair<int64_t, int64_t>>{{kA + 1, 5}}));
  const Fill f = events_of<Fill>(ev)[0];
  EXPECT_EQ(f.taker, OrderId(7));
  EXPECT_EQ(f.aggressor, Side::kBuy);
  EXPECT_FALSE(venue_->is_resting(OrderId(7)));
  EXPECT_EQ(venue_->working(), 0u);
}

TEST_F(L3VenueTest, L3StopSellTriggersOnAPrintThroughItAndCancelsTheUnfilledRest) {
  add(1, Side::kBuy, kP, 3);
  add(2, Side::kBuy, kP - 2, 10);
  send(stop_order(7, Side::kSell, kP - 1, 20));
  EXPECT_TRUE(fills(exec(1, Side::kBuy, kP, 3)).empty()) << "kP is above the sell stop";
  // Through the stop (kP - 2 < kP - 1): a market sell takes the 9 lots left at kP - 2; the
  // rest is cancelled as a market order's.
  const auto ev = exec(2, Side::kBuy, kP - 2, 1);
  EXPECT_EQ(fills(ev), (std::vector<std::pair<int64_t, int64_t>>{{kP - 2, 9}}));
  ASSERT_EQ(events_of<OrderCancelled>(ev).size(), 1u);
  EXPECT_EQ(events_of<OrderCancelled>(ev)[0].reason, CancelReason::kIocRemainder);
  EXPECT_EQ(events_of<OrderCancelled>(ev)[0].qty, Qty(11));
}

// Stop kA + 1, limit kA + 2: not triggered one tick short; triggered at the stop, it takes what
// is marketable up to its limit and joins the back of its level with the rest.
TEST_F(L3VenueTest, L3StopLimitTriggersThenTakesToItsLimitAndJoinsTheQueue) {
  make(0, {}, /*level1=*/false);  // a full-depth book: every level the adds made stays known
  add(1, Side::kSell, kA, 4);
  add(2, Side::kSell, kA + 1, 10);
  add(3, Side::kSell, kA + 3, 10);
  send(stop_order(7, Side::kBuy, kA + 1, 15, kA + 2));
  EXPECT_TRUE(fills(exec(1, Side::kSell, kA, 1)).empty()) << "kA is one tick short of kA + 1";
  EXPECT_TRUE(fills(exec(1, Side::kSell, kA, 3)).empty());
  EXPECT_TRUE(venue_->is_resting(OrderId(7)));
  EXPECT_FALSE(book().is_strategy_resting(OrderId(7), Qty(15))) << "it waits outside the book";
  const auto ev = exec(2, Side::kSell, kA + 1, 1);
  EXPECT_EQ(fills(ev), (std::vector<std::pair<int64_t, int64_t>>{{kA + 1, 9}}));
  EXPECT_TRUE(events_of<OrderCancelled>(ev).empty());
  EXPECT_TRUE(venue_->is_resting(OrderId(7)));
  EXPECT_TRUE(book().is_strategy_resting(OrderId(7), Qty(6)));
}

TEST_F(L3VenueTest, L3WaitingStopsCancelReplaceExpireAndRoundTripTheirState) {
  add(1, Side::kSell, kA, 10);
  send(stop_order(7, Side::kBuy, kA + 5, 5));
  send(stop_order(8, Side::kSell, kP, 5, kP - 1));
  // A replace of a waiting stop moves its stop (kStop) or its limit (kStopLimit).
  OrderIntent rep = limit_order(7, Side::kBuy, kA, 4);
  rep.kind = IntentKind::kReplace;
  auto ev = send(rep);
  ASSERT_EQ(events_of<OrderReplaced>(ev).size(), 1u);
  const std::string bytes = state();
  SimClock clock;
  EventQueue queue{4096};
  L3Venue other(config_, clock, queue);
  StateReader r(bytes);
  ASSERT_TRUE(other.restore_state(r).is_ok()) << r.status().message();
  StateHasher h;
  other.hash_state(h);
  EXPECT_EQ(h.bytes(), bytes);
  EXPECT_TRUE(other.is_resting(OrderId(8)));
  EXPECT_EQ(other.working(), 2u);
  // Order 7 now stops at kA: a print there fills 4.
  EXPECT_EQ(fills(exec(1, Side::kSell, kA, 1)),
            (std::vector<std::pair<int64_t, int64_t>>{{kA, 4}}));
  OrderIntent cancel = limit_order(8, Side::kSell, 0, 0);
  cancel.kind = IntentKind::kCancel;
  ev = send(cancel);
  ASSERT_EQ(events_of<OrderCancelled>(ev).size(), 1u);
  EXPECT_EQ(events_of<OrderCancelled>(ev)[0].reason, CancelReason::kUser);
  EXPECT_EQ(venue_->working(), 0u);
  // Refused: a stop price outside the price domain.
  ev = send(stop_order(9, Side::kBuy, 0, 1, kA));
  ASSERT_EQ(events_of<OrderRejected>(ev).size(), 1u);
  EXPECT_EQ(events_of<OrderRejected>(ev)[0].reason, RejectReason::kInvalidStopPrice);
}

}  // namespace
}  // namespace tape
