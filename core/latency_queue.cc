#include "core/latency_queue.h"

#include <algorithm>

namespace tape {

bool LatencyQueue::push(Timestamp due, const RiskDecision& d) {
  if (items_.size() >= capacity_) return false;
  // A constant latency appends; the search only matters for an earlier due time.
  if (items_.empty() || items_.back().due <= due) {
    items_.push_back(Item{due, d});
    return true;
  }
  // The first item due after `due` (upper bound).
  size_t lo = 0, hi = items_.size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (due < items_[mid].due) hi = mid; else lo = mid + 1;
  }
  items_.insert(lo, Item{due, d});
  return true;
}

RiskDecision LatencyQueue::pop() {
  TAPE_CHECK(!items_.empty(), "pop from an empty latency queue");
  RiskDecision d = items_.front().decision;
  items_.pop_front();
  return d;
}

void LatencyQueue::hash_state(StateHasher& h) const {
  h.tag("in_flight");
  h.u64(items_.size());
  for (size_t k = 0; k < items_.size(); ++k) {
    const Item& i = items_[k];
    h.v(i.due);
    const RiskDecision& d = i.decision;
    h.u8(d.approved);
    h.u32(static_cast<uint32_t>(d.reason));
    const OrderIntent& it = d.intent;
    h.u8(static_cast<uint8_t>(it.kind));
    h.v(it.id);
    h.v(it.account);
    h.v(it.instrument);
    h.u8(static_cast<uint8_t>(it.side));
    h.u8(static_cast<uint8_t>(it.type));
    h.u8(static_cast<uint8_t>(it.tif));
    h.v(it.price);
    h.v(it.qty);
    h.v(it.stop_price);
    h.u8(it.post_only);
    h.v(it.expire);
  }
}

Status LatencyQueue::restore_state(StateReader& r) {
  r.expect_tag("in_flight");
  const uint64_t n = r.u64();
  if (n > capacity_) r.fail("more decisions in flight than the queue holds");
  items_.clear();
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    Item i;
    i.due = r.v<Timestamp>();
    RiskDecision& d = i.decision;
    const uint8_t approved = r.u8();
    const uint32_t reason = r.u32();
    OrderIntent& it = d.intent;
    const uint8_t kind = r.u8();
    it.id = r.v<OrderId>();
    it.account = r.v<AccountId>();
    it.instrument = r.v<InstrumentId>();
    const uint8_t side = r.u8();
    const uint8_t type = r.u8();
    const uint8_t tif = r.u8();
    it.price = r.v<Price>();
    it.qty = r.v<Qty>();
    it.stop_price = r.v<Price>();
    const uint8_t post_only = r.u8();
    it.expire = r.v<Timestamp>();
    // Only approved decisions are ever held.
    if (approved != 1 || reason != 0 || kind > static_cast<uint8_t>(IntentKind::kReplace) ||
        side > static_cast<uint8_t>(Side::kSell) ||
        type > static_cast<uint8_t>(OrderType::kStopLimit) ||
        tif > static_cast<uint8_t>(TimeInForce::kGtd) || post_only > 1) {
      r.fail("in-flight decision field out of range");
      break;
    }
    if (!items_.empty() && i.due < items_.back().due) {
      r.fail("in-flight decisions out of due-time order");
      break;
    }
    d.approved = true;
    d.reason = RejectReason::kNone;
    it.kind = static_cast<IntentKind>(kind);
    it.side = static_cast<Side>(side);
    it.type = static_cast<OrderType>(type);
    it.tif = static_cast<TimeInForce>(tif);
    it.post_only = post_only == 1;
    items_.push_back(i);
  }
  return r.status();
}

}  // namespace tape
