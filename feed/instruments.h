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

// A scenario's instruments: tick size = tick_value / kMoneyScale.
InstrumentTable instruments_of(const std::vector<InstrumentConfig>& instruments);

// The price `ticks` of instrument `spec` as an exact decimal ("45.660000" for tick 0.000001).
std::string format_price(int64_t ticks, const InstrumentSpec& spec);

}  // namespace tape
