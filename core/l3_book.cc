// The L3 book: data messages and strategy orders (the rules are in l3_book.h). State encoding
// is in l3_book_state.cc.
#include "core/l3_book.h"

#include <algorithm>
#include <limits>

namespace tape {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

// One tick worse than `price` on side s.
int64_t worse_tick(Side s, int64_t price) { return s == Side::kBuy ? price - 1 : price + 1; }
// The bound of a side known to hold nothing, and of one about which nothing is known.
int64_t empty_bound(Side s) { return s == Side::kBuy ? kMin : kMax; }
int64_t open_bound(Side s) { return s == Side::kBuy ? kMax : kMin; }

}  // namespace

L3Book::L3Book(uint32_t capacity, bool level1)
    : capacity_(capacity),
      level1_(level1),
      data_ids_(4096),
      strat_ids_(64),
      bid_bound_(open_bound(Side::kBuy)),
      ask_bound_(open_bound(Side::kSell)) {
  pool_.reserve(std::min<uint32_t>(capacity_, 1u << 16));
}

// ---- Levels and entries ----

int64_t L3Book::find_level(Side s, int64_t price) const {
  const Levels& v = levels(s);
  const int64_t k = sort_key(s, price);
  // Messages touch the best levels: look there first.
  const size_t n = v.size();
  for (size_t j = 0; j < n && j < 8; ++j) {
    const int64_t lk = sort_key(s, v[n - 1 - j].price);
    if (lk == k) return static_cast<int64_t>(n - 1 - j);
    if (lk < k) return -1;
  }
  auto it = std::lower_bound(v.begin(), v.end(), k, [s](const Level& l, int64_t kk) {
    return sort_key(s, l.price) < kk;
  });
  if (it != v.end() && it->price == price) return it - v.begin();
  return -1;
}

size_t L3Book::level_at(Side s, int64_t price) {
  const int64_t found = find_level(s, price);
  if (found >= 0) return static_cast<size_t>(found);
  Levels& v = levels(s);
  const int64_t k = sort_key(s, price);
  size_t pos = v.size();
  while (pos > 0 && sort_key(s, v[pos - 1].price) > k) --pos;
  Level l;
  l.price = price;
  v.insert(v.begin() + static_cast<ptrdiff_t>(pos), l);
  return pos;
}

void L3Book::erase_level_if_empty(Side s, size_t index) {
  Levels& v = levels(s);
  if (v[index].data == 0 && v[index].strat == 0) v.erase(v.begin() + static_cast<ptrdiff_t>(index));
}

uint32_t L3Book::alloc(uint64_t id, int64_t qty, int64_t price, Side s, bool strategy) {
  uint32_t e;
  if (!free_.empty()) {
    e = free_.back();
    free_.pop_back();
  } else {
    e = static_cast<uint32_t>(pool_.size());
    pool_.emplace_back();
  }
  pool_[e] = Entry{id, qty, kNil, kNil, price, static_cast<uint8_t>(s), uint8_t(strategy ? 1 : 0)};
  ++live_;
  return e;
}

void L3Book::link_back(Level& l, uint32_t e) {
  pool_[e].prev = l.tail;
  pool_[e].next = kNil;
  if (l.tail != kNil) pool_[l.tail].next = e;
  l.tail = e;
  if (l.head == kNil) l.head = e;
}

void L3Book::unlink(Level& l, uint32_t e) {
  Entry& x = pool_[e];
  if (x.prev != kNil) pool_[x.prev].next = x.next; else l.head = x.next;
  if (x.next != kNil) pool_[x.next].prev = x.prev; else l.tail = x.prev;
}

void L3Book::release(uint32_t e) {
  free_.push_back(e);
  --live_;
}

void L3Book::remove_data(Side s, size_t index, int64_t lots) {
  Level& l = levels(s)[index];
  l.data -= lots;
  l.taken -= std::min(l.taken, lots);
}

void L3Book::mark_incomplete(Side s) {
  // Complete levels are the best ones (a fresh level opens at the best; a seed lays out the
  // top): walk down from the best until a level with data that is not complete.
  Levels& v = levels(s);
  for (size_t i = v.size(); i > 0; --i) {
    Level& l = v[i - 1];
    if (!l.complete && l.data > 0) break;
    l.complete = false;
  }
}

