// The backtest figures (core/analytics.h) against values worked out by hand in the comments, and
// each edge case the header names: no trades, one trade, flat equity, all losses, < 2 samples.
#include "core/analytics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tape {
namespace {

constexpr int64_t kScale = 10'000;                   // minor units per currency unit
constexpr int64_t kYearNs = 31'557'600'000'000'000;  // 365.25 days
constexpr double kTol = 1e-12;

int64_t units(int64_t u) { return u * kScale; }

ClosedTrade trade(int64_t pnl_units, int64_t fee_units) {
  ClosedTrade t;
  t.qty = 1;
  t.pnl = units(pnl_units);
  t.fees = units(fee_units);
  return t;
}

// Equity 1000, 1100, 990, 1089 at 0, 1/4, 1/2 and 1 year; quarterly periods.
AnalyticsInput short_series() {
  AnalyticsInput in;
  in.money_scale = kScale;
  in.series.ts_ns = {0, kYearNs / 4, kYearNs / 2, kYearNs};
  in.series.equity = {units(1000), units(1100), units(990), units(1089)};
  in.series.exposed = {0, 1, 1, 0};
  in.traded_notional = units(2000);
  // nets: 150 - 10 = 140 (win), -50 - 10 = -60 (loss), 30 - 30 = 0 (neither)
  in.trades = {trade(150, 10), trade(-50, 10), trade(30, 30)};
  return in;
}

AnalyticsSettings quarterly(double rf = 0) {
  AnalyticsSettings s;
  s.periods_per_year = 4;
  s.risk_free_rate = rf;
  return s;
}

TEST(Analytics, ReturnsArePerSampleChanges) {
  // (1100-1000)/1000 = 0.1; (990-1100)/1100 = -0.1; (1089-990)/990 = 0.1
  const std::vector<double> r = sample_returns(short_series().series.equity);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_NEAR(r[0], 0.1, kTol);
  EXPECT_NEAR(r[1], -0.1, kTol);
  EXPECT_NEAR(r[2], 0.1, kTol);
}

TEST(Analytics, TotalReturnAndCagrOverElapsedTime) {
  const Figures f = compute_figures(short_series(), quarterly());
  // 1089 / 1000 - 1 = 0.089; one calendar year elapsed, so CAGR = 0.089^(1/1)
  ASSERT_TRUE(f.total_return && f.cagr);
  EXPECT_NEAR(*f.total_return, 0.089, kTol);
  EXPECT_NEAR(*f.cagr, 0.089, kTol);
  EXPECT_EQ(f.start_equity, units(1000));
  EXPECT_EQ(f.end_equity, units(1089));
  EXPECT_EQ(f.samples, 4u);

  // The same growth over two years: 1.089^(1/2) - 1.
  AnalyticsInput two = short_series();
  for (int64_t& t : two.series.ts_ns) t *= 2;
  const Figures g = compute_figures(two, quarterly());
  EXPECT_NEAR(*g.cagr, std::sqrt(1.089) - 1, kTol);
}

TEST(Analytics, VolatilitySharpeSortinoUseSampleDeviation) {
  const Figures f = compute_figures(short_series(), quarterly());
  // mean = (0.1 - 0.1 + 0.1) / 3 = 1/30
  // deviations 1/15, -2/15, 1/15; squares sum = 6/225 = 0.08/3; / (N-1 = 2) = 0.04/3
  // s = sqrt(0.04/3) = 0.2/sqrt(3); volatility = s x sqrt(4) = 0.4/sqrt(3)
  const double s = 0.2 / std::sqrt(3.0);
  ASSERT_TRUE(f.mean_return && f.volatility && f.sharpe && f.sortino);
  EXPECT_NEAR(*f.mean_return, 1.0 / 30, kTol);
  EXPECT_NEAR(*f.volatility, s * 2, kTol);
  // Sharpe = (1/30) / s x 2 = sqrt(3)/3 = 0.57735...
  EXPECT_NEAR(*f.sharpe, std::sqrt(3.0) / 3, kTol);
  // downside: min(0, r) = 0, -0.1, 0; squares 0.01; / 2 = 0.005; d = sqrt(0.005)
  // Sortino = (1/30) / sqrt(0.005) x 2 = 0.942809...
  EXPECT_NEAR(*f.sortino, (1.0 / 30) / std::sqrt(0.005) * 2, kTol);
}

TEST(Analytics, RiskFreeRateIsDividedByPeriods) {
  // rf = 4 % a year, 4 periods: rf_p = 0.01. Sharpe = (1/30 - 0.01) / s x 2.
  const Figures f = compute_figures(short_series(), quarterly(0.04));
  const double s = 0.2 / std::sqrt(3.0);
  EXPECT_NEAR(*f.sharpe, (1.0 / 30 - 0.01) / s * 2, kTol);
  // r - rf_p = 0.09, -0.11, 0.09; downside squares 0.0121; / 2 = 0.00605
  EXPECT_NEAR(*f.sortino, (1.0 / 30 - 0.01) / std::sqrt(0.00605) * 2, kTol);
  // The volatility does not depend on rf.
  EXPECT_NEAR(*f.volatility, s * 2, kTol);
}

TEST(Analytics, MaxDrawdownDurationAndCalmar) {
  const Figures f = compute_figures(short_series(), quarterly());
  // peak 1100 at 1/4 y, trough 990 at 1/2 y: 110 / 1100 = 0.1, 110 units of money
  EXPECT_NEAR(f.max_drawdown, 0.1, kTol);
  EXPECT_EQ(f.max_drawdown_money, units(110));
  EXPECT_EQ(f.max_drawdown_peak_ns, kYearNs / 4);
  EXPECT_EQ(f.max_drawdown_trough_ns, kYearNs / 2);
  // 1089 < 1100: not recovered, so under water from 1/4 y to the last sample at 1 y
  EXPECT_EQ(f.max_drawdown_duration_ns, kYearNs - kYearNs / 4);
  // Calmar = 0.089 / 0.1
  ASSERT_TRUE(f.calmar);
  EXPECT_NEAR(*f.calmar, 0.89, kTol);
}

TEST(Analytics, DrawdownDurationEndsAtRecoveryAndKeepsTheLongest) {
  AnalyticsInput in;
  in.money_scale = kScale;
  // 100 at 0; 90 at 10; 100 at 20 (recovered after 20); 120 at 30; 60 at 40; 70 at 50;
  // 121 at 100 (recovered after 70). Money drawdowns 10 and 60; fractions 0.1 and 0.5.
  in.series.ts_ns = {0, 10, 20, 30, 40, 50, 100};
  in.series.equity = {100, 90, 100, 120, 60, 70, 121};
  in.series.exposed.assign(7, 1);
  const Figures f = compute_figures(in, quarterly());
  EXPECT_EQ(f.max_drawdown_duration_ns, 70);
  EXPECT_EQ(f.max_drawdown_money, 60);
  EXPECT_NEAR(f.max_drawdown, 0.5, kTol);
  EXPECT_EQ(f.max_drawdown_peak_ns, 30);
  EXPECT_EQ(f.max_drawdown_trough_ns, 40);
  const std::vector<double> dd = drawdown_series(in.series.equity);
  // 0, 10/100, 0, 0, 60/120, 50/120, 0
  ASSERT_EQ(dd.size(), 7u);
  EXPECT_NEAR(dd[1], 0.1, kTol);
  EXPECT_EQ(dd[2], 0.0);
  EXPECT_NEAR(dd[4], 0.5, kTol);
  EXPECT_NEAR(dd[5], 50.0 / 120, kTol);
  EXPECT_EQ(dd[6], 0.0);
}

TEST(Analytics, MoneyAndFractionDrawdownsAreMaximisedSeparately) {
  AnalyticsInput in;
  // 10 -> 5 is half (money 5); 1000 -> 900 is a tenth (money 100).
  in.series.ts_ns = {0, 1, 2, 3};
  in.series.equity = {10, 5, 1000, 900};
  in.series.exposed.assign(4, 0);
  const Figures f = compute_figures(in, quarterly());
  EXPECT_NEAR(f.max_drawdown, 0.5, kTol);
  EXPECT_EQ(f.max_drawdown_money, 100);
}

TEST(Analytics, ExposureAndTurnover) {
  const Figures f = compute_figures(short_series(), quarterly());
  // 2 of 4 samples hold a position
  EXPECT_NEAR(*f.exposure, 0.5, kTol);
  // 2000 traded / mean equity (1000 + 1100 + 990 + 1089) / 4 = 1044.75
  EXPECT_NEAR(*f.turnover, 2000 / 1044.75, kTol);
}

TEST(Analytics, TradeFigures) {
  const Figures f = compute_figures(short_series(), quarterly());
  EXPECT_EQ(f.trade_count, 3u);
  EXPECT_EQ(f.wins, 1u);
  EXPECT_EQ(f.losses, 1u);
  // 1 win of 3; 140 / |-60|; (140 - 60 + 0) / 3; 140; -60
  EXPECT_NEAR(*f.win_rate, 1.0 / 3, kTol);
  EXPECT_NEAR(*f.profit_factor, 140.0 / 60, kTol);
  EXPECT_NEAR(*f.expectancy, 80.0 / 3, kTol);
  EXPECT_NEAR(*f.avg_win, 140, kTol);
  EXPECT_NEAR(*f.avg_loss, -60, kTol);
}

TEST(Analytics, NoTradesLeavesTradeFiguresAbsent) {
  AnalyticsInput in = short_series();
  in.trades.clear();
  const Figures f = compute_figures(in, quarterly());
  EXPECT_EQ(f.trade_count, 0u);
  EXPECT_FALSE(f.win_rate);
  EXPECT_FALSE(f.profit_factor);
  EXPECT_FALSE(f.expectancy);
  EXPECT_FALSE(f.avg_win);
  EXPECT_FALSE(f.avg_loss);
  EXPECT_TRUE(f.sharpe);  // the equity figures do not depend on trades
}

TEST(Analytics, OneWinningTrade) {
  AnalyticsInput in = short_series();
  in.trades = {trade(25, 5)};  // net 20
  const Figures f = compute_figures(in, quarterly());
  EXPECT_EQ(f.trade_count, 1u);
  EXPECT_NEAR(*f.win_rate, 1.0, kTol);
  EXPECT_NEAR(*f.expectancy, 20, kTol);
  EXPECT_NEAR(*f.avg_win, 20, kTol);
  EXPECT_FALSE(f.avg_loss);
  EXPECT_FALSE(f.profit_factor);  // no losses: a ratio over nothing
}

TEST(Analytics, AllLossesGiveProfitFactorZero) {
  AnalyticsInput in = short_series();
  in.trades = {trade(-10, 0), trade(5, 10)};  // nets -10 and -5
  const Figures f = compute_figures(in, quarterly());
  ASSERT_TRUE(f.profit_factor);
  EXPECT_EQ(*f.profit_factor, 0.0);
  EXPECT_EQ(*f.win_rate, 0.0);
  EXPECT_FALSE(f.avg_win);
  EXPECT_NEAR(*f.avg_loss, -7.5, kTol);
  EXPECT_NEAR(*f.expectancy, -7.5, kTol);
}

TEST(Analytics, FlatEquityHasZeroVolatilityAndNoRatios) {
  AnalyticsInput in;
  in.series.ts_ns = {0, kYearNs / 2, kYearNs};
  in.series.equity = {units(500), units(500), units(500)};
  in.series.exposed = {0, 0, 0};
  const Figures f = compute_figures(in, quarterly());
  EXPECT_EQ(*f.total_return, 0.0);
  EXPECT_EQ(*f.cagr, 0.0);
  EXPECT_EQ(*f.volatility, 0.0);
  EXPECT_FALSE(f.sharpe);
  EXPECT_FALSE(f.sortino);
  EXPECT_EQ(f.max_drawdown, 0.0);
  EXPECT_EQ(f.max_drawdown_duration_ns, 0);
  EXPECT_FALSE(f.calmar);
  EXPECT_EQ(*f.exposure, 0.0);
  EXPECT_EQ(*f.turnover, 0.0);
}

TEST(Analytics, NoLosingPeriodHasNoSortino) {
  AnalyticsInput in;
  in.series.ts_ns = {0, 1, 2};
  in.series.equity = {100, 110, 121};
  in.series.exposed = {1, 1, 1};
  const Figures f = compute_figures(in, quarterly());
  EXPECT_EQ(*f.volatility, 0.0);  // both returns are exactly 0.1
  EXPECT_FALSE(f.sharpe);
  EXPECT_FALSE(f.sortino);
}

TEST(Analytics, FewerThanTwoSamples) {
  AnalyticsInput none;
  const Figures z = compute_figures(none, quarterly());
  EXPECT_EQ(z.samples, 0u);
  EXPECT_FALSE(z.total_return);
  EXPECT_FALSE(z.cagr);
  EXPECT_FALSE(z.mean_return);
  EXPECT_FALSE(z.volatility);
  EXPECT_FALSE(z.exposure);
  EXPECT_FALSE(z.turnover);
  EXPECT_EQ(z.max_drawdown, 0.0);

  AnalyticsInput one;
  one.series.ts_ns = {5};
  one.series.equity = {units(100)};
  one.series.exposed = {1};
  const Figures o = compute_figures(one, quarterly());
  EXPECT_EQ(*o.total_return, 0.0);
  EXPECT_FALSE(o.cagr);  // no elapsed time
  EXPECT_FALSE(o.mean_return);
  EXPECT_FALSE(o.volatility);
  EXPECT_EQ(*o.exposure, 1.0);

  // Two samples: one return, a mean but no sample deviation.
  AnalyticsInput two;
  two.series.ts_ns = {0, kYearNs};
  two.series.equity = {units(100), units(150)};
  two.series.exposed = {0, 1};
  const Figures t = compute_figures(two, quarterly());
  EXPECT_NEAR(*t.mean_return, 0.5, kTol);
  EXPECT_FALSE(t.volatility);
  EXPECT_FALSE(t.sharpe);
  EXPECT_NEAR(*t.cagr, 0.5, kTol);
}

TEST(Analytics, RuinedEquity) {
  AnalyticsInput in;
  // 100 -> 0 -> -20 -> 10: the return after a non-positive equity is 0; CAGR is -1.
  in.series.ts_ns = {0, kYearNs / 3, 2 * kYearNs / 3, kYearNs};
  in.series.equity = {100, 0, -20, 0};
  in.series.exposed = {1, 1, 1, 1};
  const std::vector<double> r = sample_returns(in.series.equity);
  EXPECT_NEAR(r[0], -1.0, kTol);
  EXPECT_EQ(r[1], 0.0);
  EXPECT_EQ(r[2], 0.0);
  const Figures f = compute_figures(in, quarterly());
  EXPECT_EQ(*f.cagr, -1.0);
  EXPECT_NEAR(*f.total_return, -1.0, kTol);
  EXPECT_NEAR(f.max_drawdown, 1.2, kTol);  // (100 - -20) / 100
  EXPECT_EQ(f.max_drawdown_money, 120);
}

}  // namespace
}  // namespace tape
