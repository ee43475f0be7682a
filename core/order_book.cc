#include "core/order_book.h"

#include <algorithm>

namespace tape {

OrderBook::OrderBook(InstrumentId id, Price initial_mid, const EngineOptions& options,
                     OrderPool& pool)
    : id_(id), pool_(&pool) {
  // Clamped at open: at least 64 levels, and the initial ladder never exceeds the maximum.
  levels_max_ = std::max<uint64_t>(options.ladder_levels_max, 64);
  const uint64_t initial = std::clamp<uint64_t>(options.ladder_levels_initial, 64, levels_max_);
  levels_.resize(initial);
  level_count_ = static_cast<int64_t>(initial);
  bids_ = LevelBitmap(initial);
  asks_ = LevelBitmap(initial);
  // Centred on the mid, clamped into the price domain so that the base, and every base_ + index
  // later, stays within a ladder's width of [kMinPrice, kMaxPrice].
  const int64_t mid = std::clamp(initial_mid.value(), kMinPrice, kMaxPrice);
  base_ = mid - static_cast<int64_t>(initial / 2);
}

bool OrderBook::occupied_range(int64_t* lo, int64_t* hi) const {
  if (orders_ == 0) return false;
  // Uncrossed: every bid is below every ask.
  *lo = best_bid_ != LevelBitmap::kNone ? bids_.next_at_or_above(0) : best_ask_;
  *hi = best_ask_ != LevelBitmap::kNone ? asks_.prev_at_or_below(level_count_ - 1) : best_bid_;
  return true;
}

// Precondition (can_hold checks it first): is_valid_price(price), so every figure below is a
// domain price or a level of a ladder laid over domain prices.
bool OrderBook::can_hold_after_growth(Price price) const {
  int64_t lo_idx = 0, hi_idx = 0;
  int64_t lo = price.value(), hi = price.value();
  if (occupied_range(&lo_idx, &hi_idx)) {
    lo = std::min(lo, base_ + lo_idx);
    hi = std::max(hi, base_ + hi_idx);
  }
  // hi >= lo, both int64: the unsigned difference is exact.
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  return span < levels_max_;
}

// Re-lays the ladder so that every occupied level and `price` fit, centred, with room to spare:
// the size doubles until it is at least twice the needed span (or reaches the maximum), so
// re-basing stays rare while prices drift.
void OrderBook::regrow(Price price) {
  TAPE_CHECK(can_hold(price), "regrow beyond ladder_levels_max");
  int64_t lo_idx = 0, hi_idx = 0;
  const bool occupied = occupied_range(&lo_idx, &hi_idx);
  int64_t lo = price.value(), hi = price.value();
  if (occupied) {
    lo = std::min(lo, base_ + lo_idx);
    hi = std::max(hi, base_ + hi_idx);
  }
  const uint64_t need = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
  uint64_t size = levels_.size();
  while (size < 2 * need && size < levels_max_) size *= 2;
  size = std::min(size, levels_max_);
  const int64_t new_base = lo - static_cast<int64_t>((size - need) / 2);

  std::vector<Level> levels(size);
  LevelBitmap bids(size), asks(size);
  const int64_t shift = base_ - new_base;  // old index + shift = new index
  for (Side s : {Side::kBuy, Side::kSell}) {
    const LevelBitmap& old_bits = bitmap(s);
    LevelBitmap& new_bits = s == Side::kBuy ? bids : asks;
    for (int64_t i = old_bits.next_at_or_above(0); i != LevelBitmap::kNone;
         i = old_bits.next_at_or_above(i + 1)) {
      levels[i + shift] = levels_[i];
      new_bits.set(static_cast<size_t>(i + shift));
    }
  }
  levels_ = std::move(levels);
  level_count_ = static_cast<int64_t>(size);
  bids_ = std::move(bids);
  asks_ = std::move(asks);
  if (best_bid_ != LevelBitmap::kNone) best_bid_ += shift;
  if (best_ask_ != LevelBitmap::kNone) best_ask_ += shift;
  base_ = new_base;
}

void OrderBook::rest(uint32_t i) {
  OrderNode& node = (*pool_)[i];
  if (!in_ladder(node.price)) regrow(node.price);
  const int64_t idx = static_cast<int64_t>(index_of(node.price));
  Level& level = levels_[idx];
  node.next = kNilIndex;
  node.prev = level.tail;
  if (level.tail == kNilIndex) {
    level.head = i;
  } else {
    (*pool_)[level.tail].next = i;
  }
  level.tail = i;
  level.qty += node.leaves;
  ++level.count;
  ++orders_;
  // Branch-free where the outcome is a coin flip on random flow: setting an already set bit is
  // harmless, and the new best is a select.
  bitmap(node.side).set(static_cast<size_t>(idx));
  if (node.side == Side::kBuy) {
    best_bid_ = idx > best_bid_ ? idx : best_bid_;  // kNone (-1) is below every index
  } else {
    best_ask_ = ((best_ask_ == LevelBitmap::kNone) | (idx < best_ask_)) ? idx : best_ask_;
  }
  // Only resting an order can cross a book; matching must have taken everything it crosses.
  TAPE_CHECK(
      best_bid_ == LevelBitmap::kNone || best_ask_ == LevelBitmap::kNone || best_bid_ < best_ask_,
      "book crossed at rest");
}

void OrderBook::unlink(uint32_t i) {
  OrderNode& node = (*pool_)[i];
  const int64_t idx = static_cast<int64_t>(index_of(node.price));
  Level& level = levels_[idx];
  if (node.prev == kNilIndex) {
    level.head = node.next;
  } else {
    (*pool_)[node.prev].next = node.next;
  }
  if (node.next == kNilIndex) {
    level.tail = node.prev;
  } else {
    (*pool_)[node.next].prev = node.prev;
  }
  node.prev = kNilIndex;
  node.next = kNilIndex;
  level.qty -= node.leaves;
  --orders_;
  if (--level.count == 0) level_emptied(node.side, idx);
}

void OrderBook::reduce(uint32_t i, Qty leaves) {
  OrderNode& node = (*pool_)[i];
  TAPE_CHECK(leaves.value() > 0 && leaves < node.leaves, "reduce must lower a positive leaves");
  levels_[index_of(node.price)].qty -= node.leaves - leaves;
  node.leaves = leaves;
}

void OrderBook::level_emptied(Side s, int64_t idx) {
  levels_[idx] = Level{};
  bitmap(s).clear(static_cast<size_t>(idx));
  if (s == Side::kBuy) {
    if (idx == best_bid_) best_bid_ = bids_.prev_at_or_below(idx - 1);
  } else {
    if (idx == best_ask_) best_ask_ = asks_.next_at_or_above(idx + 1);
  }
}

Qty OrderBook::fillable(Side s, const Price* limit, Qty want, uint32_t orders_max) const {
  int64_t got = 0;
  uint32_t orders = 0;
  for (int64_t idx = best(s); idx != LevelBitmap::kNone && got < want.value();
       idx = next_worse(s, idx)) {
    const int64_t price = base_ + idx;
    // `s` is the resting side: asks cross a buy limit at or above them, bids a sell limit below.
    if (limit != nullptr && (s == Side::kSell ? price > limit->value() : price < limit->value())) {
      break;
    }
    const Level& level = levels_[idx];
    if (orders + level.count <= orders_max) {
      got += level.qty.value();
      orders += level.count;
      continue;
    }
    for (uint32_t i = level.head; i != kNilIndex && orders < orders_max && got < want.value();
         i = (*pool_)[i].next) {
      got += (*pool_)[i].leaves.value();
      ++orders;
    }
    break;
  }
  return Qty(std::min(got, want.value()));
}

TopOfBook OrderBook::top() const {
  TopOfBook t;
  if (best_bid_ != LevelBitmap::kNone) {
    t.has_bid = true;
    t.bid = Price(base_ + best_bid_);
    t.bid_qty = levels_[best_bid_].qty;
  }
  if (best_ask_ != LevelBitmap::kNone) {
    t.has_ask = true;
    t.ask = Price(base_ + best_ask_);
    t.ask_qty = levels_[best_ask_].qty;
  }
  return t;
}

size_t OrderBook::depth(Side s, std::span<LevelView> out) const {
  return s == Side::kBuy ? walk<-1>(best_bid_, bids_, out) : walk<+1>(best_ask_, asks_, out);
}

// Levels away from the touch (kStep -1 for bids, +1 for asks), best first. Every non-empty level
// beyond the best one of a side belongs to that side, so the adjacent level is read directly
// (books are usually dense near the touch) and the bitmap only jumps gaps.
template <int kStep>
size_t OrderBook::walk(int64_t idx, const LevelBitmap& bits, std::span<LevelView> out) const {
  if (idx == LevelBitmap::kNone || out.empty()) return 0;
  // Fast path: the first out.size() levels from the best are all occupied (usual near the
  // touch; one look at the bitmap), so they are copied with no branch per level.
  const int64_t span = static_cast<int64_t>(out.size());
  const int64_t far = idx + kStep * (span - 1);
  if (span <= 64 && bits.all_set(kStep < 0 ? far : idx, kStep < 0 ? idx : far)) {
    const Level* level = levels_.data() + idx;
    int64_t price = base_ + idx;
    for (LevelView *v = out.data(), *end = v + span; v != end; ++v) {
      v->price = Price(price);
      v->qty = level->qty;
      v->orders = level->count;
      price += kStep;
      level += kStep;
    }
    return out.size();
  }
  // Locals, not members: the int64 stores into `out` could otherwise alias base_ and
  // level_count_ and force a reload of both per level.
  const Level* levels = levels_.data();
  const int64_t base = base_;
  const int64_t count = level_count_;
  LevelView* views = out.data();
  const size_t cap = out.size();
  size_t n = 0;
  while (idx != LevelBitmap::kNone && n < cap) {
    // Field by field: building a temporary LevelView made the compiler bounce it through the
    // stack (two 8-byte stores read back as one 16-byte load: a store-forwarding stall).
    const Level& level = levels[idx];
    LevelView& v = views[n++];
    v.price = Price(base + idx);
    v.qty = level.qty;
    v.orders = level.count;
    if (n == cap) break;
    const int64_t next = idx + kStep;
    if (static_cast<uint64_t>(next) < static_cast<uint64_t>(count) && levels[next].count != 0) {
      idx = next;
    } else {
      idx = kStep < 0 ? bits.prev_at_or_below(next) : bits.next_at_or_above(next);
    }
  }
  return n;
}

}  // namespace tape
