// The summary of a finished (or stopped) `tape run`, and its place in the log's meta.
#pragma once

#include <string>

#include "report/summary.h"
#include "session/run.h"
#include "store/event_log.h"

namespace tape {

// The run's summary: the core's counters, the metrics, complete, the resume figures (when
// `resumed`) and the check's result (when there was one).
Summary run_summary(const RunOutcome& out, const std::string& scenario_name,
                    const std::string& data_dir, uint64_t seed, bool resumed);

// Writes the summary as the log's meta "summary", the last of the end-of-run keys.
Status record_summary(EventLog& log, const Summary& s);

}  // namespace tape
