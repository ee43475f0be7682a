#include "core/book_id_map.h"

#include <bit>
#include <utility>

#include "core/status.h"

namespace tape {

OrderIdMap::OrderIdMap(uint32_t max_entries) {
  size_t n = 128;
  while (n < 2 * static_cast<size_t>(max_entries)) n <<= 1;
  slots_.resize(n);
  mask_ = n - 1;
  shift_ = 64 - std::countr_zero(n);
}

void OrderIdMap::insert_probing(uint64_t id, uint32_t value) {
  TAPE_CHECK(size_ < slots_.size() / 2, "order id map over its load bound");
  Slot carry{id, value, 0};
  for (size_t s = home(id);; s = next(s), ++carry.dist) {
    Slot& slot = slots_[s];
    if (slot.value == kNilIndex) {
      slot = carry;
      break;
    }
    // Robin Hood: the entry further from its home keeps the slot; the other moves on.
    if (slot.dist < carry.dist) std::swap(slot, carry);
  }
  ++size_;
}

bool OrderIdMap::erase(uint64_t id) {
  size_t hole = home(id);
  for (uint32_t dist = 0;; ++dist, hole = next(hole)) {
    const Slot& slot = slots_[hole];
    if (slot.value == kNilIndex || slot.dist < dist) return false;
    if (slot.key == id) break;
  }
  // Backward shift: pull the rest of the run one slot closer to home, up to an empty slot or
  // an entry already at its home.
  for (size_t s = next(hole); slots_[s].value != kNilIndex && slots_[s].dist > 0; s = next(s)) {
    slots_[hole] = slots_[s];
    --slots_[hole].dist;
    hole = s;
  }
  slots_[hole] = Slot{};
  --size_;
  return true;
}

}  // namespace tape
