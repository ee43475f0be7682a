// The data venue's quote (L1) model (core/data_venue.h, "Quotes"): marketable orders take the
// displayed size, resting orders wait for the displayed queue ahead of them to trade.
#include "data_venue_fixture.h"

namespace tape {
namespace {

using namespace testing_util;

constexpr int64_t kMs = 1'000'000;

class QuotesTest : public VenueTest {
 protected:
  void SetUp() override { make(venue_config(VenueModel::kQuotes)); }
};

TEST_F(QuotesTest, MarketOrderTakesTheDisplayedSizeAtTheQuoteAndCancelsTheRest) {
  quote(1 * kMs, 99, 5, 101, 3);
  const auto out = send(2 * kMs, market_order(1, Side::kBuy, 5));
  EXPECT_EQ(fills(out), (Fills{{101, 3}}));
  EXPECT_FALSE(venue_->maker_fill(events_of<Fill>(out).front()));
  EXPECT_EQ(cancels(out), (std::vector<CancelReason>{CancelReason::kIocRemainder}));
  // The displayed size is taken until the next quote shows it again.
  EXPECT_EQ(cancels(send(2 * kMs, market_order(2, Side::kBuy, 1))),
            (std::vector<CancelReason>{CancelReason::kNoLiquidity}));
  quote(3 * kMs, 99, 5, 101, 3);
  EXPECT_EQ(fills(send(3 * kMs, market_order(3, Side::kBuy, 1))), (Fills{{101, 1}}));
}

TEST_F(QuotesTest, MarketOrderWithoutAQuoteIsCancelledNoLiquidity) {
  EXPECT_EQ(cancels(send(1 * kMs, market_order(1, Side::kSell, 1))),
            (std::vector<CancelReason>{CancelReason::kNoLiquidity}));
}

TEST_F(QuotesTest, SlippageAppliesToMarketFillsAgainstTheQuote) {
  CoreConfig c = venue_config(VenueModel::kQuotes);
  c.venue.slippage_ticks = 2;
  make(c);
  quote(1 * kMs, 99, 5, 101, 3);
  EXPECT_EQ(fills(send(2 * kMs, market_order(1, Side::kSell, 2))), (Fills{{97, 2}}));
  EXPECT_EQ(fills(send(2 * kMs, limit_order(2, Side::kBuy, 101, 2))), (Fills{{101, 2}}));
}

TEST_F(QuotesTest, MarketableLimitTakesTheQuoteAndRestsTheRest) {
  quote(1 * kMs, 99, 5, 101, 3);
  const auto out = send(2 * kMs, limit_order(1, Side::kBuy, 102, 5));
  EXPECT_EQ(fills(out), (Fills{{101, 3}}));
  EXPECT_TRUE(cancels(out).empty());
  EXPECT_EQ(venue_->working(), 1u);
  // Resting above the best bid: nobody ahead. A print at its price fills it.
  const auto p = print(3 * kMs, 102, 1);
  EXPECT_EQ(fills(p), (Fills{{102, 1}}));
  EXPECT_TRUE(venue_->maker_fill(events_of<Fill>(p).front()));
}

TEST_F(QuotesTest, RestingOrderDoesNotFillUntilTheDisplayedQueueAheadHasTraded) {
  quote(1 * kMs, 100, 10, 101, 5);
  send(2 * kMs, limit_order(1, Side::kBuy, 100, 4));  // joins behind 10 lots
  EXPECT_TRUE(fills(print(3 * kMs, 100, 6)).empty());   // 4 ahead
  EXPECT_TRUE(fills(print(4 * kMs, 100, 3)).empty());   // 1 ahead
  EXPECT_EQ(fills(print(5 * kMs, 100, 3)), (Fills{{100, 2}}));  // 1 to the queue, 2 to us
  EXPECT_EQ(fills(print(6 * kMs, 100, 9)), (Fills{{100, 2}}));
  EXPECT_EQ(venue_->working(), 0u);
}

TEST_F(QuotesTest, QueueAheadShrinksToTheDisplayedSizeAtItsPrice) {
  quote(1 * kMs, 100, 10, 101, 5);
  send(2 * kMs, limit_order(1, Side::kBuy, 100, 4));
  quote(3 * kMs, 100, 3, 101, 5);  // 7 lots left the queue: assumed ahead of us
  EXPECT_EQ(fills(print(4 * kMs, 100, 5)), (Fills{{100, 2}}));
  quote(5 * kMs, 100, 8, 101, 5);  // the queue grew behind us: our estimate does not
  EXPECT_EQ(fills(print(6 * kMs, 100, 1)), (Fills{{100, 1}}));
}

TEST_F(QuotesTest, PrintThroughThePriceFillsAtThePriceWhateverTheQueue) {
  quote(1 * kMs, 100, 10, 101, 5);
  send(2 * kMs, limit_order(1, Side::kBuy, 100, 4));
  EXPECT_EQ(fills(print(3 * kMs, 99, 3)), (Fills{{100, 3}}));
  EXPECT_EQ(fills(print(4 * kMs, 100, 1)), (Fills{{100, 1}}));  // the queue is gone
}

TEST_F(QuotesTest, QuoteThroughThePriceFillsAtThePriceUpToItsSize) {
  quote(1 * kMs, 100, 10, 101, 5);
  send(2 * kMs, limit_order(1, Side::kBuy, 100, 4));
  const auto out = quote(3 * kMs, 98, 10, 99, 3);
  EXPECT_EQ(fills(out), (Fills{{100, 3}}));
  EXPECT_TRUE(venue_->maker_fill(events_of<Fill>(out).front()));
}

TEST_F(QuotesTest, OrderBehindTheBestHasAnUnknownQueueUntilItsPriceIsBest) {
  quote(1 * kMs, 100, 10, 101, 5);
  send(2 * kMs, limit_order(1, Side::kBuy, 98, 4));
  EXPECT_TRUE(fills(print(3 * kMs, 98, 50)).empty());  // queue unknown: assumed ahead
  quote(4 * kMs, 98, 7, 99, 5);                         // its price is best: 7 ahead
  EXPECT_TRUE(fills(print(5 * kMs, 98, 7)).empty());
  EXPECT_EQ(fills(print(6 * kMs, 98, 2)), (Fills{{98, 2}}));
}

TEST_F(QuotesTest, LevelLeavingTheBestClearsTheQueueAhead) {
  quote(1 * kMs, 100, 10, 102, 5);
  send(2 * kMs, limit_order(1, Side::kBuy, 100, 4));
  quote(3 * kMs, 99, 10, 102, 5);  // the bid at 100 is gone: nobody left ahead of us
  EXPECT_EQ(fills(print(4 * kMs, 100, 1)), (Fills{{100, 1}}));
}

TEST_F(QuotesTest, APrintIsSharedByTheWorkingOrdersInArrivalOrder) {
  quote(1 * kMs, 100, 2, 101, 5);
  send(2 * kMs, limit_order(1, Side::kBuy, 100, 3));
  send(2 * kMs, limit_order(2, Side::kBuy, 100, 3));
  // 2 lots to the queue of each; order 1 takes 3 of the remaining 4; order 2 gets 1.
  EXPECT_EQ(fills(print(3 * kMs, 100, 6)), (Fills{{100, 3}, {100, 1}}));
}

TEST_F(QuotesTest, PostOnlyThatWouldTakeIsRejectedAndOneThatRestsIsAccepted) {
  quote(1 * kMs, 99, 5, 101, 3);
  OrderIntent a = limit_order(1, Side::kBuy, 101, 5);
  a.post_only = true;
  EXPECT_EQ(rejected(send(2 * kMs, a)), RejectReason::kWouldTake);
  a.price = Price(100);
  const auto ok = send(2 * kMs, a);
  EXPECT_EQ(rejected(ok), RejectReason::kNone);
  EXPECT_TRUE(fills(ok).empty());
}

TEST_F(QuotesTest, FokNeedsTheWholeQtyDisplayed) {
  quote(1 * kMs, 99, 5, 101, 3);
  EXPECT_EQ(cancels(send(2 * kMs, market_order(1, Side::kBuy, 4, TimeInForce::kFok))),
            (std::vector<CancelReason>{CancelReason::kFokUnfilled}));
  EXPECT_EQ(fills(send(2 * kMs, limit_order(2, Side::kBuy, 101, 3, TimeInForce::kFok))),
            (Fills{{101, 3}}));
}

TEST_F(QuotesTest, IocLimitTakesWhatIsMarketableAndNeverRests) {
  quote(1 * kMs, 99, 5, 101, 3);
  const auto out = send(2 * kMs, limit_order(1, Side::kBuy, 100, 3, TimeInForce::kIoc));
  EXPECT_EQ(cancels(out), (std::vector<CancelReason>{CancelReason::kNoLiquidity}));
  EXPECT_EQ(venue_->working(), 0u);
}

TEST_F(QuotesTest, StopTriggersWhenTheAskReachesItAndTakesTheQuote) {
  quote(1 * kMs, 99, 5, 101, 3);
  send(2 * kMs, stop_order(1, Side::kBuy, 103, 2));
  EXPECT_TRUE(fills(quote(3 * kMs, 101, 5, 102, 3)).empty());
  EXPECT_EQ(fills(quote(4 * kMs, 102, 5, 103, 3)), (Fills{{103, 2}}));
}

TEST_F(QuotesTest, StopTriggeredByAPrintTakesTheCurrentQuote) {
  quote(1 * kMs, 99, 5, 101, 3);
  send(2 * kMs, stop_order(1, Side::kSell, 98, 2));
  EXPECT_EQ(fills(print(3 * kMs, 98, 1)), (Fills{{99, 2}}));
}

TEST_F(QuotesTest, StopLimitTriggersThenRestsAsALimitInTheQueue) {
  quote(1 * kMs, 99, 5, 101, 3);
  send(2 * kMs, stop_order(1, Side::kBuy, 102, 2, 101));
  // Ask 102 triggers it; the limit 101 is below that ask: it joins the bid side at 101 (better
  // than the best bid 100: nobody ahead).
  EXPECT_TRUE(fills(quote(3 * kMs, 100, 5, 102, 3)).empty());
  EXPECT_EQ(fills(print(4 * kMs, 101, 1)), (Fills{{101, 1}}));
}

TEST_F(QuotesTest, ReplaceKeepingPriorityKeepsTheQueueAndMovingLosesIt) {
  quote(1 * kMs, 100, 10, 101, 5);
  send(2 * kMs, limit_order(1, Side::kBuy, 100, 4));
  print(3 * kMs, 100, 8);  // 2 ahead now
  const auto kept = replace(4 * kMs, 1, 100, 3);
  EXPECT_TRUE(events_of<OrderReplaced>(kept).front().priority_kept);
  EXPECT_EQ(fills(print(5 * kMs, 100, 3)), (Fills{{100, 1}}));
  const auto moved = replace(6 * kMs, 1, 101, 2);  // marketable: takes the ask
  EXPECT_FALSE(events_of<OrderReplaced>(moved).front().priority_kept);
  EXPECT_EQ(fills(moved), (Fills{{101, 2}}));
}

TEST_F(QuotesTest, StateRestoresQueueEstimatesToTheSameBytes) {
  quote(1 * kMs, 100, 10, 101, 5);
  send(2 * kMs, limit_order(1, Side::kBuy, 100, 4));
  send(2 * kMs, market_order(2, Side::kBuy, 2));
  print(3 * kMs, 100, 6);
  const std::string bytes = state();
  DataVenue copy(config_, clock_, queue_);
  StateReader r(bytes);
  ASSERT_TRUE(copy.restore_state(r).is_ok());
  StateHasher again;
  copy.hash_state(again);
  EXPECT_EQ(again.bytes(), bytes);
  const auto a = print(4 * kMs, 100, 5);
  copy.on_market(TradeIn{InstrumentId(0), Price(100), Qty(5), Side::kSell});
  EXPECT_EQ(fills(drain()), fills(a));
  EXPECT_EQ(fills(a), (Fills{{100, 1}}));
}

}  // namespace
}  // namespace tape
