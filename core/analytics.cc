#include "core/analytics.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "core/status.h"

namespace tape {
namespace {

constexpr double kNsPerYear = 365.25 * 86'400.0 * 1e9;

// Volatility, Sharpe and Sortino from the returns (N >= 2 required by the caller).
void return_figures(const Eigen::VectorXd& r, const AnalyticsSettings& settings, Figures& f) {
  const double ppy = settings.periods_per_year > 0 ? settings.periods_per_year : 1.0;
  const double rf_p = settings.risk_free_rate / ppy;
  const double n = static_cast<double>(r.size());
  const double mean = r.mean();
  f.mean_return = mean;
  if (r.size() < 2) return;
  const double var = (r.array() - mean).square().sum() / (n - 1);
  const double s = std::sqrt(var);
  const double root = std::sqrt(ppy);
  f.volatility = s * root;
  if (s > 0) f.sharpe = (mean - rf_p) / s * root;
  const double down = (r.array() - rf_p).min(0.0).square().sum() / (n - 1);
  if (down > 0) f.sortino = (mean - rf_p) / std::sqrt(down) * root;
}

// Max drawdown (fraction and money), the peak and trough of the largest fraction, and the
// longest time under water.
void drawdown_figures(const EquitySeries& s, Figures& f) {
  const size_t n = s.equity.size();
  int64_t peak = s.equity[0];
  size_t peak_i = 0;
  for (size_t i = 1; i < n; ++i) {
    const int64_t e = s.equity[i];
    if (e >= peak) {
      // Recovered (or a new high): the episode that started at peak_i ends here.
      if (i > peak_i + 1) {
        f.max_drawdown_duration_ns =
            std::max(f.max_drawdown_duration_ns, s.ts_ns[i] - s.ts_ns[peak_i]);
      }
      peak = e;
      peak_i = i;
      continue;
    }
    const int64_t money = peak - e;
    f.max_drawdown_money = std::max(f.max_drawdown_money, money);
    const double frac = peak > 0 ? static_cast<double>(money) / static_cast<double>(peak) : 0.0;
    if (frac > f.max_drawdown) {
      f.max_drawdown = frac;
      f.max_drawdown_peak_ns = s.ts_ns[peak_i];
      f.max_drawdown_trough_ns = s.ts_ns[i];
    }
    if (i + 1 == n) {
      f.max_drawdown_duration_ns =
          std::max(f.max_drawdown_duration_ns, s.ts_ns[i] - s.ts_ns[peak_i]);
    }
  }
}

void trade_figures(const std::vector<ClosedTrade>& trades, int64_t scale, Figures& f) {
  f.trade_count = trades.size();
  if (trades.empty()) return;
  // Sums of int64 nets in __int128: exact whatever the count.
  __int128 won = 0, lost = 0, all = 0;
  for (const ClosedTrade& t : trades) {
    const __int128 net = static_cast<__int128>(t.pnl) - t.fees;
    all += net;
    if (net > 0) {
      ++f.wins;
      won += net;
    } else if (net < 0) {
      ++f.losses;
      lost += net;
    }
  }
  const double sc = static_cast<double>(scale);
  const double count = static_cast<double>(trades.size());
  f.win_rate = static_cast<double>(f.wins) / count;
  f.expectancy = static_cast<double>(all) / sc / count;
  if (f.wins > 0) f.avg_win = static_cast<double>(won) / sc / static_cast<double>(f.wins);
  if (f.losses > 0) {
    f.avg_loss = static_cast<double>(lost) / sc / static_cast<double>(f.losses);
    f.profit_factor = static_cast<double>(won) / static_cast<double>(-lost);
  }
}

}  // namespace

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
  std::vector<double> dd(equity.size(), 0.0);
  int64_t peak = 0;
  for (size_t i = 0; i < equity.size(); ++i) {
    peak = i == 0 ? equity[0] : std::max(peak, equity[i]);
    if (peak > 0) dd[i] = static_cast<double>(peak - equity[i]) / static_cast<double>(peak);
  }
  return dd;
}

Figures compute_figures(const AnalyticsInput& in, const AnalyticsSettings& settings) {
  const EquitySeries& s = in.series;
  TAPE_CHECK(s.ts_ns.size() == s.equity.size() && s.exposed.size() == s.equity.size(),
             "equity series vectors differ in length");
  TAPE_CHECK(std::is_sorted(s.ts_ns.begin(), s.ts_ns.end()), "equity times decrease");
  TAPE_CHECK(in.money_scale > 0, "money scale must be positive");
  Figures f;
  const size_t n = s.equity.size();
  f.samples = n;
  trade_figures(in.trades, in.money_scale, f);
  if (n == 0) return f;
  const int64_t e0 = s.equity.front();
  const int64_t e1 = s.equity.back();
  f.start_equity = e0;
  f.end_equity = e1;
  if (e0 > 0) f.total_return = static_cast<double>(e1) / static_cast<double>(e0) - 1.0;
  const int64_t elapsed = s.ts_ns.back() - s.ts_ns.front();
  if (n >= 2 && e0 > 0 && elapsed > 0) {
    const double years = static_cast<double>(elapsed) / kNsPerYear;
    f.cagr = e1 <= 0
                 ? -1.0
                 : std::pow(static_cast<double>(e1) / static_cast<double>(e0), 1.0 / years) - 1.0;
  }
  const std::vector<double> r = sample_returns(s.equity);
  if (!r.empty()) {
    return_figures(Eigen::Map<const Eigen::VectorXd>(r.data(), static_cast<Eigen::Index>(r.size())),
                   settings, f);
  }
  drawdown_figures(s, f);
  if (f.cagr && f.max_drawdown > 0) f.calmar = *f.cagr / f.max_drawdown;
  size_t exposed = 0;
  for (uint8_t x : s.exposed) exposed += x != 0 ? 1 : 0;
  f.exposure = static_cast<double>(exposed) / static_cast<double>(n);
  __int128 sum = 0;
  for (int64_t e : s.equity) sum += e;
  const double mean_equity = static_cast<double>(sum) / static_cast<double>(n);
  if (mean_equity > 0) f.turnover = static_cast<double>(in.traded_notional) / mean_equity;
  return f;
}

}  // namespace tape
