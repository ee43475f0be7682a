// Engine input handling: validation and the per-input event sequence. Matching, the kill
// switch, views and state checks are in engine_match.cc.
#include "core/engine.h"

#include <algorithm>

namespace tape {
namespace {

constexpr int64_t kNsPerDay = 86'400'000'000'000;

bool rests(TimeInForce tif) {
  return tif == TimeInForce::kGtc || tif == TimeInForce::kDay || tif == TimeInForce::kGtd;
}
bool is_stop(OrderType type) { return type == OrderType::kStop || type == OrderType::kStopLimit; }

}  // namespace

Engine::Engine(const CoreConfig& config, EventQueue& queue)
    : queue_(queue),
      executes_decisions_(config.venue.model == VenueModel::kBook),
      fills_per_order_max_(std::max<uint32_t>(config.engine.fills_per_order_max, 1)),
      pool_(config.engine.order_pool_capacity),
      ids_(config.engine.order_pool_capacity) {
  books_.reserve(config.instruments.size());
  max_order_qty_.reserve(config.instruments.size());
  for (size_t i = 0; i < config.instruments.size(); ++i) {
    const InstrumentConfig& instrument = config.instruments[i];
    books_.emplace_back(InstrumentId(static_cast<uint32_t>(i)), instrument.initial_mid,
                        config.engine, pool_);
    max_order_qty_.push_back(instrument.max_order_qty);
  }
  stops_.resize(config.instruments.size());
}

void Engine::on(const NewOrderIn& in) { handle_new(in); }
void Engine::on(const CancelIn& in) { handle_cancel(in); }
void Engine::on(const ReplaceIn& in) { handle_replace(in); }

void Engine::on(const ControlIn& in) {
  switch (in.kind) {
    case ControlKind::kHalt:
    case ControlKind::kResume: {
      if (!known(in.instrument)) return;
      OrderBook& book = books_[in.instrument.value()];
      const bool halt = in.kind == ControlKind::kHalt;
      if (book.halted() == halt) return;
      book.set_halted(halt);
      book_changed(in.instrument);
      return;
    }
    case ControlKind::kKillSwitchOn:
      handle_kill_switch();
      return;
    case ControlKind::kKillSwitchOff:
      return;
  }
}

void Engine::on(const TradeIn& in) {
  if (counters_.stops == 0 || !known(in.instrument)) return;
  OrderBook& book = books_[in.instrument.value()];
  if (book.halted()) return;
  note_trade(in.instrument, in.price);
  if (triggered_.empty()) return;
  if (enter_triggered(book, fills_per_order_max_)) book_changed(in.instrument);
}

void Engine::on(const RiskDecision& d) {
  if (!d.approved || !executes_decisions_) return;
  const OrderIntent& it = d.intent;
  switch (it.kind) {
    case IntentKind::kNew:
      handle_new(
          NewOrderIn{it.id, it.account, it.instrument, it.side, it.type, it.tif, it.price, it.qty,
                     it.stop_price, it.post_only, it.expire});
      return;
    case IntentKind::kCancel:
      handle_cancel(CancelIn{it.id, it.account, it.instrument});
      return;
    case IntentKind::kReplace:
      handle_replace(ReplaceIn{it.id, it.account, it.instrument, it.price, it.qty});
      return;
  }
}

RejectReason Engine::validate_new(const NewOrderIn& in) const {
  if (!known(in.instrument)) return RejectReason::kUnknownInstrument;
  if (static_cast<uint8_t>(in.side) > static_cast<uint8_t>(Side::kSell) ||
      static_cast<uint8_t>(in.type) > static_cast<uint8_t>(OrderType::kStopLimit) ||
      static_cast<uint8_t>(in.tif) > static_cast<uint8_t>(TimeInForce::kGtd)) {
    return RejectReason::kInvalidOrderType;
  }
  // Post-only means "rest or nothing": only a limit order that may rest can carry it.
  if (in.post_only && (in.type != OrderType::kLimit || !rests(in.tif))) {
    return RejectReason::kInvalidOrderType;
  }
  if (in.qty.value() <= 0) return RejectReason::kInvalidQty;
  if (in.qty > max_order_qty_[in.instrument.value()]) return RejectReason::kQtyAboveInstrumentMax;
  const bool limit = in.type == OrderType::kLimit || in.type == OrderType::kStopLimit;
  const bool stop = is_stop(in.type);
  // One price domain (core/bounds.h) for every limit price, resting or not: what can enter is
  // exactly what a book, a snapshot and restore hold. A stop price is compared with trade
  // prices, which lie in the same domain.
  if (limit && !is_valid_price(in.price)) return RejectReason::kInvalidPrice;
  if (stop && !is_valid_price(in.stop_price)) return RejectReason::kInvalidStopPrice;
  if (in.tif == TimeInForce::kGtd && in.expire <= now_) return RejectReason::kInvalidExpiry;
  const OrderBook& book = books_[in.instrument.value()];
  if (book.halted()) return RejectReason::kHalted;
  if (ids_.contains(in.id.value())) return RejectReason::kDuplicateOrderId;
  // Only a limit order with a resting tif can rest; judged before matching, which only empties
  // levels and frees pool slots, so a pass here still holds when the remainder rests. A stop
  // holds a pool slot while it waits.
  const bool may_rest = limit && rests(in.tif);
  if (may_rest && !book.can_hold(in.price)) return RejectReason::kPriceOutOfRange;
  if ((may_rest || stop) && pool_.full()) return RejectReason::kBookFull;
  if (in.post_only && crosses(book, Taker{in.id, in.account, in.side, true, in.price, in.qty})) {
    return RejectReason::kWouldTake;
  }
  return RejectReason::kNone;
}

Timestamp Engine::expiry_for(const NewOrderIn& in) const {
  if (in.tif == TimeInForce::kGtd) return in.expire;
  if (in.tif != TimeInForce::kDay) return Timestamp(0);
  // The first midnight strictly after now_: floor division, so times before the epoch too.
  const int64_t t = now_.value();
  const int64_t day = t / kNsPerDay - (t % kNsPerDay < 0 ? 1 : 0);
  return Timestamp((day + 1) * kNsPerDay);
}

uint32_t Engine::new_node(const NewOrderIn& in, Qty leaves) {
  const uint32_t i = pool_.alloc();  // validate_new saw a free slot
  OrderNode& node = pool_[i];
  node.id = in.id;
  node.account = in.account;
  node.instrument = in.instrument;
  node.side = in.side;
  node.price = in.price;
  node.leaves = leaves;
  return i;
}

void Engine::add_stop(const NewOrderIn& in) {
  const uint32_t i = new_node(in, in.qty);
  ids_.insert(in.id.value(), i);
  stops_[in.instrument.value()].push_back(Stop{i, in.stop_price, in.type, in.tif});
  ++counters_.stops;
  if (rests(in.tif) && in.tif != TimeInForce::kGtc) set_expiry(in.id, expiry_for(in));
}

void Engine::handle_new(const NewOrderIn& in) {
  ++counters_.orders;
  const RejectReason reason = validate_new(in);
  if (reason != RejectReason::kNone) {
    reject(in.id, in.account, in.instrument, reason);
    return;
  }
  queue_.publish(
      OrderAccepted{in.id, in.account, in.instrument, in.side, in.type, in.tif, in.price, in.qty,
                    in.stop_price, in.post_only, in.expire});
  ++counters_.accepted;
  if (is_stop(in.type)) {
    add_stop(in);
    return;
  }
  OrderBook& book = books_[in.instrument.value()];
  const bool market = in.type == OrderType::kMarket;
  Taker t{in.id, in.account, in.side, !market, in.price, in.qty};
  if (in.tif == TimeInForce::kFok && !fok_fillable(book, t, fills_per_order_max_)) {
    cancelled(in.id, in.account, in.instrument, in.qty, CancelReason::kFokUnfilled);
    return;
  }
  const uint32_t fills = match(book, t, fills_per_order_max_);
  bool changed = fills > 0;
  if (t.leaves.value() > 0) {
    if (fills >= fills_per_order_max_) {
      cancelled(in.id, in.account, in.instrument, t.leaves, CancelReason::kFillLimit);
    } else if (market || !rests(in.tif)) {
      cancelled(in.id, in.account, in.instrument, t.leaves,
                fills > 0 ? CancelReason::kIocRemainder : CancelReason::kNoLiquidity);
    } else {
      rest(book, new_node(in, t.leaves));
      if (in.tif != TimeInForce::kGtc) set_expiry(in.id, expiry_for(in));
      changed = true;
    }
  }
  if (!triggered_.empty() && enter_triggered(book, fills_per_order_max_ - fills)) changed = true;
  if (changed) book_changed(in.instrument);
}

void Engine::handle_cancel(const CancelIn& in) {
  if (!known(in.instrument)) {
    reject(in.id, in.account, in.instrument, RejectReason::kUnknownInstrument);
    return;
  }
  const uint32_t i = ids_.find(in.id.value());
  if (i == kNilIndex || pool_[i].instrument != in.instrument) {
    reject(in.id, in.account, in.instrument, RejectReason::kUnknownOrderId);
    return;
  }
  const OrderNode& node = pool_[i];
  if (node.account != in.account) {
    reject(in.id, in.account, in.instrument, RejectReason::kNotOwner);
    return;
  }
  if (const ptrdiff_t k = stop_index(i); k >= 0) {
    remove_stop(in.instrument, k);
    cancelled(node.id, node.account, node.instrument, node.leaves, CancelReason::kUser);
    drop(i);
    return;
  }
  books_[in.instrument.value()].unlink(i);
  cancelled(node.id, node.account, node.instrument, node.leaves, CancelReason::kUser);
  release(i);
  book_changed(in.instrument);
}

RejectReason Engine::validate_replace(const ReplaceIn& in, uint32_t* node) const {
  if (!known(in.instrument)) return RejectReason::kUnknownInstrument;
  if (in.qty.value() <= 0) return RejectReason::kInvalidQty;
  if (in.qty > max_order_qty_[in.instrument.value()]) return RejectReason::kQtyAboveInstrumentMax;
  if (!is_valid_price(in.price)) return RejectReason::kInvalidPrice;
  const OrderBook& book = books_[in.instrument.value()];
  if (book.halted()) return RejectReason::kHalted;
  const uint32_t i = ids_.find(in.id.value());
  if (i == kNilIndex || pool_[i].instrument != in.instrument) return RejectReason::kUnknownOrderId;
  if (pool_[i].account != in.account) return RejectReason::kNotOwner;
  if (stop_index(i) >= 0) return RejectReason::kInvalidOrderType;
  if (in.price != pool_[i].price && !book.can_hold(in.price)) {
    return RejectReason::kPriceOutOfRange;
  }
  *node = i;
  return RejectReason::kNone;
}

void Engine::handle_replace(const ReplaceIn& in) {
  uint32_t i = kNilIndex;
  const RejectReason reason = validate_replace(in, &i);
  if (reason != RejectReason::kNone) {
    reject(in.id, in.account, in.instrument, reason);
    return;
  }
  OrderBook& book = books_[in.instrument.value()];
  OrderNode& node = pool_[i];
  if (in.price == node.price && in.qty <= node.leaves) {
    const bool reduced = in.qty < node.leaves;
    if (reduced) book.reduce(i, in.qty);
    queue_.publish(OrderReplaced{in.id, in.account, in.instrument, in.price, in.qty, true});
    ++counters_.replaced;
    if (reduced) book_changed(in.instrument);
    return;
  }
  // Priority lost: out of the book, then in again as an aggressor at the new price.
  book.unlink(i);
  queue_.publish(OrderReplaced{in.id, in.account, in.instrument, in.price, in.qty, false});
  ++counters_.replaced;
  Taker t{node.id, node.account, node.side, true, in.price, in.qty};
  const uint32_t fills = match(book, t, fills_per_order_max_);
  if (t.leaves.value() > 0 && fills >= fills_per_order_max_) {
    cancelled(node.id, node.account, node.instrument, t.leaves, CancelReason::kFillLimit);
    release(i);
  } else if (t.leaves.value() > 0) {
    node.price = in.price;
    node.leaves = t.leaves;
    book.rest(i);  // the id stays indexed: the order never stopped being live
  } else {
    release(i);
  }
  if (!triggered_.empty()) enter_triggered(book, fills_per_order_max_ - fills);
  book_changed(in.instrument);
}

void Engine::reject(OrderId id, AccountId account, InstrumentId instrument, RejectReason reason) {
  queue_.publish(OrderRejected{id, account, instrument, reason});
  ++counters_.rejected;
}

void Engine::cancelled(OrderId id, AccountId account, InstrumentId instrument, Qty qty,
                       CancelReason reason) {
  queue_.publish(OrderCancelled{id, account, instrument, qty, reason});
  ++counters_.cancelled;
}

}  // namespace tape
