#include "cli/runner.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>

#include "cli/progress.h"
#include "cli/recovery.h"
#include "core/core.h"
#include "report/metrics.h"
#include "store/snapshot_store.h"

namespace tape {
namespace {

using Clock = std::chrono::steady_clock;

// Tick-to-order latency: wall time from the start of Core::process to the input's first order
// intent, once risk has ruled on it. The core reports the moment; the clock is read here.
class DecisionTimer final : public DecisionProbe {
 public:
  void start(Clock::time_point t0) {
    t0_ = t0;
    hit_ = false;
  }
  void decided() override {
    ns_ = static_cast<uint64_t>((Clock::now() - t0_).count());
    hit_ = true;
  }
  // The latency of the input just processed, if it led to an order.
  std::optional<uint64_t> latency_ns() const { return hit_ ? std::optional(ns_) : std::nullopt; }

 private:
  Clock::time_point t0_;
  uint64_t ns_ = 0;
  bool hit_ = false;
};

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

// Appends the log's durable seq to a file whenever it advances (see RunOptions::durable_trace).
class DurableTrace {
 public:
  explicit DurableTrace(const std::string& path)
      : fd_(path.empty() ? -1 : ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644)) {}
  ~DurableTrace() {
    if (fd_ >= 0) ::close(fd_);
  }
  void note(const EventLog& log) {
    if (fd_ < 0) return;
    const uint64_t seq = log.last_seq().value();
    if (seq == last_) return;
    last_ = seq;
    const std::string line = std::to_string(seq) + "\n";
    if (::write(fd_, line.data(), line.size()) < 0) fd_ = -1;
  }

 private:
  int fd_;
  uint64_t last_ = 0;
};

// One run's input loop and what it measures.
class RunLoop {
 public:
  RunLoop(const Scenario& scenario, EventLog& log, const RunOptions& options, RunState& state,
          RunOutcome& outcome)
      : scenario_(scenario), log_(log), options_(options), state_(state), outcome_(outcome),
        stage_timer_(outcome.metrics), trace_(options.durable_trace) {}

  Status init_checker() {
    if (!options_.check_invariants) return Status::ok();
    if (!options_.resume) {
      checker_.emplace(scenario_.core);
      return Status::ok();
    }
    // The restored core's orders, positions and cash are the checker's starting point.
    ASSIGN_OR_RETURN(InvariantChecker c, InvariantChecker::resume_at(*state_.core));
    checker_.emplace(std::move(c));
    return Status::ok();
  }

  // Generates, processes and records inputs until the scenario ends, a stop is carried out
  // or the checker finds a breach. Then closes the last batch and writes the stop snapshot.
  //
  // A stop asked for (SIGINT/SIGTERM) is carried out where the open batch ends, just before the
  // first input that ends it in an uninterrupted run too (Recorder::ends_batch_before): so the
  // stop leaves no short batch, and a resumed run writes exactly the batches the uninterrupted
  // run writes. The stop snapshot is taken when the stop is asked for (the input generated
  // after the boundary is never processed, so the state there would include its generation);
  // resume replays the at most one batch after it. Paced runs stop at once: their batches end
  // on wall time anyway.
  Status run(Clock::time_point start) {
    Core& core = *state_.core;
    core.set_decision_probe(&decision_timer_);
    ProgressBar progress("run");
    if (!options_.show_progress) progress.done();
    const Pacer pacer(options_.pace, state_.sequencer.last_ts(), start);
    const double duration_ns = static_cast<double>(scenario_.duration_ms) * 1e6;
    auto last_flush = start;
    std::optional<SnapshotData> stop_snapshot;  // taken when a stop was asked for
    bool stopped = false;  // a stop was carried out before the scenario's end
    Timestamp ts;
    InputBody body;
    for (uint64_t n = 0;; ++n) {
      if (!stop_snapshot && options_.stop && options_.stop->load(std::memory_order_relaxed)) {
        stop_snapshot = snapshot_of(state_);
      }
      if (stop_snapshot) {
        stopped = pacer.paced() || !core.recorder().batch_open();
        if (stopped) break;
      }
      if (!state_.generator->next(ts, body)) break;
      const Input in = state_.sequencer.stamp(ts, body);
      if (stop_snapshot && core.recorder().ends_batch_before(in)) {
        stopped = true;
        break;
      }
      RETURN_IF_ERROR(wait_for_pace(pacer, in.ts, scenario_.core.recorder.flush_interval_ms,
                                    last_flush, core));
      RETURN_IF_ERROR(process(in, n));
      progress.tick(duration_ns > 0 ? static_cast<double>(in.ts.value()) / duration_ns : 0, n + 1);
      if (checker_) {
        outcome_.breach = checker_->after_input(in, core);
        if (outcome_.breach) break;
      }
      if (snapshot_every() != 0 && in.seq.value() % snapshot_every() == 0) {
        RETURN_IF_ERROR(put_snapshot(log_, snapshot_of(state_), sync()));
      }
      trace_.note(log_);
    }
    outcome_.interrupted = stopped;
    if (checker_ && !outcome_.breach && !outcome_.interrupted)
      outcome_.breach = checker_->at_end(core);
    RETURN_IF_ERROR(core.finish());
    progress.done();
    // Written once the batches it precedes are: a snapshot never lies past the log's end.
    const uint64_t at = stopped ? stop_snapshot->seq.value() : 0;
    if (at != 0 && (snapshot_every() == 0 || at % snapshot_every() != 0)) {
      RETURN_IF_ERROR(put_snapshot(log_, *stop_snapshot, sync()));
    }
    return Status::ok();
  }

