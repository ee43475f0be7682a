// Backtest figures (DESIGN section 7) from an equity series and a list of closed trades. The one
// place in core/ where doubles are allowed (determinism rule 4): the inputs are exact integers
// (money in minor units, times in ns) and every figure below is computed from them in a fixed
// order (sample order), built with -ffp-contract=off and without -ffast-math, so a build gives
// the same bits on every run. No figure feeds back into the core.
//
// One implementation, streaming: RunningFigures takes one sample and one trade at a time and
// keeps O(1) state (running sums, Welford's mean and sum of squared deviations for the returns,
// the running peak for the drawdowns), so a run of any length costs the same memory.
// compute_figures is RunningFigures fed from vectors.
//
// Notation. Equity samples E_0..E_{n-1} (money minor units, int64) at times t_0 <= .. <= t_{n-1}
// (ns); `scale` = money minor units per currency unit. ppy = periods_per_year, rf = the annual
// risk-free rate as a fraction, rf_p = rf / ppy (the per-period rate, simple division).
//
//   returns          r_i = (E_i - E_{i-1}) / E_{i-1}, i = 1..n-1 (N = n-1 returns). A previous
//                    equity <= 0 gives r_i = 0 (a return on nothing is not defined; the sample
//                    still counts).
//   total_return     E_{n-1} / E_0 - 1. Absent when n = 0 or E_0 <= 0.
//   cagr             (E_{n-1} / E_0)^(1 / years) - 1, years = (t_{n-1} - t_0) / 365.25 days
//                    (elapsed calendar time, not sample count). -1 when E_{n-1} <= 0. Absent
//                    when n < 2, E_0 <= 0 or t_{n-1} = t_0.
//   mean_return      mean of the N returns. Absent when N = 0.
//   volatility       annualized: s x sqrt(ppy), s = the SAMPLE standard deviation of the returns
//                    (denominator N - 1). Absent when N < 2. Flat equity gives 0.
//   sharpe           (mean_return - rf_p) / s x sqrt(ppy). Absent when N < 2 or s = 0 (flat
//                    equity: a ratio over zero risk is not a number; reported as absent, never
//                    NaN or infinity).
//   sortino          (mean_return - rf_p) / d x sqrt(ppy), d = the downside deviation
//                    sqrt(sum_i min(0, r_i - rf_p)^2 / (N - 1)): every period counts, a period
//                    above rf_p counts as 0, the same N - 1 as the volatility. Absent when N < 2
//                    or d = 0 (no period below rf_p).
//   drawdown         peak P_i = max(E_0..E_i); drawdown_i = P_i - E_i (money, exact) and
//                    (P_i - E_i) / P_i (fraction; 0 while P_i <= 0).
//   max_drawdown     the largest fraction over i, and max_drawdown_money the largest money
//                    drawdown; both 0 when n < 2 or equity never falls. They are maximised
//                    separately, so they may come from different falls. max_drawdown_peak_ns /
//                    _trough_ns: the times of the peak and trough of the largest fraction
//                    (the earliest such trough on a tie; both 0 when there is no drawdown).
//   max_drawdown_duration_ns  the longest time below a previous peak: from the peak's sample to
//                    the first later sample at or above it (recovered), or to the last sample
//                    (not recovered). 0 when equity never falls.
//   calmar           cagr / max_drawdown. Absent when cagr is absent or max_drawdown = 0.
//   exposure         share of samples with a non-zero position (exposed[i]). Absent when n = 0.
//   turnover         traded notional (sum over fills of |price x tick_value x lot_size x qty|,
//                    both sides of a round trip count) / the mean of E_0..E_{n-1}, over the whole
//                    run (not annualized). Absent when n = 0 or the mean equity is <= 0.
//
// Trades. A closed trade's net = pnl - fees (pnl before fees, as the portfolio realizes it). A
// win has net > 0, a loss net < 0; net = 0 is neither (it counts in trade_count only).
//   trade_count      closed trades.
//   win_rate         wins / trade_count. Absent with no trades.
//   profit_factor    sum of winning nets / |sum of losing nets|. 0 when there are losses and no
//                    wins (all losses). Absent with no losses (a ratio over nothing).
//   expectancy       mean net per trade (currency units). Absent with no trades.
//   avg_win          mean net of the wins (currency units, > 0). Absent without wins.
//   avg_loss         mean net of the losses (currency units, < 0). Absent without losses.
//
// "Absent" is std::nullopt here and JSON null in reports: no figure is ever NaN or infinite.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/types.h"

