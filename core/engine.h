// The matching engine: one price-time priority limit order book per instrument
// (InstrumentId = index into CoreConfig::instruments), fed by the bus on the core thread.
//
// Outputs go into the EventQueue, in this order per incoming order:
//   OrderAccepted (echoing the order), then one Fill per match (maker = resting order, taker =
//   incoming, price = maker's price, aggressor = taker side, maker_leaves / taker_leaves after
//   the fill), then if applicable one OrderCancelled for the part that will not rest:
//     kIocRemainder  IOC or market remainder after at least one fill;
//     kNoLiquidity   IOC or market order that filled nothing;
//     kFokUnfilled   FOK that cannot fill completely. Fillability is checked BEFORE matching
//                    (including the fill limit below), so a FOK fills fully or not at all;
//     kFillLimit     an order stops matching once it has made EngineOptions::fills_per_order_max
//                    fills in one input; any remainder is then cancelled, whatever its tif.
//   Finally, when the input changed the instrument's book, exactly one BookChanged{instrument}.
//   A halt or resume that flips the halted flag also publishes BookChanged (halted() changed).
// Market orders ignore their price and never rest: IOC semantics unless tif is FOK (a GTC, day
// or GTD market order behaves as IOC). Limit orders rest when their tif is GTC, kDay or kGtd.
// Every accepted order reaches exactly one terminal state: a Fill with its leaves 0, an
// OrderCancelled, or (never accepted) an OrderRejected.
//
// Stop orders (kStop, kStopLimit). Accepted (OrderAccepted, nothing else: no BookChanged), a
// stop waits in its instrument's stop list, not in the book, holding a pool slot and its id
// (is_resting() is true; a duplicate id is rejected; it counts against order_pool_capacity).
//   Trigger: a trade at price P in the instrument (an engine Fill, or a TradeIn print while the
//     instrument is not halted) triggers every waiting buy stop with stop_price <= P and every
//     sell stop with stop_price >= P. Only trades after the stop's acceptance count; there is
//     no memory of earlier prints.
//   Order: per trade in the order the trades happen (an order's fills in fill order), the stops
//     it triggers in creation (acceptance) order join one FIFO; when the order (or print) that
//     caused the trades is done (its fills, its cancel or resting), the FIFO's stops enter the
//     book one after the other: kStop as a market order (FOK tif: fill fully or kFokUnfilled;
//     any other tif: IOC), kStopLimit as a limit order at `price` with its tif (GTC, day, GTD
//     rest; IOC and FOK as for limit orders). Entering publishes no new OrderAccepted: the
//     stop's Fills (taker = the stop) and, if any, its OrderCancelled.
//   Chains: the fills of an entering stop trigger further stops, which join the back of the
//     same FIFO. Each stop triggers at most once (it leaves the stop list when triggered), so
//     one handler call enters at most the stops waiting in that instrument.
//   Fill budget: the order of a handler call and every stop it triggers share one budget of
//     fills_per_order_max fills, so a chain adds no more fills (and events) to the bus than one
//     order could; a stop left with quantity while it still crosses the book because the
//     budget is spent is cancelled kFillLimit, otherwise an unfilled remainder is cancelled
//     kIocRemainder (some fill) / kNoLiquidity (none), or rests. A stop-limit whose price the
//     book can no longer hold when it enters (ladder span) is treated as IOC.
//   The handler call still publishes at most one BookChanged (after the chain).
//   Cancel works on a waiting stop (OrderCancelled kUser; no BookChanged: the book did not
//   change). A replace of a waiting stop is rejected kInvalidOrderType. The kill switch
//   cancels managed stops too: per instrument after its book orders, in creation order.
// Post-only: a limit order (GTC, day or GTD) with post_only that would trade on arrival (it
//   crosses the opposite best) is rejected kWouldTake, and nothing else happens; otherwise it
//   is an ordinary limit order. post_only on any other type or with IOC/FOK: kInvalidOrderType.
// Expiry (kDay, kGtd). The engine's time is the `now` of the last advance_time call (Core calls
//   it before each input's timers, so it is the input's timestamp). A kGtd order expires at its
//   `expire`; kDay at the end of the UTC day of its acceptance: the first 00:00:00 UTC strictly
//   after the acceptance time (ns since the Unix epoch, floor division for times before it).
//   advance_time(now) cancels every resting order and waiting stop whose expiry is <= now,
//   OrderCancelled{kExpired} in (expiry, order id) order, then one BookChanged per instrument
//   whose book changed, in instrument id order. IOC/FOK orders (and market orders) ignore
//   `expire`; so do GTC orders.
//
// Validation (first failing check wins; an OrderRejected and nothing else is published):
//   new order: kUnknownInstrument; kInvalidOrderType (side/type/tif outside their enums, or
//     post_only other than on a GTC/day/GTD limit order); kInvalidQty (qty <= 0);
//     kQtyAboveInstrumentMax; kInvalidPrice (limit or stop-limit price outside
//     [kMinPrice, kMaxPrice], core/bounds.h: the one price domain); kInvalidStopPrice (a stop's
//     stop_price outside that domain); kInvalidExpiry (kGtd with expire <= now); kHalted;
//     kDuplicateOrderId (id currently resting or waiting as a stop); then for orders that may
//     rest (limit and stop-limit orders with GTC/day/GTD) kPriceOutOfRange (the ladder could
//     not hold the price even after growth), and for those and every stop kBookFull (order pool
//     exhausted). Both are judged on the book before matching. Last, kWouldTake (post-only).
//   cancel: kUnknownInstrument; kUnknownOrderId (not resting in that instrument); kNotOwner.
//     Cancels are allowed while halted; resting orders survive a halt.
//   replace: kUnknownInstrument; kInvalidQty; kQtyAboveInstrumentMax; kInvalidPrice; kHalted;
//     kUnknownOrderId; kNotOwner; kInvalidOrderType (a waiting stop); kPriceOutOfRange.
// Replace: `qty` is the new open (leaves) quantity.
//   same price, qty < leaves  -> reduced in place, priority kept (OrderReplaced priority_kept).
//   same price, qty == leaves -> OrderReplaced priority_kept, nothing moves, no BookChanged.
//   otherwise (new price or qty up) -> priority lost: OrderReplaced{priority_kept=false}, then
//     the order re-enters at the back of its new level; if the new price crosses it first
//     matches as the aggressor (Fills, and a kFillLimit cancel if it hits the fill limit).
// Control: kHalt / kResume set and lift an instrument's halt (unknown instrument: ignored).
//   kKillSwitchOn cancels every resting order of managed accounts (CancelReason::kKillSwitch),
//   instrument by instrument in id order, bids then asks, best level first, FIFO within a
//   level; then one BookChanged per instrument that changed. The engine does not block new
//   orders on the kill switch (Risk does); kKillSwitchOff does nothing here.
// Strategy orders arrive as approved RiskDecisions (new / cancel / replace) with the same
// validation and outputs as external orders; rejected decisions are ignored (Risk reported them),
// and so is every decision when config.venue.model is not kBook (the data venue executes them).
//
// Bounds: resting orders + waiting stops <= EngineOptions::order_pool_capacity (all books); ladder
// span per book <= ladder_levels_max ticks; events per order <= fills_per_order_max + 3; a
// kill switch publishes one cancel per resting managed order (+ one BookChanged per book), so
// the event queue must cover the managed orders that can rest at once; a stop chain adds at
// most one cancel per triggered stop to its handler's fills_per_order_max + 3; advance_time
// publishes one cancel per expiring order (+ one BookChanged per book).
// Memory is allocated in the constructor; only a ladder re-base/growth allocates later.
// Thread: the core thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <utility>
#include <string>
#include <vector>

