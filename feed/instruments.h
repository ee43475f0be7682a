// The instruments of a log as a person reads them: symbol, tick size, lot size. A data log
// stores them in meta "instruments" (InstrumentId = index in the array); for a run log they
// come from its scenario. inspect prints prices and sizes through them.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "feed/decimal.h"

namespace tape {

struct InstrumentSpec {
  std::string symbol;
  Decimal tick_size{1, 2};  // currency units per tick. Default 0.01.
  int64_t lot_size = 1;     // units per lot (sizes in a log are lots). Default 1.
  bool operator==(const InstrumentSpec&) const = default;
};

using InstrumentTable = std::vector<InstrumentSpec>;

// meta "instruments": a JSON array of {"symbol": S, "tick_size": "0.01", "lot_size": 1}; the
// tick size is a string so that it stays an exact decimal.
std::string instruments_json(const InstrumentTable& table);
// Status::invalid naming the field (and meta "instruments") when the text is not such an array.
Result<InstrumentTable> parse_instruments_json(const std::string& text);

// A core's instruments: tick size = tick_value / money_scale (scenarios: kMoneyScale).
InstrumentTable instruments_of(const std::vector<InstrumentConfig>& instruments,
                               int64_t money_scale = kMoneyScale);

// The least power of ten >= kMoneyScale (at most kMoneyScaleMax) that makes every instrument's
// tick x lot a whole number of money units, so that every notional is exact (Yahoo's adjusted
// prices have 6 decimals: 10^6). Status::invalid naming the instrument when there is none.
inline constexpr int64_t kMoneyScaleMax = 1'000'000'000;
Result<int64_t> money_scale_for(const InstrumentTable& table);

// The core's config of `spec` at `money_scale` (money minor units per currency unit):
// tick_value = tick x money_scale when that is whole (lot_size kept), else tick x lot x
// money_scale with lot 1 (the core values notionals only through that product, so they stay
// exact); Status::invalid naming `where` when neither is whole or the instrument is outside the
// core's bounds (core/bounds.h).
Result<InstrumentConfig> instrument_at_scale(const InstrumentSpec& spec, int64_t money_scale,
                                             const std::string& where);

// The price `ticks` of instrument `spec` as an exact decimal ("45.660000" for tick 0.000001).
std::string format_price(int64_t ticks, const InstrumentSpec& spec);

}  // namespace tape
