// The order-level (L3) book of one instrument, rebuilt message by message from BookMessageIn
// (LOBSTER types 1-7), with the strategy orders standing in its FIFO queues. The rules below are
// the contract; docs/l3_venue.md explains them with the GOOG sample.
//
// Representation. Per side, price levels sorted with the best last. A level holds one FIFO queue
// of entries: data orders (the file's order ids, with their open size) and strategy orders (in
// arrival order among them), plus `unknown`: lots resting at that price that no message ever
// added (a level-1 file starts with a populated book and never shows what rests behind the best).
// The unknown remainder stands at the front of the queue: it rested before anything the file
// shows. data = unknown + the data orders' sizes; the book the data describes is the levels with
// data > 0. Strategy entries never count in data: top() and depth() are the data's book, exactly
// as recorded, whatever the strategies do.
//
// Seed. A level-1 orderbook file's first row is the book after the first message. seed() undoes
// that message on the row (an execution, cancel or delete adds its size back at its price; an
// add takes it away) and lays out, per side, one level whose size is all unknown (or none: a
// dummy price in the row means the side is empty). Without a seed the book starts empty and
// unknown: every level is incomplete until the rules below make one complete.
//
// Data messages are applied as recorded: a strategy order never changes what a message does to
// the data's book. A message naming an order id that is not live (never added, or already
// gone) is never an error: it is counted per action, and its size is taken from the unknown
// remainder of its level (clamped at zero; the lots the remainder did not have are counted as
// unknown_excess_lots). An add of a live id is counted (duplicate_adds) and ignored.
//
// Level-1 inference (level1 = true, the LOBSTER level-1 files): every message of such a file is
// at the best price of its side at its time. So
//   * a message at price p on side s proves that no data liquidity rests at prices better than
//     p on s: incomplete levels there are ghosts (orders cancelled while they were not at the
//     top, which the file never reports) and lose their data (pruned_levels, pruned_lots);
//   * `bound` per side is the best price real data liquidity can have (bid: at most, ask: at
//     least). A message at p sets it to p; exhausting a complete level at p sets it one tick
//     worse. An add at a price better than the bound opens a fresh level: nothing rested there,
//     so it is complete (its size is exactly what the messages say); every other complete level
//     of the side becomes incomplete, because a level-1 file stops reporting a level once it is
//     no longer the best.
//   * A side is determined when its best data level is complete: its price and size are then
//     exactly the data's (the check against the orderbook file compares those rows).
// Without level1 nothing is pruned and only seeded levels are complete.
//
// Strategy orders (the venue, core/l3_venue.h, calls these):
//   join(): a limit order joins the back of its level's FIFO (behind every data order added
//     before it arrived; data orders added later stand behind it).
//   take(): a marketable order walks the opposite side from its best, taking at each level what
//     the data shows and strategy orders have not already taken there (`taken`, reduced as the
//     data's own messages remove lots from the level: the strategy is assumed to have taken the
//     front), up to a limit price. Strategy orders never trade with each other.
//   Data executions fill strategy orders (fills written to `fills`, at each strategy order's own
//     price, maker fills) before the message is applied:
//     - type 4, q lots of order X at p on side s: the aggressor reached p, so it first trades
//       the strategy orders on s at better prices (best first, FIFO within a level), then at p
//       those standing ahead of X in the FIFO, up to q lots in all. X is then reduced by q as
//       recorded (not by what is left): the message counts as absorbed (absorbed_executions,
//       absorbed_lots). An unknown X rests in the unknown remainder, ahead of every strategy
//       order at p: only better-priced strategy orders fill.
//     - type 5 (hidden), q lots at p on side s: displayed orders go before hidden ones at one
//       price, so strategy orders on s at p or better fill, up to q.
//     - type 1, an add on side s at p that crosses strategy orders of the other side (a buy add
//       at or above a strategy sell, a sell add at or below a strategy buy): the incoming order
//       would have traded them, so they fill (best first, FIFO), up to the add's size; the add
//       still rests as recorded (crossing_adds).
// Bounds: at most `capacity` entries (data and strategy) rest at once; an add beyond it is
// counted (dropped_adds) and not applied, a join beyond it is refused. Hot path allocation-free
// once the level vectors have grown: entries live in a pool sized at construction.
// Thread: the core thread only.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/config.h"
#include "core/events.h"
#include "core/l3_id_map.h"
#include "core/market_view.h"
#include "core/state_hash.h"
#include "core/state_reader.h"
#include "core/status.h"

