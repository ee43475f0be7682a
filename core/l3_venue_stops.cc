// The L3 venue's stop and stop-limit orders: waiting outside the book, triggered by data prints
// (the rules are in l3_venue.h, "Stops").
#include <algorithm>

#include "core/l3_venue.h"

namespace tape {

void L3Venue::trigger_stops(InstrumentId instrument, Market& m, Price print) {
  if (m.control_halted || m.book.halted()) return;
  // Stable: the stops that stay keep their arrival order; the triggered ones act in it.
  auto kept = m.stops.begin();
  for (auto it = m.stops.begin(); it != m.stops.end(); ++it) {
    if (it->side == Side::kBuy ? print >= it->stop : print <= it->stop) {
      fired_.push_back(*it);
    } else {
      *kept++ = *it;
    }
  }
  m.stops.erase(kept, m.stops.end());
  working_ -= fired_.size();
  for (Order& o : fired_) enter_triggered(instrument, m, o);
  fired_.clear();
}

void L3Venue::enter_triggered(InstrumentId instrument, Market& m, Order& o) {
  const bool market = o.type == OrderType::kStop;
  if (o.tif == TimeInForce::kFok &&
      m.book.available(o.side, market, o.price, o.leaves.value()) < o.leaves.value()) {
    queue_.publish(
        OrderCancelled{o.id, o.account, instrument, o.leaves, CancelReason::kFokUnfilled});
    return;
  }
  const int64_t filled = take(instrument, m, o, market);
  if (o.leaves.value() == 0) return;
  const CancelReason rest_reason =
      filled > 0 ? CancelReason::kIocRemainder : CancelReason::kNoLiquidity;
  // A triggered stop is a market order and never works on; a stop-limit works as a limit
  // order at its price, at the back of its level from the trigger on (unless IOC or FOK).
  const bool immediate = o.tif == TimeInForce::kIoc || o.tif == TimeInForce::kFok;
  o.type = OrderType::kLimit;
  o.stop = Price(0);
  if (market || immediate || !m.book.join(o.id, o.side, o.price, o.leaves)) {
    queue_.publish(OrderCancelled{o.id, o.account, instrument, o.leaves, rest_reason});
    return;
  }
  m.orders.push_back(o);
  ++working_;
}

L3Venue::Order* L3Venue::find_stop(Market& m, OrderId id) {
  for (Order& o : m.stops) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

void L3Venue::remove_stop(Market& m, OrderId id) {
  const size_t before = m.stops.size();
  std::erase_if(m.stops, [id](const Order& o) { return o.id == id; });
  working_ -= before - m.stops.size();
}

}  // namespace tape
