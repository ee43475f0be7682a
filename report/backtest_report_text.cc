// A BacktestReport as text: times, money and prices, the CSV files and the figures' JSON.
#include <cmath>
#include <filesystem>
#include <fstream>

#include "report/backtest_report.h"
#include "report/json.h"
#include "report/text_out.h"

namespace tape {
namespace {

std::string decimal_text(__int128 units, int scale) {
  std::string out;
  append_decimal(out, units, scale);
  return out;
}

std::string trimmed_text(__int128 units, int scale, int keep) {
  std::string out;
  append_decimal_trimmed(out, units, scale, keep);
  return out;
}

int decimals_of(int64_t power_of_ten) {
  int d = 0;
  for (int64_t v = power_of_ten; v >= 10; v /= 10) ++d;
  return d;
}

// A JSON number for a figure; null when absent. Rounded to 10 decimals, so that a figure prints
// as a person expects (0.089, not 0.08900000000000008).
Json figure(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return round_to(*v, 10);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Status write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) return Status::io("cannot write " + path.string());
  return Status::ok();
}

}  // namespace

Result<TimeStyle> TimeStyle::from_import_meta(const std::string& json) {
  TimeStyle style;
  if (json.empty()) return style;
  const std::optional<Json> doc = parse_json(json);
  if (!doc || !doc->is_object())
    return Status::mismatch("report: meta import is not a JSON object");
  const auto opts = doc->find("options");
  if (opts == doc->end() || !opts->is_object()) return style;
  const auto tz = opts->find("tz");
  if (tz != opts->end() && tz->is_string()) {
    Result<TimeZone> zone = TimeZone::parse(tz->get<std::string>());
    if (!zone.is_ok()) return Status::mismatch("report: meta import: " + zone.status().message());
    style.tz_ = zone.value();
  }
  const auto close = opts->find("daily_close_ns");
  if (close != opts->end() && close->is_number_integer()) {
    style.end_of_date_ = close->get<int64_t>() < 0;
  }
  return style;
}

int64_t TimeStyle::local_ns(int64_t ts_ns, bool daily) const {
  // A daily stamp at the end of its date is the next local midnight: step back into the date.
  const int64_t at = daily && end_of_date_ ? ts_ns - 1 : ts_ns;
  if (tz_.is_utc()) return at;
  // The zone maps local to UTC only; find the local time whose UTC instant is `at` by fixed
  // point (exact in a few steps for fixed offsets and away from transitions; within a repeated
  // hour it settles on the first offset).
  int64_t offset = 0;
  for (int i = 0; i < 6; ++i) {
    int64_t utc = 0;
    if (!tz_.to_utc(at + offset, utc)) {
      offset += 3'600 * kNsPerSecond;  // a local time the clocks skipped: later
      continue;
    }
    if (utc == at) break;
    offset += at - utc;
  }
  return at + offset;
}

std::string TimeStyle::render(int64_t ts_ns, bool daily) const {
  std::string s;
  render_to(s, ts_ns, daily);
  return s;
}

const TimeStyle::Day* TimeStyle::day_of(int64_t local) const {
  int64_t day = local / kNsPerDay;
  if (local % kNsPerDay < 0) --day;
  if (day == day_.day) return &day_;
  const CivilTime c = civil_from_ns(local);
  if (c.year < 0 || c.year > 9999) return nullptr;
  day_.day = day;
  day_.year = static_cast<int>(c.year);
  day_.month = static_cast<int>(c.month);
  char* d = day_.date;
  const int64_t v[3] = {c.year / 100, c.year % 100, c.month};
  for (int i = 0; i < 3; ++i) {
    *d++ = static_cast<char>('0' + v[i] / 10);
    *d++ = static_cast<char>('0' + v[i] % 10);
    if (i > 0) *d++ = '-';
  }
  *d++ = static_cast<char>('0' + c.day / 10);
  *d++ = static_cast<char>('0' + c.day % 10);
  return &day_;
}

void TimeStyle::render_to(std::string& s, int64_t ts_ns, bool daily) const {
  const int64_t local = local_ns(ts_ns, daily);
  const Day* day = day_of(local);
  if (day == nullptr) {
    s += format_utc(local);
    return;
  }
  s.append(day->date, sizeof day->date);
  if (daily) return;
  const int64_t in_day = local - day->day * kNsPerDay;
  const int64_t sec = in_day / kNsPerSecond, frac = in_day % kNsPerSecond;
  const int64_t hms[3] = {sec / 3600, sec / 60 % 60, sec % 60};
  char t[9] = {' ', 0, 0, ':', 0, 0, ':', 0, 0};
  for (int i = 0; i < 3; ++i) {
    t[1 + 3 * i] = static_cast<char>('0' + hms[i] / 10);
    t[2 + 3 * i] = static_cast<char>('0' + hms[i] % 10);
  }
  s.append(t, sizeof t);
  if (frac != 0) {
    std::string f = decimal_text(frac, 9).substr(1);  // ".000000250"
    while (f.back() == '0') f.pop_back();
    s += f;
  }
}