namespace tape {

struct AnalyticsSettings {
  // Default: 252 (trading days). Return periods per year: annualizes volatility, Sharpe and
  // Sortino. Values <= 0 are clamped to 1.
  double periods_per_year = 252;
  // Default: 0. Annual risk-free rate as a fraction (0.02 = 2 %); rf_p = rf / periods_per_year.
  double risk_free_rate = 0;
};

struct ClosedTrade {
  int64_t entry_ns = 0;
  int64_t exit_ns = 0;
  int64_t qty = 0;         // lots, positive
  Side side = Side::kBuy;  // kBuy: a long round trip; kSell: a short one
  int64_t pnl = 0;         // realized over the round trip, before fees, money minor units
  int64_t fees = 0;        // fees over the round trip, money minor units
};

struct EquitySeries {
  std::vector<int64_t> ts_ns;
  std::vector<int64_t> equity;   // money minor units
  std::vector<uint8_t> exposed;  // 1 when any position was open at the sample; same length
};

struct AnalyticsInput {
  EquitySeries series;
  std::vector<ClosedTrade> trades;
  // Sum over fills of |notional| in money minor units (exact; may pass int64 in a long run).
  __int128 traded_notional = 0;
  int64_t money_scale = kMoneyScale;  // minor units per currency unit, > 0
};

struct Figures {
  uint64_t samples = 0;
  int64_t start_equity = 0;  // E_0, minor units (0 when n = 0)
  int64_t end_equity = 0;    // E_{n-1}
  std::optional<double> total_return, cagr, mean_return, volatility, sharpe, sortino, calmar;
  double max_drawdown = 0;         // fraction
  int64_t max_drawdown_money = 0;  // minor units
  int64_t max_drawdown_peak_ns = 0;
  int64_t max_drawdown_trough_ns = 0;
  int64_t max_drawdown_duration_ns = 0;
  std::optional<double> exposure, turnover;
  uint64_t trade_count = 0, wins = 0, losses = 0;
  std::optional<double> win_rate, profit_factor, expectancy, avg_win, avg_loss;  // money: units
};

// The figures of one series, fed in time order. Memory: a few dozen scalars.
class RunningFigures {
 public:
  explicit RunningFigures(const AnalyticsSettings& settings = {});

  // One equity sample; times must not decrease (TAPE_CHECK).
  void add_sample(int64_t ts_ns, int64_t equity, bool exposed);
  // One closed trade (its net = pnl - fees, exact).
  void add_trade(int64_t pnl, int64_t fees);
  // Traded notional, money minor units (the absolute value of each fill side's).
  void add_notional(__int128 notional) { notional_ += notional; }

  uint64_t samples() const { return n_; }
  int64_t last_equity() const { return last_e_; }
  // The drawdown fraction at the last sample (0 while the peak is <= 0 or before any sample).
  double drawdown() const { return drawdown_; }
  // The last sample is (or equals) the running peak; the last sample is the trough of a new
  // largest drawdown fraction, whose peak is the last sample for which at_peak() held.
  bool at_peak() const { return at_peak_; }
  bool at_new_max_drawdown() const { return at_new_max_; }

  // Every figure (money_scale > 0: minor units per currency unit).
  Figures figures(int64_t money_scale) const;

 private:
  AnalyticsSettings settings_;
  double rf_p_ = 0;  // risk_free_rate / periods_per_year
  uint64_t n_ = 0;
  int64_t first_ts_ = 0, last_ts_ = 0, first_e_ = 0, last_e_ = 0;
  // Returns: count, Welford's running mean and sum of squared deviations, and the sum of
  // squared shortfalls below rf_p.
  uint64_t returns_ = 0;
  double mean_ = 0, m2_ = 0, down_sq_ = 0;
  // Drawdowns: the running peak and the largest falls from it.
  int64_t peak_ = 0, peak_ts_ = 0;
  uint64_t peak_i_ = 0;
  double drawdown_ = 0;
  bool at_peak_ = false, at_new_max_ = false;
  double max_dd_ = 0;
  int64_t max_dd_money_ = 0, max_dd_peak_ns_ = 0, max_dd_trough_ns_ = 0, max_dd_duration_ns_ = 0;
  // Exposure and turnover.
  uint64_t exposed_ = 0;
  __int128 equity_sum_ = 0, notional_ = 0;
  // Trades: exact sums of the nets.
  uint64_t trades_ = 0, wins_ = 0, losses_ = 0;
  __int128 won_ = 0, lost_ = 0, all_ = 0;
};

// r_1..r_{n-1} as defined above (empty for n < 2).
std::vector<double> sample_returns(const std::vector<int64_t>& equity);

// drawdown fraction per sample (0 where the peak is <= 0), same length as `equity`
// (RunningFigures::drawdown() after each sample).
std::vector<double> drawdown_series(const std::vector<int64_t>& equity);

// Every figure: a RunningFigures fed the series and the trades. Precondition: the series' vectors have one length and times do not decrease
// (checked: a breach is a bug in the caller, TAPE_CHECK).
Figures compute_figures(const AnalyticsInput& in, const AnalyticsSettings& settings);

}  // namespace tape