void L3Book::prune_better(Side s, int64_t price) {
  Levels& v = levels(s);
  for (size_t i = v.size(); i > 0; --i) {
    Level& l = v[i - 1];
    if (!better(s, l.price, price)) break;
    if (l.complete || l.data == 0) continue;
    ++counters_.pruned_levels;
    counters_.pruned_lots += static_cast<uint64_t>(l.data);
    for (uint32_t e = l.head; e != kNil;) {
      const uint32_t next = pool_[e].next;
      if (pool_[e].strategy == 0) {
        data_ids_.erase(pool_[e].id);
        unlink(l, e);
        release(e);
      }
      e = next;
    }
    l.unknown = 0;
    l.data = 0;
    l.taken = 0;
    erase_level_if_empty(s, i - 1);
  }
}

// ---- Seed ----

void L3Book::seed(const BookSeed& after, const BookMessageIn& first) {
  struct SideSeed {
    bool has;
    int64_t price, qty;
  };
  SideSeed bid{after.has_bid, after.bid.value(), after.bid_qty.value()};
  SideSeed ask{after.has_ask, after.ask.value(), after.ask_qty.value()};
  SideSeed behind[2] = {{false, 0, 0}, {false, 0, 0}};  // a level the first message uncovered
  bool fresh_add[2] = {false, false};
  const Side s = first.side;
  SideSeed& r = s == Side::kBuy ? bid : ask;
  const int64_t p = first.price.value(), q = first.qty.value();
  const int si = s == Side::kBuy ? 0 : 1;
  switch (first.action) {
    case BookAction::kAdd:
      if (r.has && r.price == p && r.qty > q) {
        r.qty -= q;
      } else if (r.has && r.price == p && r.qty == q) {
        r.has = false;  // the add opened the level: it was fresh
        fresh_add[si] = true;
      }
      break;
    case BookAction::kReduce:
    case BookAction::kDelete:
    case BookAction::kExecute:
      if (r.has && r.price == p) {
        r.qty += q;
      } else if (!r.has || better(s, p, r.price)) {
        behind[si] = r;  // the message emptied p: the row's level stood behind it
        r = SideSeed{true, p, q};
      }
      break;
    default:
      break;
  }
  for (int i = 0; i < 2; ++i) {
    const Side side = i == 0 ? Side::kBuy : Side::kSell;
    const SideSeed& top = i == 0 ? bid : ask;
    for (const SideSeed* lv : {static_cast<const SideSeed*>(&behind[i]), &top}) {
      if (!lv->has || lv->qty <= 0) continue;
      Level& l = levels(side)[level_at(side, lv->price)];
      l.unknown = l.data = lv->qty;
      l.complete = true;
    }
    if (top.has) {
      set_bound(side, top.price);
    } else {
      set_bound(side, fresh_add[i] ? worse_tick(side, p) : empty_bound(side));
    }
  }
}

// ---- Data messages ----

void L3Book::apply(const BookMessageIn& m, std::vector<L3Fill>* fills) {
  ++counters_.messages;
  switch (m.action) {
    case BookAction::kAdd:
      on_add(m, fills);
      return;
    case BookAction::kReduce:
    case BookAction::kDelete:
    case BookAction::kExecute:
      on_remove(m, fills);
      return;
    case BookAction::kHiddenExecute: {
      ++counters_.hidden_executions;
      const int64_t n =
          fill_strategy(m.side, m.price.value(), true, kNil, m.qty.value(), fills);
      if (n > 0) {
        ++counters_.absorbed_executions;
        counters_.absorbed_lots += static_cast<uint64_t>(n);
      }
      return;
    }
    case BookAction::kCross:
      ++counters_.crosses;
      return;
    case BookAction::kHalt:
      ++counters_.halts;
      halted_ = true;
      return;
    case BookAction::kQuoteResume:
      return;  // quoting resumes, trading does not yet
    case BookAction::kTradeResume:
      halted_ = false;
      return;
  }
}

