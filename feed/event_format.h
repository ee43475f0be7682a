// Events as a person (and a JSON reader) sees them: instruments by symbol, prices at their
// tick as exact decimals, money in currency units, times in ISO 8601. One field list for every
// rendering (core/codec.h fields_of): inspect's text and JSON, and the JSON lines `tape import
// --format jsonl` reads back (feed/jsonl_reader.h).
#pragma once

#include "feed/json.h"

#include "core/codec.h"
#include "feed/instruments.h"

namespace tape {

// An id outside the table shows as "#id" with raw ticks. With `with_time` false the "ts" field
// is left out (the JSON-lines form carries "ts_ns" alone).
class InstrumentFormat final : public ValueFormat {
 public:
  // Money is written at the table's money scale (money_scale_for: a scenario's table gives
  // kMoneyScale, Yahoo's 6-decimal ticks 10^6), so a log's money reads in currency units.
  explicit InstrumentFormat(InstrumentTable table, bool with_time = true);
  std::string symbol(InstrumentId instrument) const override;
  std::string price(InstrumentId instrument, int64_t ticks) const override;
  std::string money(int64_t minor_units) const override;
  std::string time(int64_t ts_ns) const override;  // ISO 8601 UTC to the ns; "" without time
  const InstrumentTable& table() const { return table_; }

 private:
  InstrumentTable table_;
  bool with_time_;
  int money_decimals_ = 4;
};

// {"seq":..,"ts_ns":..,"type":"..",...} in the fields' order; strings escaped by the library.
Json event_json(const EventFields& fields);

}  // namespace tape
