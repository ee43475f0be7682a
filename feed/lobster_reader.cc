#include "feed/lobster_reader.h"

#include <date/tz.h>

#include <charconv>
#include <unordered_map>

#include "feed/line_reader.h"

namespace tape {
namespace {

constexpr const char* kFields[6] = {"time", "type", "order_id", "size", "price", "direction"};
constexpr int64_t kNsPerSecond = 1'000'000'000;

// "34200.015105074": whole seconds, then up to 9 fraction digits, as ns (never a double).
bool parse_seconds_ns(std::string_view text, int64_t& ns) {
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 9 || frac.size() > 9) return false;
  if (dot != std::string_view::npos && frac.empty()) return false;
  int64_t s = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return false;
    s = s * 10 + (c - '0');
  }
  int64_t f = 0;
  for (size_t i = 0; i < 9; ++i) {
    const char c = i < frac.size() ? frac[i] : '0';
    if (c < '0' || c > '9') return false;
    f = f * 10 + (c - '0');
  }
  ns = s * kNsPerSecond + f;
  return true;
}

bool parse_int(std::string_view text, int64_t& out) {
  if (!text.empty() && text[0] == '+') return false;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size() && !text.empty();
}

// TICKER_YYYY-MM-DD_... of a LOBSTER file name (any directory before it).
void symbol_and_date_of(const std::string& path, std::string& symbol, std::string& date) {
  const size_t slash = path.find_last_of('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const size_t us = name.find('_');
  if (us == std::string::npos || us == 0 || name.size() < us + 11) return;
  const std::string d = name.substr(us + 1, 10);
  const bool shaped = d[4] == '-' && d[7] == '-' &&
                      (name.size() == us + 11 || name[us + 11] == '_' || name[us + 11] == '.');
  if (!shaped) return;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return;
  }
  symbol = name.substr(0, us);
  date = d;
}

// Local midnight of `date` (YYYY-MM-DD) in `tz` as ns since the epoch.
Result<int64_t> local_midnight_ns(const std::string& date_text, const std::string& tz) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (date_text.size() != 10 || std::sscanf(date_text.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) {
    return Status::usage("--date '" + date_text + "' is not YYYY-MM-DD");
  }
  const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) return Status::usage("--date '" + date_text + "' is not a valid date");
  try {
    const date::time_zone* zone = date::locate_zone(tz);
    const auto utc = zone->to_sys(date::local_days{ymd}, date::choose::earliest);
    return static_cast<int64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(utc.time_since_epoch()).count());
  } catch (const std::exception& e) {
    return Status::usage("--tz '" + tz + "': unknown time zone (" + e.what() + ")");
  }
}

class LobsterReader final : public RecordReader {
 public:
  LobsterReader(const std::string& symbol, int64_t midnight_ns, int scale, TickConverter& ticks)
      : symbol_(symbol), midnight_ns_(midnight_ns), scale_(scale), ticks_(ticks) {
    for (const char* a : {"reduce", "delete", "execute"}) stats_.unknown_order_by_action[a] = 0;
  }
  Status open(const std::string& path) { return lines_.open(path); }
  const LobsterStats* stats() const { return &stats_; }
  uint64_t bytes_read() const override { return lines_.bytes_read(); }

  Result<Step> next(FeedRecord& out, BadRow& bad) override {
    std::string_view line;
    ASSIGN_OR_RETURN(const bool more, lines_.next_nonblank(line));
    if (!more) return Step::kEnd;
    return parse_row(line, out, bad) ? Step::kRecord : Step::kBadRow;
  }

 private:
  bool fail(BadRow& bad, size_t field, const std::string& reason, const std::string& detail) {
    bad.file = lines_.path();
    bad.line = lines_.line_number();
    bad.column = field < 6 ? columns_[field] : 1;
    bad.field = field < 6 ? kFields[field] : "row";
    bad.reason = reason;
    bad.detail = detail;
    return false;
  }
  bool parse_row(std::string_view line, FeedRecord& out, BadRow& bad);
  bool decode_action(int64_t type, int64_t price, BookMessageIn& m, BadRow& bad);
  void track(const BookMessageIn& m);

  std::string symbol_;
  int64_t midnight_ns_;
  int scale_;
  TickConverter& ticks_;
  LineReader lines_;
  LobsterStats stats_;
  std::unordered_map<uint64_t, int64_t> live_;  // order id -> visible size left; never output
  int64_t last_ts_ns_ = INT64_MIN;
  std::string_view fields_[6];
  size_t columns_[6] = {1, 1, 1, 1, 1, 1};
};

