// Book building blocks (level bitmap, id map, ladder growth), engine bounds (pool, fill limit,
// ladder span) and the state hash: each part keeps its structure and limits exactly.
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
#include "unit/book_test_util.h"

namespace tape {
namespace {

using testing_util::drain;
using testing_util::hash_of;
using testing_util::make_config;
using testing_util::TestRng;

NewOrderIn order(uint64_t id, Side side, int64_t price, int64_t qty,
                 TimeInForce tif = TimeInForce::kGtc, uint32_t instrument = 0) {
  return NewOrderIn{OrderId(id),  AccountId(1000),   InstrumentId(instrument),
                    side,         OrderType::kLimit, tif,
                    Price(price), Qty(qty)};
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
  // Orders that never rest are not bound by the ladder, only by the price domain.
  e.on(order(5, Side::kBuy, kMaxPrice, 1, TimeInForce::kIoc));
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

// The ladder's layout (its base and size) is not part of the state; whether an order may rest
// must not depend on it, or a restored book could decide differently from the original. Two
// books holding the same orders, one with a grown and re-based ladder, decide alike.
TEST(EngineBoundsTest, RangeDecisionsDependOnRestingPricesNotOnLadderLayout) {
  EventQueue q(256);
  Engine grown(make_config(1, 64, 64, 1 << 12), q);
  Engine fresh(make_config(1, 64, 64, 1 << 12), q);
  for (Engine* e : {&grown, &fresh}) e->on(order(1, Side::kBuy, 100, 1));
  grown.on(order(2, Side::kSell, 100 + 3000, 1));  // grows the ladder ...
  grown.on(CancelIn{OrderId(2), AccountId(1000), InstrumentId(0)});  // ... and leaves it grown
  drain(q);
  ASSERT_NE(grown.book(InstrumentId(0)).ladder_levels(), fresh.book(InstrumentId(0)).ladder_levels());
  ASSERT_EQ(hash_of(grown), hash_of(fresh));
  uint64_t id = 10;
  for (const int64_t price : {100 + 4095, 100 + 4096, 100 - 4095, 100 - 4096, 100 + 63, 100 - 64,
                              100 + 2047, 100 + 2048, 100 + 3000}) {
    const Side side = price > 100 ? Side::kSell : Side::kBuy;
    std::vector<std::string> outcome;
    for (Engine* e : {&grown, &fresh}) {
      e->on(order(id, side, price, 1));
      const auto events = drain(q);
      outcome.push_back(count_of<OrderRejected>(events) ? reject_reason_name(rejected_with(events))
                                                        : std::string("rested"));
      e->on(CancelIn{OrderId(id), AccountId(1000), InstrumentId(0)});
      drain(q);
    }
    EXPECT_EQ(outcome[0], outcome[1]) << "price " << price;
    ++id;
  }
  EXPECT_EQ(hash_of(grown), hash_of(fresh));
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

}  // namespace
}  // namespace tape
