#include "sweep/runner.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "sweep/prefixed.h"
#include "sweep/run_state.h"

namespace tape {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
constexpr size_t kErrorBytesMax = 2000;

struct Active {
  const PlannedRun* run;
  RunLock lock;
  RunState state;
  Clock::time_point start;
};

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The run's error: the last non-empty line of its stderr (the CLI prints "tape: <message>").
std::string last_error_line(const std::string& path) {
  std::string text = slurp(path);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  const size_t nl = text.find_last_of('\n');
  std::string line = nl == std::string::npos ? text : text.substr(nl + 1);
  if (line.rfind('\r') != std::string::npos) line = line.substr(line.rfind('\r') + 1);
  if (line.size() > kErrorBytesMax) line = line.substr(0, kErrorBytesMax) + "...";
  return line;
}

// Whatever an earlier attempt left: its run dir and the temporary data log `tape backtest`
// imports into beside it (runs/<id>.data-<pid>).
void clear_attempt(const std::string& out, const std::string& id) {
  std::error_code ec;
  fs::remove_all(run_dir_path(out, id), ec);
  const std::string prefix = id + ".data-";
  for (const auto& e : fs::directory_iterator(fs::path(out) / "runs", ec)) {
    if (e.path().filename().string().starts_with(prefix)) fs::remove_all(e.path(), ec);
  }
}

Result<pid_t> spawn(const RunnerOptions& o, const SweepPlan& plan, const PlannedRun& run,
                    bool resume) {
  // Every run of the sweep reads its data files from one cache: a grid over one file imports it
  // once, not once a run (session/data_cache.h; the runs' logs are the same either way).
  std::vector<std::string> args = {"tape",
                                   "backtest",
                                   plan.config,
                                   "--out",
                                   run_dir_path(o.out_dir, run.id),
                                   "--data-cache",
                                   data_cache_path(o.out_dir)};
  for (const std::string& s : run.overrides) {
    args.push_back("--set");
    args.push_back(s);
  }
  if (resume) args.push_back("--resume");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string err_path = run_err_path(o.out_dir, run.id);
  const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (err < 0) return Status::io("cannot write " + err_path + ": " + std::strerror(errno));
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // The run must not outlive the sweep that supervises it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(4);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (null >= 0) {
      dup2(null, STDIN_FILENO);
      dup2(null, STDOUT_FILENO);
    }
    dup2(err, STDERR_FILENO);
    execv(o.tape_binary.c_str(), argv.data());
    std::fprintf(stderr, "tape: cannot run %s: %s\n", o.tape_binary.c_str(), std::strerror(errno));
    _exit(4);
  }
  const int fork_errno = errno;
  ::close(err);
  if (null >= 0) ::close(null);
  if (pid < 0)
    return Status::io(std::string("cannot start a run (fork): ") + std::strerror(fork_errno));
  return pid;
}

class Progress {
 public:
  Progress(bool on, const std::string& name, size_t total) : on_(on), name_(name), total_(total) {}
  void draw(const RunnerReport& r, size_t running) {
    if (!on_) return;
    std::fprintf(
        stderr,
        "\r\033[Ksweep %s: %zu/%zu finished (%zu run here, %zu before), %zu running, %zu failed",
        name_.c_str(), r.done + r.already_finished, total_, r.done, r.already_finished, running,
        r.failed.size());
    std::fflush(stderr);
  }
  void clear() {
    if (!on_) return;
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }

 private:
  bool on_;
  std::string name_;
  size_t total_;
};

class Driver {
 public:
  Driver(const SweepPlan& plan, const RunnerOptions& o, RunnerReport& r, Progress& p)
      : plan_(plan), o_(o), r_(r), progress_(p) {}

  bool stopping() const { return o_.stop && *o_.stop; }

  // Starts `run` unless it is someone else's or finished.
  Status consider(const PlannedRun& run) {
    ASSIGN_OR_RETURN(std::optional<RunLock> lock,
                     RunLock::try_acquire(run_lock_path(o_.out_dir, run.id)));
    if (!lock) {
      ++r_.busy;
      return Status::ok();
    }
    ASSIGN_OR_RETURN(std::optional<RunState> prior, read_run_state(o_.out_dir, run.id));
    if (prior && prior->state == "done") {
      Status finished = verify_finished(o_.out_dir, run.id, *prior);
      if (finished.is_ok()) {
        ++r_.already_finished;
        progress_.draw(r_, active_.size());
        return Status::ok();
      }
      r_.redone.emplace_back(run.index, finished.message());
      std::fprintf(stderr, "tape sweep: run %zu (%s) is run again: %s\n", run.index, run.id.c_str(),
                   finished.message().c_str());
    }
    // A killed or stopped attempt's log is continued from its last snapshot (the same log an
    // uninterrupted run writes); anything else starts again from nothing.
    const bool resume = prior && resumable_attempt(o_.out_dir, run.id, *prior);
    if (prior && !resume) clear_attempt(o_.out_dir, run.id);
    RunState st;
    st.state = "running";
    st.attempt = prior ? prior->attempt + 1 : 1;
    st.resumed = resume;
    st.host = host_name();
    st.started = utc_now_iso();
    ASSIGN_OR_RETURN(pid_t pid, spawn(o_, plan_, run, resume));
    st.pid = pid;
    RETURN_IF_ERROR(write_run_state(o_.out_dir, run.id, st));
    ++r_.ran;
    active_.emplace(pid, Active{&run, std::move(*lock), st, Clock::now()});
    progress_.draw(r_, active_.size());
    return Status::ok();
  }

