// The L3 venue's queue rules (core/l3_book.h, core/l3_venue.h), each on a few hand-written
// messages: strategy orders join the back of the real FIFO queue, data executions consume it
// front first, marketable orders walk the rebuilt book, data messages apply as recorded, feed
// latency holds what strategies see, and the state round-trips.
#include <gtest/gtest.h>

#include <memory>

#include "core/bus.h"
#include "tests/unit/l3_venue_fixture.h"

namespace tape {
namespace {

using testing_util::events_of;
using testing_util::fills;
using testing_util::limit_order;
using testing_util::market_order;

TEST_F(L3VenueTest, L3QueueFillsFrontFirst) {
  add(1, Side::kBuy, kP, 100);
  send(limit_order(7, Side::kBuy, kP, 10));  // behind order 1
  add(2, Side::kBuy, kP, 50);                // behind the strategy
  EXPECT_TRUE(fills(exec(1, Side::kBuy, kP, 100)).empty()) << "order 1 was ahead";
  const auto ev = exec(2, Side::kBuy, kP, 30);
  ASSERT_EQ(fills(ev), (std::vector<std::pair<int64_t, int64_t>>{{kP, 10}}));
  const Fill f = events_of<Fill>(ev)[0];
  EXPECT_EQ(f.maker, OrderId(7));
  EXPECT_EQ(f.aggressor, Side::kSell);
  EXPECT_EQ(f.maker_leaves, Qty(0));
  // Applied as recorded: order 2 lost 30 of its 50 lots, whatever the strategy took.
  EXPECT_EQ(book().top().bid_qty, Qty(20));
  EXPECT_EQ(book().counters().absorbed_executions, 1u);
  EXPECT_EQ(book().counters().absorbed_lots, 10u);
}

TEST_F(L3VenueTest, L3ExecutionLargerThanTheStrategyOrderFillsItWholeAndNoMore) {
  add(1, Side::kBuy, kP, 100);
  send(limit_order(7, Side::kBuy, kP, 10));
  send(limit_order(8, Side::kBuy, kP, 20));
  add(2, Side::kBuy, kP, 50);
  exec(1, Side::kBuy, kP, 100);
  // 15 lots against the queue front: order 7 (10), then 5 of order 8.
  const auto ev = exec(2, Side::kBuy, kP, 15);
  EXPECT_EQ(fills(ev), (std::vector<std::pair<int64_t, int64_t>>{{kP, 10}, {kP, 5}}));
  EXPECT_EQ(events_of<Fill>(ev)[1].maker_leaves, Qty(15));
  EXPECT_TRUE(venue_->is_resting(OrderId(8)));
  EXPECT_FALSE(venue_->is_resting(OrderId(7)));
}

TEST_F(L3VenueTest, L3UnknownOrderExecutionFillsOnlyBetterPricedStrategyOrders) {
  BookSeed seed;
  seed.present = true;
  seed.has_bid = true, seed.bid = Price(kP), seed.bid_qty = Qty(500);
  seed.has_ask = true, seed.ask = Price(kA), seed.ask_qty = Qty(500);
  // The seed is the row after the first message: a delete of 100 at the ask.
  make(0, seed);
  msg(ts_ += 10, BookAction::kDelete, 99, Side::kSell, kA, 100);
  EXPECT_EQ(book().top().ask_qty, Qty(500));
  EXPECT_TRUE(book().determined(Side::kBuy));
  send(limit_order(7, Side::kBuy, kP, 10));      // behind the 500 unknown lots
  send(limit_order(8, Side::kBuy, kP + 1, 10));  // alone at a better price
  const auto ev = exec(55, Side::kBuy, kP, 200);  // an id never added: in the unknown remainder
  EXPECT_EQ(fills(ev), (std::vector<std::pair<int64_t, int64_t>>{{kP + 1, 10}}));
  EXPECT_EQ(book().top().bid, Price(kP)) << "strategy orders are not the data's book";
  EXPECT_EQ(book().top().bid_qty, Qty(300));
  EXPECT_EQ(book().counters().unknown_execute, 1u);
}

TEST_F(L3VenueTest, L3UnknownMessagesBeyondTheRemainderAreCountedNotFailed) {
  msg(ts_ += 10, BookAction::kDelete, 5, Side::kBuy, kP, 40);
  msg(ts_ += 10, BookAction::kReduce, 6, Side::kSell, kA, 10);
  EXPECT_EQ(book().counters().unknown_delete, 1u);
  EXPECT_EQ(book().counters().unknown_reduce, 1u);
  EXPECT_EQ(book().counters().unknown_excess_lots, 50u);
  EXPECT_FALSE(book().top().has_bid);
}

TEST_F(L3VenueTest, L3HiddenExecutionFillsStrategyOrdersAtOrBetterThanItsPrice) {
  add(1, Side::kBuy, kP, 100);
  send(limit_order(7, Side::kBuy, kP + 5, 10));
  send(limit_order(8, Side::kBuy, kP + 2, 10));
  const auto ev = msg(ts_ += 10, BookAction::kHiddenExecute, 0, Side::kBuy, kP + 5, 15);
  // Displayed before hidden at one price: order 7 (at kP+5) fills; order 8 is worse.
  EXPECT_EQ(fills(ev), (std::vector<std::pair<int64_t, int64_t>>{{kP + 5, 10}}));
  EXPECT_EQ(events_of<TradeIn>(ev).size(), 1u) << "a hidden execution is a print";
}

TEST_F(L3VenueTest, L3DataAddCrossingAStrategyOrderFillsItAndStillRests) {
  add(1, Side::kSell, kA, 100);
  add(2, Side::kBuy, kP, 100);
  send(limit_order(7, Side::kSell, kP + 50, 30));  // inside the spread
  const auto ev = add(3, Side::kBuy, kP + 60, 20);  // would have traded it
  EXPECT_EQ(fills(ev), (std::vector<std::pair<int64_t, int64_t>>{{kP + 50, 20}}));
  EXPECT_EQ(book().top().bid, Price(kP + 60)) << "the add rests as recorded";
  EXPECT_EQ(book().counters().crossing_adds, 1u);
}

TEST_F(L3VenueTest, L3MarketOrderWalksTheBookAndDoesNotTakeTheSameLotsTwice) {
  // Two ask levels: deeper than a level-1 file shows, so without the level-1 inference (which
  // would take the add behind the best as proof that the best is gone).
  make(0, {}, /*level1=*/false);
  add(1, Side::kSell, kA, 10);
  add(2, Side::kSell, kA + 1, 20);
  auto ev = send(market_order(7, Side::kBuy, 25, TimeInForce::kIoc));
  EXPECT_EQ(fills(ev), (std::vector<std::pair<int64_t, int64_t>>{{kA, 10}, {kA + 1, 15}}));
  EXPECT_EQ(events_of<Fill>(ev)[0].taker, OrderId(7));
  ev = send(market_order(8, Side::kBuy, 10, TimeInForce::kIoc));
  EXPECT_EQ(fills(ev), (std::vector<std::pair<int64_t, int64_t>>{{kA + 1, 5}}));
  ASSERT_EQ(events_of<OrderCancelled>(ev).size(), 1u);
  EXPECT_EQ(events_of<OrderCancelled>(ev)[0].reason, CancelReason::kIocRemainder);
  // The data's own execution of order 2 removes what the strategy was assumed to take first.
  exec(2, Side::kSell, kA + 1, 20);
  add(3, Side::kSell, kA + 1, 10);
  ev = send(market_order(9, Side::kBuy, 10, TimeInForce::kIoc));
  EXPECT_EQ(fills(ev), (std::vector<std::pair<int64_t, int64_t>>{{kA + 1, 10}}));
}

TEST_F(L3VenueTest, L3LimitOrderTakesWhatIsMarketableThenJoinsTheBack) {
  add(1, Side::kSell, kA, 10);
  add(2, Side::kBuy, kA, 5);  // crosses the ask: not level-1 data, but applied as recorded
  const auto ev = send(limit_order(7, Side::kBuy, kA, 15));
  EXPECT_EQ(fills(ev), (std::vector<std::pair<int64_t, int64_t>>{{kA, 10}}));
  EXPECT_TRUE(venue_->is_resting(OrderId(7)));
  // It rests behind order 2 at kA: order 2's execution does not fill it, a later one's does.
  EXPECT_TRUE(fills(exec(2, Side::kBuy, kA, 5)).empty());
  add(3, Side::kBuy, kA, 5);
  EXPECT_EQ(fills(exec(3, Side::kBuy, kA, 5)), (std::vector<std::pair<int64_t, int64_t>>{{kA, 5}}));
}

TEST_F(L3VenueTest, L3FokAndPostOnlyAndStopsAreAnsweredByTheirRules) {
  add(1, Side::kSell, kA, 10);
  auto ev = send(limit_order(7, Side::kBuy, kA, 11, TimeInForce::kFok));
  ASSERT_EQ(events_of<OrderCancelled>(ev).size(), 1u);
  EXPECT_EQ(events_of<OrderCancelled>(ev)[0].reason, CancelReason::kFokUnfilled);
  EXPECT_TRUE(fills(ev).empty());
  OrderIntent po = limit_order(8, Side::kBuy, kA, 1);
  po.post_only = true;
  ev = send(po);
  ASSERT_EQ(events_of<OrderRejected>(ev).size(), 1u);
  EXPECT_EQ(events_of<OrderRejected>(ev)[0].reason, RejectReason::kWouldTake);
  ev = send(testing_util::stop_order(9, Side::kBuy, kA, 1));
  ASSERT_EQ(events_of<OrderAccepted>(ev).size(), 1u) << "a stop waits for its print";
  EXPECT_TRUE(fills(ev).empty());
}

TEST_F(L3VenueTest, L3TradingHaltRejectsOrdersUntilTradingResumes) {
  msg(ts_ += 10, BookAction::kHalt, 0, Side::kSell, 0, 0);
  auto ev = send(limit_order(7, Side::kBuy, kP, 1));
  ASSERT_EQ(events_of<OrderRejected>(ev).size(), 1u);
  EXPECT_EQ(events_of<OrderRejected>(ev)[0].reason, RejectReason::kHalted);
  msg(ts_ += 10, BookAction::kQuoteResume, 0, Side::kSell, 0, 0);
  EXPECT_TRUE(venue_->halted(InstrumentId(0)));
  msg(ts_ += 10, BookAction::kTradeResume, 0, Side::kSell, 0, 0);
  ev = send(limit_order(8, Side::kBuy, kP, 1));
  EXPECT_EQ(events_of<OrderAccepted>(ev).size(), 1u);
}

TEST_F(L3VenueTest, L3ReplaceKeepsTheQueuePlaceOnlyWhenShrinkingAtThePrice) {
  add(1, Side::kBuy, kP, 100);
  send(limit_order(7, Side::kBuy, kP, 10));
  add(2, Side::kBuy, kP, 50);
  OrderIntent r = limit_order(7, Side::kBuy, kP, 6);
  r.kind = IntentKind::kReplace;
  auto ev = send(r);
  ASSERT_EQ(events_of<OrderReplaced>(ev).size(), 1u);
  EXPECT_TRUE(events_of<OrderReplaced>(ev)[0].priority_kept);
  r.qty = Qty(8);  // growing: to the back, behind order 2
  ev = send(r);
  EXPECT_FALSE(events_of<OrderReplaced>(ev)[0].priority_kept);
  exec(1, Side::kBuy, kP, 100);
  EXPECT_TRUE(fills(exec(2, Side::kBuy, kP, 50)).empty()) << "now behind order 2";
}

TEST_F(L3VenueTest, L3FeedLatencyHoldsTheTopUntilItIsDue) {
  make(/*feed_ns=*/500);
  const auto ev = msg(1'000, BookAction::kAdd, 1, Side::kBuy, kP, 100);
  EXPECT_TRUE(events_of<BookChanged>(ev).empty());
  EXPECT_FALSE(venue_->top(InstrumentId(0)).has_bid) << "not seen yet";
  EXPECT_TRUE(venue_->has_due(Timestamp(1'500)));
  EXPECT_FALSE(venue_->has_due(Timestamp(1'499)));
  venue_->deliver_due(Timestamp(1'500));
  EXPECT_EQ(events_of<BookChanged>(drain()).size(), 1u);
  EXPECT_EQ(venue_->top(InstrumentId(0)).bid_qty, Qty(100));
}

TEST_F(L3VenueTest, L3StateRoundTripsThroughRestore) {
  make(/*feed_ns=*/500);
  add(1, Side::kBuy, kP, 100);
  send(limit_order(7, Side::kBuy, kP, 10));
  add(2, Side::kSell, kA, 40);
  msg(ts_ += 10, BookAction::kDelete, 77, Side::kBuy, kP - 3, 5);
  const std::string bytes = state();
  SimClock clock;
  EventQueue queue{4096};
  L3Venue other(config_, clock, queue);
  StateReader r(bytes);
  ASSERT_TRUE(other.restore_state(r).is_ok());
  StateHasher h;
  other.hash_state(h);
  EXPECT_EQ(h.bytes(), bytes);
  EXPECT_TRUE(other.is_resting(OrderId(7)));
  // A damaged copy is refused, not crashed on.
  std::string bad = bytes;
  bad.resize(bad.size() - 3);
  L3Venue third(config_, clock, queue);
  StateReader r2(bad);
  EXPECT_FALSE(third.restore_state(r2).is_ok());
}

// What a subscriber hears of the held feed, with the top the venue answered at each change; it
// publishes one event per change so the order of caused events is part of what is compared.
struct FeedListener {
  explicit FeedListener(const L3Venue* venue, EventQueue* queue) : venue(venue), queue(queue) {}
  void on(const BookChanged& c) {
    const TopOfBook t = venue->top(c.instrument);
    heard.push_back("change bid " + std::to_string(t.bid.value()) + "x" +
                    std::to_string(t.bid_qty.value()) + " ask " + std::to_string(t.ask.value()) +
                    "x" + std::to_string(t.ask_qty.value()));
    queue->publish(HeartbeatIn{});
  }
  void on(const TradeIn& t) {
    heard.push_back("print " + std::to_string(t.price.value()) + "x" +
                    std::to_string(t.qty.value()) + " " +
                    std::to_string(static_cast<int>(t.aggressor)));
  }
  void on(const HeartbeatIn&) { heard.push_back("caused"); }
  const L3Venue* venue;
  EventQueue* queue;
  std::vector<std::string> heard;
};

TEST_F(L3VenueTest, L3FeedDeliveredThroughTheBusEqualsPublishingAndDraining) {
  // Several changes and prints due at one instant, then one alone: delivering them at once
  // (Bus::dispatch) must give every handler the sequence publishing them and draining gives,
  // with the top each change reads (the last one published at that instant).
  make(/*feed_ns=*/500);
  auto run = [&](bool direct) {
    SimClock clock;
    EventQueue queue{4096};
    L3Venue venue(config_, clock, queue);
    FeedListener listener(&venue, &queue);
    Bus<FeedListener> bus(queue, listener);
    uint64_t seq = 0;
    auto message = [&](int64_t ts, BookAction a, uint64_t id, Side side, int64_t p, int64_t q) {
      clock.advance(Seq(++seq), Timestamp(ts));
      venue.on_market(BookMessageIn{InstrumentId(0), a, id, side, Price(p), Qty(q)});
      queue.clear();  // fills of no one: the test is about the held feed
    };
    message(1'000, BookAction::kAdd, 1, Side::kBuy, kP, 100);
    message(1'000, BookAction::kAdd, 2, Side::kSell, kA, 50);
    message(1'000, BookAction::kExecute, 1, Side::kBuy, kP, 30);
    message(1'000, BookAction::kHiddenExecute, 0, Side::kSell, kA, 7);
    message(1'200, BookAction::kAdd, 3, Side::kBuy, kP + 1, 20);
    for (const int64_t t : {1'500, 1'700}) {
      clock.advance(Seq(seq), Timestamp(t));
      if (direct) {
        venue.deliver_due(Timestamp(t), bus);
      } else {
        venue.deliver_due(Timestamp(t));
      }
      bus.drain();
      listener.heard.push_back("--");
    }
    StateHasher h;
    venue.hash_state(h);
    listener.heard.push_back(h.hex());
    return listener.heard;
  };
  const std::vector<std::string> queued = run(false);
  const std::vector<std::string> direct = run(true);
  // 1500: 3 changes, 2 prints, 3 caused; 1700: 1 change, 1 caused; 2 separators; the state.
  ASSERT_EQ(queued.size(), 13u);
  EXPECT_EQ(direct, queued);
  EXPECT_EQ(queued[0], "change bid 10000x70 ask 10100x50") << "the last change of the instant";
}

}  // namespace
}  // namespace tape
