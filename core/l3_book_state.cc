// The L3 book's canonical state (hash and snapshot) and its restore.
#include <algorithm>
#include <string>

#include "core/l3_book.h"

namespace tape {
namespace {

template <typename F>
void each_counter(L3Counters& c, F&& f) {
  for (uint64_t* v : {&c.messages, &c.unknown_reduce, &c.unknown_delete, &c.unknown_execute,
                      &c.unknown_excess_lots, &c.duplicate_adds, &c.dropped_adds,
                      &c.oversize_reduces, &c.pruned_levels, &c.pruned_lots,
                      &c.hidden_executions, &c.crosses, &c.halts, &c.absorbed_executions,
                      &c.absorbed_lots, &c.crossing_adds}) {
    f(*v);
  }
}

}  // namespace

void L3Book::hash_state(StateHasher& h) const {
  h.tag("l3book");
  h.u8(halted_);
  h.i64(bid_bound_);
  h.i64(ask_bound_);
  L3Counters c = counters_;
  each_counter(c, [&](uint64_t v) { h.u64(v); });
  for (const Levels* v : {&bids_, &asks_}) {
    h.u64(v->size());
    for (size_t i = v->size(); i > 0; --i) {
      const Level& l = (*v)[i - 1];
      h.i64(l.price);
      h.i64(l.unknown);
      h.i64(l.taken);
      h.u8(l.complete);
      uint64_t n = 0;
      for (uint32_t e = l.head; e != kNil; e = pool_[e].next) ++n;
      h.u64(n);
      for (uint32_t e = l.head; e != kNil; e = pool_[e].next) {
        h.u8(pool_[e].strategy);
        h.u64(pool_[e].id);
        h.i64(pool_[e].qty);
      }
    }
  }
}

Status L3Book::restore_state(StateReader& r) {
  r.expect_tag("l3book");
  const uint8_t halted = r.u8();
  if (halted > 1) r.fail("l3 book: flag out of range");
  halted_ = halted == 1;
  bid_bound_ = r.i64();
  ask_bound_ = r.i64();
  each_counter(counters_, [&](uint64_t& v) { v = r.u64(); });
  for (Side s : {Side::kBuy, Side::kSell}) {
    Levels& v = levels(s);
    const uint64_t count = r.u64();
    if (count > capacity_ + uint64_t{1}) r.fail("l3 book: more levels than entries");
    for (uint64_t i = 0; i < count && r.ok(); ++i) {
      Level l;
      l.price = r.i64();
      l.unknown = r.i64();
      l.taken = r.i64();
      const uint8_t complete = r.u8();
      if (complete > 1 || l.unknown < 0 || l.taken < 0) r.fail("l3 book: level out of range");
      l.complete = complete == 1;
      l.data = l.unknown;
      if (!v.empty() && sort_key(s, l.price) >= sort_key(s, v.back().price)) {
        r.fail("l3 book: levels out of order");
      }
      const uint64_t n = r.u64();
      if (n > capacity_ - live_) r.fail("l3 book: more entries than the bound");
      // Levels were written best first; they are stored best last (reversed below).
      v.push_back(l);
      Level& lv = v.back();
      for (uint64_t k = 0; k < n && r.ok(); ++k) {
        const uint8_t strategy = r.u8();
        const uint64_t id = r.u64();
        const int64_t qty = r.i64();
        if (strategy > 1 || qty <= 0) {
          r.fail("l3 book: entry out of range");
          break;
        }
        auto& ids = strategy != 0 ? strat_ids_ : data_ids_;
        if (ids.contains(id)) {
          r.fail("l3 book: order " + std::to_string(id) + " rests twice");
          break;
        }
        const uint32_t e = alloc(id, qty, lv.price, s, strategy != 0);
        link_back(lv, e);
        (strategy != 0 ? lv.strat : lv.data) += qty;
        ids.insert(id, e);
      }
      if (lv.taken > lv.data) r.fail("l3 book: taken above the level's data");
    }
    std::reverse(v.begin(), v.end());
  }
  return r.status();
}

}  // namespace tape
