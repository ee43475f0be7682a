// `tape replay`: re-run the core from a log's inputs through the session loop. A run's log:
// with --verify, compare every output and the final state hash with what was recorded (exit 3
// naming the first differing seq). A data log (`tape import`): drive a core built from its
// instruments and print what it made of them; it records nothing to compare, and says so.
#include <chrono>
#include <iostream>

#include "cli/commands.h"
#include "cli/log_point.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "replay/data_log_audit.h"
#include "replay/data_log_replay.h"
#include "replay/replayer.h"
#include "report/summary.h"
#include "session/recorded_log.h"

namespace tape {
namespace {

using Clock = std::chrono::steady_clock;

struct ReplayArgs {
  std::string dir;
  std::string from = "1";
  std::string to;
  bool verify = false;
  bool json = false;
  std::string out;
};

// The CLI's progress bar as the session's Progress.
class BarProgress final : public Progress {
 public:
  void tick(double fraction, uint64_t inputs) override { bar_.tick(fraction, inputs); }
  void done() override { bar_.done(); }

 private:
  ProgressBar bar_{"replay"};
};

// What a replay of either kind shares: progress, latency, the summary of the final core.
struct ReplayRun {
  BarProgress progress;
  std::unique_ptr<RunMetrics> metrics = std::make_unique<RunMetrics>();
  Summary summary;
  ReplayHooks hooks() {
    ReplayHooks h;
    h.progress = &progress;
    h.metrics = metrics.get();
    h.finished = [this](const Core& core, const std::string& state_hash) {
      fill_summary(core, state_hash, metrics->input_ns, 0, summary);
    };
    return h;
  }
  // Counters, latency percentiles, seq_last and state_hash came from fill_summary.
  void finish(const ReplayArgs& a, const ReplayResult& r, Clock::time_point start) {
    progress.done();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    summary.command = "replay";
    summary.data_dir = a.dir;
    summary.elapsed_s = elapsed;
    summary.events_per_s = elapsed > 0 ? static_cast<double>(r.inputs) / elapsed : 0;
  }
};

int replay_recorded(const ReplayArgs& a, const OpenedLog& opened, const SeqRange& range) {
  ReplayOptions options;
  options.from = range.from;
  options.to = range.to;
  options.verify = a.verify;
  ReplayRun run;
  const auto start = Clock::now();
  auto result = a.out.empty()
                    ? replay_log(*opened.log, opened.config(), options, run.hooks())
                    : record_replay(*opened.log, opened.config(), a.out, a.verify, run.hooks());
  run.progress.done();
  if (!result.is_ok()) return report_error(result.status());
  run.finish(a, result.value(), start);
  Summary& s = run.summary;
  s.scenario = opened.scenario->name;
  s.seed = opened.seed.value_or(0);
  s.verified = a.verify;
  s.outputs_compared = result.value().outputs_compared;
  s.state_hash_verified = result.value().state_hash_verified;
  s.extra = Json{{"from_snapshot", result.value().snapshot_seq.value()},
                 {"inputs_replayed", result.value().inputs}};
  std::cout << (a.json ? summary_json(s) + "\n" : summary_text(s));
  return 0;
}

constexpr const char* kDataLogVerified =
    "inputs decode, seqs run from 1 in time order and the hash chain recomputes; a data log "
    "records no outputs and no state hash to compare";

// The text summary of a data log's replay: its verify line says what was (not) verified.
std::string data_log_text(const Summary& s, bool verify) {
  std::string text = summary_text(s);
  const std::string line = "  verified       not requested\n";
  const size_t at = text.find(line);
  if (verify && at != std::string::npos) {
    text.replace(at, line.size(), std::string("  verified       data log only: ") +
                                      kDataLogVerified + "\n");
  }
  return text;
}

int replay_data(const ReplayArgs& a, const EventLog& log, const SeqRange& range) {
  auto config = data_log_config(log);
  if (!config.is_ok()) return report_error(config.status());
  ReplayOptions options;
  options.from = range.from;
  options.to = range.to;
  options.verify = a.verify;
  ReplayRun run;
  const auto start = Clock::now();
  auto result = replay_data_log(log, config.value(), options, run.hooks());
  run.progress.done();
  if (!result.is_ok()) return report_error(result.status());
  run.finish(a, result.value(), start);
  Summary& s = run.summary;
  s.scenario = "(data log)";
  s.ts_clamped = result.value().ts_clamped;
  s.verified = false;  // no recorded outputs or state hash were compared: there are none
  s.extra = Json{{"log_kind", "data"},
                 {"from_snapshot", 0},
                 {"inputs_replayed", result.value().inputs}};
  if (a.verify) {
    s.extra["data_log_checked"] = result.value().data_log_checked;
    s.extra["data_log_verify"] = kDataLogVerified;
  }
  std::cout << (a.json ? summary_json(s) + "\n" : data_log_text(s, a.verify));
  return 0;
}

}  // namespace

int replay_command(const std::vector<std::string>& args) {
  ReplayArgs a;
  po::options_description desc("tape replay --data-dir DIR");
  desc.add_options()("help,h", "show this help")(
      "data-dir", po::value<std::string>(&a.dir)->required(),
      "log to replay: a run's log, or a data log written by `tape import`")(
      "from", po::value<std::string>(&a.from),
      "first seq to report and verify, or a simulated time (12.5s, 1500ms, 250us, 42ns, 2m: "
      "the first input at or after it); default 1. A data log has no snapshots: its replay "
      "always starts at seq 1")(
      "to", po::value<std::string>(&a.to),
      "last seq to replay, or a simulated time (the last input at or before it); default: end "
      "of log")(
      "verify", po::bool_switch(&a.verify),
      "compare every output and the final state hash (a data log has none: its inputs and hash "
      "chain are checked instead)")(
      "json", po::bool_switch(&a.json), "print the summary as one JSON object")(
      "out", po::value<std::string>(&a.out),
      "record the replay into a new log in this dir (the whole log: no --from or --to), which "
      "`tape diff` compares with the recorded one");
  po::variables_map vm;
  if (auto code = parse_options("replay", args, desc, nullptr, vm)) return *code;
  if (!a.out.empty() && (vm.count("from") || vm.count("to"))) {
    return report_error(Status::usage("replay: --out records the whole log (no --from, --to)"));
  }

  auto log = EventLog::open(a.dir, /*read_only=*/true);
  if (!log.is_ok()) return report_error(log.status());
  auto data = is_data_log(*log.value());
  if (!data.is_ok()) return report_error(data.status());
  if (data.value()) {
    if (!a.out.empty()) {
      return report_error(Status::invalid(a.dir + ": a data log records no run for --out to "
                                          "record again (replay a run's log)"));
    }
    auto range = resolve_range(*log.value(), a.from, a.to);
    if (!range.is_ok()) return report_error(range.status());
    return replay_data(a, *log.value(), range.value());
  }
  auto opened = open_recorded_log(std::move(log).value(), a.dir);
  if (!opened.is_ok()) return report_error(opened.status());
  auto range = resolve_range(*opened.value().log, a.from, a.to);
  if (!range.is_ok()) return report_error(range.status());
  return replay_recorded(a, opened.value(), range.value());
}

}  // namespace tape