void L3Book::on_add(const BookMessageIn& m, std::vector<L3Fill>* fills) {
  const Side s = m.side;
  const int64_t p = m.price.value(), q = m.qty.value();
  // prune_better only has work when the side's best is better than p.
  if (level1_ && !levels(s).empty() && better(s, levels(s).back().price, p)) prune_better(s, p);
  // The incoming order would have traded strategy orders it crosses.
  if (fill_strategy(opposite(s), p, true, kNil, q, fills) > 0) ++counters_.crossing_adds;
  if (data_ids_.contains(m.order_id)) {
    ++counters_.duplicate_adds;
    return;
  }
  if (live_ >= capacity_) {
    ++counters_.dropped_adds;
    return;
  }
  const size_t idx = level_at(s, p);
  if (levels(s)[idx].data == 0) {
    const bool fresh = level1_ && better(s, p, bound(s));
    if (fresh) mark_incomplete(s);
    levels(s)[idx].complete = fresh;
  }
  if (level1_) set_bound(s, p);
  Level& l = levels(s)[idx];
  const uint32_t e = alloc(m.order_id, q, p, s, false);
  link_back(l, e);
  l.data += q;
  data_ids_.insert(m.order_id, e);
}

void L3Book::on_remove(const BookMessageIn& m, std::vector<L3Fill>* fills) {
  const Side s = m.side;
  const int64_t p = m.price.value(), q = m.qty.value();
  // prune_better only has work when the side's best is better than p.
  if (level1_ && !levels(s).empty() && better(s, levels(s).back().price, p)) prune_better(s, p);
  const uint32_t found = data_ids_.find(m.order_id);
  const bool known = found != L3IdMap::kNone && pool_[found].side == static_cast<uint8_t>(s);
  const uint32_t named = known ? found : kNil;
  const int64_t at = known ? pool_[named].price : p;
  if (m.action == BookAction::kExecute) {
    // Strategy orders ahead of the executed liquidity trade first (l3_book.h).
    const int64_t n = fill_strategy(s, at, known, named, q, fills);
    if (n > 0) {
      ++counters_.absorbed_executions;
      counters_.absorbed_lots += static_cast<uint64_t>(n);
    }
  }
  size_t idx = 0;
  if (known) {
    idx = static_cast<size_t>(find_level(s, at));
    Entry& e = pool_[named];
    if (q > e.qty) ++counters_.oversize_reduces;
    const int64_t lots = m.action == BookAction::kDelete ? e.qty : std::min(q, e.qty);
    e.qty -= lots;
    remove_data(s, idx, lots);
    if (e.qty == 0) {
      unlink(levels(s)[idx], named);
      release(named);
      data_ids_.erase(m.order_id);
    }
  } else {
    if (m.action == BookAction::kReduce) ++counters_.unknown_reduce;
    if (m.action == BookAction::kDelete) ++counters_.unknown_delete;
    if (m.action == BookAction::kExecute) ++counters_.unknown_execute;
    idx = level_at(s, p);
    Level& l = levels(s)[idx];
    const int64_t lots = std::min(q, l.unknown);
    counters_.unknown_excess_lots += static_cast<uint64_t>(q - lots);
    l.unknown -= lots;
    remove_data(s, idx, lots);
  }
  if (level1_) set_bound(s, p);
  Level& l = levels(s)[idx];
  if (l.data == 0) {
    // A complete level emptied: real liquidity now rests only at worse prices.
    if (l.complete && level1_) set_bound(s, worse_tick(s, l.price));
    l.complete = false;
    erase_level_if_empty(s, idx);
  }
}

int64_t L3Book::fill_level(Level& l, uint32_t stop, int64_t lots, std::vector<L3Fill>* fills) {
  int64_t done = 0;
  for (uint32_t e = l.head; e != kNil && e != stop && done < lots && l.strat > 0;) {
    Entry& x = pool_[e];
    const uint32_t next = x.next;
    if (x.strategy != 0) {
      const int64_t n = std::min(x.qty, lots - done);
      x.qty -= n;
      l.strat -= n;
      done += n;
      fills->push_back(L3Fill{OrderId(x.id), Price(l.price), Qty(n), Qty(x.qty)});
      if (x.qty == 0) {
        strat_ids_.erase(x.id);
        unlink(l, e);
        release(e);
      }
    }
    e = next;
  }
  return done;
}

