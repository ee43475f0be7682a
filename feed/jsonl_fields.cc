#include "feed/jsonl_fields.h"

#include <limits>

#include "feed/time_parse.h"

namespace tape {

using Kind = JsonField::Kind;

bool parse_iso_ns(std::string_view s, int64_t& ns) {
  // The CSV readers' date-time parser (feed/time_parse.h); here the zone is required, since a
  // local time without one is ambiguous. An instant outside int64 ns is refused, never wrapped.
  DateTime dt;
  if (!parse_date_time(s, DateFormat::kYmd, dt) || !dt.has_time || !dt.has_offset) return false;
  return !__builtin_sub_overflow(dt.local_ns, dt.offset_ns, &ns);
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

bool JsonlLine::boolean(const JsonField* f, bool& out) {
  if (f->kind != Kind::kBool) return wrong_type(f, "true or false");
  out = f->b;
  return true;
}

bool JsonlLine::time_ns(const JsonField* f, int64_t& out) {
  if (f->kind != Kind::kString) {
    return integer(f, std::numeric_limits<int64_t>::min(),
                   uint64_t(std::numeric_limits<int64_t>::max()), false, out);
  }
  if (parse_iso_ns(f->text, out)) return true;
  return fail(f, f->key, "bad_time",
              "'" + f->text + "' is not YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM)");
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
