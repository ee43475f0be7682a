#include "feed/csv_row.h"

namespace tape {
namespace {

using i128 = __int128;

std::string quoted(std::string_view t) { return "'" + std::string(t) + "'"; }

i128 pow10(int n) {
  i128 v = 1;
  while (n-- > 0) v *= 10;
  return v;
}

// Floor of a / b for b > 0.
i128 floor_div(i128 a, i128 b) {
  i128 q = a / b;
  if (a % b != 0 && a < 0) --q;
  return q;
}

bool parse_side(std::string_view t, Side& side) {
  std::string s;
  for (char c : t) s += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  if (s == "B" || s == "BUY" || s == "BOT" || s == "1" || s == "+1") {
    side = Side::kBuy;
    return true;
  }
  if (s == "S" || s == "SELL" || s == "SLD" || s == "-1") {
    side = Side::kSell;
    return true;
  }
  return false;
}

}  // namespace

CsvRow::CsvRow(const CsvReader& csv, const ColumnMap& map, const CsvOptions& options,
               TickConverter& ticks)
    : csv_(csv), map_(map), options_(options), ticks_(ticks) {}

bool CsvRow::fail(CsvCol c, const char* reason, std::string detail) {
  BadRow& b = *bad_;
  b.file = csv_.path();
  b.line = csv_.line();
  const auto& fields = csv_.fields();
  const int i = map_.at(c);
  if (i >= 0 && static_cast<size_t>(i) < fields.size()) {
    b.column = fields[static_cast<size_t>(i)].column;
  } else {  // past the end of the row
    b.column = fields.empty() ? 1 : fields.back().column + fields.back().text.size();
  }
  b.field = i >= 0 ? map_.name(c) : csv_col_name(c);
  b.reason = reason;
  b.detail = std::move(detail);
  return false;
}

void CsvRow::malformed() {
  BadRow& b = *bad_;
  b.file = csv_.path();
  b.line = csv_.line();
  b.column = csv_.bad_column();
  b.field = "row";
  b.reason = csv_.bad_reason();
  b.detail = csv_.bad_detail();
}

const CsvField* CsvRow::field(CsvCol c) {
  const auto& fields = csv_.fields();
  const size_t i = static_cast<size_t>(map_.at(c));
  if (i >= fields.size()) {
    fail(c, "missing_field", "the row has " + std::to_string(fields.size()) + " fields");
    return nullptr;
  }
  if (fields[i].text.empty()) {
    fail(c, "missing_field", "empty");
    return nullptr;
  }
  return &fields[i];
}

SymbolState CsvRow::make_state(const std::string& symbol) const {
  SymbolState s;
  s.symbol = symbol;
  if (!ticks_.scanning()) s.tick = ticks_.tick(symbol);
  if (options_.bar_period_ns >= 0) {
    s.intraday_period_ns = s.daily_period_ns = options_.bar_period_ns;
  } else {
    s.daily_period_ns = kNsPerDay;
    auto it = options_.bar_periods_ns.find(symbol);
    s.intraday_period_ns = it == options_.bar_periods_ns.end() ? 0 : it->second;
  }
  return s;
}

SymbolState* CsvRow::symbol_of_row(std::vector<SymbolState>& states, size_t& last) {
  const CsvField* f = field(CsvCol::kSymbol);
  if (f == nullptr) return nullptr;
  if (last < states.size() && states[last].symbol == f->text) return &states[last];
  for (size_t i = 0; i < states.size(); ++i) {
    if (states[i].symbol == f->text) {
      last = i;
      return &states[i];
    }
  }
  states.push_back(make_state(std::string(f->text)));
  last = states.size() - 1;
  return &states.back();
}

bool CsvRow::timestamp(int64_t& ts, bool& daily) {
  daily = false;
  const CsvCol col = time_col();
  const CsvField* f = field(col);
  if (f == nullptr) return false;
  if (options_.time_format != TimeFormat::kAuto) {
    if (parse_unix_time(f->text, options_.time_format, ts)) return true;
    return fail(col, "bad_time", quoted(f->text) + " is not a " +
                                     time_format_name(options_.time_format) + " time");
  }
  DateTime dt;
  if (!parse_date_time(f->text, options_.date_format, dt)) {
    return fail(col, "bad_time", quoted(f->text) + " is not a date" +
                                     (map_.has(CsvCol::kTime) ? "" : " or date-time") + " (" +
                                     date_format_name(options_.date_format) + ")");
  }
  if (map_.has(CsvCol::kTime)) {
    const CsvField* t = field(CsvCol::kTime);
    if (t == nullptr) return false;
    int64_t tod = 0;
    if (dt.has_time || !parse_time_of_day(t->text, tod)) {
      return fail(CsvCol::kTime, "bad_time", quoted(t->text) + " is not a time (HH:MM[:SS[.f]])");
    }
    dt.local_ns += tod;
    dt.has_time = true;
  }
  if (dt.has_offset) {
    ts = dt.local_ns - dt.offset_ns;
    return true;
  }
  const TimeZone& tz = options_.tz;
  if (!dt.has_time && options_.kind == CsvKind::kBars) {
    daily = true;
    if (options_.daily_close_ns < 0) {
      ts = tz.first_instant_at_or_after(dt.local_ns + kNsPerDay);
      return true;
    }
    dt.local_ns += options_.daily_close_ns;
  }
  if (tz.to_utc(dt.local_ns, ts)) return true;
  return fail(col, "bad_time", "local time " + format_utc(dt.local_ns).substr(0, 19) +
                                   " does not exist in " + tz.name() +
                                   " (the clocks were set forward)");
}

bool CsvRow::decimal(CsvCol c, Decimal& d) {
  const CsvField* f = field(c);
  if (f == nullptr) return false;
  if (!scan_decimal(f->text, d)) {
    Result<Decimal> r = parse_decimal(f->text);
    if (!r.is_ok()) return fail(c, "bad_number", quoted(f->text) + ": " + r.status().message());
    d = r.value();
  }
  return true;
}

bool CsvRow::ticks_of(CsvCol c, const SymbolState& s, Decimal d, int64_t& ticks) {
  if (options_.price_scale != 0) {
    d.scale += options_.price_scale;
    if (d.scale > kDecimalScaleMax) {
      return fail(c, "bad_number", "more than 18 digits after the point with --price-scale");
    }
  }
  // Fast path of to_ticks (a 10^-s tick, a value with at most s decimals): one multiplication.
  static constexpr int64_t kPow10[] = {1, 10, 100, 1'000, 10'000, 100'000, 1'000'000,
                                       10'000'000, 100'000'000, 1'000'000'000};
  if (!ticks_.scanning() && s.tick.units == 1 && d.scale <= s.tick.scale &&
      s.tick.scale - d.scale < 10 &&
      !__builtin_mul_overflow(d.units, kPow10[s.tick.scale - d.scale], &ticks)) {
    return true;
  }
  Result<int64_t> r = ticks_.scanning() ? ticks_.price(s.symbol, d)
                                        : to_ticks(d, s.tick, ticks_.rounding());
  if (r.is_ok()) {
    ticks = r.value();
    return true;
  }
  const std::string& m = r.status().message();
  return fail(c, m.find("multiple") != std::string::npos ? "not_on_tick" : "bad_number", m);
}

bool CsvRow::price(CsvCol c, const SymbolState& s, int64_t& ticks) {
  Decimal d;
  return decimal(c, d) && ticks_of(c, s, d, ticks);
}

// v x adj / close in ticks, exactly, then rounded with the converter's policy.
bool CsvRow::adjusted_price(CsvCol c, const SymbolState& s, Decimal v, Decimal adj,
                            Decimal close, int64_t& ticks) {
  if (close.units <= 0) return fail(CsvCol::kClose, "bad_number", "close must be positive to adjust");
  if (ticks_.scanning()) return ticks_of(c, s, v, ticks);
  // ticks = (v x adj / close) / 10^price_scale / tick, all over integers.
  const Decimal tick = s.tick;
  const int den_scale = v.scale + adj.scale + options_.price_scale;
  if (den_scale > 38) return fail(c, "bad_number", "adjusted price out of range");
  i128 num = 0, den = 0;
  const i128 a = static_cast<i128>(v.units) * adj.units;
  const i128 b = pow10(close.scale) * pow10(tick.scale);
  const i128 d1 = static_cast<i128>(close.units) * tick.units;
  const i128 d2 = pow10(den_scale);
  if (__builtin_mul_overflow(a, b, &num) || __builtin_mul_overflow(d1, d2, &den)) {
    return fail(c, "bad_number", "adjusted price out of range");
  }
  i128 q = floor_div(num, den);
  const i128 rem = num - q * den;
  if (rem != 0) {
    switch (ticks_.rounding()) {
      case Rounding::kReject:
        return fail(c, "not_on_tick", "adjusted price is not a multiple of the tick " +
                                          format_decimal(s.tick) + " (use --round)");
      case Rounding::kDown: break;
      case Rounding::kUp: ++q; break;
      case Rounding::kNearest:
        if (2 * rem > den || (2 * rem == den && num > 0)) ++q;
        break;
    }
  }
  if (q > std::numeric_limits<int64_t>::max() || q < std::numeric_limits<int64_t>::min()) {
    return fail(c, "bad_number", "adjusted price out of range");
  }
  ticks = static_cast<int64_t>(q);
  return true;
}

bool CsvRow::size(CsvCol c, int64_t& lots) {
  Decimal d;
  if (!decimal(c, d)) return false;
  const std::string_view text = csv_.fields()[static_cast<size_t>(map_.at(c))].text;
  if (d.units < 0) return fail(c, "negative_size", quoted(text) + " is negative");
  d = normalized(d);
  if (d.scale != 0) return fail(c, "fractional_size", quoted(text) + " is not a whole number");
  if (d.units % options_.lot_size != 0) {
    return fail(c, "not_on_lot", quoted(text) + " is not a multiple of the lot size " +
                                     std::to_string(options_.lot_size));
  }
  lots = d.units / options_.lot_size;
  return true;
}

bool CsvRow::bar(const SymbolState& s, int64_t /*ts*/, bool daily, InputBody& body) {
  BarIn bar;
  int64_t o = 0, h = 0, l = 0, c = 0, v = 0;
  if (options_.adjusted) {
    Decimal od, hd, ld, cd, ad;
    if (!decimal(CsvCol::kOpen, od) || !decimal(CsvCol::kHigh, hd) ||
        !decimal(CsvCol::kLow, ld) || !decimal(CsvCol::kClose, cd) ||
        !decimal(CsvCol::kAdjClose, ad))
      return false;
    if (!adjusted_price(CsvCol::kOpen, s, od, ad, cd, o) ||
        !adjusted_price(CsvCol::kHigh, s, hd, ad, cd, h) ||
        !adjusted_price(CsvCol::kLow, s, ld, ad, cd, l) || !ticks_of(CsvCol::kAdjClose, s, ad, c))
      return false;
  } else if (!price(CsvCol::kOpen, s, o) || !price(CsvCol::kHigh, s, h) ||
             !price(CsvCol::kLow, s, l) || !price(CsvCol::kClose, s, c)) {
    return false;
  }
  if (map_.has(CsvCol::kVolume) && !size(CsvCol::kVolume, v)) return false;
  if (h < l || o < l || o > h || c < l || c > h) return range_error(h < l, o < l || o > h);
  bar.open = Price(o);
  bar.high = Price(h);
  bar.low = Price(l);
  bar.close = Price(c);
  bar.volume = Qty(v);
  bar.period_ns = daily ? s.daily_period_ns : s.intraday_period_ns;
  body = bar;
  return true;
}

// The row's own text of the prices (adjusted ones are checked after scaling).
bool CsvRow::range_error(bool high_below_low, bool open_outside) {
  const auto text = [this](CsvCol c) {
    return std::string(csv_.fields()[static_cast<size_t>(map_.at(c))].text);
  };
  const std::string range = "[" + text(CsvCol::kLow) + ", " + text(CsvCol::kHigh) + "]";
  const std::string adj = options_.adjusted ? " (after adjusting)" : "";
  if (high_below_low) {
    return fail(CsvCol::kHigh, "high_below_low",
                "high " + text(CsvCol::kHigh) + " is below low " + text(CsvCol::kLow) + adj);
  }
  if (open_outside) {
    return fail(CsvCol::kOpen, "open_outside_range",
                "open " + text(CsvCol::kOpen) + " is outside " + range + adj);
  }
  const CsvCol close = options_.adjusted ? CsvCol::kAdjClose : CsvCol::kClose;
  return fail(close, "close_outside_range", "close " + text(close) + " is outside " + range + adj);
}

bool CsvRow::quote(const SymbolState& s, InputBody& body) {
  int64_t bid = 0, ask = 0, bid_qty = 1, ask_qty = 1;
  if (!price(CsvCol::kBid, s, bid) || !price(CsvCol::kAsk, s, ask)) return false;
  if (map_.has(CsvCol::kBidSize) && !size(CsvCol::kBidSize, bid_qty)) return false;
  if (map_.has(CsvCol::kAskSize) && !size(CsvCol::kAskSize, ask_qty)) return false;
  body = QuoteIn{InstrumentId(0), Price(bid), Qty(bid_qty), Price(ask), Qty(ask_qty)};
  return true;
}

bool CsvRow::trade(const SymbolState& s, InputBody& body) {
  int64_t px = 0, qty = 0;
  if (!price(CsvCol::kPrice, s, px) || !size(CsvCol::kSize, qty)) return false;
  Side side = Side::kBuy;
  if (map_.has(CsvCol::kSide)) {
    const CsvField* f = field(CsvCol::kSide);
    if (f == nullptr) return false;
    if (!parse_side(f->text, side)) {
      return fail(CsvCol::kSide, "bad_side", quoted(f->text) + " is not a side (B/BUY/1, S/SELL/-1)");
    }
  }
  body = TradeIn{InstrumentId(0), Price(px), Qty(qty), side};
  return true;
}

bool CsvRow::backwards(int64_t ts, int64_t last_ts) {
  return fail(time_col(), "time_backwards",
              format_utc(ts) + " is before the previous row's " + format_utc(last_ts));
}

bool CsvRow::duplicate(int64_t ts) {
  return fail(time_col(), "duplicate_timestamp",
              "a bar for this symbol at " + format_utc(ts) + " is already in the file");
}

}  // namespace tape