#include "core/book_id_map.h"
#include "core/config.h"
#include "core/event_queue.h"
#include "core/events.h"
#include "core/market_view.h"
#include "core/order_book.h"
#include "core/order_pool.h"
#include "core/state_hash.h"
#include "core/state_reader.h"

namespace tape {

class Engine final : public MarketView {
 public:
  struct Counters {
    uint64_t orders = 0;     // new orders received (external and approved strategy orders)
    uint64_t accepted = 0;   // OrderAccepted published
    uint64_t rejected = 0;   // OrderRejected published (new, cancel and replace)
    uint64_t fills = 0;      // Fill published
    uint64_t cancelled = 0;  // OrderCancelled published, every reason
    uint64_t replaced = 0;   // OrderReplaced published
    int64_t filled_qty = 0;  // lots traded (saturates at INT64_MAX)
    uint64_t resting = 0;    // orders resting now, all books
    uint64_t stops = 0;      // stop orders waiting for their trigger now
    uint64_t triggered = 0;  // stops that entered the book
    uint64_t expired = 0;    // OrderCancelled kExpired published
  };

  // Allocates the pool, the id map and every book up front. Keeps a reference to `queue`.
  Engine(const CoreConfig& config, EventQueue& queue);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Bus handlers (inputs from external participants).
  void on(const NewOrderIn& in);
  void on(const CancelIn& in);
  void on(const ReplaceIn& in);
  void on(const ControlIn& in);
  // A trade print: triggers waiting stops (see above). Ignored when no stop waits.
  void on(const TradeIn& in);
  // Approved strategy intents: d.intent.kind new / cancel / replace. Ignores !d.approved, and
  // every decision unless config.venue.model is kBook.
  void on(const RiskDecision& d);

