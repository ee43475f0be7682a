// A scenario run as a session: the scenario's generator is the source, the log the store. Owns
// the run's meta (scenario, seed, the end-of-run keys) and the resume rules: a resumed run must
// be the same scenario and seed, and a finished run has nothing to resume.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "session/run_metrics.h"
#include "session/session.h"
#include "session/session_loop.h"
#include "sim/scenario.h"
#include "store/event_log.h"

namespace tape {

// Makes the run's InputCheck once its core is built (`resumed`: restored from the log).
using CheckFactory =
    std::function<Result<std::unique_ptr<InputCheck>>(const Core& core, bool resumed)>;

struct RunOptions {
  uint64_t seed = 1;
  // Continue a killed or interrupted run recorded in the log (session/session.h).
  bool resume = false;
  // The pacing, probes, progress, stop and trace of the loop (duration_ns and check are set
  // from the scenario and `make_check`).
  LoopOptions loop;
  // Default: none. The check after every input (the CLI's --check-invariants).
  CheckFactory make_check;
};

struct RunOutcome {
  SessionState state;  // the final state (core, source, sequencer) and where it resumed from
  RunMetrics metrics;
  std::unique_ptr<InputCheck> check;  // the check, if one was made
  std::string state_hash;
  std::string chain_head;   // after the run's last batch
  bool interrupted = false; // stopped before the scenario's end
  bool check_failed = false;
  bool complete() const { return !interrupted && !check_failed; }
};

// Runs `scenario` recording into `log` (empty, or with `resume` the log of the same scenario and
// seed). Writes the final state_hash, ts_last and complete into the log's meta (the summary,
// which follows them, is report/'s). Errors are I/O or config problems; a failed check is
// reported in the outcome (the log holds everything up to and including the failing input).
Result<RunOutcome> run_scenario(const Scenario& scenario, EventLog& log, const RunOptions& options);

// The run's meta before its first input. The scenario text goes last: a log that has it has all
// of the run's meta, so a run killed between these writes is seen as never started.
Status write_run_meta(EventLog& log, const Scenario& scenario, uint64_t seed);

// The scenario and seed recorded in `log` (in `dir`) must be the ones named.
Status check_same_run(const EventLog& log, const std::string& dir, const Scenario& named,
                      uint64_t seed);

// A finished run's end as its meta records it.
struct FinishedRunMeta {
  uint64_t seq_last = 0;
  std::string state_hash;
  std::string chain_head;
};
// Whether the run in `dir` is finished (nullopt: not finished, or not openable read-only, which
// the resume's own open explains). Opened read-only, so not even RocksDB's files change.
Result<std::optional<FinishedRunMeta>> finished_run(const std::string& dir, const LogOptions& lo,
                                                     const Scenario& named, uint64_t seed);

// Opens the log a killed or interrupted run left in `dir`, recorded from the same run.
Result<std::unique_ptr<EventLog>> open_for_resume(const std::string& dir, const LogOptions& lo,
                                                  const Scenario& named, uint64_t seed);

}  // namespace tape
