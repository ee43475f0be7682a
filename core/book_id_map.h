// OrderId -> pool index for every resting order: open addressing, linear probing kept in
// Robin Hood order (within a probe run, entries sit in order of their home slot), sized once at
// construction to at least twice the order pool, so the load factor never exceeds 1/2 and no
// operation allocates. Each slot stores its distance from home (in what would be padding), so
// a lookup of an absent id and a deletion's backward shift stop early without rehashing.
//
// Order ids on inputs are arbitrary uint64. The table is cut into blocks of 256 slots (one
// 4 KiB page); the home slot puts a run of 256 consecutive ids into the 256 slots of one block
// (sequential ids touch neighbouring cache lines and one page, instead of a cache and TLB miss
// per id in a table far larger than L2) and scatters the runs over the blocks with Fibonacci
// hashing. Collisions probe with a stride of kStep = 257 slots: odd, so coprime with the
// power-of-two size and the probe chain visits every slot (all of linear probing's rules hold
// along it), and longer than a block, so a run that lands on another moves on as a whole to
// another block instead of cascading through its neighbours. The map is never iterated into an
// output or a hash (no unordered iteration may reach one).
//
// Memory: an empty slot is all-zero bytes (a slot stores its value + 1), so the table is
// reserved as lazily committed zero pages (core/lazy_array.h), and a small bitmap marks the
// blocks written: a probe that reaches an unwritten block knows it is empty without reading it.
// A run of ids costs one page, committed when its first id is inserted; lookups of absent ids
// and probes past the end of a chain never fault pages in. Each block counts its entries, and
// the erase that empties one gives its page back (and marks it unwritten): ids only grow, so
// otherwise every run of ids a long session ever used would keep a page, and the table's whole
// reservation (32 MiB at a million orders) would become resident. Resident memory stays
// proportional to the live entries whatever the run's length, for one page fault per 256 ids.
#pragma once

#include <cstdint>
#include <vector>

#include "core/lazy_array.h"
#include "core/order_pool.h"

namespace tape {

class OrderIdMap {
 public:
  // Holds up to `max_entries` ids; the table has the next power of two >= 2 * max_entries
  // slots, and at least one block (256 slots).
  explicit OrderIdMap(uint32_t max_entries);

  // Pool index of `id`, or kNilIndex.
  uint32_t find(uint64_t id) const {
    size_t s = home(id);
    for (uint32_t dist = 0;; ++dist, s = next(s)) {
      if (!written(s)) return kNilIndex;
      const Slot& slot = slots_[s];
      // An empty slot, or one whose entry is closer to home than we would be, ends the run.
      if (slot.empty() || slot.dist < dist) return kNilIndex;
      if (slot.key == id) return slot.value();
    }
  }
  bool contains(uint64_t id) const { return find(id) != kNilIndex; }

  // Precondition: `id` is absent, size() < max_entries and value < kNilIndex.
  void insert(uint64_t id, uint32_t value) {
    const size_t s = home(id);
    // The usual case: home is free.
    if (size_ < slots_.size() / 2 && (!written(s) || slots_[s].empty())) {
      put(s, Slot::make(id, value));
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

  static constexpr size_t kBlockSlots = 256;
  static_assert(sizeof(Slot) * kBlockSlots == 4096, "a block is one 4 KiB page");
  static constexpr size_t kStep = kBlockSlots + 1;
  // The run's block, scattered by Fibonacci hashing (one multiply; the product's high bits are
  // well mixed), then the id's place in the block.
  size_t home(uint64_t id) const {
    const uint64_t run = (id >> 8) * 0x9E3779B97F4A7C15ULL;
    return (static_cast<size_t>(run >> shift_) & ~(kBlockSlots - 1)) | (id & (kBlockSlots - 1));
  }
  size_t next(size_t s) const { return (s + kStep) & mask_; }

  // Whether slot s's block was ever written; an unwritten block is all empty (zero pages).
  bool written(size_t s) const {
    const size_t block = s / kBlockSlots;
    return (written_[block / 64] >> (block % 64)) & 1;
  }
  // Fills the empty slot s.
  void put(size_t s, const Slot& slot) {
    const size_t block = s / kBlockSlots;
    written_[block / 64] |= uint64_t{1} << (block % 64);
    ++used_[block];
    slots_[s] = slot;
  }
  // Empties slot s; a block left with no entry gives its page back.
  void vacate(size_t s);

  LazyArray<Slot> slots_;
  std::vector<uint64_t> written_;  // one bit per block
  std::vector<uint16_t> used_;     // entries per block
  size_t mask_ = 0;
  int shift_ = 64;  // 64 - log2(slot count): keeps the top bits of the product
  uint32_t size_ = 0;
};

}  // namespace tape
