// The L3 venue's canonical state (hash and snapshot) and its restore.
#include <string>

#include "core/bounds.h"
#include "core/l3_venue.h"

namespace tape {
namespace {

bool read_flag(StateReader& r) {
  const uint8_t v = r.u8();
  if (v > 1) r.fail("l3 venue: flag out of range");
  return v == 1;
}

void hash_top(StateHasher& h, const TopOfBook& t) {
  h.u8(t.has_bid);
  h.v(t.bid);
  h.v(t.bid_qty);
  h.u8(t.has_ask);
  h.v(t.ask);
  h.v(t.ask_qty);
}

TopOfBook read_top(StateReader& r) {
  TopOfBook t;
  t.has_bid = read_flag(r);
  t.bid = r.v<Price>();
  t.bid_qty = r.v<Qty>();
  t.has_ask = read_flag(r);
  t.ask = r.v<Price>();
  t.ask_qty = r.v<Qty>();
  return t;
}

// A waiting stop is written among the orders with this bit set in its side byte, then its type
// and stop price: a run without stops writes exactly the bytes it did before stops existed.
constexpr uint8_t kStopBit = 0x80;

}  // namespace

void L3Venue::hash_order(StateHasher& h, const Order& o, bool stop) const {
  h.v(o.id);
  h.v(o.account);
  h.u8(static_cast<uint8_t>(static_cast<uint8_t>(o.side) | (stop ? kStopBit : 0)));
  h.u8(static_cast<uint8_t>(o.tif));
  h.v(o.price);
  h.v(o.leaves);
  h.v(o.expire_at);
  h.v(o.arrived);
  h.u8(o.post_only);
  if (!stop) return;
  h.u8(static_cast<uint8_t>(o.type));
  h.v(o.stop);
}

void L3Venue::hash_state(StateHasher& h) const {
  h.tag("l3venue");
  h.u32(static_cast<uint32_t>(markets_.size()));
  for (const Market& m : markets_) {
    h.u8(m.control_halted);
    h.u8(m.started);
    hash_top(h, m.seen);
    m.book.hash_state(h);
    h.u64(m.orders.size() + m.stops.size());
    for (const Order& o : m.orders) hash_order(h, o, false);
    for (const Order& o : m.stops) hash_order(h, o, true);
  }
  h.u64(feed_.size());
  for (size_t k = 0; k < feed_.size(); ++k) {
    const FeedItem& f = feed_[k];
    h.v(f.due);
    h.v(f.instrument);
    h.u8(f.print);
    if (f.print) {
      const TradeIn t = f.trade();
      h.v(t.price);
      h.v(t.qty);
      h.u8(static_cast<uint8_t>(t.aggressor));
    } else {
      hash_top(h, f.top());
    }
  }
  h.u64(feed_.early());
}

Status L3Venue::restore_state(StateReader& r) {
  r.expect_tag("l3venue");
  if (r.u32() != markets_.size()) r.fail("l3 venue: instrument count differs from the config");
  working_ = 0;
  next_expiry_ns_ = 0;
  for (size_t i = 0; i < markets_.size() && r.ok(); ++i) {
    Market& m = markets_[i];
    m.control_halted = read_flag(r);
    m.started = read_flag(r);
    m.seen = read_top(r);
    RETURN_IF_ERROR(m.book.restore_state(r));
    m.live = m.book.top();
    const uint64_t n = r.u64();
    if (n > working_max_ - working_) r.fail("l3 venue: more working orders than the bound");
    for (uint64_t k = 0; k < n && r.ok(); ++k) {
      Order o;
      o.id = r.v<OrderId>();
      o.account = r.v<AccountId>();
      const uint8_t side = r.u8();
      const uint8_t tif = r.u8();
      o.price = r.v<Price>();
      o.leaves = r.v<Qty>();
      o.expire_at = r.v<Timestamp>();
      o.arrived = r.v<Timestamp>();
      o.post_only = read_flag(r);
      const bool stop = (side & kStopBit) != 0;
      uint8_t type = static_cast<uint8_t>(OrderType::kLimit);
      if (stop) {
        type = r.u8();
        o.stop = r.v<Price>();
      }
      const bool stop_ok = type == static_cast<uint8_t>(OrderType::kStop)
                               ? o.price.value() == 0 && is_valid_price(o.stop)
                               : type == static_cast<uint8_t>(OrderType::kStopLimit) &&
                                     is_valid_price(o.price) && is_valid_price(o.stop);
      const bool where_ok =
          stop ? stop_ok && !o.post_only : m.book.is_strategy_resting(o.id, o.leaves);
      const uint8_t side_bits = static_cast<uint8_t>(side & ~kStopBit);
      if (!is_managed(o.account) || side_bits > 1 ||
          tif > static_cast<uint8_t>(TimeInForce::kGtd) || o.leaves.value() <= 0 || !where_ok) {
        r.fail("l3 venue: order " + std::to_string(o.id.value()) + " out of range");
        break;
      }
      o.side = static_cast<Side>(side_bits);
      o.tif = static_cast<TimeInForce>(tif);
      o.type = static_cast<OrderType>(type);
      note_expiry(o.expire_at);
      (stop ? m.stops : m.orders).push_back(o);
      ++working_;
    }
  }
  const uint64_t queued = r.u64();
  if (queued > kFeedQueueMax) r.fail("l3 venue: feed queue above its bound");
  feed_.clear();
  for (uint64_t k = 0; k < queued && r.ok(); ++k) {
    const Timestamp due = r.v<Timestamp>();
    const InstrumentId instrument = r.v<InstrumentId>();
    const bool print = read_flag(r);
    if (instrument.value() >= markets_.size()) r.fail("l3 venue: feed item instrument");
    FeedItem f;
    if (print) {
      const Price price = r.v<Price>();
      const Qty qty = r.v<Qty>();
      const uint8_t agg = r.u8();
      if (agg > 1) r.fail("l3 venue: feed print side");
      f = FeedItem::trade_print(due, instrument, price, qty, static_cast<Side>(agg & 1));
    } else {
      f = FeedItem::change(due, instrument, read_top(r));
    }
    if (!feed_.push_restored(f)) r.fail("l3 venue: feed queue out of order");
  }
  feed_.set_early(r.u64());
  return r.status();
}

}  // namespace tape