  // Sets the engine's time and expires day/GTD orders due at or before `now` (see above).
  // Precondition: `now` does not go backwards.
  void advance_time(Timestamp now);
  Timestamp now() const { return now_; }

  // MarketView. Unknown instruments read as an empty, not halted book. Inline: strategies and
  // benchmarks call these on the concrete Engine after every book change.
  TopOfBook top(InstrumentId instrument) const override {
    return known(instrument) ? books_[instrument.value()].top() : TopOfBook{};
  }
  size_t depth(InstrumentId instrument, Side side, std::span<LevelView> out) const override {
    return known(instrument) ? books_[instrument.value()].depth(side, out) : 0;
  }
  bool halted(InstrumentId instrument) const override {
    return known(instrument) && books_[instrument.value()].halted();
  }
  bool is_resting(OrderId id) const override { return ids_.contains(id.value()); }

  size_t instrument_count() const { return books_.size(); }
  const Counters& counters() const { return counters_; }
  // The book of a known instrument (tests and tools; precondition: id < instrument_count()).
  const OrderBook& book(InstrumentId instrument) const { return books_[instrument.value()]; }
  // Stop orders waiting in an instrument's stop list, in creation order (tests and tools).
  size_t waiting_stops(InstrumentId instrument) const {
    return known(instrument) ? stops_[instrument.value()].size() : 0;
  }
  // The expiry of a resting day/GTD order or waiting stop; Timestamp(0) when it has none.
  Timestamp expiry_of(OrderId id) const {
    auto it = expiry_of_.find(id.value());
    return it == expiry_of_.end() ? Timestamp(0) : Timestamp(it->second);
  }

  // Canonical: per instrument in id order: id, halted flag, then each side best level first,
  // each level's orders in priority order (id, account, price, leaves); then the total resting
  // count and the pool capacity. Counters, pool slots and ladder layout are excluded: two
  // engines holding the same orders in the same priority hash equal whatever path led there.
  // Then, only when a stop waits or an order has an expiry (so a run without them hashes as
  // before), the section "order_types": per instrument in id order its waiting stops' count and
  // each in creation order (id, account, side, type, tif, price, stop_price, qty); then the
  // expiry count and each (expiry ns, order id) in that order. The engine's time is not state:
  // advance_time sets it before every input.
  void hash_state(StateHasher& h) const;

  // Rebuilds a fresh engine (same config) from what hash_state wrote; validates every field and
  // the resulting books (core/engine_restore.cc).
  Status restore_state(StateReader& r);

  // Names the first breach (crossed book at rest, non-positive resting qty, level totals,
  // links, id map or pool accounting), or returns empty.
  std::string check_invariants() const;

 private:
  // The incoming side of a match: a new order, or a replaced order re-entering.
  struct Taker {
    OrderId id;
    AccountId account;
    Side side = Side::kBuy;
    bool has_limit = true;  // false for market orders
    Price limit;
    Qty leaves;
  };

  // A waiting stop: its pool node holds id, account, instrument, side, price (a stop-limit's
  // limit), leaves (its qty); the rest is here.
  struct Stop {
    uint32_t node = kNilIndex;
    Price stop_price;
    OrderType type = OrderType::kStop;
    TimeInForce tif = TimeInForce::kGtc;
  };