  // Waits for one run to end and records how it ended.
  Status reap_one() {
    int status = 0;
    rusage ru{};
    const pid_t pid = wait4(-1, &status, 0, &ru);
    if (pid < 0) {
      if (errno == EINTR) {
        if (stopping()) stop_all();
        return Status::ok();
      }
      return Status::io(std::string("waiting for runs: ") + std::strerror(errno));
    }
    auto it = active_.find(pid);
    if (it == active_.end()) return Status::ok();
    Active a = std::move(it->second);
    active_.erase(it);
    a.state.finished = utc_now_iso();
    a.state.elapsed_s = std::chrono::duration<double>(Clock::now() - a.start).count();
    a.state.cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                    static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    record_end(a, status);
    Status st = write_run_state(o_.out_dir, a.run->id, a.state);
    progress_.draw(r_, active_.size());
    return st;
  }

  void stop_all() {
    if (stopped_) return;
    stopped_ = true;
    r_.interrupted = true;
    for (const auto& [pid, a] : active_) kill(pid, SIGTERM);
  }

  size_t active() const { return active_.size(); }

 private:
  void record_end(Active& a, int status) {
    const std::string id = a.run->id;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      const std::string summary = slurp(run_dir_path(o_.out_dir, id) + "/summary.json");
      const std::optional<Json> j = parse_json(summary);
      if (j && j->is_object() && j->value("chain_head", "").size() == 64) {
        a.state.state = "done";
        a.state.chain_head = j->value("chain_head", "");
        ++r_.done;
        return;
      }
      a.state.state = "failed";
      a.state.exit_code = 4;
      a.state.error = "the backtest exited 0 without a readable summary.json";
    } else if (stopping() && WIFSIGNALED(status)) {
      a.state.state = "interrupted";
      return;
    } else if (WIFEXITED(status)) {
      a.state.state = "failed";
      a.state.exit_code = WEXITSTATUS(status);
      a.state.error = last_error_line(run_err_path(o_.out_dir, id));
      if (a.state.error.empty()) a.state.error = "exit " + std::to_string(a.state.exit_code);
    } else {
      a.state.state = "failed";
      a.state.exit_code = 4;
      a.state.error = std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
                      strsignal(WTERMSIG(status)) + ")";
    }
    r_.worst_exit = std::max(r_.worst_exit, a.state.exit_code);
    r_.failed.emplace_back(a.run->index, a.state.error);
  }

  const SweepPlan& plan_;
  const RunnerOptions& o_;
  RunnerReport& r_;
  Progress& progress_;
  std::map<pid_t, Active> active_;
  bool stopped_ = false;
};

}  // namespace

size_t default_jobs() {
  if (const char* s = std::getenv("SLURM_CPUS_PER_TASK")) {
    const long n = std::atol(s);
    if (n > 0) return static_cast<size_t>(n);
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) {
    return static_cast<size_t>(CPU_COUNT(&set));
  }
  return 1;
}

Status prepare_sweep_dir(const SweepPlan& plan, const std::string& out, bool replace) {
  std::error_code ec;
  for (const char* sub : {"runs", "state"}) {
    fs::create_directories(fs::path(out) / sub, ec);
    if (ec)
      return Status::io("cannot create " + (fs::path(out) / sub).string() + ": " + ec.message());
  }
  const std::string path = sweep_plan_path(out);
  const std::string text = dump_json(plan_to_json(plan)) + "\n";
  if (fs::exists(path, ec)) {
    const std::optional<Json> j = parse_json(slurp(path));
    Result<SweepPlan> old =
        j ? plan_from_json(*j, path) : Result<SweepPlan>(Status::invalid(path + ": not JSON"));
    bool same = old.is_ok() && old.value().runs.size() == plan.runs.size();
    for (size_t i = 0; same && i < plan.runs.size(); ++i)
      same = old.value().runs[i].id == plan.runs[i].id;
    if (same) return Status::ok();
    if (!replace) {
      return Status::invalid(path + " holds another plan than " + plan.sweep_file + " makes now (" +
                             (old.is_ok() ? std::to_string(old.value().runs.size()) + " runs"
                                          : old.status().message()) +
                             " against " + std::to_string(plan.runs.size()) +
                             "): the sweep file or what it names changed since it was planned; "
                             "run the sweep without --shard to replan, or use another --out");
    }
  }
  return write_whole_file(path, text);
}

Result<RunnerReport> run_sweep(const SweepPlan& plan, const RunnerOptions& o) {
  const auto start = Clock::now();
  RunnerReport report;
  const std::vector<const PlannedRun*> runs = shard_runs(plan, o.shard.index, o.shard.count);
  report.selected = runs.size();
  const size_t jobs = std::clamp<size_t>(o.jobs, 1, kJobsMax);
  Progress progress(o.progress, plan.name, runs.size());
  Driver driver(plan, o, report, progress);
  Status failure;
  for (const PlannedRun* run : runs) {
    while (driver.active() >= jobs && !driver.stopping()) {
      failure = driver.reap_one();
      if (!failure.is_ok()) break;
    }
    if (!failure.is_ok() || driver.stopping()) break;
    failure = driver.consider(*run);
    if (!failure.is_ok()) break;
  }
  if (driver.stopping() || !failure.is_ok()) driver.stop_all();
  while (driver.active() > 0) {
    Status st = driver.reap_one();
    if (!st.is_ok() && failure.is_ok()) failure = st;
    if (!st.is_ok()) break;
  }
  progress.clear();
  report.interrupted = report.interrupted || driver.stopping();
  if (!failure.is_ok()) return failure;
  report.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

}  // namespace tape
