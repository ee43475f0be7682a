// Engine order flow: event order, price-time priority, order types and time in force, cancel and
// replace each publish exactly the documented events and leave the documented book.
#include "core/engine.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/engine_fixture.h"

namespace tape {
namespace {

using testing_util::all_of;
using testing_util::EngineTest;
using testing_util::kExt;
using testing_util::kinds;
using testing_util::only;
using testing_util::Strs;

// ---- Event order and priority ----

TEST_F(EngineTest, RestingOrderPublishesAcceptedThenBookChanged) {
  const auto ev = send(limit(1, Side::kBuy, 99, 10));
  EXPECT_EQ(kinds(ev), (Strs{"accepted", "book_changed"}));
  EXPECT_EQ(only<OrderAccepted>(ev).price, Price(99));
  EXPECT_TRUE(engine_->is_resting(OrderId(1)));
  EXPECT_EQ(engine_->top(InstrumentId(0)), (TopOfBook{true, false, Price(99), Qty(10), {}, {}}));
}

TEST_F(EngineTest, CrossingOrderPublishesAcceptedFillsThenBookChangedLast) {
  send(limit(1, Side::kSell, 101, 5));
  send(limit(2, Side::kSell, 102, 5));
  const auto ev = send(limit(3, Side::kBuy, 102, 8));
  EXPECT_EQ(kinds(ev), (Strs{"accepted", "fill", "fill", "book_changed"}));
  const auto fills = all_of<Fill>(ev);
  // Field by field: Fill has no operator== (events.h comments it out).
  EXPECT_EQ(fills[0].instrument, InstrumentId(0));
  EXPECT_EQ(fills[0].maker, OrderId(1));
  EXPECT_EQ(fills[0].maker_account, AccountId(kExt));
  EXPECT_EQ(fills[0].taker, OrderId(3));
  EXPECT_EQ(fills[0].taker_account, AccountId(kExt));
  EXPECT_EQ(fills[0].price, Price(101));
  EXPECT_EQ(fills[0].qty, Qty(5));
  EXPECT_EQ(fills[0].aggressor, Side::kBuy);
  EXPECT_EQ(fills[0].maker_leaves, Qty(0));
  EXPECT_EQ(fills[0].taker_leaves, Qty(3));
  EXPECT_EQ(fills[1].price, Price(102));  // maker's price, not the taker's limit
  EXPECT_EQ(fills[1].maker_leaves, Qty(2));
  EXPECT_EQ(fills[1].taker_leaves, Qty(0));
  EXPECT_FALSE(engine_->is_resting(OrderId(3)));
}

TEST_F(EngineTest, PriceTimePriorityBetterPriceFirstThenArrival) {
  send(limit(1, Side::kSell, 101, 1));
  send(limit(2, Side::kSell, 100, 1));
  send(limit(3, Side::kSell, 100, 1));
  send(limit(4, Side::kSell, 101, 1));
  const auto ev = send(limit(5, Side::kBuy, 101, 4));
  EXPECT_EQ(maker_ids(ev), (std::vector<uint64_t>{2, 3, 1, 4}));
}

TEST_F(EngineTest, BuySidePriorityHighestBidFirst) {
  send(limit(1, Side::kBuy, 98, 1));
  send(limit(2, Side::kBuy, 99, 1));
  send(limit(3, Side::kBuy, 99, 1));
  const auto ev = send(limit(4, Side::kSell, 98, 3));
  EXPECT_EQ(maker_ids(ev), (std::vector<uint64_t>{2, 3, 1}));
  EXPECT_EQ(all_of<Fill>(ev)[0].aggressor, Side::kSell);
}

TEST_F(EngineTest, PartialFillRestsTakerRemainderAtItsLimit) {
  send(limit(1, Side::kSell, 100, 4));
  const auto ev = send(limit(2, Side::kBuy, 101, 10));
  EXPECT_EQ(kinds(ev), (Strs{"accepted", "fill", "book_changed"}));
  const TopOfBook top = engine_->top(InstrumentId(0));
  EXPECT_TRUE(top.has_bid);
  EXPECT_FALSE(top.has_ask);
  EXPECT_EQ(top.bid, Price(101));
  EXPECT_EQ(top.bid_qty, Qty(6));
}

TEST_F(EngineTest, PartiallyFilledMakerKeepsItsPlace) {
  send(limit(1, Side::kSell, 100, 10));
  send(limit(2, Side::kSell, 100, 10));
  send(limit(3, Side::kBuy, 100, 4));
  const auto ev = send(limit(4, Side::kBuy, 100, 7));
  EXPECT_EQ(maker_ids(ev), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(all_of<Fill>(ev)[0].qty, Qty(6));
}

TEST_F(EngineTest, NonCrossingOrdersRestOnBothSides) {
  send(limit(1, Side::kBuy, 99, 3));
  const auto ev = send(limit(2, Side::kSell, 100, 4));
  EXPECT_EQ(kinds(ev), (Strs{"accepted", "book_changed"}));
  LevelView levels[4];
  ASSERT_EQ(engine_->depth(InstrumentId(0), Side::kSell, levels), 1u);
  EXPECT_EQ(levels[0], (LevelView{Price(100), Qty(4), 1}));
}

TEST_F(EngineTest, DepthListsLevelsBestFirstUpToSpanSize) {
  for (uint64_t i = 0; i < 6; ++i) send(limit(i + 1, Side::kBuy, 90 + 2 * i, 1 + i));
  send(limit(7, Side::kBuy, 100, 5));
  LevelView levels[3];
  ASSERT_EQ(engine_->depth(InstrumentId(0), Side::kBuy, levels), 3u);
  EXPECT_EQ(levels[0], (LevelView{Price(100), Qty(11), 2}));
  EXPECT_EQ(levels[1], (LevelView{Price(98), Qty(5), 1}));
  EXPECT_EQ(levels[2], (LevelView{Price(96), Qty(4), 1}));
  EXPECT_EQ(engine_->depth(InstrumentId(5), Side::kBuy, levels), 0u);
}

// ---- Time in force and order types ----

TEST_F(EngineTest, IocRemainderIsCancelledAfterFills) {
  send(limit(1, Side::kSell, 100, 4));
  const auto ev = send(limit(2, Side::kBuy, 100, 10, TimeInForce::kIoc));
  EXPECT_EQ(kinds(ev), (Strs{"accepted", "fill", "cancelled", "book_changed"}));
  const auto c = only<OrderCancelled>(ev);
  EXPECT_EQ(c.qty, Qty(6));
  EXPECT_EQ(c.reason, CancelReason::kIocRemainder);
  EXPECT_FALSE(engine_->is_resting(OrderId(2)));
  EXPECT_FALSE(engine_->top(InstrumentId(0)).has_bid);
}

TEST_F(EngineTest, IocThatFillsNothingIsNoLiquidityAndLeavesBookUnchanged) {
  send(limit(1, Side::kSell, 101, 4));
  const auto ev = send(limit(2, Side::kBuy, 100, 10, TimeInForce::kIoc));
  EXPECT_EQ(kinds(ev), (Strs{"accepted", "cancelled"}));
  EXPECT_EQ(only<OrderCancelled>(ev).reason, CancelReason::kNoLiquidity);
}

TEST_F(EngineTest, MarketOrderSweepsLevelsWhateverTheirPrice) {
  send(limit(1, Side::kSell, 100, 2));
  send(limit(2, Side::kSell, 150, 2));
  const auto ev = send(market(3, Side::kBuy, 3));
  EXPECT_EQ(kinds(ev), (Strs{"accepted", "fill", "fill", "book_changed"}));
  EXPECT_EQ(all_of<Fill>(ev)[1].price, Price(150));
}

TEST_F(EngineTest, MarketOrderOnEmptySideIsNoLiquidity) {
  send(limit(1, Side::kBuy, 100, 2));
  const auto ev = send(market(2, Side::kBuy, 3));
  EXPECT_EQ(kinds(ev), (Strs{"accepted", "cancelled"}));
  EXPECT_EQ(only<OrderCancelled>(ev).reason, CancelReason::kNoLiquidity);
}

TEST_F(EngineTest, MarketGtcBehavesAsIocAndNeverRests) {
  send(limit(1, Side::kSell, 100, 2));
  const auto ev = send(market(2, Side::kBuy, 5, TimeInForce::kGtc));
  EXPECT_EQ(kinds(ev), (Strs{"accepted", "fill", "cancelled", "book_changed"}));
  EXPECT_EQ(only<OrderCancelled>(ev).reason, CancelReason::kIocRemainder);
  EXPECT_FALSE(engine_->is_resting(OrderId(2)));
}

TEST_F(EngineTest, FokFillsCompletelyAcrossLevels) {
  send(limit(1, Side::kSell, 100, 2));
  send(limit(2, Side::kSell, 101, 2));
  send(limit(3, Side::kSell, 102, 2));
  const auto ev = send(limit(4, Side::kBuy, 102, 5, TimeInForce::kFok));
  EXPECT_EQ(kinds(ev), (Strs{"accepted", "fill", "fill", "fill", "book_changed"}));
  EXPECT_EQ(all_of<Fill>(ev)[2].taker_leaves, Qty(0));
}

TEST_F(EngineTest, FokThatCannotFillMakesNoFillAndLeavesBookUnchanged) {
  send(limit(1, Side::kSell, 100, 2));
  send(limit(2, Side::kSell, 101, 2));
  StateHasher before;
  engine_->hash_state(before);
  const auto ev = send(limit(3, Side::kBuy, 101, 5, TimeInForce::kFok));
  EXPECT_EQ(kinds(ev), (Strs{"accepted", "cancelled"}));
  const auto c = only<OrderCancelled>(ev);
  EXPECT_EQ(c.reason, CancelReason::kFokUnfilled);
  EXPECT_EQ(c.qty, Qty(5));
  StateHasher after;
  engine_->hash_state(after);
  EXPECT_EQ(before.hex(), after.hex());
}

TEST_F(EngineTest, FokCountsOnlyLiquidityWithinItsLimit) {
  send(limit(1, Side::kSell, 100, 2));
  send(limit(2, Side::kSell, 105, 10));
  const auto ev = send(limit(3, Side::kBuy, 104, 5, TimeInForce::kFok));
  EXPECT_EQ(kinds(ev), (Strs{"accepted", "cancelled"}));
}

TEST_F(EngineTest, MarketFokIsAllOrNothingWithoutALimit) {
  send(limit(1, Side::kBuy, 90, 2));
  send(limit(2, Side::kBuy, 80, 2));
  EXPECT_EQ(kinds(send(market(3, Side::kSell, 5, TimeInForce::kFok))),
            (Strs{"accepted", "cancelled"}));
  EXPECT_EQ(kinds(send(market(4, Side::kSell, 4, TimeInForce::kFok))),
            (Strs{"accepted", "fill", "fill", "book_changed"}));
}

// ---- Cancel ----

TEST_F(EngineTest, CancelRemovesTheOrderAndReportsItsOpenQty) {
  send(limit(1, Side::kBuy, 99, 10));
  send(limit(2, Side::kSell, 99, 4));
  const auto ev = send(cancel(1));
  EXPECT_EQ(kinds(ev), (Strs{"cancelled", "book_changed"}));
  EXPECT_EQ(only<OrderCancelled>(ev), (OrderCancelled{OrderId(1), AccountId(kExt), InstrumentId(0),
                                                      Qty(6), CancelReason::kUser}));
  EXPECT_FALSE(engine_->is_resting(OrderId(1)));
  EXPECT_FALSE(engine_->top(InstrumentId(0)).has_bid);
}

TEST_F(EngineTest, CancelOfUnknownFilledOrAlreadyCancelledIdIsUnknownOrderId) {
  EXPECT_EQ(reject_reason(send(cancel(9))), RejectReason::kUnknownOrderId);
  send(limit(1, Side::kBuy, 99, 1));
  send(limit(2, Side::kSell, 99, 1));
  EXPECT_EQ(reject_reason(send(cancel(1))), RejectReason::kUnknownOrderId);
  send(limit(3, Side::kBuy, 99, 1));
  send(cancel(3));
  EXPECT_EQ(reject_reason(send(cancel(3))), RejectReason::kUnknownOrderId);
}

TEST_F(EngineTest, CancelNamingAnotherInstrumentIsUnknownOrderId) {
  send(limit(1, Side::kBuy, 99, 1));
  EXPECT_EQ(reject_reason(send(cancel(1, kExt, 1))), RejectReason::kUnknownOrderId);
  EXPECT_EQ(reject_reason(send(cancel(1, kExt, 7))), RejectReason::kUnknownInstrument);
  EXPECT_TRUE(engine_->is_resting(OrderId(1)));
}

TEST_F(EngineTest, CancelFromAnotherAccountIsNotOwner) {
  send(limit(1, Side::kBuy, 99, 1));
  EXPECT_EQ(reject_reason(send(cancel(1, kExt + 1))), RejectReason::kNotOwner);
  EXPECT_TRUE(engine_->is_resting(OrderId(1)));
}

TEST_F(EngineTest, CancelledIdCanBeReused) {
  send(limit(1, Side::kBuy, 99, 1));
  send(cancel(1));
  EXPECT_EQ(kinds(send(limit(1, Side::kBuy, 98, 1))), (Strs{"accepted", "book_changed"}));
}

// ---- Replace ----

TEST_F(EngineTest, ReplaceQtyDownAtSamePriceKeepsPriority) {
  send(limit(1, Side::kSell, 100, 10));
  send(limit(2, Side::kSell, 100, 10));
  const auto ev = send(replace(1, 100, 4));
  EXPECT_EQ(kinds(ev), (Strs{"replaced", "book_changed"}));
  EXPECT_TRUE(only<OrderReplaced>(ev).priority_kept);
  EXPECT_EQ(engine_->top(InstrumentId(0)).ask_qty, Qty(14));
  EXPECT_EQ(maker_ids(send(limit(3, Side::kBuy, 100, 5))), (std::vector<uint64_t>{1, 2}));
}

TEST_F(EngineTest, ReplaceWithSamePriceAndQtyChangesNothing) {
  send(limit(1, Side::kSell, 100, 10));
  send(limit(2, Side::kSell, 100, 10));
  const auto ev = send(replace(1, 100, 10));
  EXPECT_EQ(kinds(ev), (Strs{"replaced"}));
  EXPECT_TRUE(only<OrderReplaced>(ev).priority_kept);
  EXPECT_EQ(maker_ids(send(limit(3, Side::kBuy, 100, 1))), (std::vector<uint64_t>{1}));
}

TEST_F(EngineTest, ReplaceQtyUpLosesPriority) {
  send(limit(1, Side::kSell, 100, 10));
  send(limit(2, Side::kSell, 100, 10));
  const auto ev = send(replace(1, 100, 12));
  EXPECT_EQ(kinds(ev), (Strs{"replaced", "book_changed"}));
  EXPECT_EQ(only<OrderReplaced>(ev), (OrderReplaced{OrderId(1), AccountId(kExt), InstrumentId(0),
                                                    Price(100), Qty(12), false}));
  EXPECT_EQ(engine_->top(InstrumentId(0)).ask_qty, Qty(22));
  EXPECT_EQ(maker_ids(send(limit(3, Side::kBuy, 100, 11))), (std::vector<uint64_t>{2, 1}));
}

TEST_F(EngineTest, ReplacePriceChangeLosesPriorityEvenWithLowerQty) {
  send(limit(1, Side::kSell, 101, 10));
  send(limit(2, Side::kSell, 100, 10));
  send(replace(1, 100, 5));
  EXPECT_EQ(maker_ids(send(limit(3, Side::kBuy, 100, 15))), (std::vector<uint64_t>{2, 1}));
}

TEST_F(EngineTest, ReplaceThatCrossesMatchesAsAggressorAfterTheReplacedEvent) {
  send(limit(1, Side::kSell, 102, 3));
  send(limit(2, Side::kBuy, 100, 5));
  const auto ev = send(replace(2, 102, 5));
  EXPECT_EQ(kinds(ev), (Strs{"replaced", "fill", "book_changed"}));
  const Fill f = only<Fill>(ev);
  EXPECT_EQ(f.maker, OrderId(1));
  EXPECT_EQ(f.taker, OrderId(2));
  EXPECT_EQ(f.aggressor, Side::kBuy);
  EXPECT_EQ(f.taker_leaves, Qty(2));
  const TopOfBook top = engine_->top(InstrumentId(0));
  EXPECT_EQ(top.bid, Price(102));
  EXPECT_EQ(top.bid_qty, Qty(2));
  EXPECT_FALSE(top.has_ask);
}

TEST_F(EngineTest, ReplaceThatFillsCompletelyLeavesNothingResting) {
  send(limit(1, Side::kSell, 102, 5));
  send(limit(2, Side::kBuy, 100, 5));
  send(replace(2, 103, 5));
  EXPECT_FALSE(engine_->is_resting(OrderId(2)));
  EXPECT_FALSE(engine_->is_resting(OrderId(1)));
  EXPECT_EQ(engine_->counters().resting, 0u);
}

TEST_F(EngineTest, ReplaceRejectsWithTheFirstFailingReason) {
  send(limit(1, Side::kBuy, 100, 5));
  const auto r = [&](ReplaceIn in) { return reject_reason(send(in)); };
  ReplaceIn bad_instrument = replace(1, 100, 5);
  bad_instrument.instrument = InstrumentId(9);
  EXPECT_EQ(r(bad_instrument), RejectReason::kUnknownInstrument);
  EXPECT_EQ(r(replace(1, 100, 0)), RejectReason::kInvalidQty);
  EXPECT_EQ(r(replace(1, 100, 1001)), RejectReason::kQtyAboveInstrumentMax);
  EXPECT_EQ(r(replace(1, 0, 5)), RejectReason::kInvalidPrice);
  EXPECT_EQ(r(replace(2, 100, 5)), RejectReason::kUnknownOrderId);
  EXPECT_EQ(r(replace(1, 100, 5, kExt + 1)), RejectReason::kNotOwner);
  EXPECT_EQ(r(replace(1, 100 + (1 << 16), 5)), RejectReason::kPriceOutOfRange);
  EXPECT_EQ(engine_->top(InstrumentId(0)).bid_qty, Qty(5));
}

}  // namespace
}  // namespace tape
