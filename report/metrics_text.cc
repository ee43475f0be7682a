#include "report/metrics.h"

#include <cstdio>

#include "core/core.h"

namespace tape {
namespace {

void summary_lines(std::string& o, const char* name, const char* help, const LatencyHistogram& h,
                   const std::string& labels) {
  o += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " summary\n";
  const std::string sep = labels.empty() ? "" : ",";
  for (auto [q, label] : {std::pair{0.5, "0.5"}, {0.95, "0.95"}, {0.99, "0.99"},
                          {0.999, "0.999"}, {1.0, "1"}}) {
    const uint64_t v = q >= 1.0 ? h.max() : h.percentile(q);
    o += std::string(name) + "{" + labels + sep + "quantile=\"" + label + "\"} " +
         std::to_string(v) + "\n";
  }
  o += std::string(name) + "_count" + (labels.empty() ? "" : "{" + labels + "}") + " " +
       std::to_string(h.count()) + "\n";
}

void scalar(std::string& o, const char* name, const char* type, const char* help,
            const std::string& value) {
  o += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
       name + " " + value + "\n";
}

}  // namespace

Json percentiles_object(const LatencyHistogram& h) {
  return Json{{"p50", h.percentile(0.5)},   {"p95", h.percentile(0.95)},
              {"p99", h.percentile(0.99)},  {"p999", h.percentile(0.999)},
              {"max", h.max()},             {"count", h.count()}};
}

Json metrics_object(const RunMetrics& m) {
  Json o = Json::object();
  o["decision_latency_ns"] = percentiles_object(m.decision_ns);
  Json stages = Json::object();
  for (size_t i = 0; i < kStages; ++i) stages[Core::kStageNames[i]] = percentiles_object(m.stage_ns[i]);
  o["stages"] = std::move(stages);
  o["recorder"] = Json{{"batch_inputs", percentiles_object(m.batch_inputs)},
                       {"handoff_ns", percentiles_object(m.handoff_ns)},
                       {"flush_ns", percentiles_object(m.flush_ns)}};
  o["queue_depth_max"] = m.queue_depth_max;
  return o;
}

std::string prometheus_text(const RunMetrics& m, const std::string& scenario) {
  std::string o;
  const std::string sc = "scenario=\"" + scenario + "\"";
  summary_lines(o, "tape_input_latency_ns", "Wall time to process one input.", m.input_ns, sc);
  summary_lines(o, "tape_decision_latency_ns",
                "Wall time from an input to the first strategy order it caused, risk-checked.", m.decision_ns, sc);
  o += "# HELP tape_stage_latency_ns Wall time per handler call by pipeline stage (sampled).\n"
       "# TYPE tape_stage_latency_ns summary\n";
  for (size_t i = 0; i < kStages; ++i) {
    std::string body;
    summary_lines(body, "tape_stage_latency_ns", "", m.stage_ns[i],
                  sc + ",stage=\"" + Core::kStageNames[i] + "\"");
    o += body.substr(body.find('\n', body.find('\n') + 1) + 1);  // drop repeated HELP/TYPE
  }
  summary_lines(o, "tape_recorder_handoff_ns", "Wall time to hand a batch to the store.",
                m.handoff_ns, sc);
  summary_lines(o, "tape_recorder_flush_ns", "Wall time of the final store flush.", m.flush_ns, sc);
  summary_lines(o, "tape_recorder_batch_inputs", "Inputs per recorded batch.", m.batch_inputs, sc);
  scalar(o, "tape_events_in_total", "counter", "Inputs processed.", std::to_string(m.events_in));
  scalar(o, "tape_events_out_total", "counter", "Outputs derived.", std::to_string(m.events_out));
  scalar(o, "tape_events_dropped_total", "counter", "Events dropped (always 0).", "0");
  scalar(o, "tape_bus_queue_depth_max", "gauge", "Bus queue high-water mark.",
         std::to_string(m.queue_depth_max));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", m.elapsed_s);
  scalar(o, "tape_elapsed_seconds", "gauge", "Wall time of the run.", buf);
  std::snprintf(buf, sizeof buf, "%.0f",
                m.elapsed_s > 0 ? static_cast<double>(m.events_in) / m.elapsed_s : 0.0);
  scalar(o, "tape_events_per_second", "gauge", "Inputs per wall-clock second.", buf);
  return o;
}

}  // namespace tape
