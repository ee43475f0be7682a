#include "feed/decimal.h"

#include <limits>

namespace tape {
namespace {

using i128 = __int128;

constexpr int64_t kPow10[kDecimalScaleMax + 1] = {1,
                                                  10,
                                                  100,
                                                  1'000,
                                                  10'000,
                                                  100'000,
                                                  1'000'000,
                                                  10'000'000,
                                                  100'000'000,
                                                  1'000'000'000,
                                                  10'000'000'000,
                                                  100'000'000'000,
                                                  1'000'000'000'000,
                                                  10'000'000'000'000,
                                                  100'000'000'000'000,
                                                  1'000'000'000'000'000,
                                                  10'000'000'000'000'000,
                                                  100'000'000'000'000'000,
                                                  1'000'000'000'000'000'000};

// Floor division for a positive divisor.
i128 floor_div(i128 a, i128 b) {
  i128 q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return q;
}

}  // namespace

Result<Decimal> parse_decimal(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  i128 units = 0;
  int scale = 0;
  int digits = 0;
  bool point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9') return Status::invalid("not a decimal number");
    if (point && ++scale > kDecimalScaleMax) {
      return Status::invalid("more than 18 digits after the point");
    }
    units = units * 10 + (c - '0');
    if (units > std::numeric_limits<int64_t>::max()) return Status::invalid("too large");
    ++digits;
  }
  if (digits == 0) return Status::invalid("not a decimal number");
  return Decimal{static_cast<int64_t>(negative ? -units : units), scale};
}

Decimal normalized(Decimal d) {
  while (d.scale > 0 && d.units % 10 == 0) {
    d.units /= 10;
    --d.scale;
  }
  return d;
}

int significant_scale(Decimal d) { return normalized(d).scale; }

std::string format_decimal(Decimal d) {
  const bool negative = d.units < 0;
  // Through uint64 so that INT64_MIN's magnitude is representable.
  const uint64_t mag = negative ? uint64_t{0} - static_cast<uint64_t>(d.units)
                                : static_cast<uint64_t>(d.units);
  std::string digits = std::to_string(mag);
  if (d.scale > 0) {
    if (digits.size() <= static_cast<size_t>(d.scale)) {
      digits.insert(0, static_cast<size_t>(d.scale) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(d.scale), 1, '.');
  }
  return negative ? "-" + digits : digits;
}

const char* rounding_name(Rounding r) {
  switch (r) {
    case Rounding::kReject: return "reject";
    case Rounding::kNearest: return "nearest";
    case Rounding::kDown: return "down";
    case Rounding::kUp: return "up";
  }
  return "?";
}

bool parse_rounding(std::string_view text, Rounding& out) {
  for (Rounding r : {Rounding::kReject, Rounding::kNearest, Rounding::kDown, Rounding::kUp}) {
    if (text == rounding_name(r)) {
      out = r;
      return true;
    }
  }
  return false;
}

Result<int64_t> to_ticks(Decimal value, Decimal tick, Rounding rounding) {
  if (tick.units <= 0) return Status::invalid("the tick must be positive");
  // Fast path (every price under an auto tick, most under a decimal one): a tick of 10^-s and a
  // value with at most s decimals is an exact int64 multiplication, no 128-bit division.
  if (tick.units == 1 && value.scale <= tick.scale) {
    int64_t q = 0;
    if (!__builtin_mul_overflow(value.units, kPow10[tick.scale - value.scale], &q)) return q;
  }
  // Both on the larger scale: units < 2^63 and 10^18 keep the product inside int128.
  const int scale = value.scale > tick.scale ? value.scale : tick.scale;
  const i128 a = static_cast<i128>(value.units) * kPow10[scale - value.scale];
  const i128 b = static_cast<i128>(tick.units) * kPow10[scale - tick.scale];
  i128 q = floor_div(a, b);
  const i128 rem = a - q * b;
  if (rem != 0) {
    switch (rounding) {
      case Rounding::kReject:
        return Status::invalid("'" + format_decimal(value) + "' is not a multiple of the tick " +
                               format_decimal(tick));
      case Rounding::kDown: break;
      case Rounding::kUp: ++q; break;
      case Rounding::kNearest:
        // Halves away from zero: a positive value's half rounds up, a negative one's down.
        if (2 * rem > b || (2 * rem == b && a > 0)) ++q;
        break;
    }
  }
  if (q > std::numeric_limits<int64_t>::max() || q < std::numeric_limits<int64_t>::min()) {
    return Status::invalid("'" + format_decimal(value) + "' is out of range");
  }
  return static_cast<int64_t>(q);
}

std::string format_ticks(int64_t ticks, Decimal tick) {
  const i128 units = static_cast<i128>(ticks) * tick.units;
  if (units > std::numeric_limits<int64_t>::max() || units < std::numeric_limits<int64_t>::min()) {
    // Beyond int64 units only for absurd prices; write the tick count so nothing is lost.
    return std::to_string(ticks) + "*" + format_decimal(tick);
  }
  return format_decimal(Decimal{static_cast<int64_t>(units), tick.scale});
}

}  // namespace tape
