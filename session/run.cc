#include "session/run.h"

#include <chrono>

#include "session/generator_source.h"

namespace tape {
namespace {

using Clock = std::chrono::steady_clock;

Status write_end_meta(EventLog& log, RunOutcome& out) {
  RETURN_IF_ERROR(log.flush());  // so the chain head covers the run's last batch
  out.chain_head = log.chain_head();
  RETURN_IF_ERROR(log.put_meta("state_hash", out.state_hash));
  RETURN_IF_ERROR(log.put_meta("ts_last", std::to_string(out.state.core->now().value())));
  return log.put_meta("complete", out.complete() ? "1" : "0");
}

}  // namespace

Result<RunOutcome> run_scenario(const Scenario& scenario, EventLog& log,
                                const RunOptions& options) {
  auto outcome = std::make_unique<RunOutcome>();
  RunMetrics& metrics = outcome->metrics;
  metrics.set_sim_duration(scenario.duration_ms * 1'000'000);
  MeteredSink sink(log, metrics);
  const SourceFactory source = generator_source(scenario, options.seed);
  if (options.resume) {
    ASSIGN_OR_RETURN(outcome->state, resume_session(log, scenario.core, source,
                                                    Recorder::Mode::kSink, &sink, &log));
  } else {
    outcome->state = fresh_session(scenario.core, source, Recorder::Mode::kSink, &sink);
  }
  Core& core = *outcome->state.core;
  if (options.make_check) {
    ASSIGN_OR_RETURN(outcome->check, options.make_check(core, options.resume));
  }
  LoopOptions loop = options.loop;
  loop.duration_ns = scenario.duration_ms * 1'000'000;
  loop.check = outcome->check.get();
  const auto start = Clock::now();
  ASSIGN_OR_RETURN(const LoopEnd end, run_loop(outcome->state, &log, scenario.core, loop, metrics,
                                               start));
  metrics.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  metrics.events_in = core.recorder().counters().inputs;
  metrics.events_out = core.recorder().counters().outputs;
  metrics.queue_depth_max = core.queue().high_water();
  outcome->interrupted = end.interrupted;
  outcome->check_failed = end.check_failed;
  outcome->state_hash = core.state_hash();
  // The sink lives on this frame: the core must not write through it once we return.
  core.set_record_mode(Recorder::Mode::kCollect);
  RETURN_IF_ERROR(write_end_meta(log, *outcome));
  return std::move(*outcome);
}

Status write_run_meta(EventLog& log, const Scenario& s, uint64_t seed) {
  RETURN_IF_ERROR(log.put_meta(kMetaSeed, std::to_string(seed)));
  RETURN_IF_ERROR(log.put_meta(kMetaScenarioPath, s.source));
  RETURN_IF_ERROR(log.put_meta("scenario_name", s.name));
  return log.put_meta(kMetaScenario, s.canonical_toml);
}

Status check_same_run(const EventLog& log, const std::string& dir, const Scenario& named,
                      uint64_t seed) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, log.get_meta(kMetaScenario));
  ASSIGN_OR_RETURN(std::optional<std::string> recorded_seed, log.get_meta(kMetaSeed));
  if (!text || !recorded_seed) return Status::invalid(dir + ": log has no scenario to resume");
  if (*text != named.canonical_toml) {
    return Status::invalid(dir + ": the log was recorded from a different scenario than " +
                           named.source + " (with these --set overrides)");
  }
  if (*recorded_seed != std::to_string(seed)) {
    return Status::invalid(dir + ": the log was recorded with seed " + *recorded_seed +
                           ", not " + std::to_string(seed));
  }
  return Status::ok();
}

Result<std::optional<FinishedRunMeta>> finished_run(const std::string& dir, const LogOptions& lo,
                                                     const Scenario& named, uint64_t seed) {
  auto opened = EventLog::open(dir, /*read_only=*/true, lo);
  if (!opened.is_ok()) return std::optional<FinishedRunMeta>();
  const auto& log = opened.value();
  RETURN_IF_ERROR(check_same_run(*log, dir, named, seed));
  ASSIGN_OR_RETURN(std::optional<std::string> complete, log->get_meta("complete"));
  if (complete != std::optional<std::string>("1")) return std::optional<FinishedRunMeta>();
  ASSIGN_OR_RETURN(std::optional<std::string> hash, log->get_meta("state_hash"));
  ASSIGN_OR_RETURN(std::optional<std::string> head, log->get_meta(kMetaChainHead));
  return std::optional<FinishedRunMeta>(
      FinishedRunMeta{log->last_seq().value(), hash.value_or(""), head.value_or("")});
}

Result<std::unique_ptr<EventLog>> open_for_resume(const std::string& dir, const LogOptions& lo,
                                                  const Scenario& named, uint64_t seed) {
  ASSIGN_OR_RETURN(auto log, EventLog::open(dir, /*read_only=*/false, lo));
  RETURN_IF_ERROR(check_same_run(*log, dir, named, seed));
  return log;
}

}  // namespace tape
