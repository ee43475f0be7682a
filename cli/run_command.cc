// `tape run`: the options of a scenario run (session/run.h drives it), then its summary, and on
// request a Prometheus metrics file and an HTML report.
#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/run_paths.h"
#include "cli/progress.h"
#include "replay/invariant_check.h"
#include "report/command_json.h"
#include "report/metrics.h"
#include "report/run_summary.h"
#include "session/run.h"

namespace tape {
namespace {

struct RunArgs {
  std::string scenario_path;
  std::optional<uint64_t> seed;
  std::string data_dir;
  std::vector<std::string> overrides;
  bool json = false;
  bool overwrite = false;
  bool check_invariants = false;
  std::string pace = "max";
  std::string metrics_out;
  std::string report;
  bool resume = false;
  std::string durable_trace;
};

// Set by SIGINT/SIGTERM; the runner stops between inputs, flushes and snapshots.
std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop.store(true); }

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// A finished run has nothing to resume: said so, and the log is left exactly as it is. Null
// when the run is not complete.
Result<std::optional<std::string>> completed_run_notice(const std::string& dir,
                                                        const LogOptions& lo,
                                                        const Scenario& named, uint64_t seed,
                                                        bool json) {
  ASSIGN_OR_RETURN(std::optional<FinishedRunMeta> done, finished_run(dir, lo, named, seed));
  if (!done) return std::optional<std::string>();
  if (json) {
    const FinishedRun run{done->seq_last, done->state_hash, done->chain_head};
    return std::optional<std::string>(dump_json(finished_run_object(dir, run)) + "\n");
  }
  return std::optional<std::string>("run in " + dir + " is already complete (seq " +
                                    std::to_string(done->seq_last) + ", state_hash " +
                                    done->state_hash + ", chain_head " + done->chain_head +
                                    "); nothing to resume\n");
}

// The CLI's progress bar as the session's Progress.
class BarProgress final : public Progress {
 public:
  void tick(double fraction, uint64_t inputs) override { bar_.tick(fraction, inputs); }
  void done() override { bar_.done(); }

 private:
  ProgressBar bar_{"run"};
};

// Every file the run will write is proven writable before the log is created or opened.
Status check_outputs(const RunArgs& a) {
  if (!a.metrics_out.empty()) RETURN_IF_ERROR(check_output_path(a.metrics_out, "--metrics-out"));
  if (!a.report.empty()) RETURN_IF_ERROR(check_output_path(a.report, "--report"));
  return Status::ok();
}

int run_with(const RunArgs& a) {
  auto pace = parse_pace(a.pace);
  if (!pace.is_ok()) return report_error(pace.status());
  auto loaded = load_scenario_file(a.scenario_path, a.overrides);
  if (!loaded.is_ok()) return report_error(loaded.status());
  const Scenario& scenario = loaded.value();
  RunOptions options;
  options.seed = a.seed.value_or(scenario.seed);
  if (a.check_invariants) options.make_check = invariant_check(scenario.core);
  options.loop.pace = pace.value();
  options.resume = a.resume;
  options.loop.stop = &g_stop;
  options.loop.durable_trace = a.durable_trace;
  BarProgress progress;
  options.loop.progress = &progress;
  const std::string dir =
      a.data_dir.empty() ? default_data_dir(scenario.name, options.seed) : a.data_dir;
  if (Status st = check_outputs(a); !st.is_ok()) return report_error(st);
  LogOptions log_options;
  log_options.sync = scenario.core.recorder.sync;
  log_options.queue_batches_max = scenario.core.recorder.queue_batches_max;
  if (a.resume) {
    auto notice = completed_run_notice(dir, log_options, scenario, options.seed, a.json);
    if (!notice.is_ok()) return report_error(notice.status());
    if (notice.value()) {
      std::cout << *notice.value();
      return 0;
    }
  }
  Result<std::unique_ptr<EventLog>> log =
      a.resume ? open_for_resume(dir, log_options, scenario, options.seed)
               : EventLog::create(dir, log_options, a.overwrite);
  if (!log.is_ok()) return report_error(log.status());
  if (!a.resume) {
    if (Status st = write_run_meta(*log.value(), scenario, options.seed); !st.is_ok()) {
      return report_error(st);
    }
  }
  install_stop_handlers();
  auto outcome = run_scenario(scenario, *log.value(), options);
  if (!outcome.is_ok()) return report_error(outcome.status());
  const RunOutcome& out = outcome.value();
  const Summary summary = run_summary(out, scenario.name, dir, options.seed, a.resume);
  if (Status st = record_summary(*log.value(), summary); !st.is_ok()) return report_error(st);
  if (!a.metrics_out.empty()) {
    if (Status st = write_file(a.metrics_out, prometheus_text(out.metrics, scenario.name));
        !st.is_ok()) {
      return report_error(st);
    }
  }
  if (!a.report.empty()) {
    if (Status st = write_file(a.report, html_report(out.metrics, summary)); !st.is_ok()) {
      return report_error(st);
    }
  }
  std::cout << (a.json ? summary_json(summary) + "\n" : summary_text(summary));
  if (out.check_failed) {
    std::cerr << "tape: " << out.check->failure() << "\n";
    return 3;
  }
  return 0;
}

}  // namespace

