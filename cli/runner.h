// The runner: drives a scenario from the generator through the sequencer into the core and the
// log. It owns everything non-deterministic about a run (wall-clock latency, pacing), which is
// why it lives outside core/.
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "cli/pacer.h"
#include "report/summary.h"
#include "session/run_metrics.h"
#include "replay/invariants.h"
#include "sim/scenario.h"
#include "store/event_log.h"

namespace tape {

struct RunOptions {
  uint64_t seed = 1;
  bool check_invariants = false;  // run the invariant checker after every input
  Pace pace;
  // Default: 16. Every this many inputs one is timed per stage (0 = never).
  uint32_t stage_sample_every = 16;
  bool show_progress = true;
  // Continue a killed or interrupted run recorded in the log (see cli/recovery.h).
  bool resume = false;
  // Polled between inputs; when it turns true the run stops cleanly: the recorder is flushed
  // and a final snapshot written (SIGINT/SIGTERM). Not owned; may be null.
  const std::atomic<bool>* stop = nullptr;
  // Test aid (fault harness): when set, the last durably written seq is appended to this file
  // each time it advances, so a harness that kills the run knows what must survive.
  std::string durable_trace;
};

struct RunOutcome {
  Summary summary;
  RunMetrics metrics;
  std::optional<InvariantBreach> breach;  // set when the invariant checker stopped the run
  bool interrupted = false;               // stopped by `stop` before the scenario's end
};

// Runs `scenario` recording into `log` (empty, or with `resume` the log of the same scenario and
// seed). Takes a snapshot every snapshot.every_events inputs. Writes the final state hash and
// summary into the log's meta. Errors are I/O or config problems; an invariant breach is
// reported in the outcome (the log holds everything up to and including the breaching input).
Result<RunOutcome> run_scenario(const Scenario& scenario, EventLog& log, const RunOptions& options);

}  // namespace tape
