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
// Market orders ignore their price and never rest: IOC semantics unless tif is FOK (a GTC
// market order behaves as IOC). Every accepted order reaches exactly one terminal state: a
// Fill with its leaves 0, an OrderCancelled, or (never accepted) an OrderRejected.
//
// Validation (first failing check wins; an OrderRejected and nothing else is published):
//   new order: kUnknownInstrument; kInvalidOrderType (side/type/tif outside their enums);
//     kInvalidQty (qty <= 0); kQtyAboveInstrumentMax; kInvalidPrice (limit price
//     outside [kMinPrice, kMaxPrice], core/bounds.h: the one price domain);
//     kHalted; kDuplicateOrderId (id currently resting); then only for GTC limit orders, which
//     may rest: kPriceOutOfRange (the ladder could not hold the price even after growth) and
//     kBookFull (order pool exhausted). Both are judged on the book before matching.
//   cancel: kUnknownInstrument; kUnknownOrderId (not resting in that instrument); kNotOwner.
//     Cancels are allowed while halted; resting orders survive a halt.
//   replace: kUnknownInstrument; kInvalidQty; kQtyAboveInstrumentMax; kInvalidPrice; kHalted;
//     kUnknownOrderId; kNotOwner; kPriceOutOfRange.
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
// validation and outputs as external orders; rejected decisions are ignored (Risk reported them).
//
// Bounds: resting orders <= EngineOptions::order_pool_capacity (all books together); ladder
// span per book <= ladder_levels_max ticks; events per order <= fills_per_order_max + 3; a
// kill switch publishes one cancel per resting managed order (+ one BookChanged per book), so
// the event queue must cover the managed orders that can rest at once.
// Memory is allocated in the constructor; only a ladder re-base/growth allocates later.
// Thread: the core thread only.
#pragma once

#include <cstdint>
#include <span>
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
  // Approved strategy intents: d.intent.kind new / cancel / replace. Ignores !d.approved.
  void on(const RiskDecision& d);

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

  // Canonical: per instrument in id order: id, halted flag, then each side best level first,
  // each level's orders in priority order (id, account, price, leaves); then the total resting
  // count and the pool capacity. Counters, pool slots and ladder layout are excluded: two
  // engines holding the same orders in the same priority hash equal whatever path led there.
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

  void restore_level(StateReader& r, OrderBook& book, Side side);
  void handle_new(const NewOrderIn& in);
  void handle_cancel(const CancelIn& in);
  void handle_replace(const ReplaceIn& in);
  void handle_kill_switch();
  RejectReason validate_new(const NewOrderIn& in) const;
  RejectReason validate_replace(const ReplaceIn& in, uint32_t* node) const;
  // Matches `t` against the opposite side; returns the number of fills made.
  uint32_t match(OrderBook& book, Taker& t) { return crosses(book, t) ? match_slow(book, t) : 0; }
  // True when `t` would trade against the best level of the opposite side.
  static bool crosses(const OrderBook& book, const Taker& t) {
    const Side maker_side = opposite(t.side);
    if (!book.has_best(maker_side)) return false;
    if (!t.has_limit) return true;
    const Price best = book.best_price(maker_side);
    return t.side == Side::kBuy ? best <= t.limit : best >= t.limit;
  }
  uint32_t match_slow(OrderBook& book, Taker& t);
  bool fok_fillable(const OrderBook& book, const Taker& t) const;
  // Rests node `i` (fields set) in `book` and indexes its id.
  void rest(OrderBook& book, uint32_t i) {
    book.rest(i);
    ids_.insert(pool_[i].id.value(), i);
    ++counters_.resting;
  }
  // Forgets a node that left the book: id map entry and pool slot.
  void release(uint32_t i) {
    const bool erased = ids_.erase(pool_[i].id.value());
    TAPE_CHECK(erased, "released order was not indexed");
    pool_.free(i);
    --counters_.resting;
  }
  void reject(OrderId id, AccountId account, InstrumentId instrument, RejectReason reason);
  void cancelled(OrderId id, AccountId account, InstrumentId instrument, Qty qty,
                 CancelReason reason);
  void book_changed(InstrumentId instrument) { queue_.publish(BookChanged{instrument}); }
  bool known(InstrumentId instrument) const { return instrument.value() < books_.size(); }

  EventQueue& queue_;
  uint32_t fills_per_order_max_;
  std::vector<Qty> max_order_qty_;  // per instrument
  OrderPool pool_;
  OrderIdMap ids_;
  std::vector<OrderBook> books_;
  Counters counters_;
};

}  // namespace tape