void TimeStyle::year_month(int64_t ts_ns, bool daily, int& year, int& month) const {
  const int64_t local = local_ns(ts_ns, daily);
  if (const Day* day = day_of(local)) {
    year = day->year;
    month = day->month;
    return;
  }
  const CivilTime c = civil_from_ns(local);
  year = static_cast<int>(c.year);
  month = static_cast<int>(c.month);
}

std::string BacktestReport::money(int64_t minor) const {
  std::string out;
  append_money(out, minor);
  return out;
}

void BacktestReport::append_money(std::string& out, int64_t minor) const {
  const int d = decimals_of(settings.money_scale);
  append_decimal_trimmed(out, minor, d, std::min(d, 2));
}

std::string BacktestReport::symbol(InstrumentId instrument) const {
  return instrument.value() < instruments.size() ? instruments[instrument.value()].symbol
                                                 : std::to_string(instrument.value());
}

std::string BacktestReport::price(InstrumentId instrument, int64_t ticks) const {
  if (instrument.value() >= instruments.size()) return std::to_string(ticks);
  return format_price(ticks, instruments[instrument.value()]);
}

std::string BacktestReport::vwap(InstrumentId instrument, __int128 ticks_x_qty, int64_t qty) const {
  if (qty <= 0) return "";
  const Decimal tick = instrument.value() < instruments.size()
                           ? instruments[instrument.value()].tick_size
                           : Decimal{1, 0};
  const __int128 exact = ticks_x_qty * tick.units;
  if (exact % qty == 0) return decimal_text(exact / qty, tick.scale);
  constexpr int kExtra = 4;
  const __int128 num = exact * 10'000;
  const bool negative = num < 0;
  const __int128 mag = negative ? -num : num;
  __int128 q = mag / qty;
  if (2 * (mag % qty) >= qty) ++q;
  return trimmed_text(negative ? -q : q, tick.scale + kExtra, tick.scale);
}

bool BacktestReport::multi() const { return strategies.size() > 1 || instruments.size() > 1; }

std::string BacktestReport::trades_header() const {
  return std::string(multi() ? "strategy,instrument," : "") +
         "entry_time,entry_price,exit_time,exit_price,qty,pnl,fees\n";
}

void BacktestReport::trade_row(std::string& out, const TradeRow& t) const {
  if (multi()) {
    out += csv_field(strategies[t.strategy].settings.name) + "," +
           csv_field(symbol(t.instrument)) + ",";
  }
  // qty is signed: negative for a short round trip.
  const int64_t qty = t.side == Side::kBuy ? t.entry_qty : -t.entry_qty;
  out += time(t.entry) + "," + vwap(t.instrument, t.entry_ticks_x_qty, t.entry_qty) + "," +
         time(t.exit) + "," + vwap(t.instrument, t.exit_ticks_x_qty, t.exit_qty) + ",";
  append_int(out, qty);
  out += ',';
  append_money(out, t.pnl);
  out += ',';
  append_money(out, t.fees);
  out += '\n';
}

std::string BacktestReport::fills_header() const {
  return "time,strategy,instrument,side,price,qty,fee,liquidity,order_id\n";
}

void BacktestReport::fill_row(std::string& out, const FillRow& f) const {
  out += time(f.time) + "," + csv_field(strategies[f.strategy].settings.name) + "," +
         csv_field(symbol(f.instrument)) + "," + (f.side == Side::kBuy ? "buy" : "sell") + "," +
         price(f.instrument, f.price) + ",";
  append_int(out, f.qty);
  out += ',';
  append_money(out, f.fee);
  out += f.maker ? ",maker," : ",taker,";
  append_uint(out, f.order_id);
  out += '\n';
}

std::string BacktestReport::equity_header() const {
  std::string out = "time";
  for (const StrategyResult& s : strategies) out += "," + csv_field(s.settings.name);
  return out + ",total,drawdown\n";
}

