// Running a sweep's runs (all of them, or one shard's) on this machine, `jobs` at a time. Each
// run is its own process, `tape backtest CONFIG --out DIR/runs/<id> --set ...` (DESIGN section
// 10: runs are processes, never threads of one run), so one run's crash, memory or plugin cannot
// touch another's and a run's result does not depend on where or beside what it ran.
//
// For each run in index order: take its lock (a run locked by another process, a concurrent
// shard or sweep, is left to it); skip it when it is finished (run_state.h: done, complete, audits
// clean at its chain head); otherwise remove whatever a killed attempt left, mark it running and
// start it. When a backtest exits its state becomes done (with the chain head its summary.json
// names) or failed (with its exit code and error).
//
// The children die with the driver (PR_SET_PDEATHSIG), so a killed sweep leaves no run going on
// unsupervised; the next sweep finds their state "running" with no lock held and restarts them.
#pragma once

#include <csignal>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "sweep/plan.h"

namespace tape {

// Limit on backtests at once, in one sweep process (--jobs, --jobs-per-task).
inline constexpr size_t kJobsMax = 256;

struct RunnerOptions {
  std::string out_dir;  // Required. Absolute.
  // Default: 1. Backtests running at once (clamped to [1, kJobsMax]).
  size_t jobs = 1;
  // Default: every run. The runs with index % shard.count == shard.index.
  Shard shard;
  // Default: this process's own binary, so the runs are the same build as the sweep.
  std::string tape_binary = "/proc/self/exe";
  // Default: false. One progress line on stderr (callers pass isatty(stderr)).
  bool progress = false;
  // Default: none. When it becomes non-zero no run is started and running ones are stopped.
  const volatile std::sig_atomic_t* stop = nullptr;
};

struct RunnerReport {
  size_t selected = 0;         // runs in this shard
  size_t already_finished = 0; // skipped: finished before
  size_t ran = 0;              // started here
  size_t done = 0;             // of those, finished
  size_t busy = 0;             // left to another process holding their lock
  bool interrupted = false;
  int worst_exit = 0;          // the highest exit code among failed runs (a signal counts 4)
  std::vector<std::pair<size_t, std::string>> failed;  // index, error
  std::vector<std::pair<size_t, std::string>> redone;  // index, why its old result was not kept
  double elapsed_s = 0;
};

// Writes DIR/sweep.json when absent. When present it must hold the same runs, unless
// `replace` (a local sweep may change its file; a shard must not run another plan than its
// siblings): Status::invalid naming both.
Status prepare_sweep_dir(const SweepPlan& plan, const std::string& out, bool replace);

Result<RunnerReport> run_sweep(const SweepPlan& plan, const RunnerOptions& options);

// CPUs this process may use: SLURM_CPUS_PER_TASK when set, else its affinity mask's size.
size_t default_jobs();

}  // namespace tape
