#include "session/session_loop.h"

#include <fcntl.h>
#include <unistd.h>

#include <optional>
#include <thread>

#include "session/probes.h"
#include "store/snapshot_store.h"

namespace tape {

DurableTrace::DurableTrace(const std::string& path)
    : fd_(path.empty() ? -1 : ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644)) {}

DurableTrace::~DurableTrace() {
  if (fd_ >= 0) ::close(fd_);
}

void DurableTrace::note(const EventLog& log) {
  if (fd_ < 0) return;
  const uint64_t seq = log.last_seq().value();
  if (seq == last_) return;
  last_ = seq;
  const std::string line = std::to_string(seq) + "\n";
  if (::write(fd_, line.data(), line.size()) < 0) fd_ = -1;
}

namespace {

using Clock = std::chrono::steady_clock;

// Sleeps until simulated time `ts` is due on the wall clock, closing the open batch whenever
// flush_interval of wall time passes without one (paced runs flush on wall time).
Status wait_for_pace(const Pacer& pacer, Timestamp ts, int64_t flush_ms,
                     Clock::time_point& last_flush, Core& core) {
  if (!pacer.paced()) return Status::ok();
  const auto due = pacer.due(ts);
  const auto flush_every = std::chrono::milliseconds(std::max<int64_t>(1, flush_ms));
  while (Clock::now() < due) {
    std::this_thread::sleep_until(std::min(due, last_flush + flush_every));
    if (Clock::now() - last_flush >= flush_every) {
      RETURN_IF_ERROR(core.close_batch());
      last_flush = Clock::now();
    }
  }
  return Status::ok();
}

// One session's input loop and what it measures.
class Loop {
 public:
  Loop(SessionState& state, EventLog* log, const CoreConfig& config, const LoopOptions& options,
       RunMetrics& metrics)
      : state_(state),
        log_(log),
        config_(config),
        options_(options),
        metrics_(metrics),
        stage_timer_(metrics),
        trace_(options.durable_trace) {}

  // A stop asked for (SIGINT/SIGTERM) is carried out where the open batch ends, just before the
  // first input that ends it in an uninterrupted run too (Recorder::ends_batch_before): so the
  // stop leaves no short batch, and a resumed run writes exactly the batches the uninterrupted
  // run writes. The stop snapshot is taken when the stop is asked for (the input the source
  // yields after the boundary is never processed, so the state there would include its
  // generation); resume replays the at most one batch after it. Paced runs stop at once: their
  // batches end on wall time anyway.
  Result<LoopEnd> run(Clock::time_point start) {
    Core& core = *state_.core;
    core.set_decision_probe(&decision_timer_);
    const Pacer pacer(options_.pace, state_.sequencer.last_ts(), start);
    auto last_flush = start;
    std::optional<SnapshotData> stop_snapshot;  // taken when a stop was asked for
    LoopEnd end;
    Timestamp ts;
    InputBody body;
    for (uint64_t n = 0;; ++n) {
      if (!stop_snapshot && options_.stop && options_.stop->load(std::memory_order_relaxed)) {
        stop_snapshot = snapshot_of(state_);
      }
      if (stop_snapshot) {
        end.interrupted = pacer.paced() || !core.recorder().batch_open();
        if (end.interrupted) break;
      }
      if (!state_.source->next(ts, body)) {
        RETURN_IF_ERROR(state_.source->status());
        break;
      }
      Input in = state_.sequencer.stamp(ts, body);
      state_.source->decorate(in);
      if (stop_snapshot && core.recorder().ends_batch_before(in)) {
        end.interrupted = true;
        break;
      }
      if (options_.verifier) RETURN_IF_ERROR(options_.verifier->before_input(in));
      RETURN_IF_ERROR(
          wait_for_pace(pacer, in.ts, config_.recorder.flush_interval_ms, last_flush, core));
      RETURN_IF_ERROR(process(in, n));
      if (options_.verifier) RETURN_IF_ERROR(options_.verifier->after_input(in, core));
      if (options_.after_input) RETURN_IF_ERROR(options_.after_input(in, core));
      if (options_.progress) options_.progress->tick(progress_fraction(in), n + 1);
      if (options_.check && options_.check->after_input(in, core)) {
        end.check_failed = true;
        break;
      }
      RETURN_IF_ERROR(flush_past_snapshot());
      const uint64_t every = snapshot_every(config_);
      if (log_ && every != 0 && in.seq.value() % every == 0) {
        RETURN_IF_ERROR(put_snapshot(*log_, snapshot_of(state_), snapshot_sync(config_)));
        if (!log_->writes_wal()) snapshot_batches_ = core.recorder().counters().batches;
      }
      if (log_) trace_.note(*log_);
    }
    if (options_.check && !end.check_failed && !end.interrupted) {
      end.check_failed = options_.check->at_end(core);
    }
    RETURN_IF_ERROR(core.finish());
    if (options_.progress) options_.progress->done();
    // Written once the batches it precedes are: a snapshot never lies past the log's end.
    const uint64_t at = end.interrupted ? stop_snapshot->seq.value() : 0;
    const uint64_t every = snapshot_every(config_);
    if (log_ && at != 0 && (every == 0 || at % every != 0)) {
      RETURN_IF_ERROR(put_snapshot(*log_, *stop_snapshot, snapshot_sync(config_)));
    }
    return end;
  }

