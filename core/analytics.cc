#include "core/analytics.h"

#include <algorithm>
#include <cmath>

#include "core/status.h"

namespace tape {
namespace {

constexpr double kNsPerYear = 365.25 * 86'400.0 * 1e9;

double ppy_of(const AnalyticsSettings& s) { return s.periods_per_year > 0 ? s.periods_per_year : 1.0; }

}  // namespace

RunningFigures::RunningFigures(const AnalyticsSettings& settings)
    : settings_(settings), rf_p_(settings.risk_free_rate / ppy_of(settings)) {}

void RunningFigures::add_sample(int64_t ts_ns, int64_t e, bool exposed) {
  TAPE_CHECK(n_ == 0 || ts_ns >= last_ts_, "equity times decrease");
  at_new_max_ = false;
  if (n_ == 0) {
    first_ts_ = ts_ns;
    first_e_ = e;
    peak_ = e;
    peak_ts_ = ts_ns;
    peak_i_ = 0;
    at_peak_ = true;
    drawdown_ = 0;
  } else {
    // The return on the previous sample (0 on a previous equity <= 0).
    const double r = last_e_ > 0
                         ? static_cast<double>(e - last_e_) / static_cast<double>(last_e_)
                         : 0.0;
    ++returns_;
    const double delta = r - mean_;
    mean_ += delta / static_cast<double>(returns_);
    m2_ += delta * (r - mean_);
    const double short_of = std::min(0.0, r - rf_p_);
    down_sq_ += short_of * short_of;
    if (e >= peak_) {
      // Recovered (or a new high): the episode that started at the peak ends here.
      if (n_ > peak_i_ + 1) max_dd_duration_ns_ = std::max(max_dd_duration_ns_, ts_ns - peak_ts_);
      peak_ = e;
      peak_ts_ = ts_ns;
      peak_i_ = n_;
      at_peak_ = true;
      drawdown_ = 0;
    } else {
      at_peak_ = false;
      const int64_t money = peak_ - e;
      max_dd_money_ = std::max(max_dd_money_, money);
      drawdown_ = peak_ > 0 ? static_cast<double>(money) / static_cast<double>(peak_) : 0.0;
      if (drawdown_ > max_dd_) {
        max_dd_ = drawdown_;
        max_dd_peak_ns_ = peak_ts_;
        max_dd_trough_ns_ = ts_ns;
        at_new_max_ = true;
      }
    }
  }
  last_ts_ = ts_ns;
  last_e_ = e;
  ++n_;
  exposed_ += exposed ? 1 : 0;
  equity_sum_ += e;
}

void RunningFigures::add_trade(int64_t pnl, int64_t fees) {
  ++trades_;
  const __int128 net = static_cast<__int128>(pnl) - fees;
  all_ += net;
  if (net > 0) {
    ++wins_;
    won_ += net;
  } else if (net < 0) {
    ++losses_;
    lost_ += net;
  }
}

Figures RunningFigures::figures(int64_t money_scale) const {
  TAPE_CHECK(money_scale > 0, "money scale must be positive");
  Figures f;
  f.samples = n_;
  f.trade_count = trades_;
  if (trades_ > 0) {
    const double sc = static_cast<double>(money_scale);
    const double count = static_cast<double>(trades_);
    f.wins = wins_;
    f.losses = losses_;
    f.win_rate = static_cast<double>(wins_) / count;
    f.expectancy = static_cast<double>(all_) / sc / count;
    if (wins_ > 0) f.avg_win = static_cast<double>(won_) / sc / static_cast<double>(wins_);
    if (losses_ > 0) {
      f.avg_loss = static_cast<double>(lost_) / sc / static_cast<double>(losses_);
      f.profit_factor = static_cast<double>(won_) / static_cast<double>(-lost_);
    }
  }
  if (n_ == 0) return f;
  f.start_equity = first_e_;
  f.end_equity = last_e_;
  if (first_e_ > 0) f.total_return = static_cast<double>(last_e_) / static_cast<double>(first_e_) - 1.0;
  const int64_t elapsed = last_ts_ - first_ts_;
  if (n_ >= 2 && first_e_ > 0 && elapsed > 0) {
    const double years = static_cast<double>(elapsed) / kNsPerYear;
    f.cagr = last_e_ <= 0 ? -1.0
                          : std::pow(static_cast<double>(last_e_) / static_cast<double>(first_e_),
                                     1.0 / years) -
                                1.0;
  }
  if (returns_ > 0) f.mean_return = mean_;
  if (returns_ >= 2) {
    const double n1 = static_cast<double>(returns_ - 1);
    const double s = std::sqrt(m2_ / n1);
    const double root = std::sqrt(ppy_of(settings_));
    f.volatility = s * root;
    if (s > 0) f.sharpe = (mean_ - rf_p_) / s * root;
    const double down = down_sq_ / n1;
    if (down > 0) f.sortino = (mean_ - rf_p_) / std::sqrt(down) * root;
  }
  f.max_drawdown = max_dd_;
  f.max_drawdown_money = max_dd_money_;
  f.max_drawdown_peak_ns = max_dd_peak_ns_;
  f.max_drawdown_trough_ns = max_dd_trough_ns_;
  f.max_drawdown_duration_ns = max_dd_duration_ns_;
  // Still under water at the last sample: the episode runs to it.
  if (n_ - 1 > peak_i_) f.max_drawdown_duration_ns = std::max(f.max_drawdown_duration_ns, last_ts_ - peak_ts_);
  if (f.cagr && f.max_drawdown > 0) f.calmar = *f.cagr / f.max_drawdown;
  f.exposure = static_cast<double>(exposed_) / static_cast<double>(n_);
  const double mean_equity = static_cast<double>(equity_sum_) / static_cast<double>(n_);
  if (mean_equity > 0) f.turnover = static_cast<double>(notional_) / mean_equity;
  return f;
}

std::vector<double> sample_returns(const std::vector<int64_t>& equity) {
  std::vector<double> r;
  if (equity.size() < 2) return r;
  r.reserve(equity.size() - 1);
  for (size_t i = 1; i < equity.size(); ++i) {
    const int64_t prev = equity[i - 1];
    r.push_back(prev > 0 ? static_cast<double>(equity[i] - prev) / static_cast<double>(prev) : 0.0);
  }
  return r;
}

std::vector<double> drawdown_series(const std::vector<int64_t>& equity) {
  std::vector<double> dd;
  dd.reserve(equity.size());
  RunningFigures run;
  for (size_t i = 0; i < equity.size(); ++i) {
    run.add_sample(0, equity[i], false);
    dd.push_back(run.drawdown());
  }
  return dd;
}

Figures compute_figures(const AnalyticsInput& in, const AnalyticsSettings& settings) {
  const EquitySeries& s = in.series;
  TAPE_CHECK(s.ts_ns.size() == s.equity.size() && s.exposed.size() == s.equity.size(),
             "equity series vectors differ in length");
  RunningFigures run(settings);
  for (size_t i = 0; i < s.equity.size(); ++i) run.add_sample(s.ts_ns[i], s.equity[i], s.exposed[i] != 0);
  for (const ClosedTrade& t : in.trades) run.add_trade(t.pnl, t.fees);
  run.add_notional(in.traded_notional);
  return run.figures(in.money_scale);
}

}  // namespace tape
