// The L3 venue: strategy orders, data messages, feed latency (the rules are in l3_venue.h).
// State encoding is in l3_venue_state.cc, stop orders in l3_venue_stops.cc.
#include "core/l3_venue.h"

#include <algorithm>

#include "core/bounds.h"

namespace tape {
namespace {

constexpr int64_t kDayNs = 86'400'000'000'000;

int64_t next_midnight(int64_t t) {
  int64_t day = t / kDayNs;
  if (t % kDayNs < 0) --day;
  return (day + 1) * kDayNs;
}

}  // namespace

L3Venue::L3Venue(const CoreConfig& config, const SimClock& clock, EventQueue& queue)
    : active_(config.venue.model == VenueModel::kL3),
      feed_latency_(config.latency.feed_ns, config.latency.feed_dist, config.latency.seed,
                    LatencyKind::kFeed),
      clock_(clock),
      queue_(queue) {
  if (!active_) return;
  working_max_ =
      std::min<size_t>(config.engine.order_pool_capacity, config.event_queue_capacity / 4);
  seeds_ = config.venue.book_seeds;
  markets_.reserve(config.instruments.size());
  for (const InstrumentConfig& i : config.instruments) {
    max_order_qty_.push_back(i.max_order_qty);
    markets_.emplace_back(config.engine.order_pool_capacity, config.venue.l3_level1);
  }
}

// ---- Data ----

void L3Venue::on_market(const BookMessageIn& msg) {
  if (!active_ || msg.instrument.value() >= markets_.size()) return;
  const uint32_t i = msg.instrument.value();
  Market& m = markets_[i];
  if (!m.started) {
    m.started = true;
    if (i < seeds_.size() && seeds_[i].present) m.book.seed(seeds_[i], msg);
  }
  fills_.clear();
  m.book.apply(msg, &fills_);
  publish_maker_fills(msg.instrument, m);
  const bool print =
      msg.action == BookAction::kExecute || msg.action == BookAction::kHiddenExecute;
  if (print && !m.stops.empty()) trigger_stops(msg.instrument, m, msg.price);
  const TopOfBook top = m.book.top();
  const bool changed = !(top == m.live);
  m.live = top;
  if (!feed_latency_.on()) {
    const Timestamp due = clock_.now();
    if (changed) publish_feed(FeedItem::change(due, msg.instrument, top));
    if (print) {
      publish_feed(
          FeedItem::trade_print(due, msg.instrument, msg.price, msg.qty, opposite(msg.side)));
    }
    return;
  }
  if (!changed && !print) return;
  // One latency per message (both its items share it); a drawn one keeps the feed FIFO.
  int64_t due_ns = clock_.now().value() + feed_latency_.next_ns();
  if (!feed_.empty() && feed_.back().due.value() > due_ns) due_ns = feed_.back().due.value();
  const Timestamp due(due_ns);
  if (changed) {
    FeedItem& f = hold_slot();
    f.due = due;
    f.instrument = msg.instrument;
    f.print = false;
    f.has_bid = top.has_bid;
    f.has_ask = top.has_ask;
    f.aggressor = Side::kBuy;
    f.a = top.bid.value();
    f.b = top.bid_qty.value();
    f.c = top.ask.value();
    f.d = top.ask_qty.value();
  }
  if (print) {
    FeedItem& f = hold_slot();
    f.due = due;
    f.instrument = msg.instrument;
    f.print = true;
    f.has_bid = f.has_ask = false;
    f.aggressor = opposite(msg.side);
    f.a = msg.price.value();
    f.b = msg.qty.value();
    f.c = f.d = 0;
  }
}

L3Venue::FeedItem& L3Venue::hold_slot() {
  return feed_.hold_slot([this](const FeedItem& f) { publish_feed(f); });
}

void L3Venue::publish_feed(const FeedItem& item) {
  if (item.print) {
    queue_.publish(item.trade());
    return;
  }
  markets_[item.instrument.value()].seen = item.top();
  queue_.publish(BookChanged{item.instrument});
}

void L3Venue::deliver_due(Timestamp t) {
  // publish_feed never touches feed_: the front is published in place, then dropped.
  feed_.deliver_due(t, [this](const FeedItem& f) { publish_feed(f); });
}

void L3Venue::publish_maker_fills(InstrumentId instrument, Market& m) {
  for (const L3Fill& f : fills_) {
    Order* o = find(m, f.order);
    TAPE_CHECK(o != nullptr && f.qty <= o->leaves, "l3 fill of an order that does not rest");
    o->leaves -= f.qty;
    TAPE_CHECK(o->leaves == f.leaves, "l3 book and venue disagree on an order's size");
    queue_.publish(Fill{instrument, o->id, o->account, OrderId(0), AccountId(kExternalAccountBase),
                        f.price, f.qty, opposite(o->side), o->leaves, Qty(0)});
    if (o->leaves.value() == 0) remove_order(m, o->id);
  }
  fills_.clear();
}

// ---- Strategy orders ----

void L3Venue::execute(const RiskDecision& d) {
  if (!active_ || !d.approved) return;
  switch (d.intent.kind) {
    case IntentKind::kNew:
      handle_new(d.intent);
      return;
    case IntentKind::kCancel:
      handle_cancel(d.intent);
      return;
    case IntentKind::kReplace:
      handle_replace(d.intent);
      return;
  }
}

L3Venue::Order* L3Venue::find(Market& m, OrderId id) {
  for (Order& o : m.orders) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

void L3Venue::remove_order(Market& m, OrderId id) {
  const size_t before = m.orders.size();
  std::erase_if(m.orders, [id](const Order& o) { return o.id == id; });
  working_ -= before - m.orders.size();
}

RejectReason L3Venue::validate_new(const OrderIntent& it) const {
  if (it.instrument.value() >= markets_.size()) return RejectReason::kUnknownInstrument;
  if (static_cast<uint8_t>(it.side) > static_cast<uint8_t>(Side::kSell) ||
      static_cast<uint8_t>(it.type) > static_cast<uint8_t>(OrderType::kStopLimit) ||
      static_cast<uint8_t>(it.tif) > static_cast<uint8_t>(TimeInForce::kGtd) ||
      (it.post_only && it.type != OrderType::kLimit)) {
    return RejectReason::kInvalidOrderType;
  }
  if (it.qty.value() <= 0) return RejectReason::kInvalidQty;
  if (it.qty > max_order_qty_[it.instrument.value()]) return RejectReason::kQtyAboveInstrumentMax;
  const bool limit = it.type == OrderType::kLimit;
  const bool stop = it.type == OrderType::kStop || it.type == OrderType::kStopLimit;
  if ((limit || it.type == OrderType::kStopLimit) && !is_valid_price(it.price)) {
    return RejectReason::kInvalidPrice;
  }
  if (stop && !is_valid_price(it.stop_price)) return RejectReason::kInvalidStopPrice;
  if (it.tif == TimeInForce::kGtd && it.expire <= clock_.now()) return RejectReason::kInvalidExpiry;
  const Market& m = markets_[it.instrument.value()];
  if (m.control_halted || m.book.halted()) return RejectReason::kHalted;
  for (const Order& o : m.orders) {
    if (o.id == it.id) return RejectReason::kDuplicateOrderId;
  }
  const bool rests = limit && it.tif != TimeInForce::kIoc && it.tif != TimeInForce::kFok;
  if (rests && (working_ >= working_max_ || m.book.entries() >= m.book.capacity())) {
    return RejectReason::kBookFull;
  }
  if (stop && working_ >= working_max_) return RejectReason::kBookFull;  // it waits
  if (it.post_only) {
    const TopOfBook t = m.book.top();
    if (it.side == Side::kBuy ? t.has_ask && it.price >= t.ask : t.has_bid && it.price <= t.bid) {
      return RejectReason::kWouldTake;
    }
  }
  return RejectReason::kNone;
}

int64_t L3Venue::take(InstrumentId instrument, Market& m, Order& o, bool market) {
  fills_.clear();
  const int64_t got = m.book.take(o.id, o.side, market, o.price, o.leaves.value(), &fills_);
  for (const L3Fill& f : fills_) {
    o.leaves -= f.qty;
    queue_.publish(Fill{instrument, OrderId(0), AccountId(kExternalAccountBase), o.id, o.account,
                        f.price, f.qty, o.side, Qty(0), o.leaves});
  }
  fills_.clear();
  return got;
}

void L3Venue::handle_new(const OrderIntent& it) {
  const RejectReason reason = validate_new(it);
  if (reason != RejectReason::kNone) {
    queue_.publish(OrderRejected{it.id, it.account, it.instrument, reason});
    return;
  }
  queue_.publish(OrderAccepted{it.id, it.account, it.instrument, it.side, it.type, it.tif, it.price,
                               it.qty, it.stop_price, it.post_only, it.expire});
  Market& m = markets_[it.instrument.value()];
  const bool market = it.type == OrderType::kMarket;
  Order o;
  o.id = it.id;
  o.account = it.account;
  o.side = it.side;
  o.tif = it.tif;
  o.price = market ? Price(0) : it.price;
  o.leaves = it.qty;
  o.arrived = clock_.now();
  o.post_only = it.post_only;
  if (it.tif == TimeInForce::kGtd) o.expire_at = it.expire;
  if (it.tif == TimeInForce::kDay) o.expire_at = Timestamp(next_midnight(clock_.now().value()));
  if (it.type == OrderType::kStop || it.type == OrderType::kStopLimit) {
    // It waits, outside the book, for a data print at or through its stop price.
    o.type = it.type;
    o.stop = it.stop_price;
    o.price = it.type == OrderType::kStop ? Price(0) : it.price;
    m.stops.push_back(o);
    ++working_;
    note_expiry(o.expire_at);
    return;
  }
  if (it.tif == TimeInForce::kFok &&
      m.book.available(o.side, market, o.price, o.leaves.value()) < o.leaves.value()) {
    queue_.publish(
        OrderCancelled{o.id, o.account, it.instrument, o.leaves, CancelReason::kFokUnfilled});
    return;
  }
  const int64_t filled = take(it.instrument, m, o, market);
  if (o.leaves.value() == 0) return;
  if (market || it.tif == TimeInForce::kIoc || it.tif == TimeInForce::kFok) {
    queue_.publish(
        OrderCancelled{o.id, o.account, it.instrument, o.leaves,
                       filled > 0 ? CancelReason::kIocRemainder : CancelReason::kNoLiquidity});
    return;
  }
  TAPE_CHECK(m.book.join(o.id, o.side, o.price, o.leaves), "l3 book refused a checked join");
  m.orders.push_back(o);
  ++working_;
  note_expiry(o.expire_at);
}

void L3Venue::note_expiry(Timestamp at) {
  if (at.value() != 0 && (next_expiry_ns_ == 0 || at.value() < next_expiry_ns_)) {
    next_expiry_ns_ = at.value();
  }
}

void L3Venue::handle_cancel(const OrderIntent& it) {
  if (it.instrument.value() >= markets_.size()) {
    queue_.publish(
        OrderRejected{it.id, it.account, it.instrument, RejectReason::kUnknownInstrument});
    return;
  }
  Market& m = markets_[it.instrument.value()];
  Order* o = find(m, it.id);
  const bool stop = o == nullptr && (o = find_stop(m, it.id)) != nullptr;
  RejectReason reason = RejectReason::kNone;
  if (o == nullptr) reason = RejectReason::kUnknownOrderId;
  if (o != nullptr && o->account != it.account) reason = RejectReason::kNotOwner;
  if (reason != RejectReason::kNone) {
    queue_.publish(OrderRejected{it.id, it.account, it.instrument, reason});
    return;
  }
  if (stop) {
    queue_.publish(
        OrderCancelled{o->id, o->account, it.instrument, o->leaves, CancelReason::kUser});
    remove_stop(m, it.id);
    return;
  }
  m.book.remove(o->id);
  queue_.publish(OrderCancelled{o->id, o->account, it.instrument, o->leaves, CancelReason::kUser});
  remove_order(m, it.id);
}

void L3Venue::handle_replace(const OrderIntent& it) {
  RejectReason reason = RejectReason::kNone;
  Order* o = nullptr;
  if (it.instrument.value() >= markets_.size()) {
    reason = RejectReason::kUnknownInstrument;
  } else if (it.qty.value() <= 0) {
    reason = RejectReason::kInvalidQty;
  } else if (it.qty > max_order_qty_[it.instrument.value()]) {
    reason = RejectReason::kQtyAboveInstrumentMax;
  } else if (!is_valid_price(it.price)) {
    reason = RejectReason::kInvalidPrice;
  } else {
    Market& m = markets_[it.instrument.value()];
    o = find(m, it.id);
    if (o == nullptr) o = find_stop(m, it.id);
    if (m.control_halted || m.book.halted()) {
      reason = RejectReason::kHalted;
    } else if (o == nullptr) {
      reason = RejectReason::kUnknownOrderId;
    } else if (o->account != it.account) {
      reason = RejectReason::kNotOwner;
    }
  }
  if (reason != RejectReason::kNone) {
    queue_.publish(OrderRejected{it.id, it.account, it.instrument, reason});
    return;
  }
  Market& m = markets_[it.instrument.value()];
  if (o->type != OrderType::kLimit) {
    // A waiting stop: `price` is the new stop price of a kStop, the new limit of a kStopLimit.
    Price& target = o->type == OrderType::kStop ? o->stop : o->price;
    const bool kept = it.price == target && it.qty <= o->leaves;
    queue_.publish(OrderReplaced{it.id, it.account, it.instrument, it.price, it.qty, kept});
    target = it.price;
    o->leaves = it.qty;
    return;
  }
  const bool kept = it.price == o->price && it.qty <= o->leaves;
  queue_.publish(OrderReplaced{it.id, it.account, it.instrument, it.price, it.qty, kept});
  if (kept) {
    if (it.qty < o->leaves) m.book.shrink(o->id, it.qty);
    o->leaves = it.qty;
    return;
  }
  // Priority lost: out of the queue, take what is marketable at the new price, join the back.
  m.book.remove(o->id);
  o->price = it.price;
  o->leaves = it.qty;
  take(it.instrument, m, *o, false);
  if (o->leaves.value() == 0) {
    remove_order(m, it.id);
    return;
  }
  // Its own entry was just freed: the join cannot find the pool full.
  TAPE_CHECK(m.book.join(o->id, o->side, o->price, o->leaves), "l3 book refused a rejoin");
}

void L3Venue::on(const ControlIn& control) {
  if (!active_) return;
  switch (control.kind) {
    case ControlKind::kHalt:
    case ControlKind::kResume:
      if (control.instrument.value() < markets_.size()) {
        markets_[control.instrument.value()].control_halted = control.kind == ControlKind::kHalt;
      }
      return;
    case ControlKind::kKillSwitchOn:
      handle_kill_switch();
      return;
    case ControlKind::kKillSwitchOff:
      return;
  }
}

void L3Venue::handle_kill_switch() {
  for (size_t i = 0; i < markets_.size(); ++i) {
    Market& m = markets_[i];
    for (const Order& o : m.orders) {
      m.book.remove(o.id);
      queue_.publish(OrderCancelled{o.id, o.account, InstrumentId(static_cast<uint32_t>(i)),
                                    o.leaves, CancelReason::kKillSwitch});
    }
    for (const Order& o : m.stops) {
      queue_.publish(OrderCancelled{o.id, o.account, InstrumentId(static_cast<uint32_t>(i)),
                                    o.leaves, CancelReason::kKillSwitch});
    }
    working_ -= m.orders.size() + m.stops.size();
    m.orders.clear();
    m.stops.clear();
  }
}

void L3Venue::advance_time(Timestamp now) {
  if (!active_ || next_expiry_ns_ == 0 || now.value() < next_expiry_ns_) return;
  int64_t next = 0;
  for (size_t i = 0; i < markets_.size(); ++i) {
    Market& m = markets_[i];
    for (const Order& o : m.orders) {
      const int64_t at = o.expire_at.value();
      if (at == 0) continue;
      if (at <= now.value()) {
        m.book.remove(o.id);
        queue_.publish(OrderCancelled{o.id, o.account, InstrumentId(static_cast<uint32_t>(i)),
                                      o.leaves, CancelReason::kExpired});
      } else if (next == 0 || at < next) {
        next = at;
      }
    }
    for (const Order& o : m.stops) {
      const int64_t at = o.expire_at.value();
      if (at == 0) continue;
      if (at <= now.value()) {
        queue_.publish(OrderCancelled{o.id, o.account, InstrumentId(static_cast<uint32_t>(i)),
                                      o.leaves, CancelReason::kExpired});
      } else if (next == 0 || at < next) {
        next = at;
      }
    }
    const auto expired = [&](const Order& o) {
      return o.expire_at.value() != 0 && o.expire_at.value() <= now.value();
    };
    const size_t before = m.orders.size() + m.stops.size();
    std::erase_if(m.orders, expired);
    std::erase_if(m.stops, expired);
    working_ -= before - m.orders.size() - m.stops.size();
  }
  next_expiry_ns_ = next;
}

// ---- MarketView ----

TopOfBook L3Venue::top(InstrumentId instrument) const {
  if (instrument.value() >= markets_.size()) return TopOfBook{};
  return markets_[instrument.value()].seen;
}

size_t L3Venue::depth(InstrumentId instrument, Side side, std::span<LevelView> out) const {
  if (instrument.value() >= markets_.size() || out.empty()) return 0;
  const Market& m = markets_[instrument.value()];
  if (!feed_latency_.on()) return m.book.depth(side, out);
  const bool buy = side == Side::kBuy;
  if (!(buy ? m.seen.has_bid : m.seen.has_ask)) return 0;
  out[0] = LevelView{buy ? m.seen.bid : m.seen.ask, buy ? m.seen.bid_qty : m.seen.ask_qty, 0};
  return 1;
}

bool L3Venue::halted(InstrumentId instrument) const {
  if (instrument.value() >= markets_.size()) return false;
  const Market& m = markets_[instrument.value()];
  return m.control_halted || m.book.halted();
}

bool L3Venue::is_resting(OrderId id) const {
  for (const Market& m : markets_) {
    for (const Order& o : m.orders) {
      if (o.id == id) return true;
    }
    for (const Order& o : m.stops) {
      if (o.id == id) return true;  // working, waiting for its trigger (as the engine's)
    }
  }
  return false;
}

}  // namespace tape
