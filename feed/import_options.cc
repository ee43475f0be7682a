#include "feed/import_options.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <limits>

#include "feed/time_parse.h"

namespace tape {

bool parse_period(const std::string& text, int64_t& ns) {
  if (text == "auto") return (ns = -1), true;
  if (text == "none" || text == "0") return (ns = 0), true;
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || v <= 0) return false;
  const std::string unit(end, text.data() + text.size());
  static const std::pair<const char*, int64_t> kUnits[] = {
      {"ns", 1}, {"us", 1'000}, {"ms", 1'000'000}, {"s", kNsPerSecond},
      {"m", 60 * kNsPerSecond}, {"h", 3600 * kNsPerSecond}, {"d", kNsPerDay}};
  for (const auto& [name, mult] : kUnits) {
    if (unit == name) {
      if (v > std::numeric_limits<int64_t>::max() / mult) return false;
      ns = v * mult;
      return true;
    }
  }
  return false;
}

namespace {

// Tick values: "auto", "DECIMAL" (every symbol), "SYM=DECIMAL" (one symbol).
Status parse_ticks(const std::vector<std::string>& values, const std::string& label,
                   ImportOptions& o) {
  for (const std::string& v : values) {
    if (v == "auto") {
      o.tick_auto = true;
      continue;
    }
    const size_t eq = v.find('=');
    Result<Decimal> d = parse_decimal(eq == std::string::npos ? v : v.substr(eq + 1));
    if (!d.is_ok() || d.value().units <= 0) {
      return Status::usage(label + " '" + v + "' is not auto, a positive DECIMAL or SYM=DECIMAL");
    }
    if (eq == std::string::npos) {
      o.tick_auto = false;
      o.default_tick = d.value();
    } else {
      o.symbol_ticks[v.substr(0, eq)] = d.value();
    }
  }
  return Status::ok();
}

std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

Status apply_import_text(const ImportOptionText& t, const OptionLabel& label, ImportOptions& o) {
  if (t.format && !parse_import_format(*t.format, o.format)) {
    return Status::usage(label("format") + " '" + *t.format +
                         "' is not bars, quotes, trades, jsonl or lobster");
  }
  if (t.date_format && !parse_date_format(*t.date_format, o.csv.date_format)) {
    return Status::usage(label("date-format") + " '" + *t.date_format +
                         "' is not auto, YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY or YYYYMMDD");
  }
  if (t.time_format && !parse_time_format(*t.time_format, o.csv.time_format)) {
    return Status::usage(label("time-format") + " '" + *t.time_format +
                         "' is not auto, unix_s, unix_ms, unix_us or unix_ns");
  }
  if (t.tz) o.tz = *t.tz;
  if (t.round) {
    Rounding r;
    if (!parse_rounding(*t.round, r)) {
      return Status::usage(label("round") + " '" + *t.round +
                           "' is not reject, nearest, down or up");
    }
    o.rounding = r;
  }
  if (t.bar_period && !parse_period(*t.bar_period, o.csv.bar_period_ns)) {
    return Status::usage(label("bar-period") + " '" + *t.bar_period +
                         "' is not auto, none or N{ns,us,ms,s,m,h,d}");
  }
  if (t.daily_close) {
    int64_t ns = 0;
    if (!parse_time_of_day(*t.daily_close, ns)) {
      return Status::usage(label("daily-close") + " '" + *t.daily_close + "' is not HH:MM[:SS]");
    }
    o.csv.daily_close_ns = ns;
  }
  if (t.on_bad_row) {
    if (*t.on_bad_row != "fail" && *t.on_bad_row != "skip") {
      return Status::usage(label("on-bad-row") + " '" + *t.on_bad_row + "' is not fail or skip");
    }
    o.skip_bad_rows = *t.on_bad_row == "skip";
  }
  if (t.columns && !t.columns->empty()) {
    ASSIGN_OR_RETURN(o.csv.columns, parse_column_overrides(*t.columns));
  }
  if (t.delimiter) {
    const std::string& v = *t.delimiter;
    const std::string d = v == "\\t" || v == "tab" ? "\t" : v;
    if (d.size() != 1 || d[0] == '"' || d[0] == '\n') {
      return Status::usage(label("delimiter") + " '" + v + "' is not one character");
    }
    o.csv.delimiter = d[0];
  }
  if (t.price_scale) o.price_scale = *t.price_scale;
  return parse_ticks(t.ticks, label("tick-size"), o);
}

std::optional<ImportFormat> detect_csv_format(const std::string& path, char delimiter) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  if (line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
  bool open = false, high = false, low = false, close = false, bid = false, ask = false,
       price = false;
  size_t start = 0;
  while (start <= line.size()) {
    size_t end = line.find(delimiter, start);
    if (end == std::string::npos) end = line.size();
    const std::string name = lower_trimmed(std::string_view(line).substr(start, end - start));
    open = open || name == "open";
    high = high || name == "high";
    low = low || name == "low";
    close = close || name == "close";
    bid = bid || name == "bid";
    ask = ask || name == "ask";
    price = price || name == "price";
    start = end + 1;
  }
  if (open && high && low && close) return ImportFormat::kBars;
  if (bid && ask) return ImportFormat::kQuotes;
  if (price) return ImportFormat::kTrades;
  return std::nullopt;
}

}  // namespace tape
