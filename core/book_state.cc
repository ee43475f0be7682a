// OrderBook's canonical state hash and its structural invariant check: read-only walks over
// the book, kept apart from the hot-path primitives in order_book.cc.
#include <string>

#include "core/order_book.h"

namespace tape {

void OrderBook::hash_state(StateHasher& h) const {
  h.u8(halted_ ? 1 : 0);
  for (Side s : {Side::kBuy, Side::kSell}) {
    uint32_t level_count = 0;
    for (int64_t idx = best(s); idx != LevelBitmap::kNone; idx = next_worse(s, idx)) ++level_count;
    h.u8(static_cast<uint8_t>(s));
    h.u32(level_count);
    for (int64_t idx = best(s); idx != LevelBitmap::kNone; idx = next_worse(s, idx)) {
      const Level& level = levels_[idx];
      h.i64(base_ + idx);
      h.u32(level.count);
      for (uint32_t i = level.head; i != kNilIndex; i = (*pool_)[i].next) {
        const OrderNode& node = (*pool_)[i];
        h.v(node.id);
        h.v(node.account);
        h.v(node.price);
        h.v(node.leaves);
      }
    }
  }
}

std::string OrderBook::check_level(Side s, int64_t idx, const OrderIdMap& ids) const {
  const std::string where =
      "instrument " + std::to_string(id_.value()) + " level " + std::to_string(base_ + idx) + ": ";
  const Level& level = levels_[idx];
  if (bitmap(opposite(s)).test(static_cast<size_t>(idx))) return where + "both sides marked";
  if (level.count == 0 || level.head == kNilIndex) return where + "marked but empty";
  int64_t sum = 0;
  uint32_t count = 0;
  uint32_t prev = kNilIndex;
  for (uint32_t i = level.head; i != kNilIndex; i = (*pool_)[i].next) {
    const OrderNode& node = (*pool_)[i];
    const std::string order = where + "order " + std::to_string(node.id.value()) + " ";
    if (node.prev != prev) return order + "broken prev link";
    if (node.leaves.value() <= 0) return order + "non-positive resting qty";
    if (node.price.value() != base_ + idx) return order + "price differs from its level";
    if (node.side != s) return order + "on the wrong side";
    if (node.instrument != id_) return order + "in the wrong book";
    if (ids.find(node.id.value()) != i) return order + "missing from the id map";
    sum += node.leaves.value();
    prev = i;
    if (++count > level.count) return where + "more orders than its count";
  }
  if (level.tail != prev) return where + "tail is not the last order";
  if (count != level.count) return where + "count differs from its orders";
  if (sum != level.qty.value()) return where + "total differs from the sum of its orders";
  return {};
}

std::string OrderBook::check_invariants(const OrderIdMap& ids, uint64_t* orders) const {
  const std::string book = "instrument " + std::to_string(id_.value()) + ": ";
  const int64_t last = static_cast<int64_t>(levels_.size()) - 1;
  if (best_bid_ != bids_.prev_at_or_below(last)) return book + "best bid is not the highest bid";
  if (best_ask_ != asks_.next_at_or_above(0)) return book + "best ask is not the lowest ask";
  if (best_bid_ != LevelBitmap::kNone && best_ask_ != LevelBitmap::kNone &&
      best_bid_ >= best_ask_) {
    return book + "crossed at rest";
  }
  uint64_t seen = 0;
  for (int64_t idx = 0; idx <= last; ++idx) {
    const Level& level = levels_[idx];
    const bool bid = bids_.test(static_cast<size_t>(idx));
    const bool ask = asks_.test(static_cast<size_t>(idx));
    if (!bid && !ask) {
      if (level.count != 0 || level.head != kNilIndex || level.qty.value() != 0) {
        return book + "unmarked level " + std::to_string(base_ + idx) + " holds orders";
      }
      continue;
    }
    std::string err = check_level(bid ? Side::kBuy : Side::kSell, idx, ids);
    if (!err.empty()) return err;
    seen += level.count;
  }
  if (seen != orders_) return book + "resting order count differs from its levels";
  *orders += seen;
  return {};
}

}  // namespace tape
