#include "session/recorded_log.h"

#include "session/backtest.h"
#include "sim/scenario.h"

namespace tape {

Result<OpenedLog> open_recorded_log(const std::string& dir) {
  ASSIGN_OR_RETURN(std::unique_ptr<EventLog> log, EventLog::open(dir, /*read_only=*/true));
  return open_recorded_log(std::move(log), dir);
}

Result<OpenedLog> open_recorded_log(std::unique_ptr<EventLog> log, const std::string& dir) {
  OpenedLog out;
  out.log = std::move(log);
  ASSIGN_OR_RETURN(out.backtest, is_backtest_log(*out.log));
  if (out.backtest) {
    ASSIGN_OR_RETURN(OpenedBacktest opened, open_backtest_config(*out.log));
    auto scenario = std::make_unique<Scenario>();
    scenario->name = opened.config.name;
    scenario->canonical_toml = opened.config.canonical_toml;
    scenario->core = std::move(opened.resolved.core);
    out.scenario = std::move(scenario);
    return out;
  }
  ASSIGN_OR_RETURN(std::optional<std::string> text, out.log->get_meta("scenario"));
  // A missing or malformed required meta key is corruption (exit 3), as audit reports it.
  if (!text) return Status::mismatch(dir + ": log has no scenario in its meta");
  ASSIGN_OR_RETURN(Scenario scenario, parse_scenario_text(*text, dir + " (meta scenario)"));
  out.scenario = std::make_unique<Scenario>(std::move(scenario));
  ASSIGN_OR_RETURN(std::optional<std::string> seed, out.log->get_meta("seed"));
  if (seed) {
    char* end = nullptr;
    const uint64_t value = std::strtoull(seed->c_str(), &end, 10);
    if (seed->empty() || *end != '\0') {
      return Status::mismatch(dir + ": meta seed '" + *seed + "' is not a number");
    }
    out.seed = value;
  }
  return out;
}

}  // namespace tape