  void restore_level(StateReader& r, OrderBook& book, Side side);
  void restore_order_types(StateReader& r);
  void hash_order_types(StateHasher& h) const;
  std::string check_order_types() const;
  void handle_new(const NewOrderIn& in);
  void handle_cancel(const CancelIn& in);
  void handle_replace(const ReplaceIn& in);
  void handle_kill_switch();
  RejectReason validate_new(const NewOrderIn& in) const;
  RejectReason validate_replace(const ReplaceIn& in, uint32_t* node) const;
  // Matches `t` against the opposite side, making at most `fills_max` fills; returns the number
  // of fills made.
  uint32_t match(OrderBook& book, Taker& t, uint32_t fills_max) {
    return crosses(book, t) ? match_slow(book, t, fills_max) : 0;
  }
  // True when `t` would trade against the best level of the opposite side.
  static bool crosses(const OrderBook& book, const Taker& t) {
    const Side maker_side = opposite(t.side);
    if (!book.has_best(maker_side)) return false;
    if (!t.has_limit) return true;
    const Price best = book.best_price(maker_side);
    return t.side == Side::kBuy ? best <= t.limit : best >= t.limit;
  }
  uint32_t match_slow(OrderBook& book, Taker& t, uint32_t fills_max);
  bool fok_fillable(const OrderBook& book, const Taker& t, uint32_t fills_max) const;
  // A pool node holding `in` with `leaves` open (not yet in a book, a stop list or the id map).
  uint32_t new_node(const NewOrderIn& in, Qty leaves);
  void add_stop(const NewOrderIn& in);
  // Moves the stops a trade at `price` triggers from the stop list to triggered_.
  void note_trade(InstrumentId instrument, Price price);
  // Enters triggered_'s stops (and the stops they trigger) into `book` with `fills_left` fills
  // between them; returns true when the book changed.
  bool enter_triggered(OrderBook& book, uint32_t fills_left);
  // Index of node `i` in its instrument's stop list, or -1 when it is not a waiting stop.
  ptrdiff_t stop_index(uint32_t i) const;
  void remove_stop(InstrumentId instrument, ptrdiff_t k);
  void set_expiry(OrderId id, Timestamp expiry);
  Timestamp expiry_for(const NewOrderIn& in) const;
  // Rests node `i` (fields set) in `book` and indexes its id.
  void rest(OrderBook& book, uint32_t i) {
    book.rest(i);
    ids_.insert(pool_[i].id.value(), i);
    ++counters_.resting;
  }
  // Forgets a node that left the book: id map entry, pool slot and expiry.
  void release(uint32_t i) {
    drop(i);
    --counters_.resting;
  }
  // Forgets a node that is in no book (a stop): id map entry, pool slot and expiry.
  void drop(uint32_t i) {
    const bool erased = ids_.erase(pool_[i].id.value());
    TAPE_CHECK(erased, "released order was not indexed");
    if (!expiry_of_.empty()) clear_expiry(pool_[i].id);
    pool_.free(i);
  }
  void clear_expiry(OrderId id);
  void reject(OrderId id, AccountId account, InstrumentId instrument, RejectReason reason);
  void cancelled(OrderId id, AccountId account, InstrumentId instrument, Qty qty,
                 CancelReason reason);
  void book_changed(InstrumentId instrument) { queue_.publish(BookChanged{instrument}); }
  bool known(InstrumentId instrument) const { return instrument.value() < books_.size(); }

  EventQueue& queue_;
  bool executes_decisions_;  // config.venue.model == kBook
  uint32_t fills_per_order_max_;
  std::vector<Qty> max_order_qty_;  // per instrument
  OrderPool pool_;
  OrderIdMap ids_;
  std::vector<OrderBook> books_;
  std::vector<std::vector<Stop>> stops_;  // per instrument, creation order
  std::vector<Stop> triggered_;           // the FIFO of one handler call (empty between calls)
  // Expiries of resting day/GTD orders and waiting stops, by (expiry ns, id) and by id.
  std::set<std::pair<int64_t, uint64_t>> expiries_;
  std::map<uint64_t, int64_t> expiry_of_;
  Timestamp now_;
  Counters counters_;
};

}  // namespace tape