int report_error(const Status& status) {
  std::cerr << "tape: " << status.message() << "\n";
  return status.exit_code() == 0 ? 2 : status.exit_code();
}

int run_command(const std::vector<std::string>& args) {
  RunArgs a;
  po::options_description desc("tape run SCENARIO.toml");
  desc.add_options()("help,h", "show this help")(
      "scenario", po::value<std::string>(&a.scenario_path)->required(), "scenario TOML file")(
      "seed", po::value<std::string>(),
      "seed, 0 to 2^63-1 (default: the scenario's [scenario] seed)")(
      "data-dir", po::value<std::string>(&a.data_dir),
      "where to record the log (default: runs/<scenario>-seed<N>)")(
      "set", po::value<std::vector<std::string>>(&a.overrides)->composing(),
      "override a scenario key, e.g. --set risk.max_order_qty=500 (repeatable)")(
      "json", po::bool_switch(&a.json), "print the summary as one JSON object")(
      "overwrite", po::bool_switch(&a.overwrite),
      "replace an existing tape log in --data-dir: only its own files are removed, and any\n"
      "other RocksDB-named file there is refused by name")(
      "check-invariants", po::bool_switch(&a.check_invariants),
      "check the engine's invariants after every input; a breach stops the run with exit 3")(
      "pace", po::value<std::string>(&a.pace),
      "max (default), realtime, or Nx: simulated time N times faster than the wall clock")(
      "metrics-out", po::value<std::string>(&a.metrics_out),
      "write metrics in the Prometheus text format to this file")(
      "report", po::value<std::string>(&a.report), "write a self-contained HTML report")(
      "resume", po::bool_switch(&a.resume),
      "continue the killed or interrupted run recorded in --data-dir: latest snapshot, replay "
      "of the logged tail, then generation from where the log ends");
  po::options_description hidden;
  hidden.add_options()("durable-trace", po::value<std::string>(&a.durable_trace),
                       "test aid: append each durably written seq to this file");
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (auto code = parse_options("run", args, all, &pos, vm)) return *code;
  if (vm.count("seed")) {
    auto seed = parse_seed(vm["seed"].as<std::string>(), "--seed");
    if (!seed.is_ok()) {
      std::cerr << "tape run: " << seed.status().message() << "\n";
      return 1;
    }
    a.seed = seed.value();
  }
  if (a.resume && a.overwrite) {
    std::cerr << "tape run: --resume and --overwrite exclude each other\n";
    return 1;
  }
  return run_with(a);
}

}  // namespace tape
