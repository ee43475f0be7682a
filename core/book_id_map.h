// OrderId -> pool index for every resting order: open addressing with linear probing and
// backward-shift deletion (no tombstones), sized once at construction to at least twice the
// order pool, so the load factor never exceeds 1/2 and no operation allocates.
//
// Order ids on inputs are arbitrary uint64. The slot hash keeps runs of 64 consecutive ids in
// 64 consecutive slots (sequential ids touch neighbouring cache lines) and scatters the runs
// with a 64-bit mixer. The map is never iterated into an output or a hash (DESIGN §3 rule 3).
#pragma once

#include <cstdint>
#include <vector>

#include "core/order_pool.h"

namespace tape {

class OrderIdMap {
 public:
  // Holds up to `max_entries` ids; the table has the next power of two >= 2 * max_entries slots.
  explicit OrderIdMap(uint32_t max_entries);

  // Pool index of `id`, or kNilIndex.
  uint32_t find(uint64_t id) const {
    for (size_t s = home(id);; s = (s + 1) & mask_) {
      const Slot& slot = slots_[s];
      if (slot.value == kNilIndex) return kNilIndex;
      if (slot.key == id) return slot.value;
    }
  }
  bool contains(uint64_t id) const { return find(id) != kNilIndex; }

  // Precondition: `id` is absent and size() < max_entries.
  void insert(uint64_t id, uint32_t value) {
    size_t s = home(id);
    while (slots_[s].value != kNilIndex) s = (s + 1) & mask_;
    slots_[s] = Slot{id, value};
    ++size_;
  }

  // Removes `id`; returns false when it was absent.
  bool erase(uint64_t id);

  uint32_t size() const { return size_; }
  size_t slot_count() const { return slots_.size(); }

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t value = kNilIndex;  // kNilIndex marks an empty slot
  };

  size_t home(uint64_t id) const { return (id + mix(id >> 6)) & mask_; }
  static uint64_t mix(uint64_t x) {  // splitmix64 finalizer
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  uint32_t size_ = 0;
};

}  // namespace tape
