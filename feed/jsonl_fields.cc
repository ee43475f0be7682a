#include "feed/jsonl_fields.h"

#include <date/date.h>

#include <limits>

namespace tape {

using Kind = JsonField::Kind;

bool parse_iso_ns(std::string_view s, int64_t& ns) {
  auto digits = [&](size_t at, size_t n, int& out) {
    if (at + n > s.size()) return false;
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, sec;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
      s[13] != ':' || s[16] != ':' || !digits(0, 4, y) || !digits(5, 2, mo) || !digits(8, 2, d) ||
      !digits(11, 2, h) || !digits(14, 2, mi) || !digits(17, 2, sec)) {
    return false;
  }
  const date::year_month_day ymd{date::year{y}, date::month(unsigned(mo)), date::day(unsigned(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return false;
  size_t i = 19;
  int64_t frac = 0;
  if (s[i] == '.') {
    size_t n = 0;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++n) {
      if (n == 9) return false;
      frac = frac * 10 + (s[i] - '0');
    }
    if (n == 0) return false;
    for (; n < 9; ++n) frac *= 10;
  }
  int64_t offset_s = 0;
  if (i < s.size() && s[i] == 'Z') {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const int64_t sign = s[i] == '-' ? -1 : 1;
    int oh, om;
    const bool colon = i + 3 < s.size() && s[i + 3] == ':';
    if (!digits(i + 1, 2, oh) || !digits(i + (colon ? 4 : 3), 2, om) || oh > 23 || om > 59) {
      return false;
    }
    offset_s = sign * (oh * 3600 + om * 60);
    i += colon ? 6 : 5;
  } else {
    return false;  // a local time without a zone is ambiguous
  }
  if (i != s.size()) return false;
  const int64_t days = date::sys_days(ymd).time_since_epoch().count();
  // Seconds of years 0000..9999 fit easily; their ns do not (int64 ns end in 1677 and 2262):
  // a time outside that range is refused, never wrapped.
  const int64_t secs = (days * 86'400 + h * 3600 + mi * 60 + sec) - offset_s;
  int64_t out = 0;
  if (__builtin_mul_overflow(secs, int64_t{1'000'000'000}, &out) ||
      __builtin_add_overflow(out, frac, &out)) {
    return false;
  }
  ns = out;
  return true;
}

bool parse_number_text(const std::string& text, Decimal& out) {
  const size_t e = text.find_first_of("eE");
  Result<Decimal> mantissa = parse_decimal(std::string_view(text).substr(0, e));
  if (!mantissa.is_ok()) return false;
  Decimal d = mantissa.value();
  if (e == std::string::npos) {
    out = d;
    return true;
  }
  int exp = 0;
  try {
    exp = std::stoi(text.substr(e + 1));
  } catch (const std::exception&) {
    return false;
  }
  if (exp > 40 || exp < -40) return false;
  int scale = d.scale - exp;
  for (; scale < 0; ++scale) {
    if (d.units > std::numeric_limits<int64_t>::max() / 10 ||
        d.units < std::numeric_limits<int64_t>::min() / 10) {
      return false;
    }
    d.units *= 10;
  }
  if (scale > kDecimalScaleMax) return false;
  out = Decimal{d.units, scale};
  return true;
}


bool JsonlLine::integer(const JsonField* f, int64_t lo, uint64_t hi, bool size, int64_t& out) {
  if (f->kind == Kind::kFloat) return fail(f, f->key, "bad_number", "'" + f->text + "' is not an integer");
  if (f->kind != Kind::kInteger && f->kind != Kind::kUnsigned) return wrong_type(f, "an integer");
  if (f->kind == Kind::kInteger && f->i < lo) {
    if (size) return fail(f, f->key, "negative_size", std::to_string(f->i) + " is negative");
    return fail(f, f->key, "bad_number", std::to_string(f->i) + " is below " + std::to_string(lo));
  }
  if (f->kind == Kind::kUnsigned && f->u > hi) {
    return fail(f, f->key, "bad_number", std::to_string(f->u) + " is above " + std::to_string(hi));
  }
  out = f->kind == Kind::kInteger ? f->i : static_cast<int64_t>(f->u);
  return true;
}

bool JsonlLine::price(std::string_view key, const std::string& symbol, TickConverter& ticks,
                      Price& out) {
  const JsonField* f = need(key);
  if (f == nullptr) return false;
  Decimal d;
  switch (f->kind) {
    case Kind::kString: {
      Result<Decimal> r = parse_decimal(f->text);
      if (!r.is_ok()) return fail(f, key, "bad_number", "'" + f->text + "': " + r.status().message());
      d = r.value();
      break;
    }
    case Kind::kInteger: d = Decimal{f->i, 0}; break;
    case Kind::kUnsigned:
      if (f->u > uint64_t(std::numeric_limits<int64_t>::max())) {
        return fail(f, key, "bad_number", std::to_string(f->u) + " is too large");
      }
      d = Decimal{int64_t(f->u), 0};
      break;
    case Kind::kFloat:
      if (!parse_number_text(f->text, d)) {
        return fail(f, key, "bad_number", "'" + f->text + "' is not an exact decimal in range");
      }
      break;
    default: return wrong_type(f, "a decimal string or number");
  }
  Result<int64_t> t = ticks.price(symbol, d);
  if (!t.is_ok()) {
    const bool off = t.status().message().find("multiple") != std::string::npos;
    return fail(f, key, off ? "not_on_tick" : "bad_number", t.status().message());
  }
  out = Price(t.value());
  return true;
}

}  // namespace tape
