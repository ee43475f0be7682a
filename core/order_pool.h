// Preallocated storage for resting orders, shared by every book of an Engine. Nodes are
// addressed by uint32 index; a node is either free (never used, or on the free list) or linked
// into exactly one price level of one book. Single thread; nothing here allocates after
// construction.
//
// The capacity is reserved up front but committed lazily (core/lazy_array.h): nodes are handed
// out first from the free list (most recently freed first), then from a high-water mark over
// never-used nodes, so a pool sized for a million orders touches only the memory of the most
// orders that ever rested at once. The indices handed out are exactly those of a free list
// threaded 0, 1, 2, ... at construction.
#pragma once

#include <cstdint>
#include <memory>

#include "core/lazy_array.h"
#include "core/status.h"
#include "core/types.h"

namespace tape {

// "No node": end of a list, empty free list, absent map entry.
inline constexpr uint32_t kNilIndex = UINT32_MAX;

// One resting order. `prev`/`next` link it into its price level's FIFO (head = oldest).
struct OrderNode {
  OrderId id;
  Price price;
  Qty leaves;  // open quantity, > 0 while resting
  AccountId account;
  InstrumentId instrument;
  uint32_t prev = kNilIndex;
  uint32_t next = kNilIndex;
  Side side = Side::kBuy;
};

class OrderPool {
 public:
  // Reserves `capacity` nodes; memory is committed as nodes are first used.
  explicit OrderPool(uint32_t capacity) : nodes_(capacity) {
    TAPE_CHECK(capacity < kNilIndex, "order pool capacity must be below 2^32 - 1");
  }

  uint32_t capacity() const { return static_cast<uint32_t>(nodes_.size()); }
  uint32_t used() const { return used_; }
  bool full() const { return free_head_ == kNilIndex && high_water_ == capacity(); }

  // Returns a node index, or kNilIndex when the pool is exhausted. The most recently freed
  // node is reused first (LIFO keeps the working set in cache), then never-used nodes in index
  // order.
  uint32_t alloc() {
    uint32_t i = free_head_;
    if (i != kNilIndex) {
      free_head_ = nodes_[i].next;
      nodes_[i].prev = kNilIndex;
      nodes_[i].next = kNilIndex;
    } else {
      if (high_water_ == capacity()) return kNilIndex;
      i = high_water_++;
      std::construct_at(&nodes_[i]);  // prev = next = kNilIndex
    }
    ++used_;
    return i;
  }

  // Precondition: `i` was returned by alloc() and is unlinked from its level.
  void free(uint32_t i) {
    nodes_[i].next = free_head_;
    free_head_ = i;
    --used_;
  }

  OrderNode& operator[](uint32_t i) { return nodes_[i]; }
  const OrderNode& operator[](uint32_t i) const { return nodes_[i]; }

 private:
  LazyArray<OrderNode> nodes_;
  uint32_t free_head_ = kNilIndex;  // freed nodes, most recent first
  uint32_t high_water_ = 0;         // nodes [high_water_, capacity) were never used
  uint32_t used_ = 0;
};

}  // namespace tape