namespace tape {


// What the rebuild counted (never an error). Canonical order = field order (hashed).
struct L3Counters {
  uint64_t messages = 0;
  uint64_t unknown_reduce = 0;   // type 2 naming an id that is not live
  uint64_t unknown_delete = 0;   // type 3
  uint64_t unknown_execute = 0;  // type 4
  uint64_t unknown_excess_lots = 0;  // lots of unknown-id messages beyond the level's remainder
  uint64_t duplicate_adds = 0;
  uint64_t dropped_adds = 0;     // the entry pool was full
  uint64_t oversize_reduces = 0;  // a reduce, delete or execution larger than the order's size
  uint64_t pruned_levels = 0;
  uint64_t pruned_lots = 0;
  uint64_t hidden_executions = 0;
  uint64_t crosses = 0;
  uint64_t halts = 0;
  uint64_t absorbed_executions = 0;  // executions (type 4 or 5) that filled strategy orders
  uint64_t absorbed_lots = 0;
  uint64_t crossing_adds = 0;        // adds that filled strategy orders
  bool operator==(const L3Counters&) const = default;
};

// One strategy order filled by the data (or by take(): the strategy order is the taker).
struct L3Fill {
  OrderId order;
  Price price;
  Qty qty;
  Qty leaves;  // the order's size still resting in the book after this fill (take(): 0)
};

class L3Book {
 public:
  // Default: 1 << 20 entries. Larger books need a larger pool.
  explicit L3Book(uint32_t capacity = 1u << 20, bool level1 = true);

  // Lays out the seed (the row after `first`, the instrument's first message; see above).
  // Call once, before applying `first`.
  void seed(const BookSeed& after_first, const BookMessageIn& first);
  // Applies one data message; strategy orders it fills are appended to `fills`.
  void apply(const BookMessageIn& m, std::vector<L3Fill>* fills);

  // Strategy orders. join(): false when the pool is full or the id already rests.
  bool join(OrderId id, Side side, Price price, Qty qty);
  // Removes a resting strategy order; returns the size it still had (0: not resting).
  int64_t remove(OrderId id);
  // Sets a resting strategy order's size to qty (0 < qty <= its size), keeping its place.
  bool shrink(OrderId id, Qty qty);
  // What a taker on `side` would get now, up to `qty` lots (limit: price bound; market: none),
  // without taking it (FOK's check).
  int64_t available(Side side, bool market, Price limit, int64_t qty) const;
  // Takes it: fills (order = `taker`, price = each level's) appended to `fills`; returns lots.
  int64_t take(OrderId taker, Side side, bool market, Price limit, int64_t qty,
               std::vector<L3Fill>* fills);

  // True when strategy order `id` rests with exactly `qty` (a restore's cross-check).
  bool is_strategy_resting(OrderId id, Qty qty) const {
    const uint32_t e = strat_ids_.find(id.value());
    return e != L3IdMap::kNone && pool_[e].qty == qty.value();
  }
  // The data's book (strategy entries excluded). Inline: the venue reads it after every message.
  TopOfBook top() const {
    const Level* b = best_with_data(bids_);
    const Level* a = best_with_data(asks_);
    return TopOfBook{b != nullptr,
                     a != nullptr,
                     Price(b != nullptr ? b->price : 0),
                     Qty(b != nullptr ? b->data : 0),
                     Price(a != nullptr ? a->price : 0),
                     Qty(a != nullptr ? a->data : 0)};
  }
  size_t depth(Side side, std::span<LevelView> out) const;
  // True when the side's best data level is complete (see "Level-1 inference").
  bool determined(Side side) const;
  bool halted() const { return halted_; }
  const L3Counters& counters() const { return counters_; }
  size_t entries() const { return live_; }
  uint32_t capacity() const { return capacity_; }

