// `tape sweep submit | status | collect` (docs/sweep.md): parse, call sweep/, print.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/sweep_commands.h"
#include "sweep/collect.h"
#include "sweep/plan.h"
#include "sweep/slurm.h"
#include "sweep/status.h"
#include "sweep/runner.h"
#include "sweep/sweep_file.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

std::string absolute(const std::string& p) {
  std::error_code ec;
  return fs::absolute(p, ec).lexically_normal().string();
}

// "RUNNING 2, PENDING 5" for a recorded Slurm job, from squeue (empty when squeue has nothing
// to say: the job is over, or this host is not a Slurm client).
std::string squeue_summary(const std::string& job) {
  const Captured c = run_capture({"squeue", "-h", "-r", "-j", job, "-o", "%T"});
  if (c.exit_code != 0) return "";
  std::map<std::string, size_t> counts;
  size_t start = 0;
  while (start < c.out.size()) {
    size_t end = c.out.find('\n', start);
    if (end == std::string::npos) end = c.out.size();
    const std::string state = c.out.substr(start, end - start);
    if (!state.empty()) ++counts[state];
    start = end + 1;
  }
  std::string out;
  for (const auto& [state, n] : counts) out += (out.empty() ? "" : ", ") + state + " " + std::to_string(n);
  return out.empty() ? "no task left in the queue" : out;
}

}  // namespace

int sweep_submit_command(const std::vector<std::string>& all) {
  // Everything after "--" goes to sbatch as it is.
  auto dash = std::find(all.begin(), all.end(), "--");
  const std::vector<std::string> args(all.begin(), dash);
  SubmitOptions o;
  if (dash != all.end()) o.sbatch_args.assign(dash + 1, all.end());
  std::string file, out, max_parallel, tasks, jobs_per_task;
  bool json = false;
  po::options_description desc("tape sweep submit SWEEP.toml --out DIR [options] [-- sbatch options]");
  desc.add_options()("help,h", "show this help")(
      "sweep", po::value<std::string>(&file)->required(), "sweep file")(
      "out", po::value<std::string>(&out)->required(), "the sweep's output dir, on a file system every node sees")(
      "max-parallel", po::value<std::string>(&max_parallel), "at most K array tasks at once (--array=0-(N-1)%K)")(
      "tasks", po::value<std::string>(&tasks), "array tasks (default: one per run, at most 1000)")(
      "jobs-per-task", po::value<std::string>(&jobs_per_task), "runs at once in a task (its --cpus-per-task; default 1)")(
      "sbatch", po::value<std::string>(&o.sbatch), "the sbatch command (default: sbatch on PATH)")(
      "dry-run", po::bool_switch(&o.dry_run), "write the script, do not submit it")(
      "json", po::bool_switch(&json), "print one JSON object");
  po::positional_options_description pos;
  pos.add("sweep", 1);
  po::variables_map vm;
  if (auto code = parse_options("sweep submit", args, desc, &pos, vm)) return *code;
  // A count option, when given: 1 to `max`, else a usage error.
  auto count = [&](const char* option, const std::string& text, size_t max, size_t& field) -> Status {
    if (!vm.count(option)) return Status::ok();
    ASSIGN_OR_RETURN(field, parse_count(text, ("--" + std::string(option)).c_str(), 1, max));
    return Status::ok();
  };
  for (Status st : {count("max-parallel", max_parallel, kArrayTasksMax, o.max_parallel),
                    count("tasks", tasks, kArrayTasksMax, o.tasks),
                    count("jobs-per-task", jobs_per_task, kJobsMax, o.jobs_per_task)}) {
    if (!st.is_ok()) return report_error(st);
  }
  auto spec = load_sweep_file(file);
  if (!spec.is_ok()) return report_error(spec.status());
  auto plan = make_plan(spec.value());
  if (!plan.is_ok()) return report_error(plan.status());
  o.out = absolute(out);
  std::error_code ec;
  o.tape_binary = fs::read_symlink("/proc/self/exe", ec).string();
  if (ec) return report_error(Status::io("cannot find this tape binary (/proc/self/exe): " + ec.message()));
  if (Status st = prepare_sweep_dir(plan.value(), o.out, /*replace=*/true); !st.is_ok()) return report_error(st);
  auto r = submit_sweep(plan.value(), o);
  if (!r.is_ok()) return report_error(r.status());
  if (json) {
    std::cout << dump_json({{"sweep", plan.value().name}, {"out", o.out}, {"runs", plan.value().runs.size()},
                            {"tasks", r.value().tasks}, {"script", r.value().script},
                            {"job_id", r.value().job_id}})
              << "\n";
  } else if (o.dry_run) {
    std::cout << "tape sweep submit: wrote " << r.value().script << " (" << r.value().tasks
              << " tasks, not submitted)\n";
  } else {
    std::cout << "tape sweep submit: " << plan.value().runs.size() << " runs as Slurm array job "
              << r.value().job_id << " (" << r.value().tasks << " tasks";
    if (o.max_parallel) std::cout << ", at most " << o.max_parallel << " at once";
    std::cout << "), script " << r.value().script << "\n" << r.value().job_id << "\n";
  }
  return 0;
}

