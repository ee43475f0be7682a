// Data venue: order handling, expiry, the kill switch and state. The bar and quote fill models
// are in venue_bars.cc and venue_quotes.cc.
#include "core/data_venue.h"

#include <algorithm>
#include <string>

#include "core/bounds.h"

namespace tape {
namespace {

constexpr int64_t kDayNs = 86'400'000'000'000;

// The first 00:00:00 UTC strictly after `t` (floor division: times before the epoch too), as
// the engine's day orders.
int64_t next_midnight(int64_t t) {
  int64_t day = t / kDayNs;
  if (t % kDayNs < 0) --day;
  return (day + 1) * kDayNs;
}

bool read_flag(StateReader& r) {
  const uint8_t v = r.u8();
  if (v > 1) r.fail("flag out of range");
  return v == 1;
}

}  // namespace

DataVenue::DataVenue(const CoreConfig& config, const SimClock& clock, EventQueue& queue)
    : model_(config.venue.model),
      bar_fill_(config.venue.bar_fill),
      volume_cap_ppm_(std::max<int64_t>(config.venue.volume_cap_ppm, 0)),
      slippage_ticks_(std::max<int64_t>(config.venue.slippage_ticks, 0)),
      clock_(clock),
      queue_(queue) {
  if (!active()) return;
  working_max_ =
      std::min<size_t>(config.engine.order_pool_capacity, config.event_queue_capacity / 4);
  feed_latency_ = LatencyDraw(config.latency.feed_ns, config.latency.feed_dist, config.latency.seed,
                              LatencyKind::kFeed);
  markets_.resize(config.instruments.size());
  for (const InstrumentConfig& i : config.instruments) max_order_qty_.push_back(i.max_order_qty);
}

void DataVenue::execute(const RiskDecision& d) {
  if (!active() || !d.approved) return;
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

DataVenue::Order* DataVenue::find(Market& m, OrderId id) {
  for (Order& o : m.orders) {
    if (o.id == id && !o.done) return &o;
  }
  return nullptr;
}

RejectReason DataVenue::validate_new(const OrderIntent& it) const {
  if (it.instrument.value() >= markets_.size()) return RejectReason::kUnknownInstrument;
  if (static_cast<uint8_t>(it.side) > static_cast<uint8_t>(Side::kSell) ||
      static_cast<uint8_t>(it.type) > static_cast<uint8_t>(OrderType::kStopLimit) ||
      static_cast<uint8_t>(it.tif) > static_cast<uint8_t>(TimeInForce::kGtd) ||
      (it.post_only && it.type != OrderType::kLimit)) {
    return RejectReason::kInvalidOrderType;
  }
  if (it.qty.value() <= 0) return RejectReason::kInvalidQty;
  if (it.qty > max_order_qty_[it.instrument.value()]) return RejectReason::kQtyAboveInstrumentMax;
  const bool limit = it.type == OrderType::kLimit || it.type == OrderType::kStopLimit;
  const bool stop = it.type == OrderType::kStop || it.type == OrderType::kStopLimit;
  if (limit && !is_valid_price(it.price)) return RejectReason::kInvalidPrice;
  if (stop && !is_valid_price(it.stop_price)) return RejectReason::kInvalidStopPrice;
  if (it.tif == TimeInForce::kGtd && it.expire <= clock_.now()) return RejectReason::kInvalidExpiry;
  const Market& m = markets_[it.instrument.value()];
  if (m.halted) return RejectReason::kHalted;
  for (const Order& o : m.orders) {
    if (o.id == it.id && !o.done) return RejectReason::kDuplicateOrderId;
  }
  const bool immediate =
      it.tif == TimeInForce::kIoc || it.tif == TimeInForce::kFok || it.type == OrderType::kMarket;
  const bool may_work = model_ == VenueModel::kBars || !immediate;
  if (may_work && working_ >= working_max_) return RejectReason::kBookFull;
  if (it.post_only) {
    if (model_ == VenueModel::kQuotes && m.has_quote) {
      if (it.side == Side::kBuy ? it.price >= m.quote.ask : it.price <= m.quote.bid) {
        return RejectReason::kWouldTake;
      }
    } else if (model_ == VenueModel::kBars && m.has_bar) {
      if (it.side == Side::kBuy ? it.price >= m.bar_close : it.price <= m.bar_close) {
        return RejectReason::kWouldTake;
      }
    }
  }
  return RejectReason::kNone;
}

void DataVenue::handle_new(const OrderIntent& it) {
  const RejectReason reason = validate_new(it);
  if (reason != RejectReason::kNone) {
    reject(it, reason);
    return;
  }
  queue_.publish(OrderAccepted{it.id, it.account, it.instrument, it.side, it.type, it.tif, it.price,
                               it.qty, it.stop_price, it.post_only, it.expire});
  Order o;
  o.id = it.id;
  o.account = it.account;
  o.side = it.side;
  o.type = it.type;
  o.tif = it.tif;
  o.price = it.type == OrderType::kMarket || it.type == OrderType::kStop ? Price(0) : it.price;
  o.stop =
      it.type == OrderType::kStop || it.type == OrderType::kStopLimit ? it.stop_price : Price(0);
  o.leaves = it.qty;
  o.arrived = clock_.now();
  if (it.tif == TimeInForce::kGtd) o.expire_at = it.expire;
  if (it.tif == TimeInForce::kDay) o.expire_at = Timestamp(next_midnight(clock_.now().value()));
  o.post_only = it.post_only;
  Market& m = markets_[it.instrument.value()];
  if (model_ == VenueModel::kBars) {
    arrive_bars(it.instrument, m, o);
  } else {
    arrive_quotes(it.instrument, m, o);
  }
  if (o.done) return;
  m.orders.push_back(o);
  ++working_;
  if (o.expire_at.value() != 0 && (next_expiry_ns_ == 0 || o.expire_at.value() < next_expiry_ns_)) {
    next_expiry_ns_ = o.expire_at.value();
  }
}

void DataVenue::handle_cancel(const OrderIntent& it) {
  if (it.instrument.value() >= markets_.size()) {
    reject(it, RejectReason::kUnknownInstrument);
    return;
  }
  Market& m = markets_[it.instrument.value()];
  Order* o = find(m, it.id);
  if (o == nullptr) {
    reject(it, RejectReason::kUnknownOrderId);
    return;
  }
  if (o->account != it.account) {
    reject(it, RejectReason::kNotOwner);
    return;
  }
  cancel(it.instrument, *o, CancelReason::kUser);
  sweep(m);
}

RejectReason DataVenue::validate_replace(const OrderIntent& it, size_t* index) const {
  if (it.instrument.value() >= markets_.size()) return RejectReason::kUnknownInstrument;
  if (it.qty.value() <= 0) return RejectReason::kInvalidQty;
  if (it.qty > max_order_qty_[it.instrument.value()]) return RejectReason::kQtyAboveInstrumentMax;
  if (!is_valid_price(it.price)) return RejectReason::kInvalidPrice;
  const Market& m = markets_[it.instrument.value()];
  if (m.halted) return RejectReason::kHalted;
  for (size_t i = 0; i < m.orders.size(); ++i) {
    const Order& o = m.orders[i];
    if (o.id != it.id || o.done) continue;
    if (o.account != it.account) return RejectReason::kNotOwner;
    *index = i;
    return RejectReason::kNone;
  }
  return RejectReason::kUnknownOrderId;
}

void DataVenue::handle_replace(const OrderIntent& it) {
  size_t i = 0;
  const RejectReason reason = validate_replace(it, &i);
  if (reason != RejectReason::kNone) {
    reject(it, reason);
    return;
  }
  Market& m = markets_[it.instrument.value()];
  Order& o = m.orders[i];
  // Which price the replace moves: the limit, or an untriggered stop's trigger.
  Price* moved = nullptr;
  if (o.type == OrderType::kLimit || o.type == OrderType::kStopLimit) moved = &o.price;
  if (o.type == OrderType::kStop && !o.triggered) moved = &o.stop;
  const bool kept = (moved == nullptr || *moved == it.price) && it.qty <= o.leaves;
  if (moved != nullptr) *moved = it.price;
  o.leaves = it.qty;
  queue_.publish(OrderReplaced{it.id, it.account, it.instrument, it.price, it.qty, kept});
  if (kept || model_ != VenueModel::kQuotes) return;
  // Quotes: priority lost. The order takes what is marketable at its new price, then joins.
  const bool limit_phase =
      o.type == OrderType::kLimit || (o.type == OrderType::kStopLimit && o.triggered);
  if (!limit_phase) return;
  take_quote(it.instrument, m, o);
  if (!o.done) join_queue(m, o);
  sweep(m);
}

void DataVenue::on(const ControlIn& control) {
  if (!active()) return;
  switch (control.kind) {
    case ControlKind::kHalt:
    case ControlKind::kResume:
      if (control.instrument.value() < markets_.size()) {
        markets_[control.instrument.value()].halted = control.kind == ControlKind::kHalt;
      }
      return;
    case ControlKind::kKillSwitchOn:
      handle_kill_switch();
      return;
    case ControlKind::kKillSwitchOff:
      return;
  }
}

void DataVenue::handle_kill_switch() {
  for (size_t i = 0; i < markets_.size(); ++i) {
    Market& m = markets_[i];
    for (Order& o : m.orders) {
      if (!o.done && is_managed(o.account)) {
        cancel(InstrumentId(static_cast<uint32_t>(i)), o, CancelReason::kKillSwitch);
      }
    }
    sweep(m);
  }
}

void DataVenue::advance_time(Timestamp now) {
  if (!active() || next_expiry_ns_ == 0 || now.value() < next_expiry_ns_) return;
  int64_t next = 0;
  for (size_t i = 0; i < markets_.size(); ++i) {
    Market& m = markets_[i];
    for (Order& o : m.orders) {
      const int64_t at = o.expire_at.value();
      if (o.done || at == 0) continue;
      if (at <= now.value()) {
        cancel(InstrumentId(static_cast<uint32_t>(i)), o, CancelReason::kExpired);
      } else if (next == 0 || at < next) {
        next = at;
      }
    }
    sweep(m);
  }
  next_expiry_ns_ = next;
}

void DataVenue::work(const BarIn& bar) {
  if (model_ != VenueModel::kBars || bar.instrument.value() >= markets_.size()) return;
  Market& m = markets_[bar.instrument.value()];
  if (!m.halted) {
    for (Order& o : m.orders) {
      if (!o.done) work_bar(bar.instrument, m, bar, o);
    }
    sweep(m);
  }
  m.has_bar = true;
  m.bar_ts = clock_.now();
  m.bar_close = bar.close;
  m.bar_volume = bar.volume;
}

void DataVenue::work(const QuoteIn& quote) {
  if (model_ != VenueModel::kQuotes || quote.instrument.value() >= markets_.size()) return;
  Market& m = markets_[quote.instrument.value()];
  m.has_quote = true;
  m.quote = quote;
  m.bid_avail = quote.bid_qty.value();
  m.ask_avail = quote.ask_qty.value();
  if (m.halted) return;
  for (Order& o : m.orders) {
    if (!o.done) work_quote(quote.instrument, m, o);
  }
  sweep(m);
}

void DataVenue::work(const TradeIn& trade) {
  if (model_ != VenueModel::kQuotes || trade.instrument.value() >= markets_.size()) return;
  Market& m = markets_[trade.instrument.value()];
  if (m.halted) return;
  int64_t used = 0;
  for (Order& o : m.orders) {
    if (!o.done) work_print(trade.instrument, m, trade, o, &used);
  }
  sweep(m);
}

void DataVenue::fill(InstrumentId instrument, Order& o, Price price, Qty qty, bool maker) {
  TAPE_CHECK(qty.value() > 0 && qty <= o.leaves, "venue fill outside the order's open qty");
  o.leaves -= qty;
  queue_.publish(Fill{instrument, OrderId(0), AccountId(kExternalAccountBase), o.id, o.account,
                      price, qty, o.side, Qty(0), o.leaves});
  notes_.push_back(Note{o.id, o.leaves, maker});
  if (o.leaves.value() == 0) o.done = true;
}

void DataVenue::cancel(InstrumentId instrument, Order& o, CancelReason reason) {
  queue_.publish(OrderCancelled{o.id, o.account, instrument, o.leaves, reason});
  o.done = true;
}

void DataVenue::reject(const OrderIntent& it, RejectReason reason) {
  queue_.publish(OrderRejected{it.id, it.account, it.instrument, reason});
}

void DataVenue::sweep(Market& m) {
  const size_t before = m.orders.size();
  std::erase_if(m.orders, [](const Order& o) { return o.done; });
  working_ -= before - m.orders.size();
}

Price DataVenue::slipped(Price p, Side side) const {
  const int64_t v = side == Side::kBuy ? std::min(p.value() + slippage_ticks_, kMaxPrice)
                                       : std::max(p.value() - slippage_ticks_, kMinPrice);
  return Price(v);
}

bool DataVenue::maker_fill(const Fill& f) const {
  if (f.maker.value() != 0 || f.maker_account.value() != kExternalAccountBase) return false;
  for (const Note& n : notes_) {
    if (n.taker == f.taker && n.leaves == f.taker_leaves) return n.maker;
  }
  return false;
}

void DataVenue::hash_state(StateHasher& h) const {
  h.tag("venue");
  h.u32(static_cast<uint32_t>(markets_.size()));
  for (const Market& m : markets_) {
    h.u8(m.halted);
    h.u8(m.has_bar);
    h.v(m.bar_ts);
    h.v(m.bar_close);
    h.v(m.bar_volume);
    h.u8(m.has_quote);
    h.v(m.quote.bid);
    h.v(m.quote.bid_qty);
    h.v(m.quote.ask);
    h.v(m.quote.ask_qty);
    h.i64(m.bid_avail);
    h.i64(m.ask_avail);
    h.u64(m.orders.size());
    for (const Order& o : m.orders) {
      h.v(o.id);
      h.v(o.account);
      h.u8(static_cast<uint8_t>(o.side));
      h.u8(static_cast<uint8_t>(o.type));
      h.u8(static_cast<uint8_t>(o.tif));
      h.v(o.price);
      h.v(o.stop);
      h.v(o.leaves);
      h.v(o.expire_at);
      h.v(o.arrived);
      h.u8(o.triggered);
      h.u8(o.post_only);
      h.u8(o.queue_known);
      h.i64(o.queue_ahead);
    }
  }
  if (feed_latency_.on()) hash_feed(h);
}

Status DataVenue::restore_state(StateReader& r) {
  r.expect_tag("venue");
  if (r.u32() != markets_.size()) r.fail("venue instrument count differs from the config");
  working_ = 0;
  next_expiry_ns_ = 0;
  for (size_t i = 0; i < markets_.size() && r.ok(); ++i) {
    Market& m = markets_[i];
    m.halted = read_flag(r);
    m.has_bar = read_flag(r);
    m.bar_ts = r.v<Timestamp>();
    m.bar_close = r.v<Price>();
    m.bar_volume = r.v<Qty>();
    m.has_quote = read_flag(r);
    m.quote.instrument = InstrumentId(static_cast<uint32_t>(i));
    m.quote.bid = r.v<Price>();
    m.quote.bid_qty = r.v<Qty>();
    m.quote.ask = r.v<Price>();
    m.quote.ask_qty = r.v<Qty>();
    m.bid_avail = r.i64();
    m.ask_avail = r.i64();
    if (m.bid_avail < 0 || m.ask_avail < 0 || m.bid_avail > m.quote.bid_qty.value() ||
        m.ask_avail > m.quote.ask_qty.value()) {
      r.fail("venue untaken quote size out of range");
    }
    const uint64_t n = r.u64();
    if (n > working_max_ - working_) r.fail("more working venue orders than the bound");
    for (uint64_t k = 0; k < n && r.ok(); ++k) {
      Order o;
      o.id = r.v<OrderId>();
      o.account = r.v<AccountId>();
      const uint8_t side = r.u8();
      const uint8_t type = r.u8();
      const uint8_t tif = r.u8();
      o.price = r.v<Price>();
      o.stop = r.v<Price>();
      o.leaves = r.v<Qty>();
      o.expire_at = r.v<Timestamp>();
      o.arrived = r.v<Timestamp>();
      o.triggered = read_flag(r);
      o.post_only = read_flag(r);
      o.queue_known = read_flag(r);
      o.queue_ahead = r.i64();
      if (!is_managed(o.account) || side > static_cast<uint8_t>(Side::kSell) ||
          type > static_cast<uint8_t>(OrderType::kStopLimit) ||
          tif > static_cast<uint8_t>(TimeInForce::kGtd) || o.leaves.value() <= 0 ||
          o.queue_ahead < 0) {
        r.fail("venue order " + std::to_string(o.id.value()) + " out of range");
        break;
      }
      o.side = static_cast<Side>(side);
      o.type = static_cast<OrderType>(type);
      o.tif = static_cast<TimeInForce>(tif);
      if (o.expire_at.value() != 0 &&
          (next_expiry_ns_ == 0 || o.expire_at.value() < next_expiry_ns_)) {
        next_expiry_ns_ = o.expire_at.value();
      }
      m.orders.push_back(o);
      ++working_;
    }
  }
  if (feed_latency_.on()) restore_feed(r);
  return r.status();
}

// ---- MarketView ----

TopOfBook DataVenue::top(InstrumentId instrument) const {
  if (instrument.value() >= markets_.size()) return TopOfBook{};
  const Market& m = markets_[instrument.value()];
  // With feed latency strategies read the last quote they were given, never a newer one.
  if (feed_latency_.on() ? !m.has_seen : !m.has_quote) return TopOfBook{};
  const QuoteIn& q = feed_latency_.on() ? m.seen : m.quote;
  TopOfBook t;
  t.has_bid = q.bid_qty.value() > 0;
  t.has_ask = q.ask_qty.value() > 0;
  if (t.has_bid) {
    t.bid = q.bid;
    t.bid_qty = q.bid_qty;
  }
  if (t.has_ask) {
    t.ask = q.ask;
    t.ask_qty = q.ask_qty;
  }
  return t;
}

size_t DataVenue::depth(InstrumentId instrument, Side side, std::span<LevelView> out) const {
  if (out.empty()) return 0;
  const TopOfBook t = top(instrument);
  const bool buy = side == Side::kBuy;
  if (!(buy ? t.has_bid : t.has_ask)) return 0;
  out[0] = LevelView{buy ? t.bid : t.ask, buy ? t.bid_qty : t.ask_qty, 0};
  return 1;
}

bool DataVenue::halted(InstrumentId instrument) const {
  return instrument.value() < markets_.size() && markets_[instrument.value()].halted;
}

bool DataVenue::is_resting(OrderId id) const {
  for (const Market& m : markets_) {
    for (const Order& o : m.orders) {
      if (o.id == id && !o.done) return true;
    }
  }
  return false;
}

}  // namespace tape
