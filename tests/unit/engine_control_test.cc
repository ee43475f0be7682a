// Engine controls and checks: halt/resume, the kill switch, validation of new orders, risk
// decisions and the counters publish exactly the documented events and keep resting orders.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/engine.h"
#include "unit/engine_fixture.h"

namespace tape {
namespace {

using testing_util::all_of;
using testing_util::EngineTest;
using testing_util::kExt;
using testing_util::kinds;
using testing_util::kMgd;
using testing_util::only;
using testing_util::Strs;

// ---- Halt ----

TEST_F(EngineTest, HaltRejectsNewAndReplaceButAllowsCancelAndKeepsRestingOrders) {
  send(limit(1, Side::kBuy, 99, 5));
  send(limit(2, Side::kBuy, 98, 5));
  EXPECT_EQ(kinds(send(control(ControlKind::kHalt))), (Strs{"book_changed"}));
  EXPECT_TRUE(engine_->halted(InstrumentId(0)));
  EXPECT_FALSE(engine_->halted(InstrumentId(1)));
  EXPECT_EQ(reject_reason(send(limit(3, Side::kSell, 99, 1))), RejectReason::kHalted);
  EXPECT_EQ(reject_reason(send(market(4, Side::kSell, 1))), RejectReason::kHalted);
  EXPECT_EQ(reject_reason(send(replace(1, 97, 5))), RejectReason::kHalted);
  EXPECT_TRUE(engine_->is_resting(OrderId(1)));
  EXPECT_EQ(kinds(send(cancel(2))), (Strs{"cancelled", "book_changed"}));
  // The other instrument trades on.
  EXPECT_EQ(kinds(send(limit(5, Side::kSell, 99, 1, TimeInForce::kGtc, kExt, 1))),
            (Strs{"accepted", "book_changed"}));
}

TEST_F(EngineTest, ResumeLiftsTheHaltAndRestingOrdersTradeAgain) {
  send(limit(1, Side::kBuy, 99, 5));
  send(control(ControlKind::kHalt));
  EXPECT_EQ(kinds(send(control(ControlKind::kHalt))), Strs{});  // no change, no event
  EXPECT_EQ(kinds(send(control(ControlKind::kResume))), (Strs{"book_changed"}));
  EXPECT_FALSE(engine_->halted(InstrumentId(0)));
  EXPECT_EQ(maker_ids(send(limit(2, Side::kSell, 99, 5))), (std::vector<uint64_t>{1}));
}

TEST_F(EngineTest, HaltOfUnknownInstrumentIsIgnored) {
  EXPECT_EQ(kinds(send(control(ControlKind::kHalt, 9))), Strs{});
  EXPECT_FALSE(engine_->halted(InstrumentId(9)));
}

// ---- Kill switch ----

TEST_F(EngineTest, KillSwitchCancelsOnlyManagedOrdersInInstrumentThenPriorityOrder) {
  send(limit(1, Side::kBuy, 98, 1, TimeInForce::kGtc, kMgd, 1));
  send(limit(2, Side::kBuy, 99, 1, TimeInForce::kGtc, kExt, 0));
  send(limit(3, Side::kBuy, 98, 2, TimeInForce::kGtc, kMgd, 0));
  send(limit(4, Side::kSell, 101, 3, TimeInForce::kGtc, kMgd + 1, 0));
  send(limit(5, Side::kBuy, 99, 4, TimeInForce::kGtc, kMgd, 0));
  send(limit(6, Side::kSell, 102, 1, TimeInForce::kGtc, kExt, 0));
  const auto ev = send(control(ControlKind::kKillSwitchOn));
  EXPECT_EQ(kinds(ev), (Strs{"cancelled", "cancelled", "cancelled", "cancelled", "book_changed",
                             "book_changed"}));
  std::vector<uint64_t> ids;
  for (const auto& c : all_of<OrderCancelled>(ev)) {
    ids.push_back(c.id.value());
    EXPECT_EQ(c.reason, CancelReason::kKillSwitch);
  }
  EXPECT_EQ(ids, (std::vector<uint64_t>{5, 3, 4, 1}));
  const auto changed = all_of<BookChanged>(ev);
  EXPECT_EQ(changed[0].instrument, InstrumentId(0));
  EXPECT_EQ(changed[1].instrument, InstrumentId(1));
  EXPECT_TRUE(engine_->is_resting(OrderId(2)));
  EXPECT_TRUE(engine_->is_resting(OrderId(6)));
  EXPECT_EQ(engine_->counters().resting, 2u);
}

TEST_F(EngineTest, KillSwitchWithNoManagedOrdersPublishesNothing) {
  send(limit(1, Side::kBuy, 99, 1));
  EXPECT_EQ(kinds(send(control(ControlKind::kKillSwitchOn))), Strs{});
  EXPECT_EQ(kinds(send(control(ControlKind::kKillSwitchOff))), Strs{});
  EXPECT_TRUE(engine_->is_resting(OrderId(1)));
}

// ---- Validation of new orders ----

TEST_F(EngineTest, EachInvalidNewOrderIsRejectedWithItsReasonAndNoAccept) {
  send(limit(1, Side::kBuy, 99, 1));
  const auto r = [&](NewOrderIn in) { return reject_reason(send(in)); };
  EXPECT_EQ(r(limit(2, Side::kBuy, 99, 1, TimeInForce::kGtc, kExt, 2)),
            RejectReason::kUnknownInstrument);
  EXPECT_EQ(r(limit(2, Side::kBuy, 99, 0)), RejectReason::kInvalidQty);
  EXPECT_EQ(r(limit(2, Side::kBuy, 99, -5)), RejectReason::kInvalidQty);
  EXPECT_EQ(r(limit(2, Side::kBuy, 99, 1001)), RejectReason::kQtyAboveInstrumentMax);
  EXPECT_EQ(r(limit(2, Side::kBuy, 0, 1)), RejectReason::kInvalidPrice);
  EXPECT_EQ(r(limit(2, Side::kBuy, -3, 1)), RejectReason::kInvalidPrice);
  EXPECT_EQ(r(limit(1, Side::kSell, 120, 1)), RejectReason::kDuplicateOrderId);
  EXPECT_EQ(r(limit(1, Side::kSell, 120, 1, TimeInForce::kIoc)), RejectReason::kDuplicateOrderId);
  NewOrderIn bad_type = limit(2, Side::kBuy, 99, 1);
  bad_type.tif = static_cast<TimeInForce>(7);
  EXPECT_EQ(r(bad_type), RejectReason::kInvalidOrderType);
  EXPECT_EQ(engine_->counters().rejected, 9u);
  EXPECT_EQ(engine_->counters().accepted, 1u);
}

TEST_F(EngineTest, MaxQtyIsInclusiveAndMarketOrdersIgnoreTheirPrice) {
  EXPECT_EQ(kinds(send(limit(1, Side::kBuy, 99, 1000))), (Strs{"accepted", "book_changed"}));
  EXPECT_EQ(kinds(send(market(2, Side::kSell, 1000))), (Strs{"accepted", "fill", "book_changed"}));
}

// ---- Strategy orders through risk ----

TEST_F(EngineTest, ApprovedRiskDecisionsActLikeExternalOrdersAndRejectedOnesAreIgnored) {
  OrderIntent intent{IntentKind::kNew,  OrderId(7), AccountId(kMgd),
                     InstrumentId(0),   Side::kBuy, OrderType::kLimit,
                     TimeInForce::kGtc, Price(99),  Qty(5)};
  EXPECT_EQ(kinds(send(RiskDecision{intent, false, RejectReason::kRateLimit})), Strs{});
  EXPECT_EQ(kinds(send(RiskDecision{intent, true, RejectReason::kNone})),
            (Strs{"accepted", "book_changed"}));
  intent.kind = IntentKind::kReplace;
  intent.qty = Qty(3);
  const auto replaced = send(RiskDecision{intent, true, RejectReason::kNone});
  EXPECT_EQ(kinds(replaced), (Strs{"replaced", "book_changed"}));
  intent.kind = IntentKind::kCancel;
  const auto ev = send(RiskDecision{intent, true, RejectReason::kNone});
  EXPECT_EQ(kinds(ev), (Strs{"cancelled", "book_changed"}));
  EXPECT_EQ(only<OrderCancelled>(ev).qty, Qty(3));
  intent.kind = IntentKind::kNew;
  intent.qty = Qty(0);
  EXPECT_EQ(reject_reason(send(RiskDecision{intent, true, RejectReason::kNone})),
            RejectReason::kInvalidQty);
}

TEST_F(EngineTest, CountersAddUpOverAMixedSequence) {
  send(limit(1, Side::kSell, 100, 5));
  send(limit(2, Side::kSell, 101, 5));
  send(limit(3, Side::kBuy, 101, 7));                    // 2 fills, 7 lots
  send(limit(4, Side::kBuy, 0, 1));                      // rejected
  send(replace(2, 102, 3));                              // replaced
  send(limit(5, Side::kBuy, 90, 1, TimeInForce::kIoc));  // cancelled (no liquidity)
  const Engine::Counters& c = engine_->counters();
  EXPECT_EQ(c.orders, 5u);
  EXPECT_EQ(c.accepted, 4u);
  EXPECT_EQ(c.rejected, 1u);
  EXPECT_EQ(c.fills, 2u);
  EXPECT_EQ(c.filled_qty, 7);
  EXPECT_EQ(c.replaced, 1u);
  EXPECT_EQ(c.cancelled, 1u);
  EXPECT_EQ(c.resting, 1u);
}

}  // namespace
}  // namespace tape
