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
  // A scenario run's scenario parsed from the meta's canonical text; for a backtest's log
  // (session/backtest.h) one holding its name, its core config (plugins loaded and checked
  // against the recorded SHA-256: a different file is Status::mismatch, exit 3) and its config
  // text, with no market model.
  std::unique_ptr<Scenario> scenario;
  bool backtest = false;
  std::optional<uint64_t> seed;        // the meta's seed, if it has one
  const CoreConfig& config() const { return scenario->core; }
};

// Opens `dir` read-only and rebuilds the CoreConfig from the scenario (or backtest) in its meta.
Result<OpenedLog> open_recorded_log(const std::string& dir);
// The same for a log already open (read-only) in `dir`.
Result<OpenedLog> open_recorded_log(std::unique_ptr<EventLog> log, const std::string& dir);

}  // namespace tape
