// Money never leaves int64 by an abort (issue 7 item 3): checked_notional is exact or says no,
// check_instrument_bounds refuses at load an instrument whose largest order at its initial
// price is near int64, risk refuses an order no fill of which could be booked, and a fill the
// portfolio cannot book stops the core with an error naming the seq, never an abort.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/bounds.h"
#include "core/core.h"
#include "core/portfolio.h"
#include "core/risk.h"

namespace tape {
namespace {

constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();

// The issue's instrument: lot_size 1e9, initial_price 100000.00 at tick 0.01 (100 minor units).
InstrumentConfig huge_lot() {
  InstrumentConfig ic;
  ic.symbol = "BIG";
  ic.tick_value = 100;
  ic.lot_size = 1'000'000'000;
  ic.initial_mid = Price(10'000'000);
  return ic;
}

TEST(CheckedNotional, IsExactInsideInt64AndRefusesBeyondWithoutUndefinedBehaviour) {
  int64_t n = -1;
  EXPECT_TRUE(checked_notional(huge_lot(), Price(10'000'000), Qty(9), &n));
  EXPECT_EQ(n, 9'000'000'000'000'000'000);
  n = -1;
  EXPECT_FALSE(checked_notional(huge_lot(), Price(10'000'000), Qty(10), &n));  // 1e19
  EXPECT_EQ(n, -1);  // untouched
  InstrumentConfig one;
  one.tick_value = 1;
  EXPECT_FALSE(checked_notional(one, Price(kI64Max), Qty(kI64Max), &n));
  EXPECT_FALSE(checked_notional(one, Price(std::numeric_limits<int64_t>::min()), Qty(-1), &n));
  EXPECT_TRUE(checked_notional(one, Price(kI64Max), Qty(1), &n));
  EXPECT_EQ(n, kI64Max);
}

TEST(InstrumentBounds, RefuseTheIssuesLotSizeAndPriceNamingTheKeys) {
  const Status st = check_instrument_bounds(huge_lot(), "s.toml: instruments[0] (BIG)");
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  for (const char* key : {"s.toml: instruments[0] (BIG)", "lot_size", "tick_size",
                          "initial_price", "max_order_qty"}) {
    EXPECT_NE(st.message().find(key), std::string::npos) << key << " in " << st.message();
  }
}

TEST(InstrumentBounds, AcceptDefaultsAndRefuseAnInitialPriceOutsideTheDomain) {
  EXPECT_TRUE(check_instrument_bounds(InstrumentConfig{}, "x").is_ok());
  InstrumentConfig ic;
  ic.initial_mid = Price(kMaxPrice + 1);
  EXPECT_FALSE(check_instrument_bounds(ic, "x").is_ok());
  ic.initial_mid = Price(0);
  EXPECT_FALSE(check_instrument_bounds(ic, "x").is_ok());
  ic = InstrumentConfig{};
  ic.lot_size = 0;
  EXPECT_FALSE(check_instrument_bounds(ic, "x").is_ok());
  // The edge: exactly INT64_MAX / kNotionalHeadroom of notional at the largest order passes.
  ic = InstrumentConfig{};
  ic.tick_value = 1;
  ic.initial_mid = Price(1);
  ic.max_order_qty = Qty(kI64Max / kNotionalHeadroom);
  EXPECT_TRUE(check_instrument_bounds(ic, "x").is_ok());
  ic.max_order_qty = Qty(kI64Max / kNotionalHeadroom + 1);
  EXPECT_FALSE(check_instrument_bounds(ic, "x").is_ok());
}

// Proves the load check refuses a pool of maximum-size orders whose total at one price would
// leave int64 (a level's qty), naming both keys, and accepts the defaults.
TEST(BookBounds, RefusePoolTimesMaxOrderQtyBeyondInt64NamingBothKeys) {
  CoreConfig c;
  c.instruments.push_back(InstrumentConfig{});
  EXPECT_TRUE(check_book_bounds(c).is_ok());
  c.instruments[0].max_order_qty = Qty(1'000'000'000'000);
  c.engine.order_pool_capacity = 1u << 28;
  const Status st = check_book_bounds(c);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("max_order_qty"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("engine.order_pool_capacity"), std::string::npos);
  c.engine.order_pool_capacity = 1u << 20;  // 1e12 x 2^20 ~ 1.1e18: fits
  EXPECT_TRUE(check_book_bounds(c).is_ok());
}

class MoneyBoundsTest : public ::testing::Test {
 protected:
  MoneyBoundsTest() {
    config_.instruments.push_back(huge_lot());
    config_.risk = RiskLimits{Qty(0), Money(0), 0, 0, 0, 0};  // every limit off
  }
  CoreConfig config_;
  EventQueue queue_{1024};
};

// Proves a fill whose notional leaves int64 is refused whole (no cash, position or update) and
// reported, where it used to abort at core/portfolio.cc ("notional leaves int64").
TEST_F(MoneyBoundsTest, PortfolioRefusesAFillItCannotBookInsteadOfAborting) {
  Portfolio pf(config_, queue_);
  const Fill ok{InstrumentId(0), OrderId(1), AccountId(2000), OrderId(2), AccountId(1),
                Price(10'000'000), Qty(9), Side::kBuy, Qty(0), Qty(0)};
  pf.on(ok);
  ASSERT_TRUE(pf.status().is_ok());
  EXPECT_EQ(pf.position(AccountId(1), InstrumentId(0)), 9);
  queue_.clear();
  StateHasher before;
  pf.hash_state(before);

  Fill big = ok;
  big.qty = Qty(10);  // 1e19 minor units
  pf.on(big);
  ASSERT_FALSE(pf.status().is_ok());
  EXPECT_EQ(pf.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(pf.status().message().find("BIG"), std::string::npos) << pf.status().message();
  EXPECT_NE(pf.status().message().find("lot_size"), std::string::npos);
  EXPECT_TRUE(queue_.empty());  // no PositionUpdate
  StateHasher after;
  pf.hash_state(after);
  // Only the mark moved (it is the fill's price either way): the books are as before.
  EXPECT_EQ(pf.position(AccountId(1), InstrumentId(0)), 9);
  EXPECT_EQ(after.bytes(), before.bytes());
}

// Proves cash, which accumulates over fills, cannot wrap either: the fill that would take it
// past int64 is refused, the ones before it are booked exactly.
TEST_F(MoneyBoundsTest, PortfolioRefusesTheFillThatWouldOverflowAccumulatedCash) {
  Portfolio pf(config_, queue_);
  int fills = 0;
  for (; fills < 3 && pf.status().is_ok(); ++fills) {
    pf.on(Fill{InstrumentId(0), OrderId(1), AccountId(2000), OrderId(2), AccountId(1),
               Price(10'000'000), Qty(4), Side::kBuy, Qty(0), Qty(0)});  // 4e18 each
  }
  EXPECT_EQ(fills, 3);
  EXPECT_FALSE(pf.status().is_ok());
  EXPECT_EQ(pf.cash(AccountId(1)), Money(-8'000'000'000'000'000'000));
  EXPECT_EQ(pf.position(AccountId(1), InstrumentId(0)), 8);
  EXPECT_EQ(pf.unrealized_pnl(AccountId(1)), Money(0));
  EXPECT_EQ(pf.total_pnl(), Money(0));
}

// Proves the core stops with exit-2 error naming the seq when a managed account's fill cannot
// be booked (inputs may carry managed accounts), instead of aborting.
TEST_F(MoneyBoundsTest, CoreStopsWithAnErrorNamingTheSeqOnAnUnbookableFill) {
  auto core = std::make_unique<Core>(config_, Recorder::Mode::kCollect, nullptr);
  auto order = [](uint64_t seq, uint32_t account, Side side, int64_t qty) {
    return Input{Seq(seq), Timestamp(static_cast<int64_t>(seq)),
                 NewOrderIn{OrderId(seq), AccountId(account), InstrumentId(0), side,
                            OrderType::kLimit, TimeInForce::kGtc, Price(10'000'000), Qty(qty)}};
  };
  ASSERT_TRUE(core->process(order(1, 2000, Side::kSell, 100)).is_ok());
  const Status st = core->process(order(2, 1, Side::kBuy, 10));
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_EQ(st.message().rfind("seq 2: portfolio: ", 0), 0u) << st.message();
}

// Proves risk refuses a managed order whose notional at its own price leaves int64 even with
// max_notional off (no fill of it could be booked), and leaves an invalid price to the engine.
TEST_F(MoneyBoundsTest, RiskRejectsAnOrderWhoseNotionalLeavesInt64) {
  SimClock clock;
  Risk risk(config_, clock, queue_);
  auto decide = [&](int64_t price, int64_t qty) {
    risk.on(OrderIntent{IntentKind::kNew, OrderId(1), AccountId(1), InstrumentId(0), Side::kBuy,
                        OrderType::kLimit, TimeInForce::kGtc, Price(price), Qty(qty)});
    const RiskDecision d = std::get<RiskDecision>(queue_.front());
    queue_.clear();
    return d.reason;
  };
  EXPECT_EQ(decide(10'000'000, 9), RejectReason::kNone);
  EXPECT_EQ(decide(10'000'000, 10), RejectReason::kMaxNotional);
  EXPECT_EQ(decide(kI64Max, kI64Max), RejectReason::kNone);  // the engine says kInvalidPrice
}

}  // namespace
}  // namespace tape
