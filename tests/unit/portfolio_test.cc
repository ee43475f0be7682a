// Portfolio: average-cost realized/unrealized PnL (incl. flips through zero and the integer
// rounding rule), maker/taker fees and rebates rounded half away from zero, cash conservation,
// PositionUpdate only for managed sides.
#include "core/portfolio.h"

#include <gtest/gtest.h>

#include <variant>
#include <vector>

namespace tape {
namespace {

constexpr AccountId kA(1);
constexpr AccountId kB(2);
constexpr AccountId kExt(2000);
constexpr AccountId kExt2(2001);
constexpr InstrumentId kInst(0);

class PortfolioTest : public ::testing::Test {
 protected:
  PortfolioTest() {
    InstrumentConfig inst;
    inst.symbol = "TEST";
    inst.tick_value = 1;  // one minor unit per tick: PnL reads directly in ticks x lots
    inst.lot_size = 1;
    config_.instruments.push_back(inst);
  }

  Portfolio& pf() {
    if (!pf_) pf_.emplace(config_, queue_);
    return *pf_;
  }

  // `account` takes (aggressor) `side` of `qty` at `price` against `counterparty` resting.
  void take(AccountId account, Side side, int64_t price, int64_t qty,
            AccountId counterparty = kExt) {
    pf().on(Fill{kInst, OrderId(++ids_), counterparty, OrderId(++ids_), account, Price(price),
                 Qty(qty), side, Qty(0), Qty(0)});
  }

  std::vector<PositionUpdate> drain() {
    std::vector<PositionUpdate> out;
    while (!queue_.empty()) {
      const auto* u = std::get_if<PositionUpdate>(&queue_.front());
      EXPECT_NE(u, nullptr);
      if (u) out.push_back(*u);
      queue_.pop();
    }
    return out;
  }

