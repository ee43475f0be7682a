#include "core/book_id_map.h"

#include <bit>
#include <utility>

#include "core/status.h"

namespace tape {
namespace {

size_t slot_count_for(uint32_t max_entries) {
  size_t n = 256;  // one block at least
  while (n < 2 * static_cast<size_t>(max_entries)) n <<= 1;
  return n;
}

}  // namespace

OrderIdMap::OrderIdMap(uint32_t max_entries) : slots_(slot_count_for(max_entries)) {
  TAPE_CHECK(max_entries < kNilIndex, "order id map bound must be below 2^32 - 1");
  const size_t blocks = slots_.size() / kBlockSlots;
  written_.assign((blocks + 63) / 64, 0);
  used_.assign(blocks, 0);
  mask_ = slots_.size() - 1;
  shift_ = 64 - std::countr_zero(slots_.size());
}

void OrderIdMap::insert_probing(uint64_t id, uint32_t value) {
  TAPE_CHECK(size_ < slots_.size() / 2, "order id map over its load bound");
  Slot carry = Slot::make(id, value);
  for (size_t s = home(id);; s = next(s), ++carry.dist) {
    if (!written(s) || slots_[s].empty()) {
      put(s, carry);
      break;
    }
    // Robin Hood: the entry further from its home keeps the slot; the other moves on.
    if (slots_[s].dist < carry.dist) std::swap(slots_[s], carry);
  }
  ++size_;
}

bool OrderIdMap::erase(uint64_t id) {
  size_t hole = home(id);
  for (uint32_t dist = 0;; ++dist, hole = next(hole)) {
    if (!written(hole)) return false;
    const Slot& slot = slots_[hole];
    if (slot.empty() || slot.dist < dist) return false;
    if (slot.key == id) break;
  }
  // Backward shift: pull the rest of the run one slot closer to home, up to an empty slot or
  // an entry already at its home.
  for (size_t s = next(hole); written(s) && !slots_[s].empty() && slots_[s].dist > 0;
       s = next(s)) {
    slots_[hole] = slots_[s];
    --slots_[hole].dist;
    hole = s;
  }
  vacate(hole);
  --size_;
  return true;
}

void OrderIdMap::vacate(size_t s) {
  slots_[s] = Slot{};  // all zero: empty
  const size_t block = s / kBlockSlots;
  if (--used_[block] != 0) return;
  written_[block / 64] &= ~(uint64_t{1} << (block % 64));
  slots_.decommit(block * kBlockSlots, kBlockSlots);
}

}  // namespace tape
