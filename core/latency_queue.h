// Order latency: approved strategy decisions in flight between Risk and the venue (DESIGN
// section 7, LatencyConfig::order_ns).
//
// With order latency on (a constant order_ns > 0, or drawn: LatencyConfig::order_dist), an approved
// RiskDecision made while the core's clock reads c is not executed at once: it is held here and
// reaches the venue (the engine's book, or the data venue) at due = c + order latency
// (core/venue_router.h: a drawn latency keeps each account FIFO). The core delivers it when its
// time reaches `due`: before it dispatches an input stamped t, every in-flight decision due at or
// before t is delivered, in order of (due time, creation order) (core/core.h states how deliveries
// and strategy timers interleave).
//
// Bound: at most `capacity` decisions in flight at once. push() refuses one more (returns false);
// the core then answers that decision at once with OrderRejected{kBookFull}.
// State: the queue is core state (hashed, snapshotted) in creation order; due times are
// non-decreasing along it for a constant latency, and push() keeps (due, creation) order for
// any due time it is given (a drawn latency: decisions of different accounts may pass).
// Thread: the core thread only.
#pragma once

#include <cstdint>

#include "core/events.h"
#include "core/ring.h"
#include "core/state_hash.h"
#include "core/state_reader.h"
#include "core/status.h"

namespace tape {

class LatencyQueue {
 public:
  // Default bound of the core's queue: decisions in flight at once.
  static constexpr uint32_t kDefaultCapacity = 1u << 16;

  explicit LatencyQueue(uint32_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  // Holds `d` until `due`; after every decision already held with a due time <= `due` (creation
  // order among equal due times). False (nothing held) when the queue is at its capacity.
  bool push(Timestamp due, const RiskDecision& d);
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  uint32_t capacity() const { return capacity_; }
  // Precondition: !empty(). The earliest due time held.
  Timestamp next_due() const { return items_.front().due; }
  // True when a decision is due at or before `t`.
  bool has_due(Timestamp t) const { return !items_.empty() && items_.front().due <= t; }
  // Precondition: i < size(). The i-th held decision and its due time, in (due, creation) order.
  const RiskDecision& decision(size_t i) const { return items_[i].decision; }
  Timestamp due(size_t i) const { return items_[i].due; }
  // Precondition: !empty(). Removes and returns the first decision in (due, creation) order.
  RiskDecision pop();

  // Canonical: count, then each in (due, creation) order: due, then the decision's fields
  // (approved, reason, intent: kind, id, account, instrument, side, type, tif, price, qty,
  // stop_price, post_only, expire).
  void hash_state(StateHasher& h) const;
  // Reads back what hash_state wrote into an empty queue; validates the count against the
  // capacity, the enums, approval and the due-time order. Fails the reader otherwise.
  Status restore_state(StateReader& r);

 private:
  struct Item {
    Timestamp due;
    RiskDecision decision;
  };
  uint32_t capacity_;
  Ring<Item> items_;
};

}  // namespace tape
