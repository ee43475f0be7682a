#include "report/run_summary.h"

#include "report/metrics.h"

namespace tape {

Summary run_summary(const RunOutcome& out, const std::string& scenario_name,
                    const std::string& data_dir, uint64_t seed, bool resumed) {
  const Core& core = *out.state.core;
  const RunMetrics& metrics = out.metrics;
  Summary s;
  s.command = "run";
  s.scenario = scenario_name;
  s.data_dir = data_dir;
  s.seed = seed;
  s.ts_clamped = out.state.sequencer.clamped();
  fill_summary(core, out.state_hash, metrics.input_ns, metrics.elapsed_s, s);
  // Inputs stamped before their predecessor are flagged, not rejected: they are processed at
  // the predecessor's time. They are listed with the rejects so one map shows all bad input.
  s.rejects_by_reason[static_cast<size_t>(RejectReason::kTimestampBackwards)] = s.ts_clamped;
  s.chain_head = out.chain_head;
  s.extra = metrics_object(metrics);
  s.extra["complete"] = out.complete();
  if (resumed) {
    s.extra["resumed_from_snapshot"] = out.state.resumed_from.value();
    s.extra["tail_replayed"] = out.state.tail_inputs;
  }
  if (out.check) {
    s.extra["invariants"] = Json{{"checked", out.check->checked()},
                                 {"ok", out.check->failure().empty()}};
  }
  return s;
}

Status record_summary(EventLog& log, const Summary& s) {
  return log.put_meta("summary", summary_json(s));
}

}  // namespace tape
