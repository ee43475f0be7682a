// `tape sweep submit`: the sweep as a Slurm array job. The script runs task I as
//   tape sweep SWEEP.toml --out DIR --shard I/T --jobs J      (I = $SLURM_ARRAY_TASK_ID)
// so every task runs the runs with index % T == I, each resumable as any sweep's; DIR must be
// on a file system every node sees. Written to DIR/slurm/<name>.sbatch, submitted with
// `sbatch --parsable`, and recorded in DIR/submit.json for `tape sweep status`.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/status.h"
#include "sweep/plan.h"

namespace tape {

// Default limit on array tasks: Slurm's default MaxArraySize is 1001 (indices 0..1000).
inline constexpr size_t kArrayTasksMax = 1000;

struct SubmitOptions {
  std::string out;               // Required. Absolute.
  // Default: 0 (no limit). At most this many tasks at once (--array=...%K).
  size_t max_parallel = 0;
  // Default: 0 = one task per run, at most kArrayTasksMax (then runs share tasks).
  size_t tasks = 0;
  // Default: 1. Runs at once inside a task (its --jobs and --cpus-per-task).
  size_t jobs_per_task = 1;
  std::string sbatch = "sbatch";          // the sbatch to call (PATH lookup)
  std::vector<std::string> sbatch_args;   // passed to sbatch before the script
  bool dry_run = false;                   // write the script, do not submit
  std::string tape_binary;                // Required. Absolute path the tasks run.
};

struct SubmitReport {
  std::string script;  // its path
  std::string job_id;  // empty for a dry run
  size_t tasks = 0;
};

// The array script's text.
std::string sbatch_script(const SweepPlan& plan, const SubmitOptions& o, size_t tasks);

// Writes the script and submits it. Status::io (exit 4) when sbatch cannot be run or refuses
// the job (with its message), Status::usage for options out of range.
Result<SubmitReport> submit_sweep(const SweepPlan& plan, const SubmitOptions& o);

// Runs argv[0] (PATH lookup) with `args`, stdin from /dev/null; its stdout and stderr and exit
// code (-1: could not be started, 128 + n: killed by signal n).
struct Captured {
  int exit_code = -1;
  std::string out, err;
};
Captured run_capture(const std::vector<std::string>& argv);

}  // namespace tape
