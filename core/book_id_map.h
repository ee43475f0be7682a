// OrderId -> pool index for every resting order: open addressing, linear probing kept in
// Robin Hood order (within a probe run, entries sit in order of their home slot), sized once at
// construction to at least twice the order pool, so the load factor never exceeds 1/2 and no
// operation allocates. Each slot stores its distance from home (in what would be padding), so
// a lookup of an absent id and a deletion's backward shift stop early without rehashing.
//
// Order ids on inputs are arbitrary uint64. The home slot keeps runs of 256 consecutive ids in
// 256 consecutive slots (one 4 KiB page: sequential ids touch neighbouring cache lines and few
// pages, instead of a cache and TLB miss per id in a table far larger than L2) and scatters
// the runs with Fibonacci hashing. Collisions probe with a stride of kStep = 257 slots: odd,
// so coprime with the power-of-two size and the probe chain visits every slot (all of linear
// probing's rules hold along it), and longer than a run, so a run that lands on another moves
// on as a block to an unrelated region instead of cascading through its neighbours. The map is
// never iterated into an output or a hash (DESIGN §3 rule 3).
//
// An empty slot is all-zero bytes (a slot stores its value + 1), so the table is reserved as
// lazily committed zero pages (core/lazy_array.h): only the pages the ids actually hash to are
// ever touched.
#pragma once

#include <cstdint>
#include "core/lazy_array.h"
#include "core/order_pool.h"

namespace tape {

class OrderIdMap {
 public:
  // Holds up to `max_entries` ids; the table has the next power of two >= 2 * max_entries slots.
  explicit OrderIdMap(uint32_t max_entries);

  // Pool index of `id`, or kNilIndex.
  uint32_t find(uint64_t id) const {
    size_t s = home(id);
    for (uint32_t dist = 0;; ++dist, s = next(s)) {
      const Slot& slot = slots_[s];
      // An empty slot, or one whose entry is closer to home than we would be, ends the run.
      if (slot.empty() || slot.dist < dist) return kNilIndex;
      if (slot.key == id) return slot.value();
    }
  }
  bool contains(uint64_t id) const { return find(id) != kNilIndex; }

  // Precondition: `id` is absent, size() < max_entries and value < kNilIndex.
  void insert(uint64_t id, uint32_t value) {
    Slot& slot = slots_[home(id)];
    if (slot.empty() && size_ < slots_.size() / 2) {  // the usual case: home is free
      slot = Slot::make(id, value);
      ++size_;
      return;
    }
    insert_probing(id, value);
  }

  // Removes `id`; returns false when it was absent.
  bool erase(uint64_t id);

  uint32_t size() const { return size_; }
  size_t slot_count() const { return slots_.size(); }

 private:
  // All-zero bytes are an empty slot.
  struct Slot {
    uint64_t key;
    uint32_t value_plus_1;  // 0 marks an empty slot (values are below kNilIndex)
    uint32_t dist;          // probe distance from the key's home slot
    bool empty() const { return value_plus_1 == 0; }
    uint32_t value() const { return value_plus_1 - 1; }
    static Slot make(uint64_t key, uint32_t value) { return Slot{key, value + 1, 0}; }
  };

  void insert_probing(uint64_t id, uint32_t value);

  static constexpr size_t kStep = 257;
  // Run index scattered by Fibonacci hashing (one multiply; the product's high bits are well
  // mixed), then the id's place in its run.
  size_t home(uint64_t id) const {
    const uint64_t run = (id >> 8) * 0x9E3779B97F4A7C15ULL;
    return (static_cast<size_t>(run >> shift_) + (id & 255)) & mask_;
  }
  size_t next(size_t s) const { return (s + kStep) & mask_; }

  LazyArray<Slot> slots_;
  size_t mask_ = 0;
  int shift_ = 64;  // 64 - log2(slot count): keeps the top bits of the product
  uint32_t size_ = 0;
};

}  // namespace tape