  CoreConfig config_;
  EventQueue queue_{1024};
  std::optional<Portfolio> pf_;
  uint64_t ids_ = 0;
};

TEST(PortfolioMath, RoundsHalfAwayFromZero) {
  EXPECT_EQ(div_round_half_away(15, 10), 2);
  EXPECT_EQ(div_round_half_away(14, 10), 1);
  EXPECT_EQ(div_round_half_away(-15, 10), -2);
  EXPECT_EQ(div_round_half_away(-14, 10), -1);
  EXPECT_EQ(div_round_half_away(5, 10), 1);
  EXPECT_EQ(div_round_half_away(-5, 10), -1);
  EXPECT_EQ(div_round_half_away(4, 10), 0);
  EXPECT_EQ(div_round_half_away(7, 3), 2);
}

TEST_F(PortfolioTest, BuyThenSellRealizesTheDifference) {
  take(kA, Side::kBuy, 100, 10);
  EXPECT_EQ(pf().position(kA, kInst), 10);
  EXPECT_EQ(pf().realized_pnl(kA), Money(0));
  take(kA, Side::kSell, 110, 10);
  EXPECT_EQ(pf().position(kA, kInst), 0);
  EXPECT_EQ(pf().realized_pnl(kA), Money(100));
  EXPECT_EQ(pf().unrealized_pnl(kA), Money(0));
  EXPECT_EQ(pf().cash(kA), Money(100));
}

TEST_F(PortfolioTest, SellShortThenCoverRealizesTheDifference) {
  take(kA, Side::kSell, 100, 4);
  EXPECT_EQ(pf().position(kA, kInst), -4);
  take(kA, Side::kBuy, 95, 4);
  EXPECT_EQ(pf().realized_pnl(kA), Money(20));
}

TEST_F(PortfolioTest, PartialClosesRoundCostButRoundTripIsExact) {
  take(kA, Side::kBuy, 100, 1);
  take(kA, Side::kBuy, 101, 2);   // cost 302 for 3 lots (avg 100.67)
  take(kA, Side::kSell, 110, 1);  // removes round(302 / 3) = 101
  EXPECT_EQ(pf().realized_pnl(kA), Money(9));
  take(kA, Side::kSell, 110, 2);  // removes the remaining 201 exactly
  EXPECT_EQ(pf().realized_pnl(kA), Money(330 - 302));
  EXPECT_EQ(pf().position(kA, kInst), 0);
}

TEST_F(PortfolioTest, PartialCloseRoundsHalfAwayFromZeroForShorts) {
  take(kA, Side::kSell, 101, 1);
  take(kA, Side::kSell, 100, 1);  // cost -201 for -2 lots
  take(kA, Side::kBuy, 90, 1);    // removes round(-201 / 2) = -101 (half away from zero)
  EXPECT_EQ(pf().realized_pnl(kA), Money(-90 + 101));
}

TEST_F(PortfolioTest, BarCloseMarksThePositionLikeALastTrade) {
  take(kA, Side::kBuy, 100, 5);
  pf().on(BarIn{kInst, Price(101), Price(110), Price(95), Price(104), Qty(1000), 0});
  EXPECT_EQ(pf().unrealized_pnl(kA), Money(20));  // 5 x (104 - 100)
}

TEST_F(PortfolioTest, FlipThroughZeroClosesThenOpensAtFillPrice) {
  take(kA, Side::kBuy, 100, 5);
  take(kA, Side::kSell, 90, 8);  // closes 5 (-50), opens -3 at 90
  EXPECT_EQ(pf().position(kA, kInst), -3);
  EXPECT_EQ(pf().realized_pnl(kA), Money(-50));
  EXPECT_EQ(pf().unrealized_pnl(kA), Money(0));  // mark = last fill = 90
  pf().on(TradeIn{kInst, Price(80), Qty(1), Side::kSell});
  EXPECT_EQ(pf().unrealized_pnl(kA), Money(30));
  take(kA, Side::kBuy, 85, 6);  // covers 3 (+15), opens +3 at 85
  EXPECT_EQ(pf().position(kA, kInst), 3);
  EXPECT_EQ(pf().realized_pnl(kA), Money(-35));
  EXPECT_EQ(pf().unrealized_pnl(kA), Money(0));
}

TEST_F(PortfolioTest, MarkIsQuoteMidUntilTheFirstTrade) {
  pf().on(QuoteIn{kInst, Price(99), Qty(1), Price(102), Qty(1)});
  EXPECT_EQ(pf().mark(kInst), Price(100));  // floor(201 / 2)
  pf().on(TradeIn{kInst, Price(105), Qty(1), Side::kBuy});
  pf().on(QuoteIn{kInst, Price(90), Qty(1), Price(92), Qty(1)});
  EXPECT_EQ(pf().mark(kInst), Price(105));
  EXPECT_FALSE(pf().has_mark(InstrumentId(5)));
}

TEST_F(PortfolioTest, MakerAndTakerFeesAndRebatesRoundHalfAwayFromZero) {
  config_.fees.maker_ppm = -1'500;  // rebate
  config_.fees.taker_ppm = 1'500;
  // notional 1000 x 1500 ppm = 1.5 -> 2; rebate -1.5 -> -2.
  pf().on(
      Fill{kInst, OrderId(1), kA, OrderId(2), kB, Price(100), Qty(10), Side::kBuy, Qty(0), Qty(0)});
  EXPECT_EQ(pf().fees(kA), Money(-2));
  EXPECT_EQ(pf().fees(kB), Money(2));
  EXPECT_EQ(pf().cash(kA), Money(1000 + 2));   // sold 10 @ 100, rebate received
  EXPECT_EQ(pf().cash(kB), Money(-1000 - 2));  // bought, fee paid
  config_.fees.taker_ppm = 1'499;              // 1.499 -> 1
  pf_.reset();
  take(kB, Side::kBuy, 100, 10);
  EXPECT_EQ(pf().fees(kB), Money(1));
  EXPECT_EQ(pf().fees(kB, kInst), Money(1));
}

TEST_F(PortfolioTest, NotionalUsesTickValueAndLotSize) {
  config_.instruments[0].tick_value = 25;
  config_.instruments[0].lot_size = 3;
  config_.fees.taker_ppm = 100;
  take(kA, Side::kBuy, 1'000, 7);  // 1000 x 25 x 3 x 7 = 525'000; fee 52.5 -> 53
  EXPECT_EQ(pf().cash(kA), Money(-525'000 - 53));
  take(kA, Side::kSell, 1'010, 7);  // +10 ticks x 25 x 3 x 7 = 5'250
  EXPECT_EQ(pf().realized_pnl(kA), Money(5'250));
}

TEST_F(PortfolioTest, CashIsConservedAcrossAClosedRoundTripBetweenManagedAccounts) {
  config_.fees.maker_ppm = -200;
  config_.fees.taker_ppm = 700;
  take(kA, Side::kBuy, 1'003, 7, /*counterparty=*/kB);
  take(kB, Side::kBuy, 1'011, 3, /*counterparty=*/kA);
  take(kA, Side::kSell, 997, 4, /*counterparty=*/kB);
  EXPECT_EQ(pf().position(kA, kInst), 0);
  EXPECT_EQ(pf().position(kB, kInst), 0);
  const Money fees = pf().fees(kA) + pf().fees(kB);
  EXPECT_NE(fees, Money(0));
  EXPECT_EQ(pf().cash(kA) + pf().cash(kB), -fees);
  // Flat accounts: realized PnL is exactly the cash before fees, and they sum to zero.
  EXPECT_EQ(pf().realized_pnl(kA), pf().cash(kA) + pf().fees(kA));
  EXPECT_EQ(pf().realized_pnl(kA) + pf().realized_pnl(kB), Money(0));
  EXPECT_EQ(pf().total_pnl(), -fees);
}

TEST_F(PortfolioTest, PositionUpdatesOnlyForManagedSidesMakerFirst) {
  config_.fees.taker_ppm = 10'000;
  pf().on(Fill{kInst, OrderId(1), kExt, OrderId(2), kExt2, Price(100), Qty(1), Side::kBuy, Qty(0),
               Qty(0)});
  EXPECT_TRUE(drain().empty());
  pf().on(Fill{kInst, OrderId(3), kExt, OrderId(4), kA, Price(100), Qty(5), Side::kBuy, Qty(0),
               Qty(0)});
  std::vector<PositionUpdate> u = drain();
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0], (PositionUpdate{kA, kInst, 5, Money(-505), Money(0), Money(5)}));
  pf().on(
      Fill{kInst, OrderId(5), kB, OrderId(6), kA, Price(100), Qty(2), Side::kSell, Qty(0), Qty(0)});
  u = drain();
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].account, kB);  // maker first
  EXPECT_EQ(u[0].position, 2);
  EXPECT_EQ(u[1].account, kA);
  EXPECT_EQ(u[1].position, 3);
  EXPECT_EQ(u[1].realized_pnl, Money(0));
  EXPECT_EQ(pf().position(kExt, kInst), 0);
}

TEST_F(PortfolioTest, TotalPnlIsRealizedPlusUnrealizedMinusFees) {
  config_.fees.taker_ppm = 10'000;  // 1%
  take(kA, Side::kBuy, 100, 10);    // fee 10
  take(kA, Side::kSell, 120, 5);    // realized +100, fee 6
  take(kB, Side::kSell, 120, 1);    // fee 1.2 -> 1
  pf().on(TradeIn{kInst, Price(130), Qty(1), Side::kBuy});
  // A: realized 100, unrealized 5 x 30 = 150, fees 16. B: unrealized -10, fees 1.
  EXPECT_EQ(pf().unrealized_pnl(kA), Money(150));
  EXPECT_EQ(pf().total_pnl(), Money(100 + 150 - 16 - 10 - 1));
}

TEST_F(PortfolioTest, HashStateDiffersWhenStateDiffers) {
  EventQueue q(64);
  Portfolio a(config_, q), b(config_, q);
  auto hex = [](const Portfolio& p) {
    StateHasher h;
    p.hash_state(h);
    return h.hex();
  };
  EXPECT_EQ(hex(a), hex(b));
  const Fill f{kInst,      OrderId(1), kExt,       OrderId(2), kA,
               Price(100), Qty(1),     Side::kBuy, Qty(0),     Qty(0)};
  a.on(f);
  EXPECT_NE(hex(a), hex(b));
  b.on(f);
  EXPECT_EQ(hex(a), hex(b));
  a.on(QuoteIn{kInst, Price(99), Qty(1), Price(101), Qty(1)});
  EXPECT_NE(hex(a), hex(b));
}

}  // namespace
}  // namespace tape
