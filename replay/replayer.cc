#include "replay/replayer.h"

#include <chrono>
#include <memory>

#include "feed/data_log.h"
#include "replay/replay_verify.h"
#include "session/backtest.h"
#include "session/recorded_log_source.h"
#include "session/session.h"
#include "store/snapshot_store.h"

namespace tape {
namespace {

std::string at_seq(Seq seq) { return "seq " + std::to_string(seq.value()); }

// With --from past seq 1, the newest snapshot before it (none: the replay starts at seq 1).
Result<std::optional<SnapshotData>> start_snapshot(const EventLog& log, Seq from) {
  if (from.value() <= 1) return std::optional<SnapshotData>();
  return latest_snapshot(log, Seq(from.value() - 1));
}

Status verify_final_hash(const EventLog& log, ReplayResult& result) {
  ASSIGN_OR_RETURN(std::optional<std::string> recorded, log.get_meta("state_hash"));
  if (!recorded) return Status::ok();  // a run that did not finish records no final hash
  if (*recorded != result.state_hash) {
    return Status::mismatch("final state hash differs at " + at_seq(result.last_seq) +
                            ": recorded " + *recorded + ", replayed " + result.state_hash);
  }
  result.state_hash_verified = true;
  return Status::ok();
}

}  // namespace

namespace replay_internal {

Status drive(SessionState& state, const CoreConfig& config, Verifier* verifier, Seq seq_total,
             const ReplayHooks& hooks, ReplayResult& result) {
  std::unique_ptr<RunMetrics> own_metrics;
  RunMetrics* metrics = hooks.metrics;
  if (metrics == nullptr) metrics = (own_metrics = std::make_unique<RunMetrics>()).get();
  LoopOptions loop;
  loop.stage_sample_every = 0;  // a replay reports whole-input latency only
  loop.seq_total = seq_total.value();
  loop.progress = hooks.progress;
  loop.verifier = verifier;
  // Snapshots are not written: the log is read, never changed, by a replay.
  RETURN_IF_ERROR(run_loop(state, /*snapshots=*/nullptr, config, loop, *metrics,
                           std::chrono::steady_clock::now())
                      .status());
  result.last_seq = state.sequencer.last_seq();
  result.ts_clamped = state.sequencer.clamped();
  return Status::ok();
}

}  // namespace replay_internal

Result<ReplayResult> replay_log(const EventLog& log, const CoreConfig& config,
                                const ReplayOptions& options, const ReplayHooks& hooks) {
  const Seq log_last = log.last_seq();
  const Seq to = options.to.value() == 0 ? log_last : std::min(options.to, log_last);
  ASSIGN_OR_RETURN(std::optional<SnapshotData> snap, start_snapshot(log, options.from));
  ReplayResult result;
  const RecordedLogOptions range{snap ? snap->seq : Seq(0), to, options.verify};
  const RecordedLogSource* source = nullptr;
  const SourceFactory factory = [&](const Core&) {
    auto s = std::make_unique<RecordedLogSource>(log, range);
    source = s.get();
    return s;
  };
  if (options.record_to != nullptr && (options.from.value() > 1 || to != log_last)) {
    return Status::usage("replay: a replay is recorded into a new log only whole (no --from, --to)");
  }
  SessionState state =
      options.record_to != nullptr
          ? fresh_session(config, factory, Recorder::Mode::kSink, options.record_to)
          : fresh_session(config, factory, Recorder::Mode::kCollect, nullptr);
  if (snap) {
    RETURN_IF_ERROR(state.core->restore_state(snap->core_state));
    state.sequencer = Sequencer(snap->seq, snap->ts, snap->ts_clamped);
    result.snapshot_seq = snap->seq;
  }
  RecordedLogVerifier verifier(*source, options.verify, options.from);
  RETURN_IF_ERROR(replay_internal::drive(state, config, &verifier, log_last, hooks, result));
  if (result.last_seq < to) {
    return Status::mismatch("log ends at " + at_seq(result.last_seq) + " but its meta says " +
                            at_seq(to));
  }
  result.inputs = verifier.inputs();
  result.outputs = verifier.outputs();
  result.outputs_compared = verifier.outputs_compared();
  result.state_hash = state.core->state_hash();
  result.ts_last_ns = state.core->now().value();
  // The sink is the caller's: the core must not write through it once this returns.
  state.core->set_record_mode(Recorder::Mode::kCollect);
  if (hooks.finished) hooks.finished(*state.core, result.state_hash);
  result.reached_end = result.last_seq == log_last;
  if (options.verify && result.reached_end) RETURN_IF_ERROR(verify_final_hash(log, result));
  return result;
}

namespace {

// The start meta of a run's, a backtest's and a live session's log; the config key last, as
// their writers put it (its presence says the start meta is whole).
constexpr std::string_view kReplayMetaKeys[] = {
    kMetaLogKind, kMetaInstruments,  kMetaData,       kMetaPlugins,  kMetaBacktestName,
    kMetaSeed,    kMetaScenarioPath, "scenario_name", kMetaScenario, kMetaBacktest};

}  // namespace

Result<ReplayResult> record_replay(const EventLog& log, const CoreConfig& config,
                                   const std::string& out_dir, bool verify,
                                   const ReplayHooks& hooks) {
  ASSIGN_OR_RETURN(std::unique_ptr<EventLog> out, EventLog::create(out_dir, LogOptions{},
                                                                   /*overwrite=*/false));
  for (const std::string_view key : kReplayMetaKeys) {
    ASSIGN_OR_RETURN(const std::optional<std::string> value, log.get_meta(key));
    if (value) RETURN_IF_ERROR(out->put_meta(key, *value));
  }
  ReplayOptions options;
  options.verify = verify;
  options.record_to = out.get();
  ASSIGN_OR_RETURN(ReplayResult result, replay_log(log, config, options, hooks));
  RETURN_IF_ERROR(out->flush());  // so the chain head covers the last batch
  ASSIGN_OR_RETURN(const std::vector<Seq> snapshots, snapshot_seqs(log));
  for (const Seq seq : snapshots) {
    ASSIGN_OR_RETURN(const SnapshotData snap, read_snapshot(log, seq));
    RETURN_IF_ERROR(put_snapshot(*out, snap, /*sync=*/false));
  }
  RETURN_IF_ERROR(out->put_meta("state_hash", result.state_hash));
  RETURN_IF_ERROR(out->put_meta("ts_last", std::to_string(result.ts_last_ns)));
  RETURN_IF_ERROR(out->put_meta("complete", "1"));
  return result;
}

}  // namespace tape
