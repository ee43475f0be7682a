// `tape replay`: re-run the core from the recorded inputs; with --verify, compare every output
// and the final state hash with what was recorded (exit 3 naming the first differing seq).
#include <chrono>
#include <iostream>

#include "cli/commands.h"
#include "session/recorded_log.h"
#include "cli/log_point.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "replay/replayer.h"
#include "report/summary.h"

namespace tape {

int replay_command(const std::vector<std::string>& args) {
  std::string dir;
  std::string from = "1", to;
  bool verify = false;
  bool json = false;
  po::options_description desc("tape replay --data-dir DIR");
  desc.add_options()("help,h", "show this help")(
      "data-dir", po::value<std::string>(&dir)->required(), "recorded log to replay")(
      "from", po::value<std::string>(&from),
      "first seq to report and verify, or a simulated time (12.5s, 1500ms, 250us, 42ns, 2m: "
      "the first input at or after it); default 1")(
      "to", po::value<std::string>(&to),
      "last seq to replay, or a simulated time (the last input at or before it); default: end "
      "of log")(
      "verify", po::bool_switch(&verify), "compare every output and the final state hash")(
      "json", po::bool_switch(&json), "print the summary as one JSON object");
  po::variables_map vm;
  if (auto code = parse_options("replay", args, desc, nullptr, vm)) return *code;

  auto opened = open_recorded_log(dir);
  if (!opened.is_ok()) return report_error(opened.status());
  const EventLog& log = *opened.value().log;
  auto range = resolve_range(log, from, to);
  if (!range.is_ok()) return report_error(range.status());

  using Clock = std::chrono::steady_clock;
  LatencyHistogram latency;
  ProgressBar progress("replay");
  const double total = static_cast<double>(log.last_seq().value());
  Clock::time_point t0;
  ReplayHooks hooks;
  hooks.before = [&t0] { t0 = Clock::now(); };
  hooks.after = [&](const Input& in, const Core&) {
    latency.record(static_cast<uint64_t>((Clock::now() - t0).count()));
    progress.tick(total > 0 ? static_cast<double>(in.seq.value()) / total : 1, in.seq.value());
  };
  ReplayOptions options;
  options.from = range.value().from;
  options.to = range.value().to;
  options.verify = verify;

  const auto start = Clock::now();
  Summary s;
  hooks.finished = [&](const Core& core, const std::string& state_hash) {
    fill_summary(core, state_hash, latency, 0, s);
  };
  auto result = replay_log(log, opened.value().config(), options, hooks);
  progress.done();
  if (!result.is_ok()) return report_error(result.status());
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  s.command = "replay";
  s.scenario = opened.value().scenario->name;
  s.data_dir = dir;
  s.seed = opened.value().seed.value_or(0);
  s.elapsed_s = elapsed;
  s.events_per_s = elapsed > 0 ? static_cast<double>(result.value().inputs) / elapsed : 0;
  // Counters, latency percentiles, seq_last and state_hash came from fill_summary above.
  s.verified = verify;
  s.outputs_compared = result.value().outputs_compared;
  s.state_hash_verified = result.value().state_hash_verified;
  s.extra = Json{{"from_snapshot", result.value().snapshot_seq.value()},
                 {"inputs_replayed", result.value().inputs}};
  std::cout << (json ? summary_json(s) + "\n" : summary_text(s));
  return 0;
}

}  // namespace tape
