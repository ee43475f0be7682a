// The limit order book of one instrument: price levels on a flat ladder indexed by
// (price - base), each level an intrusive FIFO of OrderPool nodes (head = oldest = first to
// fill), and one LevelBitmap per side to find the next non-empty level.
//
// Contract:
// * A resting book is never crossed (best bid < best ask), so a level holds orders of one side
//   only. The matching that keeps it so lives in the Engine; the book offers primitives.
// * Prices are ticks in the one domain [kMinPrice, kMaxPrice] (core/bounds.h): can_hold refuses
//   anything else, so the ladder's base stays within ladder_levels_max of that domain and
//   base_ + index never overflows. The ladder starts with EngineOptions::ladder_levels_initial
//   levels centred on InstrumentConfig::initial_mid (clamped into the domain) and re-bases /
//   doubles when an order must rest outside it, as long as all resting prices plus the new one
//   span at most ladder_levels_max ticks.
//   can_hold() answers that question without changing anything; growth allocates (rarely).
//   Because the ladder never exceeds ladder_levels_max, the answer depends only on the resting
//   prices, never on the ladder's base or size, which are not part of the state: a restored
//   book decides exactly as the original would.
// * Nodes are owned by the shared OrderPool; the book only links and unlinks them. The caller
//   frees a node after unlinking it.
// * Single thread. No iteration order here depends on anything but prices and arrival order.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/book_bitmap.h"
#include "core/book_id_map.h"
#include "core/bounds.h"
#include "core/config.h"
#include "core/market_view.h"
#include "core/order_pool.h"
#include "core/state_hash.h"
#include "core/types.h"

namespace tape {

class OrderBook {
 public:
  struct Level {
    Qty qty;  // sum of the leaves of the orders in the FIFO
    uint32_t head = kNilIndex;
    uint32_t tail = kNilIndex;
    uint32_t count = 0;
  };

  OrderBook(InstrumentId id, Price initial_mid, const EngineOptions& options, OrderPool& pool);

  InstrumentId id() const { return id_; }
  bool halted() const { return halted_; }
  void set_halted(bool h) { halted_ = h; }

  // True when an order at `price` could rest: `price` is in the one price domain
  // (is_valid_price, core/bounds.h) and inside the ladder, or the ladder can re-base/grow so
  // that every resting price and `price` fit in ladder_levels_max levels. Any int64 is safe.
  bool can_hold(Price price) const {
    return is_valid_price(price) && (in_ladder(price) || can_hold_after_growth(price));
  }

  // Appends node `i` (price, side, leaves > 0 set) at the back of its price level, growing the
  // ladder when needed. Precondition: can_hold(node.price), and the order does not cross the
  // opposite side (TAPE_CHECKed: a crossed book at rest would corrupt every later match).
  void rest(uint32_t i);
  // Removes resting node `i` from its level; the node stays allocated.
  void unlink(uint32_t i);
  // Lowers resting node `i`'s leaves to `leaves` (0 < leaves < current), keeping its place.
  void reduce(uint32_t i, Qty leaves);

  // ---- Matching primitives ----
  bool has_best(Side s) const { return best(s) != LevelBitmap::kNone; }
  // Precondition for the next three: has_best(s).
  Price best_price(Side s) const { return Price(base_ + best(s)); }
  uint32_t best_front(Side s) const { return levels_[best(s)].head; }
  // Takes `qty` (<= its leaves) from the front order of side `s`'s best level. When that
  // order's leaves reach 0 it is unlinked (the caller frees it); the best level moves on when
  // the level empties.
  void fill_front(Side s, Qty qty);
  // How much of `want` the first `orders_max` resting orders of side `s` (priority order) at
  // prices no worse than `*limit` (nullptr: any price) could fill. Reads only.
  Qty fillable(Side s, const Price* limit, Qty want, uint32_t orders_max) const;

  // ---- Views ----
  TopOfBook top() const;
  size_t depth(Side s, std::span<LevelView> out) const;
  uint32_t resting_orders() const { return orders_; }
  size_t ladder_levels() const { return static_cast<size_t>(level_count_); }
  Price ladder_base() const { return Price(base_); }

