#include "cli/runner.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>

#include "cli/progress.h"
#include "core/core.h"
#include "cli/recovery.h"
#include "store/snapshot_store.h"

namespace tape {
namespace {

using Clock = std::chrono::steady_clock;

std::string percentiles_json(const LatencyHistogram& h) {
  return "{\"p50\":" + std::to_string(h.percentile(0.5)) + ",\"p95\":" +
         std::to_string(h.percentile(0.95)) + ",\"p99\":" + std::to_string(h.percentile(0.99)) +
         ",\"p999\":" + std::to_string(h.percentile(0.999)) + ",\"max\":" +
         std::to_string(h.max()) + ",\"count\":" + std::to_string(h.count()) + "}";
}

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
Status wait_for_pace(const Pace& pace, Clock::time_point start, Timestamp ts, int64_t flush_ms,
                     Clock::time_point& last_flush, Core& core) {
  if (pace.kind == Pace::Kind::kMax) return Status::ok();
  const double speed = pace.kind == Pace::Kind::kRealtime ? 1.0 : pace.factor;
  const auto due = start + std::chrono::nanoseconds(
                               static_cast<int64_t>(static_cast<double>(ts.value()) / speed));
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

}  // namespace

Result<Pace> parse_pace(const std::string& text) {
  if (text == "max") return Pace{};
  if (text == "realtime") return Pace{Pace::Kind::kRealtime, 1};
  if (text.size() >= 2 && text.back() == 'x') {
    char* end = nullptr;
    const double f = std::strtod(text.c_str(), &end);
    if (end == text.c_str() + text.size() - 1 && f > 0 && f <= 1e9) {
      return Pace{Pace::Kind::kFactor, f};
    }
  }
  return Status::usage("--pace must be max, realtime or Nx (e.g. 10x), not '" + text + "'");
}

std::string metrics_json(const RunMetrics& m) {
  std::string o = "\"decision_latency_ns\":" + percentiles_json(m.decision_ns) + ",\"stages\":{";
  for (size_t i = 0; i < kStages; ++i) {
    o += std::string(i ? "," : "") + "\"" + Core::kStageNames[i] + "\":" +
         percentiles_json(m.stage_ns[i]);
  }
  o += "},\"recorder\":{\"batch_inputs\":" + percentiles_json(m.batch_inputs) +
       ",\"handoff_ns\":" + percentiles_json(m.handoff_ns) +
       ",\"flush_ns\":" + percentiles_json(m.flush_ns) + "},";
  o += "\"queue_depth_max\":" + std::to_string(m.queue_depth_max);
  return o;
}

Result<RunOutcome> run_scenario(const Scenario& scenario, EventLog& log,
                                const RunOptions& options) {
  auto outcome = std::make_unique<RunOutcome>();
  RunMetrics& metrics = outcome->metrics;
  metrics.set_sim_duration(scenario.duration_ms * 1'000'000);
  MeteredSink sink(log, metrics);
  StageTimer stage_timer(metrics);
  DecisionTimer decision_timer;
  RunState state;
  if (options.resume) {
    ASSIGN_OR_RETURN(state, recover_run_state(log, scenario, options.seed, Recorder::Mode::kSink,
                                              &sink));
  } else {
    state = fresh_run_state(scenario, options.seed, Recorder::Mode::kSink, &sink);
  }
  Core& core = *state.core;
  core.set_decision_probe(&decision_timer);
  std::optional<InvariantChecker> checker;
  if (options.check_invariants) checker.emplace(scenario.core);
  const uint64_t snapshot_every = scenario.core.snapshot.every_events;
  const bool sync = scenario.core.recorder.sync == RecorderOptions::Sync::kBatch;
  ProgressBar progress("run");
  if (!options.show_progress) progress.done();
  DurableTrace trace(options.durable_trace);
  const double duration_ns = static_cast<double>(scenario.duration_ms) * 1e6;
  const auto start = Clock::now();
  auto last_flush = start;
  Timestamp ts;
  InputBody body;
  uint64_t n = 0;
  while (true) {
    if (options.stop && options.stop->load(std::memory_order_relaxed)) {
      outcome->interrupted = true;
      break;
    }
    if (!state.generator->next(ts, body)) break;
    const Input in = state.sequencer.stamp(ts, body);
    RETURN_IF_ERROR(wait_for_pace(options.pace, start, in.ts,
                                  scenario.core.recorder.flush_interval_ms, last_flush, core));
    const bool sampled = options.stage_sample_every != 0 && n % options.stage_sample_every == 0;
    if (sampled) core.set_probe(&stage_timer);
    const auto t0 = Clock::now();
    decision_timer.start(t0);
    RETURN_IF_ERROR(core.process(in));
    const auto ns = static_cast<uint64_t>((Clock::now() - t0).count());
    if (sampled) core.set_probe(nullptr);
    metrics.input_ns.record(ns);
    metrics.record_by_sim_time(in.ts.value(), ns);
    if (const auto decision_ns = decision_timer.latency_ns()) metrics.decision_ns.record(*decision_ns);
    metrics.count_sim_time(in.ts.value());
    progress.tick(duration_ns > 0 ? static_cast<double>(in.ts.value()) / duration_ns : 0, ++n);
    if (checker) {
      outcome->breach = checker->after_input(in, core);
      if (outcome->breach) break;
    }
    if (snapshot_every != 0 && in.seq.value() % snapshot_every == 0) {
      RETURN_IF_ERROR(put_snapshot(log, snapshot_of(state), sync));
    }
    trace.note(log);
  }
  if (checker && !outcome->breach && !outcome->interrupted) outcome->breach = checker->at_end(core);
  RETURN_IF_ERROR(core.finish());
  progress.done();
  if (outcome->interrupted && core.last_seq().value() != 0 &&
      (snapshot_every == 0 || core.last_seq().value() % snapshot_every != 0)) {
    RETURN_IF_ERROR(put_snapshot(log, snapshot_of(state), sync));
  }
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
  s.extra_json = metrics_json(metrics);
  s.extra_json += ",\"complete\":" + std::string(outcome->interrupted || outcome->breach ? "false" : "true");
  if (options.resume) {
    s.extra_json += ",\"resumed_from_snapshot\":" + std::to_string(state.resumed_from.value()) +
                    ",\"tail_replayed\":" + std::to_string(state.tail_inputs);
  }
  if (options.check_invariants) {
    s.extra_json += ",\"invariants\":{\"checked\":" + std::to_string(checker->checked()) +
                    ",\"ok\":" + (outcome->breach ? "false" : "true") + "}";
  }
  RETURN_IF_ERROR(log.put_meta("state_hash", s.state_hash));
  RETURN_IF_ERROR(log.put_meta("ts_last", std::to_string(core.now().value())));
  RETURN_IF_ERROR(log.put_meta("complete", outcome->interrupted || outcome->breach ? "0" : "1"));
  RETURN_IF_ERROR(log.put_meta("summary", summary_json(s)));
  return std::move(*outcome);
}

}  // namespace tape
