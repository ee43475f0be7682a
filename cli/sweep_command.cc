// `tape sweep` (docs/sweep.md): run a sweep file's backtests here (--jobs) or one shard of them
// (--shard I/N, what a Slurm array task or a Kubernetes Indexed Job runs), and its subcommands
// plan, submit, status and collect. The work is in sweep/; this file parses and prints.
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/sweep_commands.h"
#include "sweep/plan.h"
#include "sweep/runner.h"
#include "sweep/sweep_file.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

volatile std::sig_atomic_t g_stop = 0;
void on_stop(int) { g_stop = 1; }

// SIGINT/SIGTERM stop the sweep: no run is started, running ones are stopped and marked
// interrupted (the next sweep restarts them). No SA_RESTART, so the wait for a run wakes up.
void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

std::string absolute(const std::string& p) {
  std::error_code ec;
  return fs::absolute(p, ec).lexically_normal().string();
}

Result<SweepPlan> plan_of(const std::string& file) {
  ASSIGN_OR_RETURN(SweepSpec spec, load_sweep_file(file));
  return make_plan(spec);
}

std::string param_text(const PlannedRun& r) {
  std::string out;
  for (const auto& [k, v] : r.params.items()) {
    out += (out.empty() ? "" : "  ") + k + "=" + (v.is_string() ? v.get<std::string>() : dump_json(v));
  }
  if (r.seed) out += (out.empty() ? "seed=" : "  seed=") + std::to_string(*r.seed);
  return out;
}

int plan_command(const std::vector<std::string>& args) {
  std::string file;
  bool json = false;
  po::options_description desc("tape sweep plan SWEEP.toml");
  desc.add_options()("help,h", "show this help")(
      "sweep", po::value<std::string>(&file)->required(), "sweep file")(
      "json", po::bool_switch(&json), "print the plan (sweep.json's object)");
  po::positional_options_description pos;
  pos.add("sweep", 1);
  po::variables_map vm;
  if (auto code = parse_options("sweep plan", args, desc, &pos, vm)) return *code;
  auto plan = plan_of(file);
  if (!plan.is_ok()) return report_error(plan.status());
  if (json) {
    std::cout << dump_json(plan_to_json(plan.value())) << "\n";
    return 0;
  }
  const SweepPlan& p = plan.value();
  std::cout << "tape sweep plan: " << p.name << " (" << p.config << ")\n";
  for (const PlannedRun& r : p.runs) {
    std::cout << "  " << r.index << "  " << r.id << "  " << param_text(r) << "\n";
  }
  std::cout << p.runs.size() << " runs\n";
  return 0;
}

int run_command_of(const std::vector<std::string>& args) {
  std::string file, out, shard_text, jobs_text;
  bool json = false;
  po::options_description desc("tape sweep SWEEP.toml --out DIR");
  desc.add_options()("help,h", "show this help")(
      "sweep", po::value<std::string>(&file)->required(), "sweep file")(
      "out", po::value<std::string>(&out)->required(), "the sweep's output dir (shared by every shard)")(
      "jobs", po::value<std::string>(&jobs_text), "backtests at once (default: the CPUs this process may use)")(
      "shard", po::value<std::string>(&shard_text), "run only shard I of N: runs whose index % N == I")(
      "json", po::bool_switch(&json), "print one JSON object at the end");
  po::positional_options_description pos;
  pos.add("sweep", 1);
  po::variables_map vm;
  if (auto code = parse_options("sweep", args, desc, &pos, vm)) return *code;
  RunnerOptions o;
  if (vm.count("shard")) {
    auto shard = parse_shard(shard_text);
    if (!shard.is_ok()) return report_error(shard.status());
    o.shard = shard.value();
  }
  size_t jobs = 0;
  if (vm.count("jobs")) {
    auto n = parse_count(jobs_text, "--jobs", 1, kJobsMax);
    if (!n.is_ok()) return report_error(n.status());
    jobs = n.value();
  }
  auto plan = plan_of(file);
  if (!plan.is_ok()) return report_error(plan.status());
  o.out_dir = absolute(out);
  o.jobs = jobs ? jobs : default_jobs();
  o.progress = isatty(STDERR_FILENO);
  o.stop = &g_stop;
  if (Status st = prepare_sweep_dir(plan.value(), o.out_dir, /*replace=*/!vm.count("shard")); !st.is_ok()) {
    return report_error(st);
  }
  install_stop_handlers();
  auto report = run_sweep(plan.value(), o);
  if (!report.is_ok()) return report_error(report.status());
  const RunnerReport& r = report.value();
  const int code = r.interrupted ? 4 : r.failed.empty() ? 0 : std::clamp(r.worst_exit, 2, 4);
  if (json) {
    Json failed = Json::array();
    for (const auto& [i, e] : r.failed) failed.push_back({{"index", i}, {"id", plan.value().runs[i].id}, {"error", e}});
    std::cout << dump_json({{"sweep", plan.value().name}, {"out", o.out_dir},
                            {"shard", std::to_string(o.shard.index) + "/" + std::to_string(o.shard.count)},
                            {"runs", plan.value().runs.size()}, {"selected", r.selected},
                            {"already_finished", r.already_finished}, {"ran", r.ran}, {"done", r.done},
                            {"failed", failed}, {"busy", r.busy}, {"interrupted", r.interrupted},
                            {"jobs", o.jobs}, {"elapsed_s", r.elapsed_s}})
              << "\n";
  } else {
    std::cout << "tape sweep: " << plan.value().name << ": " << r.selected << " runs";
    if (o.shard.count > 1) std::cout << " in shard " << o.shard.index << "/" << o.shard.count;
    std::cout << ": " << r.done << " ran, " << r.already_finished << " already finished, "
              << r.failed.size() << " failed";
    if (r.busy) std::cout << ", " << r.busy << " running elsewhere";
    std::cout << " (" << o.out_dir << ")\n";
    for (const auto& [i, e] : r.failed) {
      std::cout << "  failed: run " << i << " (" << plan.value().runs[i].id << "): " << e << "\n";
    }
    if (r.interrupted) std::cout << "  interrupted: rerun the same command to finish the sweep\n";
  }
  return code;
}

}  // namespace

int sweep_command(const std::vector<std::string>& args) {
  if (!args.empty()) {
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "plan") return plan_command(rest);
    if (args[0] == "submit") return sweep_submit_command(rest);
    if (args[0] == "status") return sweep_status_command(rest);
    if (args[0] == "collect") return sweep_collect_command(rest);
  }
  return run_command_of(args);
}

}  // namespace tape
