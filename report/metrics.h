// Renderings of a run's metrics (session/run_metrics.h): the JSON members of `run --json`, the
// Prometheus text exposition of --metrics-out, and the self-contained HTML report of --report.
#pragma once

#include <string>

#include "report/json.h"
#include "report/summary.h"
#include "session/run_metrics.h"

namespace tape {

// {"p50":..,"p95":..,"p99":..,"p999":..,"max":..,"count":..} of one histogram.
Json percentiles_object(const LatencyHistogram& h);

// decision_latency_ns, stages (by Core::kStageNames), recorder (batch_inputs, handoff_ns,
// flush_ns) and queue_depth_max, as members to append to a run's summary.
Json metrics_object(const RunMetrics& m);

// Prometheus text exposition format (version 0.0.4): counters, gauges and summaries with
// quantiles, names prefixed `tape_`.
std::string prometheus_text(const RunMetrics& m, const std::string& scenario);

// A self-contained HTML page (inline SVG, no network): latency histogram, stage breakdown,
// throughput over simulated time, p99 latency over simulated time, and the summary's JSON.
std::string html_report(const RunMetrics& m, const Summary& summary);

}  // namespace tape
