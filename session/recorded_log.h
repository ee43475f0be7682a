// Opening a recorded log together with the scenario (and so the core config) it was recorded
// with, and its seed.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/config.h"
#include "core/status.h"
#include "sim/scenario.h"
#include "store/event_log.h"

namespace tape {

struct OpenedLog {
  std::unique_ptr<EventLog> log;
  std::unique_ptr<Scenario> scenario;  // parsed from the meta's canonical text
  std::optional<uint64_t> seed;        // the meta's seed, if it has one
  const CoreConfig& config() const { return scenario->core; }
};

// Opens `dir` read-only and rebuilds the CoreConfig from the scenario text in its meta.
Result<OpenedLog> open_recorded_log(const std::string& dir);
// The same for a log already open (read-only) in `dir`.
Result<OpenedLog> open_recorded_log(std::unique_ptr<EventLog> log, const std::string& dir);

}  // namespace tape