  // Canonical: halted, bounds, counters, then per side (bid, ask) the levels best first: price,
  // unknown, taken, complete, entry count, each entry in FIFO order (kind, id, size).
  void hash_state(StateHasher& h) const;
  // Reads back what hash_state wrote into a fresh book; validates sizes, order and the bound.
  Status restore_state(StateReader& r);

 private:
  static constexpr uint32_t kNil = 0xffffffffu;
  struct Entry {
    uint64_t id = 0;
    int64_t qty = 0;
    uint32_t prev = kNil, next = kNil;
    int64_t price = 0;
    uint8_t side = 0;
    uint8_t strategy = 0;  // 1: a strategy order
  };
  struct Level {
    int64_t price = 0;
    int64_t unknown = 0;  // lots no message added, at the front of the queue
    int64_t data = 0;     // unknown + the data orders' sizes
    int64_t strat = 0;    // the strategy orders' sizes
    int64_t taken = 0;    // data lots strategy takers took here (<= data)
    uint32_t head = kNil, tail = kNil;
    bool complete = false;
  };
  using Levels = std::vector<Level>;  // best last
  static const Level* best_with_data(const Levels& v) {
    for (size_t i = v.size(); i > 0; --i) {
      if (v[i - 1].data != 0) return &v[i - 1];
    }
    return nullptr;
  }

  Levels& levels(Side s) { return s == Side::kBuy ? bids_ : asks_; }
  const Levels& levels(Side s) const { return s == Side::kBuy ? bids_ : asks_; }
  // Ascending along a side's vector (the best last).
  static int64_t sort_key(Side s, int64_t price) { return s == Side::kBuy ? price : -price; }
  // a is better than b on side s.
  static bool better(Side s, int64_t a, int64_t b) { return s == Side::kBuy ? a > b : a < b; }
  // Index of the level at `price`, or -1.
  int64_t find_level(Side s, int64_t price) const;
  // Index of the level at `price`, created (empty, incomplete) if absent.
  size_t level_at(Side s, int64_t price);
  void erase_level_if_empty(Side s, size_t index);
  uint32_t alloc(uint64_t id, int64_t qty, int64_t price, Side s, bool strategy);
  void link_back(Level& l, uint32_t e);
  void unlink(Level& l, uint32_t e);
  void release(uint32_t e);
  // Removes `lots` of data from level `index` (the data's own removal): taken shrinks with it.
  void remove_data(Side s, size_t index, int64_t lots);
  void prune_better(Side s, int64_t price);
  void on_add(const BookMessageIn& m, std::vector<L3Fill>* fills);
  void on_remove(const BookMessageIn& m, std::vector<L3Fill>* fills);
  // Fills strategy orders on side s from the best down to `price` (inclusive or not), and at
  // `price` those ahead of entry `stop` (kNil: the whole level when inclusive), up to `lots`.
  int64_t fill_strategy(Side s, int64_t price, bool inclusive, uint32_t stop, int64_t lots,
                        std::vector<L3Fill>* fills);
  int64_t fill_level(Level& l, uint32_t stop, int64_t lots, std::vector<L3Fill>* fills);
  void mark_incomplete(Side s);
  void set_bound(Side s, int64_t price) { (s == Side::kBuy ? bid_bound_ : ask_bound_) = price; }
  int64_t bound(Side s) const { return s == Side::kBuy ? bid_bound_ : ask_bound_; }

  uint32_t capacity_;
  bool level1_;
  std::vector<Entry> pool_;
  std::vector<uint32_t> free_;
  size_t live_ = 0;
  Levels bids_, asks_;
  L3IdMap data_ids_;   // the data's order ids; looked up only, never iterated
  L3IdMap strat_ids_;  // strategy order ids; looked up only, never iterated
  int64_t bid_bound_;  // the best price real bid liquidity can have (kNoBound: any)
  int64_t ask_bound_;
  bool halted_ = false;
  L3Counters counters_;
};

}  // namespace tape