 private:
  double progress_fraction(const Input& in) const {
    if (options_.seq_total != 0) {
      return static_cast<double>(in.seq.value()) / static_cast<double>(options_.seq_total);
    }
    if (options_.duration_ns <= 0) return 0;
    return static_cast<double>(in.ts.value()) / static_cast<double>(options_.duration_ns);
  }

  // A log without a write-ahead log (a backtest's) keeps only what its memtable flushes wrote:
  // once the batch holding the last snapshot's seq is handed to the log, both are flushed to
  // its table files, so a killed run resumes from that snapshot (docs/backtest.md). Batches
  // end where they would anyway: the log's bytes do not depend on it.
  Status flush_past_snapshot() {
    if (!snapshot_batches_ || state_.core->recorder().counters().batches <= *snapshot_batches_) {
      return Status::ok();
    }
    snapshot_batches_.reset();
    return log_->flush();
  }

  Status process(const Input& in, uint64_t n) {
    Core& core = *state_.core;
    const bool sampled = options_.stage_sample_every != 0 && n % options_.stage_sample_every == 0;
    if (sampled) core.set_probe(&stage_timer_);
    const uint32_t every = options_.input_timing_every;
    if (every != 1 && (every == 0 || n % every != 0)) {
      RETURN_IF_ERROR(core.process(in));
      if (sampled) core.set_probe(nullptr);
      metrics_.count_sim_time(in.ts.value());
      return Status::ok();
    }
    const auto t0 = Clock::now();
    decision_timer_.start(t0);
    RETURN_IF_ERROR(core.process(in));
    const auto ns = static_cast<uint64_t>((Clock::now() - t0).count());
    if (sampled) core.set_probe(nullptr);
    metrics_.input_ns.record(ns);
    metrics_.record_by_sim_time(in.ts.value(), ns);
    if (const auto decision_ns = decision_timer_.latency_ns()) {
      metrics_.decision_ns.record(*decision_ns);
    }
    metrics_.count_sim_time(in.ts.value());
    return Status::ok();
  }

  SessionState& state_;
  EventLog* log_;  // where snapshots go; null: nowhere
  const CoreConfig& config_;
  const LoopOptions& options_;
  RunMetrics& metrics_;
  StageTimer stage_timer_;
  DecisionTimer decision_timer_;
  DurableTrace trace_;
  // The recorder's batch count when a snapshot was written into a log without a WAL, until the
  // batch holding its seq has been handed over and flushed (flush_past_snapshot).
  std::optional<uint64_t> snapshot_batches_;
};

}  // namespace

Result<LoopEnd> run_loop(SessionState& state, EventLog* log, const CoreConfig& config,
                         const LoopOptions& options, RunMetrics& metrics,
                         std::chrono::steady_clock::time_point start) {
  Loop loop(state, log, config, options, metrics);
  return loop.run(start);
}

}  // namespace tape
