// A live session (`tape live`, docs/live.md): the NATS JetStream feed (live/nats_feed.h) as the
// source of the one session loop (session/session_loop.h), recording into a log that is a
// backtest's log in every way replay, audit, diff and inspect read (session/backtest.h), with:
//   "data" = {"format": "jsonl", "source": "live", "nats": {url, stream, durable}}
//   "backtest" = the live config's canonical TOML ([live] and [[instruments]] included)
// Exactly once: a message is acknowledged only once the batch holding its input is durable;
// every start (and --resume after a kill) places the durable consumer at the stream sequence
// after the last journaled input, and a redelivery is recognized by its stream sequence.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "core/status.h"
#include "live/live_config.h"
#include "live/live_metrics.h"
#include "session/backtest.h"
#include "session/run_metrics.h"

namespace tape {

struct LiveOptions {
  std::string data_dir;  // Required. The session's log (created; with `resume`, continued).
  bool resume = false;
  // Polled between inputs: once true the session stops cleanly (flush, snapshot). Not owned.
  const std::atomic<bool>* stop = nullptr;
  // Test aid: the last durably written seq is appended here as it advances (session_loop.h).
  std::string durable_trace;
  // Called once the session is connected and consuming (the /metrics server starts there).
  std::function<Status()> on_started;
};

struct LiveOutcome {
  RunMetrics metrics;
  std::string state_hash;
  std::string chain_head;
  uint64_t seq_last = 0;
  uint64_t resumed_from = 0;     // the log's last seq when resumed (0: a new session)
  uint64_t stream_seq_first = 0; // the stream sequence consumption started at
  double elapsed_s = 0;
  bool interrupted = false;
};

// Runs until `options.stop` turns true (or an error). `metrics` must outlive the call; it may
// be read from other threads meanwhile (the /metrics server).
Result<LiveOutcome> run_live(const LiveConfig& config, const LiveOptions& options,
                             LiveMetrics& metrics);

// The meta "data" of a live session's log.
inline constexpr std::string_view kLiveDataSource = "live";

}  // namespace tape
