// Replays a recorded log through the session loop (session/session_loop.h) with the log as its
// Source and, with verify, proves that it reproduces every recorded output and the recorded
// final state hash. The first difference is reported with its seq (Status::mismatch, exit 3).
// The loop knows only a Source and a Verifier (replay/replay_verify.h); this file picks them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/config.h"
#include "core/core.h"
#include "session/run_metrics.h"
#include "session/session_loop.h"
#include "store/event_log.h"

namespace tape {

struct ReplayOptions {
  // Default: 1. First seq reported and verified. The replay starts from the newest snapshot
  // taken before it (or from seq 1 when there is none) and replays the inputs in between.
  Seq from = Seq(1);
  // Default: 0 = the end of the log. Last seq replayed.
  Seq to = Seq(0);
  // Compare every output in [from, to] with the recorded one, and the final state hash with
  // the recorded one when the replay reaches the end of the log.
  bool verify = false;
  // Not owned; may be null. A new, empty log the replay records into as a run records its log
  // (every input and output): the whole log only (from 1 to its end). Its meta and snapshots
  // are the caller's (record_replay writes them).
  EventLog* record_to = nullptr;
};

struct ReplayResult {
  uint64_t inputs = 0;         // inputs replayed
  uint64_t outputs = 0;        // outputs produced
  uint64_t outputs_compared = 0;
  Seq last_seq;
  std::string state_hash;
  bool reached_end = false;
  bool state_hash_verified = false;
  Seq snapshot_seq;  // the snapshot the replay started from (0: seq 1)
  uint64_t ts_clamped = 0;  // inputs the sequencer stamped later than their source said
  int64_t ts_last_ns = 0;   // the core's time after the last replayed input
  // A data log's verify (replay/data_log_replay.h): its inputs decode, run from seq 1 in time
  // order and the hash chain recomputes. There are no outputs or state hash to compare.
  bool data_log_checked = false;
};

// What the caller sees of a replay while it runs; the replayer itself reads no clock (the loop
// times each input for `metrics`).
struct ReplayHooks {
  Progress* progress = nullptr;   // Not owned; may be null. Ticked on every input.
  RunMetrics* metrics = nullptr;  // Not owned; may be null. The loop's latency figures.
  // Called once with the core's final state and its hash, after the last replayed input.
  std::function<void(const Core&, const std::string& state_hash)> finished;
};

// `config` must be the config the log was recorded with (the CLI rebuilds it from the
// scenario text in the log's meta). Returns the result, or the first error/mismatch.
Result<ReplayResult> replay_log(const EventLog& log, const CoreConfig& config,
                                const ReplayOptions& options, const ReplayHooks& hooks = {});

// `tape replay --out DIR`: replays the whole of `log` (verifying it as `verify` says) into a new
// log created in `out_dir` with the recorded log's start meta, then its end meta (state hash,
// last time, complete), so that `tape diff` of the two compares every input and output. The
// meta keys copied are the start meta of run, backtest and live logs (kReplayMetaKeys). The
// recorded log's snapshots are copied too, once the replay has reproduced every output and the
// final state hash: a snapshot taken by the replay would hold the replay's source position (a
// place in the log), not the run's (a generator's state, a stream sequence), which `audit`
// and `--resume` of the new log read.
Result<ReplayResult> record_replay(const EventLog& log, const CoreConfig& config,
                                   const std::string& out_dir, bool verify,
                                   const ReplayHooks& hooks = {});

namespace replay_internal {

// Drives `state` (on from `state.sequencer.last_seq()`) through the session loop to the end of
// its source with `verifier` (may be null; its error is returned), then sets the result's
// last_seq and ts_clamped. `seq_total` scales the progress. Shared by replay_log and
// replay_data_log.
Status drive(SessionState& state, const CoreConfig& config, Verifier* verifier, Seq seq_total,
             const ReplayHooks& hooks, ReplayResult& result);

}  // namespace replay_internal

}  // namespace tape
