#include "core/book_id_map.h"

#include "core/status.h"

namespace tape {

OrderIdMap::OrderIdMap(uint32_t max_entries) {
  size_t n = 16;
  while (n < 2 * static_cast<size_t>(max_entries)) n <<= 1;
  slots_.resize(n);
  mask_ = n - 1;
}

bool OrderIdMap::erase(uint64_t id) {
  size_t hole = home(id);
  while (true) {
    if (slots_[hole].value == kNilIndex) return false;
    if (slots_[hole].key == id) break;
    hole = (hole + 1) & mask_;
  }
  // Backward shift: pull later members of the probe run into the hole when their home does
  // not lie strictly between the hole and their slot, so every probe run stays contiguous.
  for (size_t s = (hole + 1) & mask_; slots_[s].value != kNilIndex; s = (s + 1) & mask_) {
    const size_t dist_home = (s - home(slots_[s].key)) & mask_;
    const size_t dist_hole = (s - hole) & mask_;
    if (dist_home >= dist_hole) {
      slots_[hole] = slots_[s];
      hole = s;
    }
  }
  slots_[hole] = Slot{};
  TAPE_CHECK(size_ > 0, "order id map size underflow");
  --size_;
  return true;
}

}  // namespace tape
