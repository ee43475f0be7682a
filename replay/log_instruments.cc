#include "replay/log_instruments.h"

#include "feed/data_log.h"
#include "feed/time_parse.h"
#include "replay/data_log_audit.h"
#include "sim/scenario.h"

namespace tape {

Result<InstrumentTable> log_instruments(const EventLog& log) {
  ASSIGN_OR_RETURN(bool data, is_data_log(log));
  if (data) return data_log_instruments(log);
  ASSIGN_OR_RETURN(std::optional<std::string> text, log.get_meta(kMetaScenario));
  if (!text) return Status::mismatch(log.dir() + ": log has no scenario in its meta");
  ASSIGN_OR_RETURN(Scenario scenario, parse_scenario_text(*text, log.dir() + " (meta scenario)"));
  return instruments_of(scenario.core.instruments);
}

std::string TableFormat::symbol(InstrumentId instrument) const {
  if (instrument.value() >= table_.size()) return "#" + std::to_string(instrument.value());
  return table_[instrument.value()].symbol;
}

std::string TableFormat::price(InstrumentId instrument, int64_t ticks) const {
  if (instrument.value() >= table_.size()) return std::to_string(ticks);
  return format_price(ticks, table_[instrument.value()]);
}

std::string TableFormat::money(int64_t minor_units) const {
  static_assert(kMoneyScale == 10'000, "money is written with 4 decimals");
  return format_decimal(Decimal{minor_units, 4});
}

std::string TableFormat::time(int64_t ts_ns) const { return format_utc(ts_ns); }

}  // namespace tape