  // Calls f(node_index) for each resting order of side `s`, best level first, FIFO within a
  // level. `f` may unlink (and free) the node it is given.
  template <typename F>
  void for_each_order(Side s, F&& f) const;

  // Canonical state: halted flag, then bids and asks, each best level first: the level count,
  // then per level its price and order count, then per order (id, account, price, leaves).
  // The ladder's base and size are not part of it: they never change behaviour.
  void hash_state(StateHasher& h) const;

  // Names the first structural breach (crossed book, level totals, links, bitmaps, best
  // pointers, id map entries), or returns empty. Adds the number of resting orders to *orders.
  std::string check_invariants(const OrderIdMap& ids, uint64_t* orders) const;

 private:
  int64_t best(Side s) const { return s == Side::kBuy ? best_bid_ : best_ask_; }
  const LevelBitmap& bitmap(Side s) const { return s == Side::kBuy ? bids_ : asks_; }
  LevelBitmap& bitmap(Side s) { return s == Side::kBuy ? bids_ : asks_; }
  // Next level of side `s` worse than `idx`, or kNone.
  int64_t next_worse(Side s, int64_t idx) const {
    return s == Side::kBuy ? bids_.prev_at_or_below(idx - 1) : asks_.next_at_or_above(idx + 1);
  }
  // The one place a price is measured against the ladder. The difference is taken in uint64,
  // where it cannot overflow: exact whenever p >= base_ (it is then below 2^64), and in_ladder
  // tests that first, so no pair of int64 values can make a wrapped offset pass.
  uint64_t offset_from_base(Price p) const {
    return static_cast<uint64_t>(p.value()) - static_cast<uint64_t>(base_);
  }
  bool in_ladder(Price p) const {
    return p.value() >= base_ && offset_from_base(p) < static_cast<uint64_t>(level_count_);
  }
  // Precondition: in_ladder(p).
  size_t index_of(Price p) const { return static_cast<size_t>(offset_from_base(p)); }
  // Lowest and highest occupied level indices; false when the book is empty.
  bool occupied_range(int64_t* lo, int64_t* hi) const;
  bool can_hold_after_growth(Price price) const;
  void regrow(Price price);
  template <int kStep>
  size_t walk(int64_t idx, const LevelBitmap& bits, std::span<LevelView> out) const;
  void level_emptied(Side s, int64_t idx);
  std::string check_level(Side s, int64_t idx, const OrderIdMap& ids) const;

  InstrumentId id_;
  OrderPool* pool_;
  uint64_t levels_max_;
  bool halted_ = false;
  int64_t base_ = 0;  // price of level 0
  std::vector<Level> levels_;
  int64_t level_count_ = 0;  // levels_.size(), kept signed for index arithmetic
  LevelBitmap bids_;
  LevelBitmap asks_;
  int64_t best_bid_ = LevelBitmap::kNone;  // level index
  int64_t best_ask_ = LevelBitmap::kNone;
  uint32_t orders_ = 0;
};

inline void OrderBook::fill_front(Side s, Qty qty) {
  const int64_t idx = best(s);
  Level& level = levels_[idx];
  OrderNode& node = (*pool_)[level.head];
  node.leaves -= qty;
  level.qty -= qty;
  TAPE_CHECK(node.leaves.value() >= 0, "fill larger than the resting order");
  if (node.leaves.value() > 0) return;
  // Pop the head: it has no predecessor.
  const uint32_t next = node.next;
  level.head = next;
  if (next == kNilIndex) {
    level.tail = kNilIndex;
  } else {
    (*pool_)[next].prev = kNilIndex;
  }
  node.next = kNilIndex;
  --orders_;
  if (--level.count == 0) level_emptied(s, idx);
}

template <typename F>
void OrderBook::for_each_order(Side s, F&& f) const {
  for (int64_t idx = best(s); idx != LevelBitmap::kNone;) {
    // Read the next level and node before calling f, which may unlink the current node.
    const int64_t next_level = next_worse(s, idx);
    for (uint32_t i = levels_[idx].head; i != kNilIndex;) {
      const uint32_t next = (*pool_)[i].next;
      f(i);
      i = next;
    }
    idx = next_level;
  }
}

}  // namespace tape
