// What strategies read of the market in bar and quote backtests (core/data_venue.h,
// "MarketView"): the last quote as the data shows it, one level a side, the venue's halts and
// which orders still work. Before, strategies on these venues read the (empty) matching engine.
#include "data_venue_fixture.h"

namespace tape {
namespace {

using namespace testing_util;

constexpr int64_t kMs = 1'000'000;

class QuoteViewTest : public VenueTest {
 protected:
  void SetUp() override { make(venue_config(VenueModel::kQuotes)); }
};

TEST_F(QuoteViewTest, TopIsTheLastQuoteAsDisplayedEvenAfterAStrategyTookFromIt) {
  EXPECT_EQ(venue_->top(InstrumentId(0)), TopOfBook{});
  quote(1 * kMs, 99, 5, 101, 3);
  const TopOfBook want{true, true, Price(99), Qty(5), Price(101), Qty(3)};
  EXPECT_EQ(venue_->top(InstrumentId(0)), want);
  send(2 * kMs, market_order(1, Side::kBuy, 2));  // takes 2 of the 3 displayed
  EXPECT_EQ(venue_->top(InstrumentId(0)), want);
  quote(3 * kMs, 98, 7, 100, 4);
  EXPECT_EQ(venue_->top(InstrumentId(0)),
            (TopOfBook{true, true, Price(98), Qty(7), Price(100), Qty(4)}));
  EXPECT_EQ(venue_->top(InstrumentId(9)), TopOfBook{});  // not an instrument of the run
}

TEST_F(QuoteViewTest, ASideWithNoSizeIsEmptyAndDepthIsTheOneLevelASide) {
  quote(1 * kMs, 99, 0, 101, 3);
  const TopOfBook t = venue_->top(InstrumentId(0));
  EXPECT_FALSE(t.has_bid);
  EXPECT_TRUE(t.has_ask);
  LevelView levels[4];
  EXPECT_EQ(venue_->depth(InstrumentId(0), Side::kBuy, levels), 0u);
  ASSERT_EQ(venue_->depth(InstrumentId(0), Side::kSell, levels), 1u);
  EXPECT_EQ(levels[0], (LevelView{Price(101), Qty(3), 0}));
  EXPECT_EQ(venue_->depth(InstrumentId(0), Side::kSell, std::span<LevelView>()), 0u);
}

TEST_F(QuoteViewTest, HaltedFollowsTheControlsAndRestingTheWorkingOrders) {
  quote(1 * kMs, 99, 5, 101, 3);
  send(2 * kMs, limit_order(1, Side::kBuy, 98, 2));  // rests below the bid
  EXPECT_TRUE(venue_->is_resting(OrderId(1)));
  EXPECT_FALSE(venue_->is_resting(OrderId(2)));
  venue_->on(ControlIn{ControlKind::kHalt, InstrumentId(0)});
  EXPECT_TRUE(venue_->halted(InstrumentId(0)));
  venue_->on(ControlIn{ControlKind::kResume, InstrumentId(0)});
  EXPECT_FALSE(venue_->halted(InstrumentId(0)));
  EXPECT_FALSE(venue_->halted(InstrumentId(9)));
  EXPECT_EQ(fills(print(3 * kMs, 97, 5)), (Fills{{98, 2}}));  // a print through its price
  EXPECT_FALSE(venue_->is_resting(OrderId(1)));
}

class BarViewTest : public VenueTest {
 protected:
  void SetUp() override { make(venue_config(VenueModel::kBars)); }
};

TEST_F(BarViewTest, BarsHaveNoBookButOrdersWaitingForTheirBarAreResting) {
  bar(1 * kMs, 100, 102, 99, 101);
  EXPECT_EQ(venue_->top(InstrumentId(0)), TopOfBook{});
  LevelView levels[1];
  EXPECT_EQ(venue_->depth(InstrumentId(0), Side::kBuy, levels), 0u);
  send(2 * kMs, limit_order(1, Side::kBuy, 90, 1));
  EXPECT_TRUE(venue_->is_resting(OrderId(1)));
}

}  // namespace
}  // namespace tape
