// Fees (core/portfolio.h): maker/taker ppm rounded half away from zero to the money unit, per
// lot, per order on an order's first fill, the per-order minimum topped up there, and which ppm
// a data venue fill pays.
#include <gtest/gtest.h>

#include <string>

#include "core/portfolio.h"
#include "data_venue_fixture.h"

namespace tape {
namespace {

constexpr uint32_t kMgd = 1;
constexpr uint32_t kExt = 1000;

CoreConfig fee_config(FeeConfig fees) {
  CoreConfig c;
  // notional = price x 10 x 1 x qty minor units.
  c.instruments.push_back(InstrumentConfig{"AAA", 10, 1, Price(100), Qty(1'000'000)});
  c.fees = fees;
  return c;
}

// Managed taker order `taker` buys qty at price from an external maker.
Fill taker_fill(uint64_t taker, int64_t price, int64_t qty, int64_t leaves) {
  return Fill{InstrumentId(0), OrderId(900), AccountId(kExt), OrderId(taker), AccountId(kMgd),
              Price(price), Qty(qty), Side::kBuy, Qty(0), Qty(leaves)};
}

std::string hash_bytes(const Portfolio& p) {
  StateHasher h;
  p.hash_state(h);
  return h.bytes();
}

TEST(Fees, PpmFeeRoundsHalfAwayFromZeroToTheMoneyUnit) {
  EventQueue q;
  // notional 1 x 10 x 5 = 50; 50 x 10'000 ppm = 0.5 -> 1 (and a rebate of 0.5 -> -1).
  Portfolio pay(fee_config(FeeConfig{0, 10'000}), q);
  pay.on(taker_fill(1, 1, 5, 0));
  EXPECT_EQ(pay.fees(AccountId(kMgd)), Money(1));
  Portfolio rebate(fee_config(FeeConfig{0, -10'000}), q);
  rebate.on(taker_fill(1, 1, 5, 0));
  EXPECT_EQ(rebate.fees(AccountId(kMgd)), Money(-1));
  Portfolio below(fee_config(FeeConfig{0, 9'999}), q);  // 0.49995 -> 0
  below.on(taker_fill(1, 1, 5, 0));
  EXPECT_EQ(below.fees(AccountId(kMgd)), Money(0));
}

TEST(Fees, PerLotIsChargedOnEveryLotOfEveryManagedSide) {
  EventQueue q;
  FeeConfig f;
  f.per_lot = 7;
  Portfolio p(fee_config(f), q);
  // Both sides managed (accounts 1 and 2): each pays 7 x 3.
  p.on(Fill{InstrumentId(0), OrderId(10), AccountId(2), OrderId(11), AccountId(kMgd), Price(100),
            Qty(3), Side::kBuy, Qty(0), Qty(0)});
  EXPECT_EQ(p.fees(AccountId(kMgd)), Money(21));
  EXPECT_EQ(p.fees(AccountId(2)), Money(21));
  EXPECT_EQ(p.cash(AccountId(kMgd)), Money(-3'000 - 21));
}

TEST(Fees, PerOrderIsChargedOnTheOrdersFirstFillOnly) {
  EventQueue q;
  FeeConfig f;
  f.per_order = 100;
  Portfolio p(fee_config(f), q);
  p.on(taker_fill(1, 100, 2, 3));
  EXPECT_EQ(p.fees(AccountId(kMgd)), Money(100));
  p.on(taker_fill(1, 100, 3, 0));
  EXPECT_EQ(p.fees(AccountId(kMgd)), Money(100));
  p.on(taker_fill(2, 100, 1, 0));  // another order
  EXPECT_EQ(p.fees(AccountId(kMgd)), Money(200));
}

TEST(Fees, MinimumPerOrderTopsUpTheFirstFillOnly) {
  EventQueue q;
  FeeConfig f;
  f.taker_ppm = 1'000;      // 0.1%: notional 100 x 10 x 2 = 2'000 -> 2
  f.min_per_order = 50;
  Portfolio p(fee_config(f), q);
  p.on(taker_fill(1, 100, 2, 2));
  EXPECT_EQ(p.fees(AccountId(kMgd)), Money(50));   // 2 topped up to 50
  p.on(taker_fill(1, 100, 2, 0));
  EXPECT_EQ(p.fees(AccountId(kMgd)), Money(52));   // a later fill pays only its own part
  // A first fill above the minimum pays what it costs.
  p.on(taker_fill(2, 100, 1'000, 0));  // 1'000'000 notional x 0.1% = 1'000
  EXPECT_EQ(p.fees(AccountId(kMgd)), Money(1'052));
}

TEST(Fees, ACancelledOrderLeavesTheFirstFillHistory) {
  EventQueue q;
  FeeConfig f;
  f.per_order = 100;
  Portfolio p(fee_config(f), q);
  Portfolio fresh(fee_config(f), q);
  p.on(taker_fill(1, 100, 2, 3));
  fresh.on(taker_fill(1, 100, 2, 0));
  EXPECT_NE(hash_bytes(p), hash_bytes(fresh));  // order 1 is remembered as open and filled
  p.on(OrderCancelled{OrderId(1), AccountId(kMgd), InstrumentId(0), Qty(3), CancelReason::kUser});
  EXPECT_EQ(hash_bytes(p), hash_bytes(fresh));
}

TEST(Fees, AllZeroFeesAddNoStateSection) {
  EventQueue q;
  Portfolio zero(fee_config(FeeConfig{}), q);
  zero.on(taker_fill(1, 100, 2, 3));
  EXPECT_EQ(hash_bytes(zero).find("order_fees"), std::string::npos);
  FeeConfig f;
  f.per_lot = 1;  // no first-fill history needed
  Portfolio lots(fee_config(f), q);
  EXPECT_EQ(hash_bytes(lots).find("order_fees"), std::string::npos);
  f.min_per_order = 1;
  Portfolio min(fee_config(f), q);
  EXPECT_NE(hash_bytes(min).find("order_fees"), std::string::npos);
}

TEST(Fees, FirstFillHistoryRestoresToTheSameBytes) {
  EventQueue q;
  FeeConfig f;
  f.per_order = 100;
  Portfolio p(fee_config(f), q);
  p.on(taker_fill(1, 100, 2, 3));
  p.on(taker_fill(2, 100, 2, 3));
  const std::string bytes = hash_bytes(p);
  Portfolio copy(fee_config(f), q);
  StateReader r(bytes);
  ASSERT_TRUE(copy.restore_state(r).is_ok());
  EXPECT_EQ(hash_bytes(copy), bytes);
  copy.on(taker_fill(1, 100, 3, 0));  // not a first fill: no per-order fee
  EXPECT_EQ(copy.fees(AccountId(kMgd)), Money(200));
}

// Data venue fills: a working limit order filled by a bar pays maker_ppm, a market order
// taker_ppm.
class VenueFees : public testing_util::VenueTest {};

TEST_F(VenueFees, DataVenueLimitFillsPayMakerPpmAndMarketFillsTakerPpm) {
  CoreConfig c = testing_util::venue_config(VenueModel::kBars);
  c.fees.maker_ppm = -1'000;  // rebate 0.1%
  c.fees.taker_ppm = 2'000;   // 0.2%
  make(c);
  Portfolio p(config_, queue_);
  p.set_venue(venue_.get());
  using testing_util::kMinute;
  bar(kMinute, 100, 104, 98, 102);
  send(kMinute, testing_util::limit_order(1, Side::kBuy, 100, 10));
  send(kMinute, testing_util::market_order(2, Side::kBuy, 10));
  const auto out = bar(2 * kMinute, 101, 102, 99, 101);
  ASSERT_EQ(testing_util::fills(out), (testing_util::Fills{{100, 10}, {101, 10}}));
  for (const Fill& f : testing_util::events_of<Fill>(out)) p.on(f);
  // notional 100 x 100 x 10 = 100'000 -> -100; 101 x 100 x 10 = 101'000 -> 202.
  EXPECT_EQ(p.fees(AccountId(testing_util::kAccount)), Money(-100 + 202));
}

}  // namespace
}  // namespace tape
