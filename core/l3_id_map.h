// Order id -> entry index for the L3 book: open addressing with linear probing and backward-shift
// deletion (no tombstones), a power-of-two table kept at most half full, doubled when it would
// pass that. Data order ids are arbitrary uint64 spread over a wide range (GOOG's span 280 M for
// 24 k orders), so the engine's page-per-run OrderIdMap (core/book_id_map.h) would fault in a page
// per order here; this table is dense instead: 16 bytes per slot, sized to the live orders.
// Never iterated (determinism rule 3): lookups only; its layout reaches no output or hash.
#pragma once

#include <cstdint>
#include <vector>

namespace tape {

class L3IdMap {
 public:
  static constexpr uint32_t kNone = 0xffffffffu;

  explicit L3IdMap(size_t initial_slots = 1024) : slots_(round_up(initial_slots)) {}

  uint32_t find(uint64_t id) const {
    const size_t mask = slots_.size() - 1;
    for (size_t s = home(id); ; s = (s + 1) & mask) {
      const Slot& x = slots_[s];
      if (x.value == kNone) return kNone;
      if (x.key == id) return x.value;
    }
  }
  bool contains(uint64_t id) const { return find(id) != kNone; }
  // Precondition: `id` is absent and value != kNone.
  void insert(uint64_t id, uint32_t value) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    place(id, value);
    ++size_;
  }
  bool erase(uint64_t id) {
    const size_t mask = slots_.size() - 1;
    size_t s = home(id);
    while (true) {
      if (slots_[s].value == kNone) return false;
      if (slots_[s].key == id) break;
      s = (s + 1) & mask;
    }
    // Backward shift: move later entries of the run into the hole when their home allows.
    size_t hole = s;
    for (size_t n = (hole + 1) & mask; slots_[n].value != kNone; n = (n + 1) & mask) {
      const size_t h = home(slots_[n].key);
      // n's entry may move to `hole` unless its home lies cyclically in (hole, n].
      const bool stays = hole <= n ? (h > hole && h <= n) : (h > hole || h <= n);
      if (stays) continue;
      slots_[hole] = slots_[n];
      hole = n;
    }
    slots_[hole] = Slot{};
    --size_;
    return true;
  }
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t value = kNone;
  };
  static size_t round_up(size_t n) {
    size_t s = 16;
    while (s < n) s <<= 1;
    return s;
  }
  size_t home(uint64_t id) const {
    uint64_t x = id * 0x9E3779B97F4A7C15ull;
    x ^= x >> 29;
    return static_cast<size_t>(x) & (slots_.size() - 1);
  }
  void place(uint64_t id, uint32_t value) {
    const size_t mask = slots_.size() - 1;
    size_t s = home(id);
    while (slots_[s].value != kNone) s = (s + 1) & mask;
    slots_[s] = Slot{id, value};
  }
  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.size() * 2, Slot{});
    for (const Slot& x : old) {
      if (x.value != kNone) place(x.key, x.value);
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace tape
