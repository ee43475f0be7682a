// Stop, stop-limit, post-only, day and GTD orders in the book engine (core/engine.h): every
// boundary of the trigger, post-only and expiry rules, cancel of a waiting stop, the chain and
// its fill budget, the data-venue guard, and state hash / restore with and without them.
#include <gtest/gtest.h>

#include "core/core.h"
#include "engine_fixture.h"

namespace tape::testing_util {
namespace {

constexpr int64_t kDayNs = 86'400'000'000'000;
// 2023-11-15T00:00:00Z in ns since the Unix epoch.
constexpr int64_t kMidnight = 19'676 * kDayNs;

NewOrderIn stop(uint64_t id, Side side, int64_t stop_price, int64_t qty,
                TimeInForce tif = TimeInForce::kGtc, uint32_t account = kExt) {
  return NewOrderIn{OrderId(id), AccountId(account), InstrumentId(0), side, OrderType::kStop,
                    tif, Price(0), Qty(qty), Price(stop_price)};
}
NewOrderIn stop_limit(uint64_t id, Side side, int64_t stop_price, int64_t price, int64_t qty,
                      TimeInForce tif = TimeInForce::kGtc) {
  return NewOrderIn{OrderId(id), AccountId(kExt), InstrumentId(0), side, OrderType::kStopLimit,
                    tif, Price(price), Qty(qty), Price(stop_price)};
}
NewOrderIn lim(uint64_t id, Side side, int64_t price, int64_t qty,
               TimeInForce tif = TimeInForce::kGtc) {
  return NewOrderIn{OrderId(id), AccountId(kExt), InstrumentId(0), side, OrderType::kLimit,
                    tif, Price(price), Qty(qty)};
}
NewOrderIn post_only(uint64_t id, Side side, int64_t price, int64_t qty) {
  NewOrderIn o = lim(id, side, price, qty);
  o.post_only = true;
  return o;
}
NewOrderIn gtd(uint64_t id, Side side, int64_t price, int64_t qty, int64_t expire) {
  NewOrderIn o = lim(id, side, price, qty, TimeInForce::kGtd);
  o.expire = Timestamp(expire);
  return o;
}
TradeIn print(int64_t price) { return TradeIn{InstrumentId(0), Price(price), Qty(1), Side::kBuy}; }

std::vector<uint64_t> taker_ids(const std::vector<BusEvent>& events) {
  std::vector<uint64_t> ids;
  for (const Fill& f : all_of<Fill>(events)) ids.push_back(f.taker.value());
  return ids;
}

class OrderTypes : public EngineTest {};

TEST_F(OrderTypes, StopWaitsOutsideTheBookAndIsAcceptedAlone) {
  EXPECT_EQ(kinds(send(stop(1, Side::kBuy, 105, 5))), Strs{"accepted"});
  EXPECT_EQ(engine_->waiting_stops(InstrumentId(0)), 1u);
  EXPECT_EQ(engine_->book(InstrumentId(0)).resting_orders(), 0u);
  EXPECT_TRUE(engine_->is_resting(OrderId(1)));
  EXPECT_EQ(reject_reason(send(stop(1, Side::kSell, 90, 5))), RejectReason::kDuplicateOrderId);
  EXPECT_EQ(reject_reason(send(limit(1, Side::kSell, 90, 5))), RejectReason::kDuplicateOrderId);
}

TEST_F(OrderTypes, BuyStopTriggersAtItsPriceNotOneTickBelow) {
  send(limit(10, Side::kSell, 110, 10));
  send(stop(1, Side::kBuy, 105, 3));
  EXPECT_TRUE(kinds(send(print(104))).empty());  // one tick below: nothing
  EXPECT_EQ(engine_->waiting_stops(InstrumentId(0)), 1u);
  const auto ev = send(print(105));  // exactly at: a market buy of 3
  EXPECT_EQ(kinds(ev), (Strs{"fill", "book_changed"}));
  const Fill f = only<Fill>(ev);
  EXPECT_EQ(f.taker, OrderId(1));
  EXPECT_EQ(f.maker, OrderId(10));
  EXPECT_EQ(f.price, Price(110));
  EXPECT_EQ(f.taker_leaves, Qty(0));
  EXPECT_EQ(engine_->waiting_stops(InstrumentId(0)), 0u);
  EXPECT_FALSE(engine_->is_resting(OrderId(1)));
}

TEST_F(OrderTypes, SellStopTriggersAtItsPriceNotOneTickAbove) {
  send(limit(10, Side::kBuy, 90, 10));
  send(stop(1, Side::kSell, 95, 3));
  EXPECT_TRUE(kinds(send(print(96))).empty());
  EXPECT_EQ(kinds(send(print(95))), (Strs{"fill", "book_changed"}));
}

TEST_F(OrderTypes, EngineFillTriggersAStopLikeAPrint) {
  send(limit(10, Side::kSell, 104, 1));
  send(limit(11, Side::kSell, 105, 1));
  send(limit(12, Side::kSell, 106, 5));
  send(stop(1, Side::kBuy, 105, 2));
  // A buy of 2 fills at 104 then 105; the fill at 105 triggers the stop, which then takes 106.
  const auto ev = send(limit(20, Side::kBuy, 105, 2, TimeInForce::kIoc));
  EXPECT_EQ(kinds(ev), (Strs{"accepted", "fill", "fill", "fill", "book_changed"}));
  EXPECT_EQ(taker_ids(ev), (std::vector<uint64_t>{20, 20, 1}));
  EXPECT_EQ(all_of<Fill>(ev)[2].price, Price(106));
}

TEST_F(OrderTypes, StopsTriggerInTriggerThenCreationOrderAndChain) {
  send(limit(10, Side::kSell, 101, 1));
  send(limit(11, Side::kSell, 102, 1));
  send(limit(12, Side::kSell, 103, 1));
  send(limit(13, Side::kSell, 104, 1));
  send(stop(1, Side::kBuy, 103, 1));
  send(stop(2, Side::kBuy, 102, 1));
  send(stop(3, Side::kBuy, 101, 1));
  // A print at 102 triggers 2 and 3, in creation order: 2 takes 101, 3 takes 102. Neither fill
  // reaches 103, so 1 waits.
  auto ev = send(print(102));
  EXPECT_EQ(taker_ids(ev), (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(engine_->waiting_stops(InstrumentId(0)), 1u);
  // A buy at 103 triggers 1, which takes 104: a chain inside one handler call.
  send(stop(4, Side::kBuy, 104, 1));
  ev = send(limit(20, Side::kBuy, 103, 1, TimeInForce::kIoc));
  EXPECT_EQ(taker_ids(ev), (std::vector<uint64_t>{20, 1}));
  // 1's fill at 104 triggered 4, which found nothing left: kNoLiquidity.
  EXPECT_EQ(kinds(ev), (Strs{"accepted", "fill", "fill", "cancelled", "book_changed"}));
  const auto c = only<OrderCancelled>(ev);
  EXPECT_EQ(c.id, OrderId(4));
  EXPECT_EQ(c.reason, CancelReason::kNoLiquidity);
  EXPECT_EQ(engine_->waiting_stops(InstrumentId(0)), 0u);
}

TEST_F(OrderTypes, StopsTriggeredByOneTradeEnterInCreationOrder) {
  send(limit(10, Side::kSell, 110, 10));
  send(stop(5, Side::kBuy, 100, 1));
  send(stop(3, Side::kBuy, 101, 1));
  send(stop(4, Side::kBuy, 99, 1));
  EXPECT_EQ(taker_ids(send(print(101))), (std::vector<uint64_t>{5, 3, 4}));
}

TEST_F(OrderTypes, StopLimitTriggeredButNotMarketableRests) {
  send(limit(10, Side::kSell, 110, 10));
  send(stop_limit(1, Side::kBuy, 105, 108, 4));
  const auto ev = send(print(105));
  EXPECT_EQ(kinds(ev), Strs{"book_changed"});  // rested at 108, below the ask
  EXPECT_EQ(engine_->book(InstrumentId(0)).top().bid, Price(108));
  EXPECT_EQ(engine_->book(InstrumentId(0)).top().bid_qty, Qty(4));
  EXPECT_EQ(engine_->counters().resting, 2u);
  // It is now an ordinary resting order: a sell at 108 fills it.
  EXPECT_EQ(maker_ids(send(limit(20, Side::kSell, 108, 4))), (std::vector<uint64_t>{1}));
}

TEST_F(OrderTypes, StopLimitTriggeredAndMarketableTradesUpToItsLimit) {
  send(limit(10, Side::kSell, 106, 2));
  send(limit(11, Side::kSell, 107, 2));
  send(stop_limit(1, Side::kBuy, 105, 106, 4));
  const auto ev = send(print(105));
  EXPECT_EQ(kinds(ev), (Strs{"fill", "book_changed"}));  // 2 at 106, 2 rest at 106
  EXPECT_EQ(engine_->book(InstrumentId(0)).top().bid, Price(106));
  EXPECT_EQ(engine_->book(InstrumentId(0)).top().bid_qty, Qty(2));
}

TEST_F(OrderTypes, StopLimitIocRemainderIsCancelled) {
  send(limit(10, Side::kSell, 106, 2));
  send(stop_limit(1, Side::kBuy, 105, 106, 4, TimeInForce::kIoc));
  const auto ev = send(print(105));
  EXPECT_EQ(kinds(ev), (Strs{"fill", "cancelled", "book_changed"}));
  EXPECT_EQ(only<OrderCancelled>(ev).reason, CancelReason::kIocRemainder);
}

TEST_F(OrderTypes, FokStopThatCannotFillIsCancelledWhole) {
  send(limit(10, Side::kSell, 106, 2));
  send(stop(1, Side::kBuy, 105, 4, TimeInForce::kFok));
  const auto ev = send(print(105));
  EXPECT_EQ(kinds(ev), Strs{"cancelled"});
  EXPECT_EQ(only<OrderCancelled>(ev).reason, CancelReason::kFokUnfilled);
  EXPECT_EQ(only<OrderCancelled>(ev).qty, Qty(4));
}

TEST_F(OrderTypes, CancelOfAWaitingStop) {
  send(stop(1, Side::kBuy, 105, 5));
  auto ev = send(cancel(1, kExt + 1));
  EXPECT_EQ(reject_reason(ev), RejectReason::kNotOwner);
  ev = send(cancel(1));
  EXPECT_EQ(kinds(ev), Strs{"cancelled"});  // the book did not change: no book_changed
  EXPECT_EQ(only<OrderCancelled>(ev).qty, Qty(5));
  EXPECT_EQ(only<OrderCancelled>(ev).reason, CancelReason::kUser);
  EXPECT_EQ(engine_->waiting_stops(InstrumentId(0)), 0u);
  send(limit(10, Side::kSell, 110, 10));
  EXPECT_TRUE(kinds(send(print(200))).empty());  // nothing left to trigger
  EXPECT_EQ(reject_reason(send(cancel(1))), RejectReason::kUnknownOrderId);
}

TEST_F(OrderTypes, ReplaceOfAWaitingStopIsRejected) {
  send(stop(1, Side::kBuy, 105, 5));
  EXPECT_EQ(reject_reason(send(replace(1, 100, 3))), RejectReason::kInvalidOrderType);
  EXPECT_EQ(engine_->waiting_stops(InstrumentId(0)), 1u);
}

TEST_F(OrderTypes, KillSwitchCancelsManagedStopsAfterBookOrders) {
  send(limit(10, Side::kBuy, 90, 1, TimeInForce::kGtc, kMgd));
  send(stop(1, Side::kBuy, 105, 5, TimeInForce::kGtc, kMgd));
  send(stop(2, Side::kBuy, 106, 5, TimeInForce::kGtc, kExt));
  const auto ev = send(control(ControlKind::kKillSwitchOn));
  EXPECT_EQ(kinds(ev), (Strs{"cancelled", "cancelled", "book_changed"}));
  const auto c = all_of<OrderCancelled>(ev);
  EXPECT_EQ(c[0].id, OrderId(10));
  EXPECT_EQ(c[1].id, OrderId(1));
  EXPECT_EQ(c[1].reason, CancelReason::kKillSwitch);
  EXPECT_EQ(engine_->waiting_stops(InstrumentId(0)), 1u);  // the external stop stays
}

TEST_F(OrderTypes, PrintWhileHaltedTriggersNothing) {
  send(stop(1, Side::kBuy, 105, 5));
  send(control(ControlKind::kHalt));
  EXPECT_TRUE(kinds(send(print(110))).empty());
  EXPECT_EQ(engine_->waiting_stops(InstrumentId(0)), 1u);
}

TEST_F(OrderTypes, StopValidation) {
  NewOrderIn bad = stop(1, Side::kBuy, 0, 5);
  EXPECT_EQ(reject_reason(send(bad)), RejectReason::kInvalidStopPrice);
  bad.stop_price = Price(kMaxPrice + 1);
  EXPECT_EQ(reject_reason(send(bad)), RejectReason::kInvalidStopPrice);
  bad.stop_price = Price(kMaxPrice);
  EXPECT_EQ(kinds(send(bad)), Strs{"accepted"});
  NewOrderIn sl = stop_limit(2, Side::kBuy, 100, 0, 5);
  EXPECT_EQ(reject_reason(send(sl)), RejectReason::kInvalidPrice);
  NewOrderIn type = stop(3, Side::kBuy, 100, 5);
  type.type = static_cast<OrderType>(4);
  EXPECT_EQ(reject_reason(send(type)), RejectReason::kInvalidOrderType);
}

TEST_F(OrderTypes, StopsHoldPoolSlots) {
  CoreConfig c = make_config();
  c.engine.order_pool_capacity = 2;
  reset(c);
  send(stop(1, Side::kBuy, 105, 1));
  send(limit(2, Side::kSell, 110, 1));
  EXPECT_EQ(reject_reason(send(stop(3, Side::kBuy, 105, 1))), RejectReason::kBookFull);
  EXPECT_EQ(reject_reason(send(limit(4, Side::kBuy, 90, 1))), RejectReason::kBookFull);
}

TEST_F(OrderTypes, TriggeredStopsShareTheFillBudget) {
  CoreConfig c = make_config();
  c.engine.fills_per_order_max = 2;
  reset(c);
  for (uint64_t id = 10; id < 15; ++id) send(limit(id, Side::kSell, 101 + (id - 10), 1));
  send(stop(1, Side::kBuy, 101, 2));
  // The taker uses one fill (101); the stop gets the one left (102) and its remainder, still
  // crossing 103, is cancelled kFillLimit.
  const auto ev = send(limit(20, Side::kBuy, 101, 1, TimeInForce::kIoc));
  EXPECT_EQ(taker_ids(ev), (std::vector<uint64_t>{20, 1}));
  const auto cancel = only<OrderCancelled>(ev);
  EXPECT_EQ(cancel.id, OrderId(1));
  EXPECT_EQ(cancel.qty, Qty(1));
  EXPECT_EQ(cancel.reason, CancelReason::kFillLimit);
}

// ---- Post-only ----

TEST_F(OrderTypes, PostOnlyAtTheTouchIsRejectedOneTickAwayRests) {
  send(limit(10, Side::kSell, 105, 5));
  send(limit(11, Side::kBuy, 100, 5));
  const auto ev = send(post_only(1, Side::kBuy, 105, 2));  // exactly the ask: would take
  EXPECT_EQ(reject_reason(ev), RejectReason::kWouldTake);
  EXPECT_EQ(engine_->book(InstrumentId(0)).top().ask_qty, Qty(5));  // nothing else happened
  EXPECT_EQ(kinds(send(post_only(2, Side::kBuy, 104, 2))), (Strs{"accepted", "book_changed"}));
  EXPECT_EQ(reject_reason(send(post_only(3, Side::kSell, 104, 2))), RejectReason::kWouldTake);
  EXPECT_EQ(kinds(send(post_only(4, Side::kSell, 105, 2))), (Strs{"accepted", "book_changed"}));
  EXPECT_EQ(reject_reason(send(post_only(5, Side::kBuy, 200, 1))), RejectReason::kWouldTake);
}

TEST_F(OrderTypes, PostOnlyOnAnEmptySideRests) {
  EXPECT_EQ(kinds(send(post_only(1, Side::kBuy, 100, 2))), (Strs{"accepted", "book_changed"}));
}

TEST_F(OrderTypes, PostOnlyOnlyOnRestingLimitOrders) {
  NewOrderIn m = market(1, Side::kBuy, 1);
  m.post_only = true;
  EXPECT_EQ(reject_reason(send(m)), RejectReason::kInvalidOrderType);
  NewOrderIn ioc = post_only(2, Side::kBuy, 100, 1);
  ioc.tif = TimeInForce::kIoc;
  EXPECT_EQ(reject_reason(send(ioc)), RejectReason::kInvalidOrderType);
  NewOrderIn s = stop_limit(3, Side::kBuy, 100, 100, 1);
  s.post_only = true;
  EXPECT_EQ(reject_reason(send(s)), RejectReason::kInvalidOrderType);
}

// ---- Expiry ----

TEST_F(OrderTypes, GtdExpireAtArrivalIsRejectedOneNsLaterExpiresThen) {
  engine_->advance_time(Timestamp(1000));
  EXPECT_EQ(reject_reason(send(gtd(1, Side::kBuy, 90, 1, 1000))), RejectReason::kInvalidExpiry);
  EXPECT_EQ(reject_reason(send(gtd(1, Side::kBuy, 90, 1, 999))), RejectReason::kInvalidExpiry);
  EXPECT_EQ(kinds(send(gtd(1, Side::kBuy, 90, 1, 1001))), (Strs{"accepted", "book_changed"}));
  EXPECT_EQ(engine_->expiry_of(OrderId(1)), Timestamp(1001));
  engine_->advance_time(Timestamp(1000));  // expire > now: stays
  EXPECT_TRUE(drain().empty());
  engine_->advance_time(Timestamp(1001));  // expire == now: expires
  const auto ev = drain();
  EXPECT_EQ(kinds(ev), (Strs{"cancelled", "book_changed"}));
  EXPECT_EQ(only<OrderCancelled>(ev).reason, CancelReason::kExpired);
  EXPECT_EQ(only<OrderCancelled>(ev).qty, Qty(1));
  EXPECT_EQ(engine_->check_invariants(), "");
  EXPECT_FALSE(engine_->is_resting(OrderId(1)));
}

TEST_F(OrderTypes, IocAndFokIgnoreExpire) {
  engine_->advance_time(Timestamp(1000));
  send(limit(10, Side::kSell, 100, 5));
  NewOrderIn ioc = limit(1, Side::kBuy, 100, 1, TimeInForce::kIoc);
  ioc.expire = Timestamp(5);  // in the past: ignored
  EXPECT_EQ(kinds(send(ioc)), (Strs{"accepted", "fill", "book_changed"}));
  NewOrderIn gtc = limit(2, Side::kBuy, 90, 1);
  gtc.expire = Timestamp(5);
  send(gtc);
  EXPECT_EQ(engine_->expiry_of(OrderId(2)), Timestamp(0));
}

TEST_F(OrderTypes, DayOrderExpiresAtTheNextUtcMidnight) {
  engine_->advance_time(Timestamp(kMidnight - kDayNs + 5));  // accepted on the day before
  send(limit(1, Side::kBuy, 90, 1, TimeInForce::kDay));
  EXPECT_EQ(engine_->expiry_of(OrderId(1)), Timestamp(kMidnight));
  engine_->advance_time(Timestamp(kMidnight - 1));  // 23:59:59.999999999: still there
  EXPECT_TRUE(drain().empty());
  engine_->advance_time(Timestamp(kMidnight));  // 00:00:00: gone
  EXPECT_EQ(only<OrderCancelled>(drain()).reason, CancelReason::kExpired);
}

TEST_F(OrderTypes, DayOrderAcceptedAtMidnightLivesTheWholeDay) {
  engine_->advance_time(Timestamp(kMidnight));
  send(limit(1, Side::kBuy, 90, 1, TimeInForce::kDay));
  EXPECT_EQ(engine_->expiry_of(OrderId(1)), Timestamp(kMidnight + kDayNs));
  // Before the epoch: floor division. -1 ns is 1969-12-31T23:59:59.999999999, expiring at 0.
  reset(make_config());
  engine_->advance_time(Timestamp(-1));
  send(limit(2, Side::kBuy, 90, 1, TimeInForce::kDay));
  EXPECT_EQ(engine_->expiry_of(OrderId(2)), Timestamp(0));
}

TEST_F(OrderTypes, ExpiryCancelsInExpiryThenIdOrderAndOneBookChangedPerBook) {
  send(gtd(5, Side::kBuy, 90, 1, 300));
  send(gtd(3, Side::kBuy, 91, 1, 300));
  send(gtd(4, Side::kBuy, 92, 1, 200));
  NewOrderIn other = gtd(1, Side::kBuy, 90, 1, 100);
  other.instrument = InstrumentId(1);
  send(other);
  send(gtd(9, Side::kBuy, 93, 1, 301));
  engine_->advance_time(Timestamp(300));
  const auto ev = drain();
  EXPECT_EQ(kinds(ev), (Strs{"cancelled", "cancelled", "cancelled", "cancelled", "book_changed",
                             "book_changed"}));
  std::vector<uint64_t> ids;
  for (const auto& c : all_of<OrderCancelled>(ev)) ids.push_back(c.id.value());
  EXPECT_EQ(ids, (std::vector<uint64_t>{1, 4, 3, 5}));
  const auto changed = all_of<BookChanged>(ev);
  EXPECT_EQ(changed[0].instrument, InstrumentId(0));
  EXPECT_EQ(changed[1].instrument, InstrumentId(1));
  EXPECT_TRUE(engine_->is_resting(OrderId(9)));
  EXPECT_EQ(engine_->counters().expired, 4u);
}

TEST_F(OrderTypes, FilledOrCancelledOrdersLeaveNoExpiryBehind) {
  send(gtd(1, Side::kSell, 100, 2, 500));
  send(limit(20, Side::kBuy, 100, 2, TimeInForce::kIoc));  // fills 1 completely
  send(gtd(2, Side::kSell, 101, 2, 500));
  send(cancel(2));
  EXPECT_EQ(engine_->expiry_of(OrderId(1)), Timestamp(0));
  EXPECT_EQ(engine_->expiry_of(OrderId(2)), Timestamp(0));
  send(gtd(1, Side::kSell, 102, 2, 600));  // the id again, a new order
  engine_->advance_time(Timestamp(500));
  EXPECT_TRUE(drain().empty());
  EXPECT_EQ(engine_->expiry_of(OrderId(1)), Timestamp(600));
}

TEST_F(OrderTypes, WaitingStopExpiresAndATriggeredOneKeepsItsExpiry) {
  NewOrderIn s = stop(1, Side::kBuy, 105, 1, TimeInForce::kGtd);
  s.expire = Timestamp(100);
  send(s);
  NewOrderIn sl = stop_limit(2, Side::kBuy, 105, 104, 1, TimeInForce::kGtd);
  sl.expire = Timestamp(200);
  send(sl);
  engine_->advance_time(Timestamp(100));
  auto ev = drain();
  EXPECT_EQ(kinds(ev), Strs{"cancelled"});  // a stop's expiry changes no book
  EXPECT_EQ(only<OrderCancelled>(ev).id, OrderId(1));
  EXPECT_EQ(engine_->waiting_stops(InstrumentId(0)), 1u);
  send(print(105));  // 2 triggers and rests at 104 with its expiry
  EXPECT_EQ(engine_->book(InstrumentId(0)).top().bid, Price(104));
  engine_->advance_time(Timestamp(200));
  ev = drain();
  EXPECT_EQ(kinds(ev), (Strs{"cancelled", "book_changed"}));
  EXPECT_EQ(engine_->check_invariants(), "");
}

// ---- Venue guard ----

TEST_F(OrderTypes, DataVenueRunIgnoresApprovedDecisions) {
  CoreConfig c = make_config();
  c.venue.model = VenueModel::kBars;
  reset(c);
  OrderIntent i{IntentKind::kNew, OrderId(1), AccountId(kMgd), InstrumentId(0), Side::kBuy,
                OrderType::kLimit, TimeInForce::kGtc, Price(100), Qty(1)};
  EXPECT_TRUE(send(RiskDecision{i, true, RejectReason::kNone}).empty());
  reset(make_config());
  EXPECT_EQ(kinds(send(RiskDecision{i, true, RejectReason::kNone})),
            (Strs{"accepted", "book_changed"}));
}

// ---- State ----

std::string hash_of(const Engine& e) {
  StateHasher h;
  e.hash_state(h);
  return h.hex();
}

TEST_F(OrderTypes, EngineWithoutNewOrderTypesEncodesAsBefore) {
  send(limit(1, Side::kBuy, 90, 1));
  send(limit(2, Side::kSell, 110, 1, TimeInForce::kGtc, kMgd));
  StateHasher with;
  engine_->hash_state(with);
  // The pre-revision-2 encoding, written out: books, resting count, pool capacity; no section.
  StateHasher want;
  want.tag("engine");
  want.u32(2);
  for (uint32_t b = 0; b < 2; ++b) {
    want.v(InstrumentId(b));
    engine_->book(InstrumentId(b)).hash_state(want);
  }
  want.u64(2);
  want.u32(1024);
  EXPECT_EQ(with.bytes(), want.bytes());
  // A stop adds the section; cancelling it removes it again.
  send(stop(3, Side::kBuy, 105, 1));
  EXPECT_NE(hash_of(*engine_), want.hex());
  send(cancel(3));
  EXPECT_EQ(hash_of(*engine_), want.hex());
}

TEST_F(OrderTypes, RestoreReproducesStopsAndExpiries) {
  engine_->advance_time(Timestamp(kMidnight - 10));
  send(limit(10, Side::kSell, 110, 10));
  send(stop(1, Side::kBuy, 105, 3, TimeInForce::kDay));
  send(stop_limit(2, Side::kSell, 95, 94, 2));
  send(stop(3, Side::kBuy, 104, 1));
  send(gtd(4, Side::kBuy, 90, 1, kMidnight + 5));
  send(limit(5, Side::kBuy, 91, 1, TimeInForce::kDay));
  StateHasher h;
  engine_->hash_state(h);
  EventQueue q2(1 << 10);
  Engine restored(config_, q2);
  StateReader r(h.bytes());
  ASSERT_TRUE(restored.restore_state(r).is_ok()) << r.status().message();
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(hash_of(restored), h.hex());
  EXPECT_EQ(restored.check_invariants(), "");
  // Both behave alike afterwards: the same trigger order and the same expiries.
  for (Engine* e : {engine_.get(), &restored}) {
    e->on(print(105));
    e->advance_time(Timestamp(kMidnight + 5));
  }
  std::vector<BusEvent> other;
  for (; !q2.empty(); q2.pop()) other.push_back(q2.front());
  EXPECT_EQ(kinds(drain()), kinds(other));
  EXPECT_EQ(hash_of(restored), hash_of(*engine_));
}

TEST_F(OrderTypes, RestoreRefusesABrokenOrderTypesSection) {
  send(stop(1, Side::kBuy, 105, 3));
  StateHasher h;
  engine_->hash_state(h);
  std::string bytes = h.bytes();
  // The last 8 bytes are the expiry count (0): claim one that names no order.
  bytes.replace(bytes.size() - 8, 8, std::string("\x01\0\0\0\0\0\0\0", 8));
  bytes += std::string(16, '\x07');
  EventQueue q2(1 << 10);
  Engine restored(config_, q2);
  StateReader r(bytes);
  EXPECT_FALSE(restored.restore_state(r).is_ok());
}

// Through the whole core: a snapshot taken with waiting stops and expiring orders restores to
// the same state hash, and both cores then produce the same outputs.
TEST(OrderTypesCore, SnapshotWithStopsAndExpiriesRestoresTheStateHash) {
  CoreConfig c = make_config();
  Core a(c, Recorder::Mode::kCollect, nullptr);
  const int64_t t0 = kMidnight - 1000;
  std::vector<InputBody> bodies = {
      lim(10, Side::kSell, 110, 10),
      stop(1, Side::kBuy, 105, 3, TimeInForce::kDay),
      stop_limit(2, Side::kSell, 95, 94, 2, TimeInForce::kGtd),
      gtd(3, Side::kBuy, 90, 1, kMidnight + 7),
      lim(4, Side::kBuy, 91, 1, TimeInForce::kDay),
  };
  std::get<NewOrderIn>(bodies[2]).expire = Timestamp(kMidnight + 9);
  uint64_t seq = 0;
  for (const InputBody& b : bodies) {
    ASSERT_TRUE(a.process(Input{Seq(++seq), Timestamp(t0 + int64_t(seq)), b}).is_ok());
  }
  const SnapshotData snap = a.snapshot();
  Core b(c, Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(b.restore_state(snap.core_state).is_ok());
  EXPECT_EQ(b.state_hash(), a.state_hash());
  EXPECT_EQ(b.state_hash(), snap.state_hash);
  const std::vector<InputBody> more = {print(105), HeartbeatIn{}, print(95)};
  for (const InputBody& body : more) {
    const Input in{Seq(++seq), Timestamp(kMidnight + 10 * int64_t(seq)), body};
    ASSERT_TRUE(a.process(in).is_ok());
    ASSERT_TRUE(b.process(in).is_ok());
    const auto oa = a.last_outputs();
    const auto ob = b.last_outputs();
    EXPECT_EQ(std::vector<Output>(oa.begin(), oa.end()), std::vector<Output>(ob.begin(), ob.end()));
  }
  EXPECT_EQ(a.state_hash(), b.state_hash());
}

}  // namespace
}  // namespace tape::testing_util
