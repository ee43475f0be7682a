// `tape run`: scenario -> generator -> sequencer -> core -> recorder -> RocksDB, then a summary.
// This is the runner: wall-clock latency is measured here, outside the deterministic core.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "cli/summary.h"
#include "core/core.h"
#include "core/sequencer.h"
#include "sim/generator.h"
#include "sim/scenario.h"
#include "store/event_log.h"

namespace tape {
namespace {

struct RunArgs {
  std::string scenario_path;
  std::optional<uint64_t> seed;
  std::string data_dir;
  std::vector<std::string> overrides;
  bool json = false;
  bool overwrite = false;
};

std::string default_data_dir(const Scenario& s, uint64_t seed) {
  return "runs/" + s.name + "-seed" + std::to_string(seed);
}

Status write_run_meta(EventLog& log, const Scenario& s, uint64_t seed) {
  RETURN_IF_ERROR(log.put_meta("scenario", s.canonical_toml));
  RETURN_IF_ERROR(log.put_meta("scenario_path", s.source));
  RETURN_IF_ERROR(log.put_meta("scenario_name", s.name));
  return log.put_meta("seed", std::to_string(seed));
}

// Drives the whole scenario. Returns the summary, or the first error.
Result<Summary> run_scenario(const Scenario& scenario, uint64_t seed, EventLog& log) {
  auto core = std::make_unique<Core>(scenario.core, Recorder::Mode::kSink, &log);
  Generator generator(scenario, seed, &core->engine());
  Sequencer sequencer;
  LatencyHistogram latency;
  ProgressBar progress("run");
  const double duration_ns = static_cast<double>(scenario.duration_ms) * 1e6;
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  Timestamp ts;
  InputBody body;
  uint64_t n = 0;
  while (generator.next(ts, body)) {
    const Input in = sequencer.stamp(ts, body);
    const auto t0 = Clock::now();
    RETURN_IF_ERROR(core->process(in));
    const auto t1 = Clock::now();
    latency.record(static_cast<uint64_t>((t1 - t0).count()));
    progress.tick(duration_ns > 0 ? static_cast<double>(in.ts.value()) / duration_ns : 0, ++n);
  }
  RETURN_IF_ERROR(core->finish());
  progress.done();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  Summary s;
  s.command = "run";
  s.scenario = scenario.name;
  s.data_dir = log.dir();
  s.seed = seed;
  s.ts_clamped = sequencer.clamped();
  fill_summary(*core, latency, elapsed, s);
  RETURN_IF_ERROR(log.put_meta("state_hash", s.state_hash));
  RETURN_IF_ERROR(log.put_meta("ts_last", std::to_string(core->now().value())));
  RETURN_IF_ERROR(log.put_meta("summary", summary_json(s)));
  return s;
}

int run_with(const RunArgs& a) {
  auto loaded = load_scenario_file(a.scenario_path, a.overrides);
  if (!loaded.is_ok()) return report_error(loaded.status());
  const Scenario& scenario = loaded.value();
  const uint64_t seed = a.seed.value_or(scenario.seed);
  const std::string dir = a.data_dir.empty() ? default_data_dir(scenario, seed) : a.data_dir;
  LogOptions log_options;
  log_options.sync = scenario.core.recorder.sync;
  log_options.queue_batches_max = scenario.core.recorder.queue_batches_max;
  auto log = EventLog::create(dir, log_options, a.overwrite);
  if (!log.is_ok()) return report_error(log.status());
  Status st = write_run_meta(*log.value(), scenario, seed);
  if (!st.is_ok()) return report_error(st);
  auto summary = run_scenario(scenario, seed, *log.value());
  if (!summary.is_ok()) return report_error(summary.status());
  if (a.json) {
    std::cout << summary_json(summary.value()) << "\n";
  } else {
    std::cout << summary_text(summary.value());
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
      "seed", po::value<uint64_t>(), "seed (default: the scenario's [scenario] seed)")(
      "data-dir", po::value<std::string>(&a.data_dir),
      "where to record the log (default: runs/<scenario>-seed<N>)")(
      "set", po::value<std::vector<std::string>>(&a.overrides)->composing(),
      "override a scenario key, e.g. --set risk.max_order_qty=500 (repeatable)")(
      "json", po::bool_switch(&a.json), "print the summary as one JSON object")(
      "overwrite", po::bool_switch(&a.overwrite),
      "replace an existing tape log in --data-dir (never other files)");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (auto code = parse_options("run", args, desc, &pos, vm)) return *code;
  if (vm.count("seed")) a.seed = vm["seed"].as<uint64_t>();
  return run_with(a);
}

}  // namespace tape
