// Engine semantics: event order, priority, order types and time in force, cancel/replace,
// halts, kill switch, validation, bounds (pool, fill limit, ladder) and the state hash.
#include "core/engine.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace tape {
namespace {

constexpr uint32_t kExt = 1000;  // an external account
constexpr uint32_t kMgd = 1;     // a managed (strategy) account

CoreConfig make_config(uint32_t instruments = 2) {
  CoreConfig c;
  for (uint32_t i = 0; i < instruments; ++i) {
    InstrumentConfig ic;
    ic.symbol = std::string(1, static_cast<char>('A' + i));
    ic.initial_mid = Price(100);
    ic.max_order_qty = Qty(1000);
    c.instruments.push_back(ic);
  }
  c.engine.order_pool_capacity = 1024;
  c.engine.ladder_levels_initial = 64;
  c.engine.ladder_levels_max = 1u << 16;
  return c;
}

// Short names of the BusEvent alternatives, by variant index.
const char* kind(const BusEvent& e) {
  static const char* kNames[] = {"quote",      "trade",   "new",       "cancel_in",
                                 "replace_in", "control", "heartbeat", "accepted",
                                 "rejected",   "fill",    "cancelled", "replaced",
                                 "intent",     "risk",    "position",  "book_changed"};
  return kNames[e.index()];
}

std::vector<std::string> kinds(const std::vector<BusEvent>& events) {
  std::vector<std::string> out;
  for (const BusEvent& e : events) out.push_back(kind(e));
  return out;
}

template <typename T>
std::vector<T> all_of(const std::vector<BusEvent>& events) {
  std::vector<T> out;
  for (const BusEvent& e : events) {
    if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
  }
  return out;
}

template <typename T>
T only(const std::vector<BusEvent>& events) {
  const std::vector<T> v = all_of<T>(events);
  EXPECT_EQ(v.size(), 1u);
  return v.empty() ? T{} : v.front();
}

using Strs = std::vector<std::string>;

class EngineTest : public ::testing::Test {
 protected:
  void reset(const CoreConfig& c) {
    config_ = c;
    queue_.clear();
    engine_ = std::make_unique<Engine>(config_, queue_);
  }
  std::vector<BusEvent> drain() {
    std::vector<BusEvent> out;
    while (!queue_.empty()) {
      out.push_back(queue_.front());
      queue_.pop();
    }
    return out;
  }
  template <typename In>
  std::vector<BusEvent> send(const In& in) {
    engine_->on(in);
    auto events = drain();
    EXPECT_EQ(engine_->check_invariants(), "");
    return events;
  }
  static NewOrderIn limit(uint64_t id, Side side, int64_t price, int64_t qty,
                          TimeInForce tif = TimeInForce::kGtc, uint32_t account = kExt,
                          uint32_t instrument = 0) {
    return NewOrderIn{OrderId(id),
                      AccountId(account),
                      InstrumentId(instrument),
                      side,
                      OrderType::kLimit,
                      tif,
                      Price(price),
                      Qty(qty)};
  }
  static NewOrderIn market(uint64_t id, Side side, int64_t qty,
                           TimeInForce tif = TimeInForce::kIoc) {
    return NewOrderIn{OrderId(id), AccountId(kExt), InstrumentId(0), side, OrderType::kMarket,
                      tif,         Price(0),        Qty(qty)};
  }
  static CancelIn cancel(uint64_t id, uint32_t account = kExt, uint32_t instrument = 0) {
    return CancelIn{OrderId(id), AccountId(account), InstrumentId(instrument)};
  }
  static ReplaceIn replace(uint64_t id, int64_t price, int64_t qty, uint32_t account = kExt) {
    return ReplaceIn{OrderId(id), AccountId(account), InstrumentId(0), Price(price), Qty(qty)};
  }
  static ControlIn control(ControlKind k, uint32_t instrument = 0) {
    return ControlIn{k, InstrumentId(instrument)};
  }
  RejectReason reject_reason(const std::vector<BusEvent>& events) {
    EXPECT_EQ(kinds(events), Strs{"rejected"});
    return only<OrderRejected>(events).reason;
  }
  std::vector<uint64_t> maker_ids(const std::vector<BusEvent>& events) {
    std::vector<uint64_t> ids;
    for (const Fill& f : all_of<Fill>(events)) ids.push_back(f.maker.value());
    return ids;
  }

  CoreConfig config_ = make_config();
  EventQueue queue_{1 << 14};
  std::unique_ptr<Engine> engine_ = std::make_unique<Engine>(config_, queue_);
};

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
