// Exact decimal numbers for prices and sizes read from text (determinism rule 4: never through a
// double). A Decimal is units / 10^scale; a price becomes ticks by exact division by the tick.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace tape {

inline constexpr int kDecimalScaleMax = 18;

struct Decimal {
  int64_t units = 0;  // the digits without the point: "2.1790" is {21790, 4}
  int scale = 0;      // digits after the point, 0..kDecimalScaleMax
  bool operator==(const Decimal&) const = default;
};

// Parses "[+-]digits[.digits]" (at least one digit; no exponent, no spaces, no thousands
// separators). Trailing zeros are kept in the scale ("1.50" is {150, 2}). Status::invalid with
// a short reason ("not a decimal number", "more than 18 digits after the point", "too large")
// that the caller prefixes with file:line:column.
Result<Decimal> parse_decimal(std::string_view text);

// The same value with trailing fractional zeros removed ({150, 2} -> {15, 1}).
Decimal normalized(Decimal d);

// "2.1790" for {21790, 4}; "-0.5" for {-5, 1}; "3" for {3, 0}.
std::string format_decimal(Decimal d);

// How a value that is not a multiple of the tick becomes ticks. Persisted in a data log's meta
// by name (rounding_name).
enum class Rounding : uint8_t {
  kReject = 0,   // an error (default: nothing is silently altered)
  kNearest = 1,  // to the nearest tick, halves away from zero
  kDown = 2,     // towards minus infinity
  kUp = 3,       // towards plus infinity
};
const char* rounding_name(Rounding r);
// "reject" | "nearest" | "down" | "up"; false for anything else.
bool parse_rounding(std::string_view text, Rounding& out);

// value / tick as an integer number of ticks. `tick` must be positive. Status::invalid with
// reason text "'V' is not a multiple of the tick T" (kReject) or "'V' is out of range".
Result<int64_t> to_ticks(Decimal value, Decimal tick, Rounding rounding);

// ticks x tick, exactly, written with the tick's scale ("45.660000" for tick {1, 6}).
std::string format_ticks(int64_t ticks, Decimal tick);

// Number of digits after the point needed to write `d` exactly (normalized(d).scale).
int significant_scale(Decimal d);

}  // namespace tape
