// Opening a recorded log together with the core config it was recorded with.
#pragma once

#include <memory>
#include <string>

#include "core/config.h"
#include "core/status.h"
#include "store/event_log.h"

namespace tape {

struct OpenedLog {
  std::unique_ptr<EventLog> log;
  CoreConfig config;
  std::string scenario_name;
  uint64_t seed = 0;
};

// Opens `dir` read-only and rebuilds the CoreConfig from the scenario text in its meta.
Result<OpenedLog> open_recorded_log(const std::string& dir);

}  // namespace tape