bool LobsterReader::parse_row(std::string_view line, FeedRecord& out, BadRow& bad) {
  size_t n = 0, start = 0;
  for (;;) {
    const size_t comma = line.find(',', start);
    const std::string_view f = line.substr(start, comma == std::string_view::npos ? line.npos : comma - start);
    if (n < 6) {
      fields_[n] = f;
      columns_[n] = start + 1;
    }
    ++n;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (n != 6) {
    return fail(bad, 6, "wrong_field_count", std::to_string(n) + " fields, expected 6");
  }
  int64_t ts = 0;
  if (!parse_seconds_ns(fields_[0], ts)) {
    return fail(bad, 0, "bad_number", "'" + std::string(fields_[0]) + "' is not seconds.fraction");
  }
  ts += midnight_ns_;
  int64_t v[6] = {};
  for (size_t i = 1; i < 6; ++i) {
    if (!parse_int(fields_[i], v[i])) {
      return fail(bad, i, "bad_number", "'" + std::string(fields_[i]) + "' is not an integer");
    }
  }
  if (v[5] != 1 && v[5] != -1) {
    return fail(bad, 5, "bad_enum", "'" + std::string(fields_[5]) + "' is not 1 or -1");
  }
  BookMessageIn m;
  if (!decode_action(v[1], v[4], m, bad)) return false;
  if (v[1] <= 6 && v[3] <= 0) {
    return fail(bad, 3, "non_positive_size", "size " + std::to_string(v[3]) + " on type " +
                                                 std::to_string(v[1]));
  }
  if (v[2] < 0) return fail(bad, 2, "bad_number", "negative order id " + std::to_string(v[2]));
  if (ts < last_ts_ns_) {
    return fail(bad, 0, "time_backwards", "'" + std::string(fields_[0]) +
                                              "' is before the previous row's time");
  }
  if (v[1] <= 6) {
    Result<int64_t> ticks = ticks_.price(symbol_, Decimal{v[4], scale_});
    if (!ticks.is_ok()) {
      const bool off = ticks.status().message().find("multiple") != std::string::npos;
      return fail(bad, 4, off ? "not_on_tick" : "bad_number", ticks.status().message());
    }
    m.price = Price(ticks.value());
  }
  m.order_id = static_cast<uint64_t>(v[2]);
  m.side = v[5] == 1 ? Side::kBuy : Side::kSell;
  m.qty = Qty(v[3]);
  last_ts_ns_ = ts;
  track(m);
  ++stats_.messages;
  out.ts_ns = ts;
  out.symbol = symbol_;
  out.body = m;
  out.line = lines_.line_number();
  return true;
}

bool LobsterReader::decode_action(int64_t type, int64_t price, BookMessageIn& m, BadRow& bad) {
  if (type >= 1 && type <= 6) {
    m.action = static_cast<BookAction>(type);
    return true;
  }
  if (type != 7) return fail(bad, 1, "unknown_type", "type " + std::to_string(type) + " is not 1..7");
  switch (price) {
    case -1: m.action = BookAction::kHalt; return true;
    case 0: m.action = BookAction::kQuoteResume; return true;
    case 1: m.action = BookAction::kTradeResume; return true;
    default:
      return fail(bad, 4, "bad_enum",
                  "type 7 price " + std::to_string(price) + " is not -1, 0 or 1");
  }
}

// Live ids: added by type 1, gone after a delete or a reduce/execute that leaves nothing.
void LobsterReader::track(const BookMessageIn& m) {
  const char* name = nullptr;
  switch (m.action) {
    case BookAction::kAdd: live_[m.order_id] = m.qty.value(); return;
    case BookAction::kReduce: name = "reduce"; break;
    case BookAction::kDelete: name = "delete"; break;
    case BookAction::kExecute: name = "execute"; break;
    default: return;
  }
  auto it = live_.find(m.order_id);
  if (it == live_.end()) {
    ++stats_.unknown_order_by_action[name];
    return;
  }
  it->second -= m.qty.value();
  if (m.action == BookAction::kDelete || it->second <= 0) live_.erase(it);
}

}  // namespace

Result<std::unique_ptr<RecordReader>> open_lobster_reader(const std::string& path,
                                                          const LobsterOptions& options,
                                                          TickConverter& ticks,
                                                          const LobsterStats** stats_out) {
  std::string symbol = options.symbol, date = options.date;
  std::string name_symbol, name_date;
  symbol_and_date_of(path, name_symbol, name_date);
  if (symbol.empty()) symbol = name_symbol;
  if (date.empty()) date = name_date;
  if (symbol.empty() || date.empty()) {
    return Status::usage(path + ": the file name is not TICKER_YYYY-MM-DD_..._message_N.csv; pass " +
                         (symbol.empty() ? std::string("--symbol") : std::string("--date")) +
                         (symbol.empty() && date.empty() ? " and --date" : ""));
  }
  if (options.price_scale_digits < 0 || options.price_scale_digits > kDecimalScaleMax) {
    return Status::usage("--price-scale " + std::to_string(options.price_scale_digits) +
                         " is outside 0.." + std::to_string(kDecimalScaleMax));
  }
  ASSIGN_OR_RETURN(const int64_t midnight, local_midnight_ns(date, options.tz));
  auto reader = std::make_unique<LobsterReader>(symbol, midnight, options.price_scale_digits, ticks);
  RETURN_IF_ERROR(reader->open(path));
  if (stats_out != nullptr) *stats_out = reader->stats();
  return std::unique_ptr<RecordReader>(std::move(reader));
}

}  // namespace tape
