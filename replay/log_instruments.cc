#include "replay/log_instruments.h"

#include "feed/data_log.h"
#include "replay/data_log_audit.h"
#include "session/backtest.h"
#include "sim/scenario.h"

namespace tape {

Result<InstrumentTable> log_instruments(const EventLog& log) {
  ASSIGN_OR_RETURN(bool data, is_data_log(log));
  if (data) return data_log_instruments(log);
  // A backtest's log carries its data's table.
  ASSIGN_OR_RETURN(bool backtest, is_backtest_log(log));
  if (backtest) return data_log_instruments(log);
  ASSIGN_OR_RETURN(std::optional<std::string> text, log.get_meta(kMetaScenario));
  if (!text) return Status::mismatch(log.dir() + ": log has no scenario in its meta");
  ASSIGN_OR_RETURN(Scenario scenario, parse_scenario_text(*text, log.dir() + " (meta scenario)"));
  return instruments_of(scenario.core.instruments);
}

}  // namespace tape
