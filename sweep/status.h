// What a sweep's output dir says about its runs (`tape sweep status DIR`), read from the dir
// alone, so it works from any node that sees a shared output dir. Fast: no log is opened (collect
// audits; status reads the state files and probes the locks).
//
// A run is
//   done         its state says so (collect audits it before counting it)
//   failed       its backtest exited non-zero (exit code and error recorded)
//   running      a process holds its lock
//   interrupted  stopped by a signal to the sweep, or its state says running with no lock held
//                (its sweep or node died): the next sweep or shard restarts it
//   pending      never started
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "feed/json.h"
#include "sweep/plan.h"
#include "sweep/run_state.h"

namespace tape {

struct RunStatus {
  const PlannedRun* run = nullptr;
  std::string state;               // done, failed, running, interrupted, pending
  std::optional<RunState> recorded;
  int64_t lock_pid = 0;
};

struct SweepStatus {
  SweepPlan plan;
  std::vector<RunStatus> runs;  // in plan order
  size_t done = 0, failed = 0, running = 0, interrupted = 0, pending = 0;
  Json slurm;                   // DIR/submit.json's jobs, if any (null otherwise)
};

// DIR/sweep.json as a plan. Status::invalid when DIR holds no sweep.
Result<SweepPlan> read_sweep_plan(const std::string& out);

// `status` must be filled from `status.plan` (the RunStatus point into it): use sweep_status.
Result<SweepStatus> sweep_status(const std::string& out);

Json status_to_json(const SweepStatus& s, const std::string& out);

}  // namespace tape