  std::optional<InvariantChecker>& checker() { return checker_; }

 private:
  Status process(const Input& in, uint64_t n) {
    Core& core = *state_.core;
    RunMetrics& metrics = outcome_.metrics;
    const bool sampled = options_.stage_sample_every != 0 && n % options_.stage_sample_every == 0;
    if (sampled) core.set_probe(&stage_timer_);
    const auto t0 = Clock::now();
    decision_timer_.start(t0);
    RETURN_IF_ERROR(core.process(in));
    const auto ns = static_cast<uint64_t>((Clock::now() - t0).count());
    if (sampled) core.set_probe(nullptr);
    metrics.input_ns.record(ns);
    metrics.record_by_sim_time(in.ts.value(), ns);
    if (const auto decision_ns = decision_timer_.latency_ns())
      metrics.decision_ns.record(*decision_ns);
    metrics.count_sim_time(in.ts.value());
    return Status::ok();
  }
  uint64_t snapshot_every() const { return scenario_.core.snapshot.every_events; }
  bool sync() const { return scenario_.core.recorder.sync == RecorderOptions::Sync::kBatch; }

  const Scenario& scenario_;
  EventLog& log_;
  const RunOptions& options_;
  RunState& state_;
  RunOutcome& outcome_;
  StageTimer stage_timer_;
  DecisionTimer decision_timer_;
  DurableTrace trace_;
  std::optional<InvariantChecker> checker_;
};

}  // namespace

Result<RunOutcome> run_scenario(const Scenario& scenario, EventLog& log,
                                const RunOptions& options) {
  auto outcome = std::make_unique<RunOutcome>();
  RunMetrics& metrics = outcome->metrics;
  metrics.set_sim_duration(scenario.duration_ms * 1'000'000);
  MeteredSink sink(log, metrics);
  RunState state;
  if (options.resume) {
    ASSIGN_OR_RETURN(state, recover_run_state(log, scenario, options.seed, Recorder::Mode::kSink,
                                              &sink, &log));
  } else {
    state = fresh_run_state(scenario, options.seed, Recorder::Mode::kSink, &sink);
  }
  RunLoop loop(scenario, log, options, state, *outcome);
  RETURN_IF_ERROR(loop.init_checker());
  const auto start = Clock::now();
  RETURN_IF_ERROR(loop.run(start));
  Core& core = *state.core;
  metrics.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  metrics.events_in = core.recorder().counters().inputs;
  metrics.events_out = core.recorder().counters().outputs;
  metrics.queue_depth_max = core.queue().high_water();

  Summary& s = outcome->summary;
  s.command = "run";
  s.scenario = scenario.name;
  s.data_dir = log.dir();
  s.seed = options.seed;
  s.ts_clamped = state.sequencer.clamped();
  fill_summary(core, core.state_hash(), metrics.input_ns, metrics.elapsed_s, s);
  // Inputs stamped before their predecessor are flagged, not rejected: they are processed at
  // the predecessor's time. They are listed with the rejects so one map shows all bad input.
  s.rejects_by_reason[static_cast<size_t>(RejectReason::kTimestampBackwards)] = s.ts_clamped;
  s.extra = metrics_object(metrics);
  const bool complete = !outcome->interrupted && !outcome->breach;
  s.extra["complete"] = complete;
  if (options.resume) {
    s.extra["resumed_from_snapshot"] = state.resumed_from.value();
    s.extra["tail_replayed"] = state.tail_inputs;
  }
  if (const auto& checker = loop.checker()) {
    s.extra["invariants"] = Json{{"checked", checker->checked()}, {"ok", !outcome->breach}};
  }
  RETURN_IF_ERROR(log.flush());  // so the chain head below covers the run's last batch
  s.chain_head = log.chain_head();
  RETURN_IF_ERROR(log.put_meta("state_hash", s.state_hash));
  RETURN_IF_ERROR(log.put_meta("ts_last", std::to_string(core.now().value())));
  RETURN_IF_ERROR(log.put_meta("complete", complete ? "1" : "0"));
  RETURN_IF_ERROR(log.put_meta("summary", summary_json(s)));
  return std::move(*outcome);
}

}  // namespace tape
