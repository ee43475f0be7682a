// Preallocated storage for resting orders, shared by every book of an Engine. Nodes are
// addressed by uint32 index; a node is either free (on the free list) or linked into exactly
// one price level of one book. Single thread; nothing here allocates after construction.
#pragma once

#include <cstdint>
#include <vector>

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
  // `capacity` nodes are allocated and threaded onto the free list here, once.
  explicit OrderPool(uint32_t capacity) : nodes_(capacity) {
    TAPE_CHECK(capacity < kNilIndex, "order pool capacity must be below 2^32 - 1");
    for (uint32_t i = 0; i < capacity; ++i) nodes_[i].next = i + 1 < capacity ? i + 1 : kNilIndex;
    free_head_ = capacity > 0 ? 0 : kNilIndex;
  }

  uint32_t capacity() const { return static_cast<uint32_t>(nodes_.size()); }
  uint32_t used() const { return used_; }
  bool full() const { return free_head_ == kNilIndex; }

  // Returns a node index, or kNilIndex when the pool is exhausted. The most recently freed
  // node is reused first (LIFO keeps the working set in cache).
  uint32_t alloc() {
    const uint32_t i = free_head_;
    if (i == kNilIndex) return kNilIndex;
    free_head_ = nodes_[i].next;
    nodes_[i].prev = kNilIndex;
    nodes_[i].next = kNilIndex;
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
  std::vector<OrderNode> nodes_;
  uint32_t free_head_ = kNilIndex;
  uint32_t used_ = 0;
};

}  // namespace tape
