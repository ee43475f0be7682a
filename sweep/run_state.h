// A sweep's output dir and the state of each run in it (docs/sweep.md, "The output dir").
//
//   DIR/sweep.json          the plan (sweep/plan.h)
//   DIR/runs/<id>/          the run's `tape backtest --out`: its log, summary.json, tearsheet...
//   DIR/state/<id>.json     {"state": "running" | "done" | "failed" | "interrupted", ...}
//   DIR/state/<id>.lock     held (fcntl write lock) by the process running the run
//   DIR/state/<id>.err      the run's stderr
//
// A run is finished only when its state says done, its log is marked complete, audits clean
// and ends at the chain head the run printed, and its summary.json is there: verify_finished.
// Anything else (a killed run's partial log, a failed run) is run again from scratch: a backtest
// is deterministic, so a clean restart gives the log an uninterrupted run would have.
//
// State files are written whole (a temporary file, then a rename) so a reader on another node
// of a shared file system sees the old state or the new, never half of one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "feed/json.h"

namespace tape {

std::string sweep_plan_path(const std::string& out);
std::string run_dir_path(const std::string& out, const std::string& id);
std::string run_state_path(const std::string& out, const std::string& id);
std::string run_lock_path(const std::string& out, const std::string& id);
std::string run_err_path(const std::string& out, const std::string& id);
// The data cache every run of the sweep reads its files through (session/data_cache.h).
std::string data_cache_path(const std::string& out);

struct RunState {
  std::string state;       // "running", "done", "failed", "interrupted"
  int exit_code = 0;       // the backtest's exit code (failed)
  std::string error;       // its error message (failed)
  std::string chain_head;  // the run log's, from its summary.json (done)
  std::string host;        // where it ran
  int64_t pid = 0;         // the backtest process
  int64_t attempt = 0;     // 1 for the first start, +1 for each restart
  bool resumed = false;    // this attempt continues the last one's log (tape backtest --resume)
  std::string started, finished;  // UTC, ISO 8601
  double elapsed_s = 0;           // wall clock of the backtest process
  double cpu_s = 0;               // its user + system CPU time
};

Json state_to_json(const RunState& s);
// nullopt when the run has no state file yet; Status::invalid for a damaged one.
Result<std::optional<RunState>> read_run_state(const std::string& out, const std::string& id);
Status write_run_state(const std::string& out, const std::string& id, const RunState& s);

// Writes `text` to `path` whole: a temporary file beside it, then a rename.
Status write_whole_file(const std::string& path, const std::string& text);
std::string utc_now_iso();
std::string host_name();

// An exclusive lock on a run (fcntl, so it is visible to other hosts on a shared file system
// that supports locks, and released by the kernel when the holder dies). Not inherited by
// children (they are exec'd with the file closed).
class RunLock {
 public:
  // nullopt when another process holds it.
  static Result<std::optional<RunLock>> try_acquire(const std::string& path);
  RunLock(RunLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  RunLock& operator=(RunLock&&) = delete;
  ~RunLock();

 private:
  explicit RunLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// The pid holding the run's lock, or 0 when none does (the file may not exist).
int64_t run_lock_holder(const std::string& path);

// OK when the run is finished (see above); otherwise why not.
Status verify_finished(const std::string& out, const std::string& id, const RunState& state);

// True when an earlier attempt that did not end (killed with its sweep, or stopped: state
// "running" or "interrupted") left a backtest log that `tape backtest --resume` can continue:
// the log opens and its meta names the backtest. Anything else is run again from scratch.
bool resumable_attempt(const std::string& out, const std::string& id, const RunState& prior);

}  // namespace tape
