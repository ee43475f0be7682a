// One price domain (core/bounds.h): entry (new orders and replaces), resting, the ladder, the
// state hash and restore all accept exactly [kMinPrice, kMaxPrice], and no price, however far
// outside, can make a ladder comparison overflow (issue 7 items 1 and 2).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "core/bounds.h"
#include "core/engine.h"
#include "core/state_reader.h"
#include "engine_fixture.h"

namespace tape {
namespace {

using testing_util::EngineTest;
using testing_util::kinds;
using testing_util::only;
using testing_util::Strs;

constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();

// The boundary walked on every path: both edges, one past each, and the int64 extremes.
constexpr int64_t kWalk[] = {kMaxPrice - 1, kMaxPrice,     kMaxPrice + 1, kMinPrice - 1,
                             kMinPrice,     kMinPrice + 1, -1,            int64_t{1} << 53,
                             kI64Max - 100, kI64Max,       kI64Min};

// The canonical engine state of one book holding one bid of 1 lot at `price` and, when
// `ask` > 0, one ask of 1 lot at `ask` (the layout Engine::hash_state writes), so restore can be
// fed a book no live engine can hold.
std::string one_bid_state(const CoreConfig& config, int64_t price, int64_t ask = 0,
                          int64_t bid_leaves = 1) {
  StateHasher h;
  h.tag("engine");
  h.u32(static_cast<uint32_t>(config.instruments.size()));
  for (uint32_t i = 0; i < config.instruments.size(); ++i) {
    h.v(InstrumentId(i));
    h.u8(0);  // not halted
    h.u8(static_cast<uint8_t>(Side::kBuy));
    h.u32(i == 0 ? 1 : 0);
    if (i == 0) {
      h.i64(price);
      h.u32(1);
      h.v(OrderId(7));
      h.v(AccountId(1000));
      h.i64(price);
      h.i64(bid_leaves);
    }
    h.u8(static_cast<uint8_t>(Side::kSell));
    h.u32(i == 0 && ask > 0 ? 1 : 0);
    if (i == 0 && ask > 0) {
      h.i64(ask);
      h.u32(1);
      h.v(OrderId(8));
      h.v(AccountId(1000));
      h.i64(ask);
      h.i64(1);
    }
  }
  h.u64(ask > 0 ? 2 : 1);
  h.u32(config.engine.order_pool_capacity);
  return h.bytes();
}

class PriceDomainTest : public EngineTest {
 protected:
  // Restores this engine's canonical state into a fresh engine and proves it re-encodes equal.
  bool round_trips() {
    StateHasher h;
    engine_->hash_state(h);
    EventQueue q(64);
    Engine fresh(config_, q);
    StateReader r(h.bytes());
    const Status st = fresh.restore_state(r);
    EXPECT_TRUE(st.is_ok()) << st.message();
    if (!st.is_ok()) return false;
    StateHasher again;
    fresh.hash_state(again);
    EXPECT_EQ(again.bytes(), h.bytes());
    return again.bytes() == h.bytes();
  }
};

// Proves the reproducer: a buy at 1 moves the ladder's base below 0, and a sell at
// INT64_MAX - 100 is then rejected (kInvalidPrice) instead of overflowing in OrderBook::rest.
TEST_F(PriceDomainTest, SellNearInt64MaxAfterLadderMovesBelowZeroIsRejectedNotCrashed) {
  ASSERT_EQ(kinds(send(limit(1, Side::kBuy, 1, 1))), (Strs{"accepted", "book_changed"}));
  ASSERT_LT(engine_->book(InstrumentId(0)).ladder_base().value(), 0);
  EXPECT_EQ(reject_reason(send(limit(2, Side::kSell, kI64Max - 100, 1))),
            RejectReason::kInvalidPrice);
  EXPECT_EQ(reject_reason(send(limit(3, Side::kSell, kI64Max, 1, TimeInForce::kIoc))),
            RejectReason::kInvalidPrice);
}

// Proves a replace to INT64_MAX with the ladder below 0 is rejected, not written out of range.
TEST_F(PriceDomainTest, ReplacePriceNearInt64MaxIsRejectedNotCrashed) {
  send(limit(1, Side::kBuy, 1, 1));
  ASSERT_LT(engine_->book(InstrumentId(0)).ladder_base().value(), 0);
  for (int64_t p : {kI64Max, kI64Max - 100, kI64Min, int64_t{0}, kMaxPrice + 1}) {
    EXPECT_EQ(reject_reason(send(replace(1, p, 1))), RejectReason::kInvalidPrice) << p;
  }
  EXPECT_EQ(engine_->book(InstrumentId(0)).resting_orders(), 1u);
}

// Proves the ladder's own check holds for every int64, whatever its base: can_hold is true
// exactly for domain prices within the ladder's reach, never for a wrapped offset.
TEST_F(PriceDomainTest, LadderAcceptsExactlyTheDomainAtAnyBase) {
  for (int64_t mid : {int64_t{1}, int64_t{100}, kMaxPrice, kI64Max, kI64Min}) {
    CoreConfig c = config_;
    c.instruments[0].initial_mid = Price(mid);
    c.engine.ladder_levels_max = 64;  // a narrow ladder: its base is the book's only reach
    reset(c);
    const OrderBook& book = engine_->book(InstrumentId(0));
    for (int64_t p : kWalk) {
      // An empty book can re-base anywhere: it holds a price iff the price is valid.
      EXPECT_EQ(book.can_hold(Price(p)), is_valid_price(Price(p))) << "mid " << mid << " p " << p;
    }
  }
}

// Walks the boundary through entry, rest, the state hash, restore and the ladder: each price
// is accepted and rests iff it is in the domain, and a book holding it round-trips.
TEST_F(PriceDomainTest, BoundaryIsTheSameForEntryRestHashRestoreAndLadder) {
  for (int64_t p : kWalk) {
    reset(config_);
    const bool valid = is_valid_price(Price(p));
    EXPECT_EQ(engine_->book(InstrumentId(0)).can_hold(Price(p)), valid) << p;
    const std::vector<BusEvent> out = send(limit(1, Side::kSell, p, 1));
    if (!valid) {
      EXPECT_EQ(reject_reason(out), RejectReason::kInvalidPrice) << p;
      continue;
    }
    ASSERT_EQ(kinds(out), (Strs{"accepted", "book_changed"})) << p;
    EXPECT_EQ(engine_->book(InstrumentId(0)).top().ask, Price(p));
    EXPECT_TRUE(round_trips()) << p;
    // A replace to each walked price: accepted iff valid (the order sits alone, no match).
    for (int64_t q : kWalk) {
      if (is_valid_price(Price(q))) continue;
      EXPECT_EQ(reject_reason(send(replace(1, q, 1))), RejectReason::kInvalidPrice) << q;
    }
  }
  // Replaces into the domain's edges are accepted and the result round-trips.
  reset(config_);
  send(limit(1, Side::kSell, kMaxPrice - 1, 1));
  EXPECT_EQ(only<OrderReplaced>(send(replace(1, kMaxPrice, 1))).price, Price(kMaxPrice));
  EXPECT_TRUE(round_trips());
}

// Proves restore accepts a level exactly where entry does, and refuses one just outside.
TEST_F(PriceDomainTest, RestoreAcceptsExactlyTheDomain) {
  for (int64_t p : kWalk) {
    EventQueue q(64);
    Engine fresh(config_, q);
    const std::string bytes = one_bid_state(config_, p);
    StateReader r(bytes);
    const Status st = fresh.restore_state(r);
    EXPECT_EQ(st.is_ok(), is_valid_price(Price(p))) << p << ": " << st.message();
    if (!st.is_ok()) {
      EXPECT_NE(st.message().find("bad price level"), std::string::npos) << st.message();
    }
  }
}

// Found by state_fuzz: a snapshot whose ask rests at or below its bid reached OrderBook::rest,
// which stops the process rather than hold a crossed book. Restore refuses it as corrupt.
TEST_F(PriceDomainTest, RestoreRefusesACrossedBookInsteadOfStopping) {
  for (int64_t ask : {int64_t{99}, int64_t{100}, int64_t{101}}) {
    EventQueue q(64);
    Engine fresh(config_, q);
    const std::string bytes = one_bid_state(config_, 100, ask);
    StateReader r(bytes);
    const Status st = fresh.restore_state(r);
    EXPECT_EQ(st.is_ok(), ask > 100) << ask << ": " << st.message();
    if (!st.is_ok()) {
      EXPECT_NE(st.message().find("crossed book"), std::string::npos) << st.message();
    }
  }
}

// Found by state_fuzz: a resting order of INT64_MAX leaves overflowed its level's total on
// restore. Restore admits exactly the leaves entry does: 1 to the instrument's max_order_qty.
TEST_F(PriceDomainTest, RestoreRefusesLeavesEntryWouldRefuse) {
  const int64_t max = config_.instruments[0].max_order_qty.value();
  for (int64_t leaves : {int64_t{0}, int64_t{1}, max, max + 1, INT64_MAX}) {
    EventQueue q(64);
    Engine fresh(config_, q);
    const std::string bytes = one_bid_state(config_, 100, 0, leaves);
    StateReader r(bytes);
    const Status st = fresh.restore_state(r);
    EXPECT_EQ(st.is_ok(), leaves >= 1 && leaves <= max) << leaves << ": " << st.message();
  }
}

}  // namespace
}  // namespace tape
