// Shared by the data venue tests: a one-instrument venue driven by hand, one call per input,
// each call returning the events the venue published for it.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "core/data_venue.h"

namespace tape::testing_util {

inline constexpr int64_t kMinute = 60'000'000'000;
inline constexpr uint32_t kAccount = 1;

inline CoreConfig venue_config(VenueModel model) {
  CoreConfig c;
  c.instruments.push_back(InstrumentConfig{"AAA", 100, 1, Price(100), Qty(1'000'000)});
  c.venue.model = model;
  c.engine.order_pool_capacity = 1024;
  c.event_queue_capacity = 4096;
  return c;
}

inline OrderIntent limit_order(uint64_t id, Side side, int64_t price, int64_t qty,
                               TimeInForce tif = TimeInForce::kGtc) {
  OrderIntent it;
  it.kind = IntentKind::kNew;
  it.id = OrderId(id);
  it.account = AccountId(kAccount);
  it.instrument = InstrumentId(0);
  it.side = side;
  it.type = OrderType::kLimit;
  it.tif = tif;
  it.price = Price(price);
  it.qty = Qty(qty);
  return it;
}

inline OrderIntent market_order(uint64_t id, Side side, int64_t qty,
                                TimeInForce tif = TimeInForce::kGtc) {
  OrderIntent it = limit_order(id, side, 0, qty, tif);
  it.type = OrderType::kMarket;
  return it;
}

inline OrderIntent stop_order(uint64_t id, Side side, int64_t stop, int64_t qty,
                              int64_t limit = 0) {
  OrderIntent it = limit_order(id, side, limit, qty);
  it.type = limit == 0 ? OrderType::kStop : OrderType::kStopLimit;
  it.stop_price = Price(stop);
  return it;
}

class VenueTest : public ::testing::Test {
 protected:
  void make(const CoreConfig& c) {
    config_ = c;
    queue_.clear();
    venue_ = std::make_unique<DataVenue>(config_, clock_, queue_);
  }
  void at(int64_t ts) {
    clock_.advance(Seq(++seq_), Timestamp(ts));
    venue_->begin_input();
    venue_->advance_time(Timestamp(ts));
  }
  // An approved decision reaching the venue at `ts`.
  std::vector<BusEvent> send(int64_t ts, const OrderIntent& it) {
    at(ts);
    venue_->execute(RiskDecision{it, true, RejectReason::kNone});
    return drain();
  }
  std::vector<BusEvent> cancel(int64_t ts, uint64_t id) {
    OrderIntent it = limit_order(id, Side::kBuy, 1, 1);
    it.kind = IntentKind::kCancel;
    return send(ts, it);
  }
  std::vector<BusEvent> replace(int64_t ts, uint64_t id, int64_t price, int64_t qty) {
    OrderIntent it = limit_order(id, Side::kBuy, price, qty);
    it.kind = IntentKind::kReplace;
    return send(ts, it);
  }
  std::vector<BusEvent> bar(int64_t ts, int64_t open, int64_t high, int64_t low, int64_t close,
                            int64_t volume = 1'000) {
    at(ts);
    venue_->on_market(BarIn{InstrumentId(0), Price(open), Price(high), Price(low), Price(close),
                            Qty(volume), kMinute});
    return drain();
  }
  std::vector<BusEvent> quote(int64_t ts, int64_t bid, int64_t bid_qty, int64_t ask,
                              int64_t ask_qty) {
    at(ts);
    venue_->on_market(QuoteIn{InstrumentId(0), Price(bid), Qty(bid_qty), Price(ask), Qty(ask_qty)});
    return drain();
  }
  std::vector<BusEvent> print(int64_t ts, int64_t price, int64_t qty) {
    at(ts);
    venue_->on_market(TradeIn{InstrumentId(0), Price(price), Qty(qty), Side::kSell});
    return drain();
  }
  std::vector<BusEvent> drain() {
    std::vector<BusEvent> out;
    while (!queue_.empty()) {
      out.push_back(queue_.front());
      queue_.pop();
    }
    return out;
  }
  std::string state() const {
    StateHasher h;
    venue_->hash_state(h);
    return h.bytes();
  }

  CoreConfig config_;
  SimClock clock_;
  EventQueue queue_{4096};
  std::unique_ptr<DataVenue> venue_;
  uint64_t seq_ = 0;
};

template <typename T>
std::vector<T> events_of(const std::vector<BusEvent>& events) {
  std::vector<T> out;
  for (const BusEvent& e : events) {
    if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
  }
  return out;
}

// The fills among `events` as (price, qty) pairs, in order.
inline std::vector<std::pair<int64_t, int64_t>> fills(const std::vector<BusEvent>& events) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const Fill& f : events_of<Fill>(events)) out.emplace_back(f.price.value(), f.qty.value());
  return out;
}

inline std::vector<CancelReason> cancels(const std::vector<BusEvent>& events) {
  std::vector<CancelReason> out;
  for (const OrderCancelled& c : events_of<OrderCancelled>(events)) out.push_back(c.reason);
  return out;
}

inline RejectReason rejected(const std::vector<BusEvent>& events) {
  const auto r = events_of<OrderRejected>(events);
  return r.empty() ? RejectReason::kNone : r.front().reason;
}

inline std::vector<size_t> kinds_of(const std::vector<BusEvent>& events) {
  std::vector<size_t> out;
  for (const BusEvent& e : events) out.push_back(e.index());
  return out;
}

using Fills = std::vector<std::pair<int64_t, int64_t>>;

}  // namespace tape::testing_util