int sweep_status_command(const std::vector<std::string>& args) {
  std::string out;
  bool json = false;
  po::options_description desc("tape sweep status DIR");
  desc.add_options()("help,h", "show this help")(
      "out", po::value<std::string>(&out)->required(), "the sweep's output dir")(
      "json", po::bool_switch(&json), "print one JSON object");
  po::positional_options_description pos;
  pos.add("out", 1);
  po::variables_map vm;
  if (auto code = parse_options("sweep status", args, desc, &pos, vm)) return *code;
  auto s = sweep_status(out);
  if (!s.is_ok()) return report_error(s.status());
  const SweepStatus& st = s.value();
  if (json) {
    std::cout << dump_json(status_to_json(st, out)) << "\n";
    return 0;
  }
  std::cout << "tape sweep status: " << st.plan.name << " (" << out << "): " << st.plan.runs.size()
            << " runs: " << st.done << " done, " << st.failed << " failed, " << st.running
            << " running, " << st.interrupted << " interrupted, " << st.pending << " pending\n";
  for (const RunStatus& r : st.runs) {
    if (r.state == "failed") {
      std::cout << "  failed: run " << r.run->index << " (" << r.run->id << "): exit "
                << r.recorded->exit_code << ": " << r.recorded->error << "\n";
    } else if (r.state == "running") {
      std::cout << "  running: run " << r.run->index << " (" << r.run->id << ") on "
                << (r.recorded ? r.recorded->host : std::string("?")) << "\n";
    }
  }
  if (st.slurm.is_array()) {
    for (const Json& job : st.slurm) {
      const std::string id = job.value("job_id", "");
      if (id.empty()) continue;
      const std::string q = squeue_summary(id);
      std::cout << "  slurm job " << id << (q.empty() ? "" : ": " + q) << "\n";
    }
  }
  return 0;
}

int sweep_collect_command(const std::vector<std::string>& args) {
  std::string out;
  bool json = false;
  CollectOptions o;
  po::options_description desc("tape sweep collect DIR");
  desc.add_options()("help,h", "show this help")(
      "out", po::value<std::string>(&out)->required(), "the sweep's output dir")(
      "figure", po::value<std::string>(&o.figure), "the figure the heatmap shows (default: sharpe)")(
      "json", po::bool_switch(&json), "print results.json's object");
  po::positional_options_description pos;
  pos.add("out", 1);
  po::variables_map vm;
  if (auto code = parse_options("sweep collect", args, desc, &pos, vm)) return *code;
  auto r = collect_sweep(out, o);
  if (!r.is_ok()) return report_error(r.status());
  const CollectReport& c = r.value();
  if (json) {
    std::cout << dump_json(results_json(c, o.figure)) << "\n";
    return 0;
  }
  std::cout << "tape sweep collect: " << c.plan.name << ": " << c.rows.size() << " runs: " << c.done
            << " done, " << c.failed << " failed, " << c.unfinished << " not finished\n"
            << "  " << c.csv_path << "\n  " << c.json_path << "\n  " << c.html_path << "\n";
  for (const CollectedRow& row : c.rows) {
    if (row.status != "done") {
      std::cout << "  " << row.status << ": run " << row.run->index << " (" << row.run->id << ")"
                << (row.error.empty() ? "" : ": " + row.error) << "\n";
    }
  }
  return 0;
}

}  // namespace tape