void BacktestReport::equity_row(std::string& out, const Stamp& at,
                                const std::vector<int64_t>& equity, int64_t total,
                                double drawdown) const {
  time_style.render_to(out, at.ts_ns, at.daily);
  for (const int64_t e : equity) {
    out += ',';
    append_money(out, e);
  }
  out += ',';
  append_money(out, total);
  // The drawdown fraction rounded half away from zero to 6 decimals (computed in doubles: the
  // one column that is not exact).
  out += ',';
  append_decimal(out, std::llround(drawdown * 1e6), 6);
  out += '\n';
}

Status BacktestReport::write_csvs(const std::string& dir) const {
  std::error_code ec;
  if (!csv_dir.empty() && std::filesystem::equivalent(csv_dir, dir, ec)) return Status::ok();
  if (!csv_dir.empty()) {
    return Status::invalid("report: the CSVs were written to " + csv_dir + ", not " + dir);
  }
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::io("cannot create " + dir + ": " + ec.message());
  const std::filesystem::path d(dir);
  RETURN_IF_ERROR(write_file(d / "trades.csv", trades_text));
  RETURN_IF_ERROR(write_file(d / "fills.csv", fills_text));
  return write_file(d / "equity.csv", equity_text);
}

namespace {

Json figures_object(const BacktestReport& r, const Figures& f, const SeriesFigures& series) {
  const double scale = static_cast<double>(r.settings.money_scale);
  const auto units = [&](int64_t minor) {
    return round_to(static_cast<double>(minor) / scale, 10);
  };
  const auto when = [&](const Stamp& at) -> Json {
    if (f.max_drawdown == 0) return nullptr;
    return r.time(at);
  };
  return Json{
      {"samples", f.samples},
      {"start_equity", units(f.start_equity)},
      {"end_equity", units(f.end_equity)},
      {"total_return", figure(f.total_return)},
      {"cagr", figure(f.cagr)},
      {"mean_return", figure(f.mean_return)},
      {"volatility", figure(f.volatility)},
      {"sharpe", figure(f.sharpe)},
      {"sortino", figure(f.sortino)},
      {"max_drawdown", figure(f.max_drawdown)},
      {"max_drawdown_money", units(f.max_drawdown_money)},
      {"max_drawdown_peak", when(series.max_drawdown_peak)},
      {"max_drawdown_trough", when(series.max_drawdown_trough)},
      {"max_drawdown_duration_days",
       round_to(static_cast<double>(f.max_drawdown_duration_ns) / 86'400e9, 6)},
      {"calmar", figure(f.calmar)},
      {"exposure", figure(f.exposure)},
      {"turnover", figure(f.turnover)},
      {"trade_count", f.trade_count},
      {"wins", f.wins},
      {"losses", f.losses},
      {"win_rate", figure(f.win_rate)},
      {"profit_factor", figure(f.profit_factor)},
      {"expectancy", figure(f.expectancy)},
      {"avg_win", figure(f.avg_win)},
      {"avg_loss", figure(f.avg_loss)},
  };
}

}  // namespace

Json BacktestReport::figures_json() const {
  Json strategies_json = Json::array();
  for (const StrategyResult& s : strategies) {
    Json item = {{"name", s.settings.name},
                 {"account", s.settings.account.value()},
                 {"starting_cash", money(s.settings.starting_cash)},
                 {"final_equity", money(s.final_equity)},
                 {"fills", s.fills},
                 {"fees", money(s.fees)}};
    if (!s.settings.plugin_path.empty()) {
      item["plugin"] = s.settings.plugin_path;
      item["plugin_sha256"] = s.settings.plugin_sha256;
    } else if (!s.settings.builtin.empty()) {
      item["builtin"] = s.settings.builtin;
      item["builtin_version"] = s.settings.builtin_version;
    }
    item["figures"] = figures_object(*this, s.figures, s.series);
    strategies_json.push_back(std::move(item));
  }
  __int128 fees = 0;
  for (const StrategyResult& s : strategies) fees += s.fees;
  Json total_json = {{"final_equity", money(total_final_equity)},
                     {"fills", fill_count},
                     {"fees", money(static_cast<int64_t>(fees))},
                     {"figures", figures_object(*this, total, total_series)}};
  return Json{{"periods_per_year", round_to(settings.analytics.periods_per_year, 10)},
              {"risk_free_rate", round_to(settings.analytics.risk_free_rate, 10)},
              {"equity_sample_ns", settings.equity_sample_ns},
              {"money_scale", settings.money_scale},
              {"strategies", std::move(strategies_json)},
              {"total", std::move(total_json)}};
}

}  // namespace tape
