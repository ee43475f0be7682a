// Book building blocks (level bitmap, id map, ladder growth), engine bounds (pool, fill limit,
// ladder span), the state hash, and a long seeded random workload that checks invariants and
// quantity conservation after every input.
#include "core/order_book.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "core/book_bitmap.h"
#include "core/book_id_map.h"
#include "core/engine.h"

namespace tape {
namespace {

// Local test randomness (xorshift64*): no std distributions (DESIGN §3 rule 2).
class TestRng {
 public:
  explicit TestRng(uint64_t seed) : s_(seed | 1) {}
  uint64_t next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 0x2545F4914F6CDD1DULL;
  }
  int64_t in(int64_t lo, int64_t hi) {  // inclusive; the tiny modulo bias is fine for tests
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }

 private:
  uint64_t s_;
};

CoreConfig make_config(uint32_t instruments, uint32_t pool, uint32_t levels_initial,
                       uint32_t levels_max, uint32_t fills_max = 4096) {
  CoreConfig c;
  for (uint32_t i = 0; i < instruments; ++i) {
    InstrumentConfig ic;
    ic.initial_mid = Price(100);
    ic.max_order_qty = Qty(1000);
    c.instruments.push_back(ic);
  }
  c.engine.order_pool_capacity = pool;
  c.engine.ladder_levels_initial = levels_initial;
  c.engine.ladder_levels_max = levels_max;
  c.engine.fills_per_order_max = fills_max;
  return c;
}

NewOrderIn order(uint64_t id, Side side, int64_t price, int64_t qty,
                 TimeInForce tif = TimeInForce::kGtc, uint32_t instrument = 0) {
  return NewOrderIn{OrderId(id),  AccountId(1000),   InstrumentId(instrument),
                    side,         OrderType::kLimit, tif,
                    Price(price), Qty(qty)};
}

std::vector<BusEvent> drain(EventQueue& q) {
  std::vector<BusEvent> out;
  while (!q.empty()) {
    out.push_back(q.front());
    q.pop();
  }
  return out;
}

template <typename T>
size_t count_of(const std::vector<BusEvent>& events) {
  size_t n = 0;
  for (const BusEvent& e : events) n += std::holds_alternative<T>(e) ? 1 : 0;
  return n;
}

RejectReason rejected_with(const std::vector<BusEvent>& events) {
  if (events.size() != 1) return RejectReason::kNone;
  const auto* r = std::get_if<OrderRejected>(&events[0]);
  return r == nullptr ? RejectReason::kNone : r->reason;
}

std::string hash_of(const Engine& e) {
  StateHasher h;
  e.hash_state(h);
  return h.hex();
}

// ---- LevelBitmap ----

TEST(LevelBitmapTest, FindsNearestSetBitAcrossWordsAndSummaryWords) {
  LevelBitmap b(64 * 64 * 3 + 5);  // three summary words, a partial last word
  EXPECT_EQ(b.next_at_or_above(0), LevelBitmap::kNone);
  EXPECT_EQ(b.prev_at_or_below(12000), LevelBitmap::kNone);
  for (size_t i : {0u, 63u, 64u, 4095u, 4096u, 12292u}) b.set(i);
  EXPECT_EQ(b.next_at_or_above(1), 63);
  EXPECT_EQ(b.next_at_or_above(65), 4095);
  EXPECT_EQ(b.next_at_or_above(4097), 12292);
  EXPECT_EQ(b.next_at_or_above(12293), LevelBitmap::kNone);
  EXPECT_EQ(b.prev_at_or_below(12291), 4096);
  EXPECT_EQ(b.prev_at_or_below(4095), 4095);
  EXPECT_EQ(b.prev_at_or_below(62), 0);
  EXPECT_EQ(b.prev_at_or_below(1 << 30), 12292);  // clamps to the last bit
  b.clear(4095);
  b.clear(4096);
  EXPECT_EQ(b.next_at_or_above(65), 12292);
  EXPECT_EQ(b.prev_at_or_below(12291), 64);
  b.clear(0);
  EXPECT_EQ(b.prev_at_or_below(63), 63);
  EXPECT_FALSE(b.test(0));
  EXPECT_TRUE(b.test(64));
}

// ---- OrderIdMap ----

TEST(OrderIdMapTest, MatchesAReferenceMapUnderCollidingIdPatterns) {
  OrderIdMap map(512);
  std::map<uint64_t, uint32_t> ref;
  TestRng rng(7);
  // Sequential ids, strides that share low bits, and arbitrary 64-bit ids.
  const auto id_for = [&](int pattern, uint64_t k) -> uint64_t {
    switch (pattern) {
      case 0:
        return k;
      case 1:
        return k * 64;
      case 2:
        return k << 20;
      case 3:
        return k * 256 + 7;  // one id per run
      default:
        return rng.next();
    }
  };
  for (int round = 0; round < 20000; ++round) {
    const uint64_t id =
        id_for(static_cast<int>(rng.in(0, 4)), static_cast<uint64_t>(rng.in(0, 700)));
    if (ref.count(id) != 0) {
      ASSERT_TRUE(map.erase(id));
      ref.erase(id);
    } else if (ref.size() < 512) {
      map.insert(id, static_cast<uint32_t>(round));
      ref[id] = static_cast<uint32_t>(round);
    }
    ASSERT_EQ(map.size(), ref.size());
    if (round % 997 == 0) {
      for (const auto& [k, v] : ref) ASSERT_EQ(map.find(k), v);
    }
  }
  for (const auto& [k, v] : ref) EXPECT_EQ(map.find(k), v);
  EXPECT_FALSE(map.erase(0xdeadbeefcafef00dULL));
  EXPECT_GE(map.slot_count(), 1024u);
}

// ---- OrderBook primitives ----

TEST(OrderBookTest, LadderGrowthKeepsLevelsAndFifoOrder) {
  EngineOptions options;
  options.ladder_levels_initial = 64;
  options.ladder_levels_max = 1 << 20;
  OrderPool pool(16);
  OrderBook book(InstrumentId(0), Price(100), options, pool);
  const auto add = [&](uint64_t id, Side side, int64_t price) {
    const uint32_t i = pool.alloc();
    pool[i].id = OrderId(id);
    pool[i].side = side;
    pool[i].price = Price(price);
    pool[i].leaves = Qty(static_cast<int64_t>(id));
    book.rest(i);
    return i;
  };
  for (uint64_t id = 1; id <= 3; ++id) add(id, Side::kBuy, 99);
  add(4, Side::kBuy, 98);
  add(5, Side::kSell, 102);
  EXPECT_EQ(book.ladder_levels(), 64u);
  add(6, Side::kSell, 100 + 5000);  // outside: re-base and grow
  EXPECT_GE(book.ladder_levels(), 8192u);
  add(7, Side::kBuy, 1);  // below the old base
  std::vector<uint64_t> bids;
  book.for_each_order(Side::kBuy, [&](uint32_t i) { bids.push_back(pool[i].id.value()); });
  EXPECT_EQ(bids, (std::vector<uint64_t>{1, 2, 3, 4, 7}));
  EXPECT_EQ(book.top(), (TopOfBook{true, true, Price(99), Qty(6), Price(102), Qty(5)}));
  LevelView asks[4];
  ASSERT_EQ(book.depth(Side::kSell, asks), 2u);
  EXPECT_EQ(asks[1], (LevelView{Price(5100), Qty(6), 1}));
  OrderIdMap ids(16);
  book.for_each_order(Side::kBuy, [&](uint32_t i) { ids.insert(pool[i].id.value(), i); });
  book.for_each_order(Side::kSell, [&](uint32_t i) { ids.insert(pool[i].id.value(), i); });
  uint64_t orders = 0;
  EXPECT_EQ(book.check_invariants(ids, &orders), "");
  EXPECT_EQ(orders, 7u);
}

// ---- Engine bounds ----

TEST(EngineBoundsTest, PoolFullRejectsRestingOrdersAtItsCapacityOnly) {
  EventQueue q(256);
  Engine e(make_config(2, 4, 64, 1 << 12), q);
  for (uint64_t id = 1; id <= 4; ++id)
    e.on(order(id, Side::kBuy, 90 + id, 1, TimeInForce::kGtc, id % 2));
  drain(q);
  EXPECT_EQ(e.counters().resting, 4u);
  e.on(order(5, Side::kBuy, 80, 1));
  EXPECT_EQ(rejected_with(drain(q)), RejectReason::kBookFull);
  // Judged before matching: even a GTC that would fill completely is refused when full.
  e.on(order(6, Side::kSell, 94, 1, TimeInForce::kGtc, 0));
  EXPECT_EQ(rejected_with(drain(q)), RejectReason::kBookFull);
  // Orders that cannot rest need no slot.
  e.on(order(7, Side::kSell, 94, 1, TimeInForce::kIoc, 0));
  EXPECT_EQ(count_of<Fill>(drain(q)), 1u);
  e.on(order(8, Side::kBuy, 80, 1));
  EXPECT_EQ(count_of<OrderAccepted>(drain(q)), 1u);
  EXPECT_EQ(e.check_invariants(), "");
}

TEST(EngineBoundsTest, FillLimitStopsMatchingAtExactlyItsBound) {
  EventQueue q(256);
  Engine e(make_config(1, 64, 64, 1 << 12, /*fills_max=*/3), q);
  for (uint64_t id = 1; id <= 8; ++id) e.on(order(id, Side::kSell, 100, 1));
  drain(q);
  e.on(order(10, Side::kBuy, 100, 3));  // exactly 3 fills: fully filled, no cancel
  auto ev = drain(q);
  EXPECT_EQ(count_of<Fill>(ev), 3u);
  EXPECT_EQ(count_of<OrderCancelled>(ev), 0u);
  e.on(order(11, Side::kBuy, 100, 4, TimeInForce::kFok));  // needs 4 fills: none at all
  ev = drain(q);
  EXPECT_EQ(count_of<Fill>(ev), 0u);
  ASSERT_EQ(count_of<OrderCancelled>(ev), 1u);
  EXPECT_EQ(std::get<OrderCancelled>(ev[1]).reason, CancelReason::kFokUnfilled);
  e.on(order(12, Side::kBuy, 100, 4));  // 3 fills, then the rest is cancelled
  ev = drain(q);
  EXPECT_EQ(count_of<Fill>(ev), 3u);
  const auto& c = std::get<OrderCancelled>(ev[4]);
  EXPECT_EQ(c.reason, CancelReason::kFillLimit);
  EXPECT_EQ(c.qty, Qty(1));
  EXPECT_FALSE(e.is_resting(OrderId(12)));
  EXPECT_EQ(e.counters().resting, 2u);
}

TEST(EngineBoundsTest, ReplaceThatHitsTheFillLimitCancelsItsRemainder) {
  EventQueue q(256);
  Engine e(make_config(1, 64, 64, 1 << 12, /*fills_max=*/2), q);
  for (uint64_t id = 1; id <= 3; ++id) e.on(order(id, Side::kSell, 101, 1));
  e.on(order(9, Side::kBuy, 99, 5));
  drain(q);
  e.on(ReplaceIn{OrderId(9), AccountId(1000), InstrumentId(0), Price(101), Qty(5)});
  const auto ev = drain(q);
  EXPECT_EQ(count_of<Fill>(ev), 2u);
  ASSERT_EQ(ev.size(), 5u);  // replaced, fill, fill, cancelled, book_changed
  EXPECT_EQ(std::get<OrderCancelled>(ev[3]).reason, CancelReason::kFillLimit);
  EXPECT_EQ(std::get<OrderCancelled>(ev[3]).qty, Qty(3));
  EXPECT_FALSE(e.is_resting(OrderId(9)));
  EXPECT_EQ(e.check_invariants(), "");
}

TEST(EngineBoundsTest, LadderGrowsFarFromInitialMidAndRejectsBeyondItsMaximum) {
  EventQueue q(256);
  Engine e(make_config(1, 64, 64, 1 << 12), q);
  e.on(order(1, Side::kBuy, 100, 1));
  e.on(order(2, Side::kSell, 100 + 4095, 1));  // span 4096 levels: the maximum
  drain(q);
  EXPECT_TRUE(e.is_resting(OrderId(2)));
  EXPECT_EQ(e.book(InstrumentId(0)).ladder_levels(), 4096u);
  e.on(order(3, Side::kSell, 100 + 4096, 1));
  EXPECT_EQ(rejected_with(drain(q)), RejectReason::kPriceOutOfRange);
  e.on(order(4, Side::kBuy, 99, 1));
  EXPECT_EQ(rejected_with(drain(q)), RejectReason::kPriceOutOfRange);
  // Orders that never rest are not bound by the ladder.
  e.on(order(5, Side::kBuy, int64_t{1} << 40, 1, TimeInForce::kIoc));
  EXPECT_EQ(count_of<Fill>(drain(q)), 1u);
  // Once the book is empty the ladder re-bases anywhere.
  e.on(CancelIn{OrderId(1), AccountId(1000), InstrumentId(0)});
  e.on(order(6, Side::kSell, 5'000'000, 1));
  e.on(order(7, Side::kBuy, 4'999'000, 1));
  drain(q);
  EXPECT_EQ(e.top(InstrumentId(0)),
            (TopOfBook{true, true, Price(4'999'000), Qty(1), Price(5'000'000), Qty(1)}));
  EXPECT_EQ(e.check_invariants(), "");
}

// ---- State hash ----

TEST(EngineHashTest, SameRestingStateByDifferentPathsHashesEqual) {
  const CoreConfig c = make_config(2, 64, 64, 1 << 16);
  EventQueue qa(256), qb(256);
  Engine a(c, qa), b(c, qb);
  a.on(order(1, Side::kSell, 101, 5));
  a.on(order(2, Side::kBuy, 99, 4));
  // b: a larger order partly filled, an order far away (ladder re-base) then cancelled, and a
  // halt that was lifted.
  b.on(order(9, Side::kSell, 20'000, 1));
  b.on(order(1, Side::kSell, 101, 8));
  b.on(order(3, Side::kBuy, 101, 3, TimeInForce::kIoc));
  b.on(CancelIn{OrderId(9), AccountId(1000), InstrumentId(0)});
  b.on(ControlIn{ControlKind::kHalt, InstrumentId(1)});
  b.on(ControlIn{ControlKind::kResume, InstrumentId(1)});
  b.on(order(2, Side::kBuy, 99, 4));
  EXPECT_NE(a.book(InstrumentId(0)).ladder_base(), b.book(InstrumentId(0)).ladder_base());
  EXPECT_EQ(hash_of(a), hash_of(b));
}

TEST(EngineHashTest, DifferentQtyPriorityHaltOrAccountHashDifferently) {
  const CoreConfig c = make_config(1, 64, 64, 1 << 16);
  const auto build = [&](int variant) {
    auto q = std::make_unique<EventQueue>(256);
    Engine e(c, *q);
    NewOrderIn first = order(1, Side::kBuy, 99, 5);
    NewOrderIn second = order(2, Side::kBuy, 99, 5);
    if (variant == 1) second.qty = Qty(6);
    if (variant == 4) second.account = AccountId(1001);
    if (variant == 2) std::swap(first, second);
    e.on(first);
    e.on(second);
    if (variant == 3) e.on(ControlIn{ControlKind::kHalt, InstrumentId(0)});
    return hash_of(e);
  };
  const std::string base = build(0);
  for (int v = 1; v <= 4; ++v) EXPECT_NE(build(v), base) << "variant " << v;
  EXPECT_EQ(build(0), base);
}

// ---- Long random workload ----

// What the test knows about an order from the events alone.
struct Tracked {
  InstrumentId instrument;
  Side side = Side::kBuy;
  Price price;
  int64_t original = 0;
  int64_t replaced_delta = 0;  // sum of (new leaves - leaves before) over replaces
  int64_t filled = 0;
  int64_t cancelled = 0;
  int64_t open = 0;
  int terminal = 0;  // fully filled or cancelled events seen
  bool live = false;
};

class Workload {
 public:
  explicit Workload(uint64_t seed)
      : rng_(seed), config_(workload_config()), queue_(1 << 16), engine_(config_, queue_) {}

  // Runs `steps` random inputs; returns the concatenated event kinds and fields as text.
  std::string run(int steps) {
    std::string log;
    for (int step = 0; step < steps; ++step) {
      next_input();
      const std::vector<BusEvent> events = drain(queue_);
      for (const BusEvent& e : events) observe(e, &log);
      const std::string err = engine_.check_invariants();
      EXPECT_EQ(err, "") << "after step " << step;
      if (!err.empty()) break;
      if (step % 251 == 0) compare_depth(step);
    }
    compare_depth(steps);
    return log;
  }

  void check_conservation() const {
    for (const auto& [id, t] : orders_) {
      EXPECT_EQ(t.original + t.replaced_delta, t.filled + t.cancelled + t.open) << "order " << id;
      EXPECT_EQ(engine_.is_resting(OrderId(id)), t.live) << "order " << id;
      EXPECT_EQ(t.terminal, t.live ? 0 : 1) << "order " << id;
      EXPECT_EQ(t.live, t.open > 0) << "order " << id;
    }
  }
  const Engine& engine() const { return engine_; }
  size_t orders_seen() const { return orders_.size(); }
  uint64_t fills_seen() const { return fills_; }

 private:
  // Small bounds, so the pool, the fill limit and the ladder maximum are all reached.
  static CoreConfig workload_config() {
    CoreConfig c = make_config(2, 48, 64, 2048, /*fills_max=*/6);
    c.instruments[1].initial_mid = Price(5000);
    return c;
  }

  void next_input() {
    const int64_t roll = rng_.in(0, 999);
    const uint32_t instrument = static_cast<uint32_t>(rng_.in(0, 1));
    const int64_t mid = instrument == 0 ? 100 : 5000;
    const uint32_t account = rng_.in(0, 3) == 0 ? static_cast<uint32_t>(rng_.in(1, 3))
                                                : static_cast<uint32_t>(rng_.in(1000, 1003));
    if (roll < 600) {
      const Side side = rng_.in(0, 1) == 0 ? Side::kBuy : Side::kSell;
      const int64_t tif_roll = rng_.in(0, 9);
      const TimeInForce tif = tif_roll < 7   ? TimeInForce::kGtc
                              : tif_roll < 9 ? TimeInForce::kIoc
                                             : TimeInForce::kFok;
      const bool is_market = rng_.in(0, 19) == 0;
      // Mostly near the mid; now and then far out, to grow the ladder or hit its maximum.
      const int64_t spread = rng_.in(0, 49) == 0 ? 3000 : 12;
      NewOrderIn in{OrderId(next_id_++),
                    AccountId(account),
                    InstrumentId(instrument),
                    side,
                    is_market ? OrderType::kMarket : OrderType::kLimit,
                    tif,
                    Price(std::max<int64_t>(1, mid + rng_.in(-spread, spread))),
                    Qty(rng_.in(0, 9) == 0 ? rng_.in(100, 400) : rng_.in(1, 40))};
      if (rng_.in(0, 99) == 0) in.qty = Qty(rng_.in(-1, 0));  // invalid now and then
      send_new(in);
    } else if (roll < 720) {
      const uint64_t id = pick_id();
      const auto it = orders_.find(id);
      const uint32_t owner = it != orders_.end() && rng_.in(0, 9) != 0 ? account_of_[id] : account;
      const uint32_t inst = it != orders_.end() ? it->second.instrument.value() : instrument;
      send(CancelIn{OrderId(id), AccountId(owner), InstrumentId(inst)}, owner);
    } else if (roll < 970) {
      const uint64_t id = pick_id();
      const auto it = orders_.find(id);
      if (it == orders_.end()) return;
      const Tracked& t = it->second;
      const int64_t price = rng_.in(0, 2) == 0 ? t.price.value() : t.price.value() + rng_.in(-4, 4);
      const int64_t qty = rng_.in(0, 2) == 0 ? std::max<int64_t>(1, t.open - 1) : rng_.in(1, 40);
      const uint32_t owner = account_of_[id];
      send(ReplaceIn{OrderId(id), AccountId(owner), t.instrument, Price(price), Qty(qty)}, owner);
    } else if (roll < 998) {
      const ControlKind k = rng_.in(0, 9) == 0 ? ControlKind::kHalt : ControlKind::kResume;
      engine_.on(ControlIn{k, InstrumentId(instrument)});
    } else {
      engine_.on(ControlIn{ControlKind::kKillSwitchOn, InstrumentId(0)});
    }
  }

  // Managed accounts' orders come through risk, external ones directly.
  void send_new(const NewOrderIn& in) {
    account_of_[in.id.value()] = in.account.value();
    if (!is_managed(in.account)) return engine_.on(in);
    engine_.on(RiskDecision{OrderIntent{IntentKind::kNew, in.id, in.account, in.instrument, in.side,
                                        in.type, in.tif, in.price, in.qty},
                            true, RejectReason::kNone});
  }
  template <typename In>
  void send(const In& in, uint32_t account) {
    if (!is_managed(AccountId(account))) return engine_.on(in);
    OrderIntent intent{};
    intent.kind = std::is_same_v<In, CancelIn> ? IntentKind::kCancel : IntentKind::kReplace;
    intent.id = in.id;
    intent.account = in.account;
    intent.instrument = in.instrument;
    if constexpr (std::is_same_v<In, ReplaceIn>) {
      intent.price = in.price;
      intent.qty = in.qty;
    }
    engine_.on(RiskDecision{intent, true, RejectReason::kNone});
  }

  // Mostly a resting order (from the candidates, pruned lazily), sometimes any id ever issued.
  uint64_t pick_id() {
    while (!candidates_.empty() && rng_.in(0, 4) != 0) {
      const size_t k =
          static_cast<size_t>(rng_.in(0, static_cast<int64_t>(candidates_.size()) - 1));
      const uint64_t id = candidates_[k];
      if (orders_.at(id).live) return id;
      candidates_[k] = candidates_.back();
      candidates_.pop_back();
    }
    return static_cast<uint64_t>(
        rng_.in(1, std::max<int64_t>(1, static_cast<int64_t>(next_id_) - 1)));
  }

  void observe(const BusEvent& e, std::string* log) {
    *log += std::to_string(e.index());
    if (const auto* a = std::get_if<OrderAccepted>(&e)) {
      Tracked& t = orders_[a->id.value()];
      EXPECT_FALSE(t.live);
      t = Tracked{a->instrument,  a->side, a->price, a->qty.value(), 0, 0, 0,
                  a->qty.value(), 0,       true};
      candidates_.push_back(a->id.value());
    } else if (const auto* f = std::get_if<Fill>(&e)) {
      ++fills_;
      *log += ':';
      *log += std::to_string(f->maker.value());
      *log += '/';
      *log += std::to_string(f->qty.value());
      Tracked& maker = orders_.at(f->maker.value());
      Tracked& taker = orders_.at(f->taker.value());
      EXPECT_EQ(f->price, maker.price);
      EXPECT_NE(maker.side, taker.side);
      EXPECT_EQ(f->aggressor, taker.side);
      apply_fill(maker, f->qty.value(), f->maker_leaves.value());
      apply_fill(taker, f->qty.value(), f->taker_leaves.value());
    } else if (const auto* rj = std::get_if<OrderRejected>(&e)) {
      ++rejects_by_reason_[static_cast<int>(rj->reason)];
    } else if (const auto* c = std::get_if<OrderCancelled>(&e)) {
      ++cancels_by_reason_[static_cast<int>(c->reason)];
      Tracked& t = orders_.at(c->id.value());
      EXPECT_EQ(c->qty.value(), t.open);
      t.cancelled += c->qty.value();
      t.open = 0;
      t.live = false;
      ++t.terminal;
    } else if (const auto* r = std::get_if<OrderReplaced>(&e)) {
      Tracked& t = orders_.at(r->id.value());
      t.replaced_delta += r->qty.value() - t.open;
      t.open = r->qty.value();
      t.price = r->price;
    }
    *log += ',';
  }

  static void apply_fill(Tracked& t, int64_t qty, int64_t leaves_after) {
    t.filled += qty;
    t.open -= qty;
    EXPECT_EQ(t.open, leaves_after);
    if (t.open == 0) {
      t.live = false;
      ++t.terminal;
    }
  }

  // The engine's full depth equals the tracked live orders aggregated by level.
  void compare_depth(int step) {
    for (uint32_t inst = 0; inst < 2; ++inst) {
      for (Side side : {Side::kBuy, Side::kSell}) {
        std::map<int64_t, std::pair<int64_t, uint32_t>> want;
        for (const auto& [id, t] : orders_) {
          if (!t.live || t.instrument.value() != inst || t.side != side) continue;
          auto& level = want[t.price.value()];
          level.first += t.open;
          ++level.second;
        }
        std::vector<LevelView> got(4096);
        got.resize(engine_.depth(InstrumentId(inst), side, got));
        ASSERT_EQ(got.size(), want.size()) << "step " << step;
        size_t k = side == Side::kBuy ? want.size() : 0;
        for (const auto& [price, level] : want) {
          const LevelView& v = got[side == Side::kBuy ? --k : k++];
          ASSERT_EQ(v.price.value(), price) << "step " << step;
          ASSERT_EQ(v.qty.value(), level.first) << "step " << step;
          ASSERT_EQ(v.orders, level.second) << "step " << step;
        }
      }
    }
  }

  TestRng rng_;
  CoreConfig config_;
  EventQueue queue_;
  Engine engine_;
  uint64_t next_id_ = 1;
  uint64_t fills_ = 0;
  std::map<uint64_t, Tracked> orders_;
  std::map<uint64_t, uint32_t> account_of_;
  std::vector<uint64_t> candidates_;  // ids accepted at some point; dead ones pruned on pick

 public:
  std::map<int, int> rejects_by_reason_;  // how often each path was taken
  std::map<int, int> cancels_by_reason_;
};

TEST(EngineWorkloadTest, RandomWorkloadKeepsInvariantsAndConservesQuantity) {
  Workload w(20240611);
  w.run(30000);
  w.check_conservation();
  const Engine::Counters& c = w.engine().counters();
  // The workload must actually exercise the paths it claims to.
  EXPECT_GT(w.fills_seen(), 5000u);
  EXPECT_GT(c.replaced, 1000u);
  EXPECT_GT(c.rejected, 1000u);
  for (RejectReason r :
       {RejectReason::kBookFull, RejectReason::kPriceOutOfRange, RejectReason::kHalted,
        RejectReason::kNotOwner, RejectReason::kUnknownOrderId, RejectReason::kInvalidQty}) {
    EXPECT_GT(w.rejects_by_reason_[static_cast<int>(r)], 0) << reject_reason_name(r);
  }
  for (CancelReason r :
       {CancelReason::kUser, CancelReason::kIocRemainder, CancelReason::kFokUnfilled,
        CancelReason::kNoLiquidity, CancelReason::kKillSwitch, CancelReason::kFillLimit}) {
    EXPECT_GT(w.cancels_by_reason_[static_cast<int>(r)], 0) << cancel_reason_name(r);
  }
}

TEST(EngineWorkloadTest, SameSeedGivesIdenticalEventsAndHash) {
  Workload a(99), b(99), other(100);
  const std::string log_a = a.run(5000);
  EXPECT_EQ(log_a, b.run(5000));
  EXPECT_EQ(hash_of(a.engine()), hash_of(b.engine()));
  EXPECT_NE(log_a, other.run(5000));
}

}  // namespace
}  // namespace tape
