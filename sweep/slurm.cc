#include "sweep/slurm.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sweep/run_state.h"
#include "sweep/runner.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

// `s` as one word for sh.
std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string safe_name(const std::string& name) {
  std::string out;
  for (const char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  return out.empty() ? "sweep" : out;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

// Appends this submission to DIR/submit.json.
Status record_submission(const std::string& out, const SubmitReport& r, const SubmitOptions& o) {
  const std::string path = (fs::path(out) / "submit.json").string();
  Json doc = {{"jobs", Json::array()}};
  std::ifstream f(path);
  if (f) {
    std::stringstream ss;
    ss << f.rdbuf();
    if (auto j = parse_json(ss.str()); j && j->is_object() && (*j)["jobs"].is_array()) doc = *j;
  }
  doc["jobs"].push_back({{"job_id", r.job_id}, {"script", r.script}, {"tasks", r.tasks},
                         {"max_parallel", o.max_parallel}, {"submitted", utc_now_iso()}});
  return write_whole_file(path, dump_json(doc) + "\n");
}

}  // namespace

Captured run_capture(const std::vector<std::string>& argv) {
  Captured c;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return c;
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return c;
  }
  std::vector<std::string> args = argv;
  std::vector<char*> raw;
  for (std::string& a : args) raw.push_back(a.data());
  raw.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    execvp(raw[0], raw.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (pid < 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return c;
  }
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&c.out, &c.err};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[4096];
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (const pollfd& p : fds) {
    if (p.fd >= 0) close(p.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  c.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (c.exit_code == 127 && c.out.empty() && c.err.empty()) c.exit_code = -1;
  return c;
}

std::string sbatch_script(const SweepPlan& plan, const SubmitOptions& o, size_t tasks) {
  const std::string slurm_dir = (fs::path(o.out) / "slurm").string();
  std::string array = "0-" + std::to_string(tasks - 1);
  if (o.max_parallel > 0) array += "%" + std::to_string(o.max_parallel);
  std::ostringstream s;
  s << "#!/bin/sh\n"
    << "# tape sweep " << plan.name << ": " << plan.runs.size() << " runs as a Slurm array of "
    << tasks << " tasks (docs/sweep.md).\n"
    << "# Task I runs the runs whose index % " << tasks << " == I; each is resumable, so a\n"
    << "# requeued or resubmitted task skips what is finished. Written by `tape sweep submit`.\n"
    << "#SBATCH --job-name=tape-sweep-" << safe_name(plan.name) << "\n"
    << "#SBATCH --array=" << array << "\n"
    << "#SBATCH --ntasks=1\n"
    << "#SBATCH --cpus-per-task=" << o.jobs_per_task << "\n"
    << "#SBATCH --output=" << slurm_dir << "/%A_%a.out\n"
    << "exec " << sh_quote(o.tape_binary) << " sweep " << sh_quote(plan.sweep_file) << " --out "
    << sh_quote(o.out) << " --shard \"${SLURM_ARRAY_TASK_ID}/" << tasks << "\" --jobs "
    << o.jobs_per_task << "\n";
  return s.str();
}

Result<SubmitReport> submit_sweep(const SweepPlan& plan, const SubmitOptions& o) {
  if (plan.runs.empty()) return Status::invalid(plan.sweep_file + ": the sweep has no runs");
  if (o.jobs_per_task < 1 || o.jobs_per_task > kJobsMax) {
    return Status::usage("--jobs-per-task must be 1 to " + std::to_string(kJobsMax));
  }
  if (o.tasks > kArrayTasksMax) {
    return Status::usage("--tasks " + std::to_string(o.tasks) + " is over " + std::to_string(kArrayTasksMax) +
                         " (Slurm's default MaxArraySize)");
  }
  SubmitReport r;
  r.tasks = o.tasks ? std::min(o.tasks, plan.runs.size()) : std::min(plan.runs.size(), kArrayTasksMax);
  const fs::path dir = fs::path(o.out) / "slurm";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::io("cannot create " + dir.string() + ": " + ec.message());
  r.script = (dir / (safe_name(plan.name) + ".sbatch")).string();
  RETURN_IF_ERROR(write_whole_file(r.script, sbatch_script(plan, o, r.tasks)));
  chmod(r.script.c_str(), 0755);
  if (o.dry_run) return r;
  std::vector<std::string> argv = {o.sbatch, "--parsable"};
  argv.insert(argv.end(), o.sbatch_args.begin(), o.sbatch_args.end());
  argv.push_back(r.script);
  const Captured c = run_capture(argv);
  if (c.exit_code == -1) {
    return Status::io("cannot run '" + o.sbatch + "' (is Slurm's sbatch on PATH?); the script is " + r.script);
  }
  if (c.exit_code != 0) {
    return Status::io("sbatch refused the job (exit " + std::to_string(c.exit_code) + "): " +
                      trim(c.err.empty() ? c.out : c.err) + "; the script is " + r.script);
  }
  // --parsable prints "jobid" or "jobid;cluster".
  r.job_id = trim(c.out.substr(0, c.out.find(';')));
  if (r.job_id.empty() || r.job_id.find_first_not_of("0123456789") != std::string::npos) {
    return Status::io("sbatch printed no job id (got '" + trim(c.out) + "')");
  }
  RETURN_IF_ERROR(record_submission(o.out, r, o));
  return r;
}

}  // namespace tape
