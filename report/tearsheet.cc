#include "report/tearsheet.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>

#include "report/svg_chart.h"

namespace tape {
namespace {

constexpr const char* kGreen = "#15803d";
constexpr const char* kRed = "#c0392b";
constexpr const char* kBlue = "#2563eb";
constexpr const char* kPalette[] = {"#7c3aed", "#0891b2", "#d97706", "#db2777", "#4d7c0f"};

constexpr const char* kCss =
    "*{box-sizing:border-box}body{margin:0;background:#f4f5f7;color:#1f2933;font:14px/1.45 "
    "system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}"
    "main{max-width:1180px;margin:0 auto;padding:28px 24px 48px}"
    "header h1{font-size:26px;margin:0 0 4px;font-weight:650;letter-spacing:-.01em}"
    ".sub{color:#52606d;margin:0 0 18px}"
    "section{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(16,24,40,.08);"
    "padding:18px 22px;margin:0 0 18px}"
    "h2{font-size:16px;margin:0 0 12px;font-weight:620;color:#111827}"
    "h3{font-size:14px;margin:14px 0 6px;color:#374151}"
    ".kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:12px;"
    "margin:0 0 18px}.kpi{background:#fff;border-radius:10px;padding:12px 14px;"
    "box-shadow:0 1px 3px rgba(16,24,40,.08)}.kpi .v{font-size:22px;font-weight:650;"
    "font-variant-numeric:tabular-nums}.kpi .k{color:#6b7280;font-size:12px;text-transform:"
    "uppercase;letter-spacing:.04em}.pos{color:#15803d}.neg{color:#c0392b}"
    "dl.facts{display:grid;grid-template-columns:180px 1fr;gap:4px 16px;margin:0}"
    "dl.facts dt{color:#6b7280}dl.facts dd{margin:0;word-break:break-all}"
    "code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f3f4f6;"
    "padding:1px 5px;border-radius:4px}"
    "table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}"
    "th,td{padding:5px 10px;text-align:right;border-bottom:1px solid #eef0f3}"
    "th{font-weight:600;color:#374151;background:#f9fafb}td:first-child,th:first-child"
    "{text-align:left;color:#374151}"
    "table.months td{font-size:12px;padding:4px 6px;text-align:center;border:1px solid #fff}"
    "table.months th{font-size:12px;padding:4px 6px;text-align:center}"
    "svg.chart{width:100%;height:auto;display:block}svg .grid{stroke:#e5e7eb;stroke-width:1}"
    "svg .axis{stroke:#9ca3af;stroke-width:1}svg .zero{stroke:#6b7280;stroke-dasharray:3 3}"
    "svg text{font:11px system-ui,sans-serif;fill:#4b5563}svg .ylab{text-anchor:end}"
    "svg .xlab{text-anchor:middle}svg .legend{fill:#1f2933;font-size:12px}"
    "svg .marker{stroke:#fff;stroke-width:.8}"
    ".note{color:#6b7280;font-size:12px;margin:6px 0 0}footer{color:#9ca3af;font-size:12px;"
    "text-align:center}";

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// 1234567.8 -> "1,234,568" (no decimals) or with `decimals`.
std::string grouped(double v, int decimals = 0) {
  std::string s = fmt(decimals == 0 ? "%.0f" : decimals == 1 ? "%.1f" : "%.2f", std::fabs(v));
  const size_t dot = s.find('.');
  std::string head = s.substr(0, dot), tail = dot == std::string::npos ? "" : s.substr(dot);
  for (int i = static_cast<int>(head.size()) - 3; i > 0; i -= 3)
    head.insert(static_cast<size_t>(i), ",");
  const bool neg = v < 0 && s.find_first_not_of("0.,") != std::string::npos;
  return (neg ? "-" : "") + head + tail;
}

std::string pct(const std::optional<double>& v, int decimals = 2) {
  if (!v) return "–";
  return fmt(decimals == 1 ? "%.1f%%" : "%.2f%%", *v * 100);
}
std::string ratio(const std::optional<double>& v) { return v ? fmt("%.2f", *v) : "–"; }
std::string money_units(const std::optional<double>& v) { return v ? grouped(*v, 2) : "–"; }
std::string sign_class(const std::optional<double>& v) {
  return !v || *v == 0 ? "" : (*v > 0 ? "pos" : "neg");
}

double units(const BacktestReport& r, int64_t minor) {
  return static_cast<double>(minor) / static_cast<double>(r.settings.money_scale);
}

std::string days(int64_t ns) {
  const double d = static_cast<double>(ns) / 86'400e9;
  return d >= 2 ? fmt("%.0f days", d) : fmt("%.2f days", d);
}

// X labels at the first point of each year (or month, for short runs; else evenly spaced).
std::vector<svg::AxisLabel> time_labels(const BacktestReport& r,
                                        const std::vector<ChartPoint>& pts) {
  std::vector<svg::AxisLabel> years, months, even;
  int py = -1, pm = -1;
  for (size_t k = 0; k < pts.size(); ++k) {
    const Stamp& s = pts[k].time;
    int y = 0, m = 0;
    r.time_style.year_month(s.ts_ns, s.daily, y, m);
    const double x = static_cast<double>(s.ts_ns);
    if (k > 0 && y != py) years.push_back({x, std::to_string(y)});
    if (k > 0 && (m != pm || y != py)) {
      static const char* kMonth[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
      months.push_back({x, std::string(kMonth[m - 1]) + " " + std::to_string(y)});
    }
    py = y;
    pm = m;
  }
  const auto thin = [](std::vector<svg::AxisLabel> v, size_t most) {
    if (v.size() <= most) return v;
    const size_t step = (v.size() + most - 1) / most;
    std::vector<svg::AxisLabel> out;
    for (size_t i = 0; i < v.size(); i += step) out.push_back(v[i]);
    return out;
  };
  if (years.size() >= 3) return thin(years, 14);
  if (months.size() >= 3) return thin(months, 12);
  for (size_t k = 0; k < 6 && pts.size() > 1; ++k) {
    const Stamp& s = pts[(pts.size() - 1) * k / 5].time;
    even.push_back({static_cast<double>(s.ts_ns), r.time(s)});
  }
  return even;
}

std::string kpi(const std::string& name, const std::string& value, const std::string& cls = "") {
  return "<div class='kpi'><div class='k'>" + name + "</div><div class='v " + cls + "'>" + value +
         "</div></div>";
}

std::string facts(const BacktestReport& r) {
  const RunFacts& f = r.settings.facts;
  std::string o = "<section id='facts'><h2>Run</h2><dl class='facts'>";
  const auto row = [&](const std::string& k, const std::string& v) {
    if (!v.empty()) o += "<dt>" + k + "</dt><dd>" + v + "</dd>";
  };
  row("Config", html_text(f.config_name));
  row("Data", html_text(f.data_description));
  row("Period", html_text(r.time(r.first_time)) + " – " + html_text(r.time(r.last_time)) + " (" +
                    std::to_string(r.bars) + " bars, " + std::to_string(r.inputs) + " inputs)");
  std::string instruments;
  for (const InstrumentSpec& s : r.instruments) {
    instruments += (instruments.empty() ? "" : ", ") + html_text(s.symbol) + " (tick " +
                   html_text(format_decimal(s.tick_size)) + ", lot " + std::to_string(s.lot_size) +
                   ")";
  }
  row("Instruments", instruments);
  for (const StrategyResult& s : r.strategies) {
    std::string v = "<b>" + html_text(s.settings.name) + "</b> · account " +
                    std::to_string(s.settings.account.value()) + " · starting cash " +
                    html_text(r.money(s.settings.starting_cash));
    if (!s.settings.plugin_path.empty()) {
      v += "<br>plugin <code>" + html_text(s.settings.plugin_path) + "</code><br>sha256 <code>" +
           html_text(s.settings.plugin_sha256) + "</code>";
    } else if (!s.settings.builtin.empty()) {
      v += "<br>built-in <code>" + html_text(s.settings.builtin) + "</code> version " +
           std::to_string(s.settings.builtin_version);
    }
    row("Strategy", v);
  }
  if (!f.data_chain_head.empty())
    row("Data chain head", "<code>" + html_text(f.data_chain_head) + "</code>");
  if (!f.run_chain_head.empty())
    row("Run chain head", "<code>" + html_text(f.run_chain_head) + "</code>");
  row("Analytics",
      fmt("%g periods a year", r.settings.analytics.periods_per_year) + ", risk-free " +
          fmt("%g%%", r.settings.analytics.risk_free_rate * 100) + ", equity sampled " +
          (r.settings.equity_sample_ns == 0 ? std::string("at every bar close")
                                            : "every " + days(r.settings.equity_sample_ns)) +
          ", times in " + html_text(r.time_style.zone()));
  return o + "</dl></section>";
}

std::string figures_table(const BacktestReport& r) {
  std::vector<const Figures*> cols;
  std::string o = "<section id='figures'><h2>Figures</h2><table><tr><th>figure</th>";
  for (const StrategyResult& s : r.strategies) {
    o += "<th>" + html_text(s.settings.name) + "</th>";
    cols.push_back(&s.figures);
  }
  o += "<th>total</th></tr>";
  cols.push_back(&r.total);
  const auto row = [&](const char* name, const std::function<std::string(const Figures&)>& cell) {
    o += std::string("<tr><td>") + name + "</td>";
    for (const Figures* f : cols) o += "<td>" + cell(*f) + "</td>";
    o += "</tr>";
  };
  row("start equity", [&](const Figures& f) { return grouped(units(r, f.start_equity), 2); });
  row("end equity", [&](const Figures& f) { return grouped(units(r, f.end_equity), 2); });
  row("total return", [](const Figures& f) { return pct(f.total_return); });
  row("CAGR", [](const Figures& f) { return pct(f.cagr); });
  row("volatility (annualized)", [](const Figures& f) { return pct(f.volatility); });
  row("Sharpe", [](const Figures& f) { return ratio(f.sharpe); });
  row("Sortino", [](const Figures& f) { return ratio(f.sortino); });
  row("max drawdown", [](const Figures& f) { return pct(std::optional<double>(-f.max_drawdown)); });
  row("max drawdown (money)",
      [&](const Figures& f) { return grouped(-units(r, f.max_drawdown_money), 2); });
  row("longest drawdown", [](const Figures& f) { return days(f.max_drawdown_duration_ns); });
  row("Calmar", [](const Figures& f) { return ratio(f.calmar); });
  row("exposure", [](const Figures& f) { return pct(f.exposure, 1); });
  row("turnover", [](const Figures& f) { return f.turnover ? fmt("%.2f×", *f.turnover) : "–"; });
  row("trades", [](const Figures& f) { return std::to_string(f.trade_count); });
  row("win rate", [](const Figures& f) { return pct(f.win_rate, 1); });
  row("profit factor", [](const Figures& f) { return ratio(f.profit_factor); });
  row("expectancy", [](const Figures& f) { return money_units(f.expectancy); });
  row("average win", [](const Figures& f) { return money_units(f.avg_win); });
  row("average loss", [](const Figures& f) { return money_units(f.avg_loss); });
  return o +
         "</table><p class='note'>Returns per equity sample; volatility, Sharpe and Sortino "
         "use the sample standard deviation (n−1). A trade's result is its PnL after fees. "
         "– : not defined (docs/analytics.md).</p></section>";
}

// A chart line from kept points; y scaled by `y_scale`.
svg::Series line_of(const std::vector<ChartPoint>& pts, double y_scale = 1) {
  svg::Series s;
  for (const ChartPoint& p : pts) {
    s.x.push_back(static_cast<double>(p.time.ts_ns));
    s.y.push_back(p.y * y_scale);
  }
  return s;
}

std::string equity_chart(const BacktestReport& r) {
  const std::vector<ChartPoint> total = r.total_chart.points();
  svg::LineChart c;
  c.aria_label = "equity";
  c.y_format = [](double v) { return grouped(v); };
  c.x_labels = time_labels(r, total);
  if (r.strategies.size() > 1) {
    for (size_t s = 0; s < r.strategies.size(); ++s) {
      svg::Series line = line_of(r.strategies[s].equity_chart.points());
      line.color = kPalette[s % 5];
      line.name = r.strategies[s].settings.name;
      line.width = 1.2;
      c.series.push_back(std::move(line));
    }
  }
  svg::Series t = line_of(total);
  t.color = kBlue;
  t.name = r.strategies.size() > 1 ? "total" : "";
  t.width = 2;
  c.series.push_back(std::move(t));
  return "<section id='equity'><h2>Equity</h2>" + svg::line_chart(c) + "</section>";
}

std::string drawdown_chart(const BacktestReport& r) {
  const std::vector<ChartPoint> dd = r.drawdown_chart.points();
  svg::LineChart c;
  c.aria_label = "drawdown";
  c.height = 220;
  c.include_zero = true;
  c.y_format = [](double v) { return fmt(std::fabs(v) < 10 && v != 0 ? "%.1f%%" : "%.0f%%", v); };
  c.x_labels = time_labels(r, dd);
  svg::Series s = line_of(dd);
  s.color = kRed;
  s.width = 1.2;
  s.fill_to_zero = true;
  c.series.push_back(std::move(s));
  return "<section id='drawdown'><h2>Drawdown</h2>" + svg::line_chart(c) +
         "<p class='note'>Total equity below its running peak. Deepest: " +
         pct(std::optional<double>(-r.total.max_drawdown)) +
         "; longest under water: " + days(r.total.max_drawdown_duration_ns) + ".</p></section>";
}

// White to green (gains) or red (losses), full at `full` (the run's largest monthly move).
std::string cell_color(double v, double full) {
  const double a = std::min(std::fabs(v) / full, 1.0) * 0.7;
  const int tgt[3] = {v >= 0 ? 22 : 192, v >= 0 ? 163 : 57, v >= 0 ? 74 : 43};
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<int>(255 + (tgt[0] - 255) * a),
                static_cast<int>(255 + (tgt[1] - 255) * a),
                static_cast<int>(255 + (tgt[2] - 255) * a));
  return buf;
}

// A percentage with `decimals`, never "-0.0".
std::string cell_pct(double v, int decimals) {
  std::string s = fmt(decimals == 1 ? "%.1f" : "%.2f", v * 100);
  if (s.find_first_of("123456789") == std::string::npos && s[0] == '-') s.erase(0, 1);
  return s;
}

std::string monthly_grid(const BacktestReport& r) {
  std::map<int, std::array<std::optional<double>, 12>> years;
  double full = 1e-4;
  for (const MonthReturn& m : r.months) {
    years[m.year][static_cast<size_t>(m.month - 1)] = m.ret;
    if (m.ret) full = std::max(full, std::fabs(*m.ret));
  }
  // Small moves get two decimals so that they do not all read 0.0.
  const int decimals = full < 0.02 ? 2 : 1;
  std::string o =
      "<section id='monthly'><h2>Monthly returns</h2><table class='months'><tr><th>year</th>";
  for (const char* m :
       {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}) {
    o += std::string("<th>") + m + "</th>";
  }
  o += "<th>year</th></tr>";
  for (const auto& [year, months] : years) {
    o += "<tr><th>" + std::to_string(year) + "</th>";
    double growth = 1;
    bool any = false;
    for (const std::optional<double>& v : months) {
      if (!v) {
        o += "<td></td>";
        continue;
      }
      any = true;
      growth *= 1 + *v;
      o +=
          "<td style='background:" + cell_color(*v, full) + "'>" + cell_pct(*v, decimals) + "</td>";
    }
    const double y = growth - 1;
    o += any ? "<td style='background:" + cell_color(y, full * 3) + ";font-weight:600'>" +
                   cell_pct(y, decimals) + "</td>"
             : "<td></td>";
    o += "</tr>";
  }
  return o +
         "</table><p class='note'>Percent; each month against the last equity sample of "
         "the month before; the year compounds its months. Colors are relative to the "
         "largest monthly move (" +
         cell_pct(full, decimals) + " %).</p></section>";
}

std::string pnl_histogram(const BacktestReport& r) {
  std::string o = "<section id='trade-pnl'><h2>Trade PnL distribution</h2>";
  const NetHistogram& h = r.trade_nets;
  if (h.count() == 0) return o + "<p class='note'>No closed trades.</p></section>";
  double lo = units(r, h.min());
  double hi = units(r, h.max());
  const size_t bins = std::clamp<size_t>(static_cast<size_t>(h.count() / 3), 5, 30);
  if (hi <= lo) hi = lo + 1;
  const double step = svg::nice_step(hi - lo, static_cast<int>(bins));
  lo = std::floor(lo / step) * step;
  hi = std::ceil(hi / step) * step + (hi == std::ceil(hi / step) * step ? step : 0);
  const size_t n = static_cast<size_t>(std::llround((hi - lo) / step));
  std::vector<svg::Bar> bars(n);
  for (size_t i = 0; i < n; ++i) {
    bars[i].lo = lo + step * static_cast<double>(i);
    bars[i].hi = bars[i].lo + step;
    bars[i].color = bars[i].hi <= 0 ? kRed : (bars[i].lo >= 0 ? kGreen : "#9ca3af");
  }
  // A bucket of width 1 is one net: placed by its value. A wider one lies wholly in one bin
  // (NetHistogram): placed by its middle, away from the bin's edges.
  for (const auto& [key, count] : h.buckets()) {
    const double v = h.width() == 1
                         ? units(r, key)
                         : (static_cast<double>(key) + 0.5) * static_cast<double>(h.width()) /
                               static_cast<double>(r.settings.money_scale);
    size_t i = static_cast<size_t>(std::floor((v - lo) / step));
    bars[std::min(i, n - 1)].count += static_cast<double>(count);
  }
  for (svg::Bar& b : bars) {
    b.title =
        grouped(b.lo, 2) + " to " + grouped(b.hi, 2) + ": " + fmt("%.0f", b.count) + " trades";
  }
  o += svg::histogram(
      bars, [](double v) { return grouped(v); }, "trade pnl");
  return o + "<p class='note'>" + std::to_string(r.trade_count) +
         " closed trades, PnL after "
         "fees in currency units; wins " +
         std::to_string(r.total.wins) + ", losses " + std::to_string(r.total.losses) +
         ".</p></section>";
}

// Currency units per tick, as a double (drawing only).
double tick_size(const BacktestReport& r, InstrumentId i) {
  const Decimal& t = r.instruments[i.value()].tick_size;
  return static_cast<double>(t.units) / std::pow(10.0, t.scale);
}

std::string price_chart(const BacktestReport& r, uint32_t inst) {
  const InstrumentId id(inst);
  const double tick = tick_size(r, id);
  const std::vector<ChartPoint> px = r.mark_charts[inst].points();
  std::string o = "<h3>" + html_text(r.symbol(id)) + "</h3>";
  if (px.empty()) return o + "<p class='note'>No prices.</p>";
  svg::LineChart c;
  c.aria_label = "price " + r.symbol(id);
  c.height = 320;
  c.y_format = [](double v) { return grouped(v, std::fabs(v) < 100 ? 2 : 0); };
  c.x_labels = time_labels(r, px);
  svg::Series s = line_of(px, tick);
  s.color = "#334155";
  s.width = 1.1;
  c.series.push_back(std::move(s));
  for (const TradeRow& t : r.marked_trades) {
    if (t.instrument != id) continue;
    const bool long_trade = t.side == Side::kBuy;
    const double entry =
        static_cast<double>(t.entry_ticks_x_qty) / static_cast<double>(t.entry_qty) * tick;
    const double exit =
        static_cast<double>(t.exit_ticks_x_qty) / static_cast<double>(t.exit_qty) * tick;
    const std::string what = std::string(long_trade ? "long " : "short ") +
                             std::to_string(t.entry_qty) + " · pnl " + r.money(t.pnl - t.fees);
    c.markers.push_back({static_cast<double>(t.entry.ts_ns), entry, long_trade, kGreen,
                         "entry " + r.time(t.entry) + " at " +
                             r.vwap(id, t.entry_ticks_x_qty, t.entry_qty) + " · " + what});
    c.markers.push_back({static_cast<double>(t.exit.ts_ns), exit, !long_trade, kRed,
                         "exit " + r.time(t.exit) + " at " +
                             r.vwap(id, t.exit_ticks_x_qty, t.exit_qty) + " · " + what});
  }
  return o + svg::line_chart(c);
}

}  // namespace

std::string html_text(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_tearsheet(const BacktestReport& r) {
  const std::string title =
      r.settings.facts.config_name.empty() ? std::string("backtest") : r.settings.facts.config_name;
  std::string names;
  for (const StrategyResult& s : r.strategies)
    names += (names.empty() ? "" : ", ") + s.settings.name;
  std::string o =
      "<!doctype html><html lang='en'><head><meta charset='utf-8'><meta "
      "name='viewport' content='width=device-width,initial-scale=1'><title>tape "
      "tearsheet: " +
      html_text(title) + "</title><style>" + kCss + "</style></head><body><main><header><h1>" +
      html_text(title) + "</h1><p class='sub'>" + html_text(names.empty() ? "no strategy" : names) +
      " · " + html_text(r.settings.facts.data_description) + " · " +
      html_text(r.time(r.first_time)) + " – " + html_text(r.time(r.last_time)) + "</p></header>";
  const Figures& t = r.total;
  o += "<div class='kpis'>";
  o += kpi("Final equity", grouped(units(r, t.end_equity), 2));
  o += kpi("Total return", pct(t.total_return), sign_class(t.total_return));
  o += kpi("CAGR", pct(t.cagr), sign_class(t.cagr));
  o += kpi("Sharpe", ratio(t.sharpe), sign_class(t.sharpe));
  o += kpi("Max drawdown", pct(std::optional<double>(-t.max_drawdown)),
           t.max_drawdown > 0 ? "neg" : "");
  o += kpi("Trades", std::to_string(t.trade_count));
  o += kpi("Win rate", pct(t.win_rate, 1));
  o += "</div>";
  o += facts(r) + figures_table(r) + equity_chart(r) + drawdown_chart(r) + monthly_grid(r) +
       pnl_histogram(r);
  o += "<section id='prices'><h2>Prices with entries and exits</h2>";
  for (uint32_t i = 0; i < r.instruments.size(); ++i) o += price_chart(r, i);
  o += "<p class='note'>▲ green: entries of long trades (▼ of short ones); red: exits. Marks at "
       "each equity sample.</p></section>";
  o += "<footer>tape · built from the run log alone (tape report)</footer></main></body></html>\n";
  return o;
}

}  // namespace tape
