// The one session loop: source -> sequencer -> core -> recorder -> store, with snapshot
// cadence, pacing, stage probes and metrics, a clean stop and the durable trace. It owns
// everything non-deterministic about a session (wall-clock latency, pacing), which is why it
// lives outside core/. It knows a Source and a log, nothing about where the inputs come from.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "session/pacer.h"
#include "session/run_metrics.h"
#include "session/session.h"

namespace tape {

// A check run after every input (the invariant checker: replay/invariant_check.h).
class InputCheck {
 public:
  virtual ~InputCheck() = default;
  // After each processed input; true: the check failed and the session stops after this input.
  virtual bool after_input(const Input& in, const Core& core) = 0;
  // At the source's end (not after a stop); true: the final state fails the check.
  virtual bool at_end(const Core& core) = 0;
  virtual uint64_t checked() const = 0;  // inputs checked so far
  // Empty while every check held; else what broke, where ("invariant 'x' broken at seq N: ..").
  virtual std::string failure() const = 0;
};

// Proves, around every input, that the session computes what it must: replay's verifier holds
// each input to the recorded one and, with --verify, each input's outputs to the recorded ones
// (replay/replay_verify.h). Unlike an InputCheck's finding, which the session reports, a
// verifier's error is the session's error: the loop stops and returns it (a Status::mismatch
// naming the seq is exit 3).
class Verifier {
 public:
  virtual ~Verifier() = default;
  // Before the core processes `in`, as the sequencer stamped it.
  virtual Status before_input(const Input& in) = 0;
  // After it: core.last_outputs() are the outputs `in` produced.
  virtual Status after_input(const Input& in, const Core& core) = 0;
};

// Shows how far the session is (the CLI's progress bar). Ticked on every input.
class Progress {
 public:
  virtual ~Progress() = default;
  virtual void tick(double fraction, uint64_t inputs) = 0;
  virtual void done() = 0;
};

struct LoopOptions {
  Pace pace;  // Default: max (unpaced).
  // Default: 16. Every this many inputs one is timed per stage (0 = never).
  uint32_t stage_sample_every = 16;
  // Default: 1 (every input). Every this many inputs one is timed whole: the input and decision
  // latency histograms (RunMetrics input_ns, decision_ns, latency_by_sim) hold those inputs only;
  // inputs_by_sim still counts every input. 0 = never. Two clock reads per input were ~4% of a
  // bar backtest's CPU, which reports no latency (session/backtest.cc).
  uint32_t input_timing_every = 1;
  // Default: 0. Simulated length of the session, for the progress fraction (0: unknown).
  int64_t duration_ns = 0;
  // Default: 0. When set, the progress fraction is seq / seq_total instead (a recorded log's
  // length is known in seqs, not in simulated time).
  uint64_t seq_total = 0;
  Progress* progress = nullptr;  // Not owned; may be null.
  InputCheck* check = nullptr;   // Not owned; may be null.
  Verifier* verifier = nullptr;  // Not owned; may be null.
  // Polled between inputs; when it turns true the session stops cleanly: the recorder is
  // flushed and a final snapshot written (SIGINT/SIGTERM). Not owned; may be null.
  const std::atomic<bool>* stop = nullptr;
  // Test aid (fault harness): when set, the last durably written seq is appended to this file
  // each time it advances, so a harness that kills the run knows what must survive.
  std::string durable_trace;
  // Default: none. Called after each input is processed (its outputs are core.last_outputs()):
  // a live session acknowledges what is durable and publishes outputs there. An error stops
  // the loop and is its error.
  std::function<Status(const Input& in, const Core& core)> after_input;
};

struct LoopEnd {
  bool interrupted = false;   // stopped by `stop` before the source's end
  bool check_failed = false;  // the InputCheck stopped it (or failed at the end)
};

// Feeds `state` from its source into its core (which records through its own sink, if any)
// until the source ends, a stop is carried out, the check fails or the verifier errs; writes a
// snapshot into `snapshots` every snapshot_every(config) inputs (null: none is written, as when
// replaying a log opened read-only); in a log without a write-ahead log (a backtest's) the log
// is flushed to its table files once the batch holding each snapshot's seq is written, so a
// killed session resumes from that snapshot; closes the last batch. Records the latency figures in
// `metrics`. `start` is the wall-clock origin of pacing.
Result<LoopEnd> run_loop(SessionState& state, EventLog* snapshots, const CoreConfig& config,
                         const LoopOptions& options, RunMetrics& metrics,
                         std::chrono::steady_clock::time_point start);

}  // namespace tape
