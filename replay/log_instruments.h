// The instruments of any log, as a person reads them: a data log's meta "instruments", or a
// run's scenario (tick size = tick_value / kMoneyScale). inspect and report print through them.
#pragma once

#include <string>

#include "core/codec.h"
#include "feed/instruments.h"
#include "store/event_log.h"

namespace tape {

// Status::mismatch naming the key when the meta it comes from is missing or malformed (a log
// that lost its instruments is corrupt, exit 3).
Result<InstrumentTable> log_instruments(const EventLog& log);

// Prices as exact decimals with the instrument's tick, money in currency units (kMoneyScale),
// instruments by symbol, times in ISO 8601 (UTC). An id outside the table shows as "#id" with raw ticks.
class TableFormat final : public ValueFormat {
 public:
  explicit TableFormat(InstrumentTable table) : table_(std::move(table)) {}
  std::string symbol(InstrumentId instrument) const override;
  std::string price(InstrumentId instrument, int64_t ticks) const override;
  std::string money(int64_t minor_units) const override;
  std::string time(int64_t ts_ns) const override;  // ISO 8601 UTC, to the ns
  const InstrumentTable& table() const { return table_; }

 private:
  InstrumentTable table_;
};

}  // namespace tape