int64_t L3Book::fill_strategy(Side s, int64_t price, bool inclusive, uint32_t stop, int64_t lots,
                              std::vector<L3Fill>* fills) {
  if (strat_ids_.size() == 0) return 0;
  Levels& v = levels(s);
  int64_t done = 0;
  for (size_t i = v.size(); i > 0 && done < lots; --i) {
    Level& l = v[i - 1];
    const bool at = l.price == price;
    if (!better(s, l.price, price) && !(at && inclusive)) break;
    if (l.strat == 0) continue;
    done += fill_level(l, at ? stop : kNil, lots - done, fills);
    // Erasing level i - 1 moves only the levels already visited.
    erase_level_if_empty(s, i - 1);
  }
  return done;
}

// ---- Strategy orders ----

bool L3Book::join(OrderId id, Side side, Price price, Qty qty) {
  if (live_ >= capacity_ || qty.value() <= 0 || strat_ids_.contains(id.value())) return false;
  Level& l = levels(side)[level_at(side, price.value())];
  const uint32_t e = alloc(id.value(), qty.value(), price.value(), side, true);
  link_back(l, e);
  l.strat += qty.value();
  strat_ids_.insert(id.value(), e);
  return true;
}

int64_t L3Book::remove(OrderId id) {
  const uint32_t e = strat_ids_.find(id.value());
  if (e == L3IdMap::kNone) return 0;
  const Side s = static_cast<Side>(pool_[e].side);
  const int64_t qty = pool_[e].qty;
  const size_t idx = static_cast<size_t>(find_level(s, pool_[e].price));
  Level& l = levels(s)[idx];
  unlink(l, e);
  l.strat -= qty;
  release(e);
  strat_ids_.erase(id.value());
  erase_level_if_empty(s, idx);
  return qty;
}

bool L3Book::shrink(OrderId id, Qty qty) {
  const uint32_t found = strat_ids_.find(id.value());
  if (found == L3IdMap::kNone) return false;
  Entry& e = pool_[found];
  if (qty.value() <= 0 || qty.value() > e.qty) return false;
  Level& l = levels(static_cast<Side>(e.side))[static_cast<size_t>(
      find_level(static_cast<Side>(e.side), e.price))];
  l.strat -= e.qty - qty.value();
  e.qty = qty.value();
  return true;
}

int64_t L3Book::available(Side side, bool market, Price limit, int64_t qty) const {
  const Side o = opposite(side);
  const Levels& v = levels(o);
  int64_t got = 0;
  for (size_t i = v.size(); i > 0 && got < qty; --i) {
    const Level& l = v[i - 1];
    if (!market && better(o, limit.value(), l.price)) break;
    got += std::max<int64_t>(0, std::min(l.data - l.taken, qty - got));
  }
  return got;
}

int64_t L3Book::take(OrderId taker, Side side, bool market, Price limit, int64_t qty,
                     std::vector<L3Fill>* fills) {
  const Side o = opposite(side);
  Levels& v = levels(o);
  int64_t got = 0;
  for (size_t i = v.size(); i > 0 && got < qty; --i) {
    Level& l = v[i - 1];
    // A buy takes asks at or below its limit, a sell bids at or above it.
    if (!market && better(o, limit.value(), l.price)) break;
    const int64_t n = std::min(l.data - l.taken, qty - got);
    if (n <= 0) continue;
    l.taken += n;
    got += n;
    fills->push_back(L3Fill{taker, Price(l.price), Qty(n), Qty(0)});
  }
  return got;
}

// ---- Views ----

size_t L3Book::depth(Side side, std::span<LevelView> out) const {
  const Levels& v = levels(side);
  size_t n = 0;
  for (size_t i = v.size(); i > 0 && n < out.size(); --i) {
    const Level& l = v[i - 1];
    if (l.data == 0) continue;
    uint32_t orders = l.unknown > 0 ? 1 : 0;
    for (uint32_t e = l.head; e != kNil; e = pool_[e].next) orders += pool_[e].strategy == 0;
    out[n++] = LevelView{Price(l.price), Qty(l.data), orders};
  }
  return n;
}

bool L3Book::determined(Side side) const {
  const Levels& v = levels(side);
  for (size_t i = v.size(); i > 0; --i) {
    if (v[i - 1].data > 0) return v[i - 1].complete;
  }
  return bound(side) == empty_bound(side);
}

}  // namespace tape
