// The self-contained HTML run report: inline SVG charts, no scripts, no network.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/core.h"
#include "report/metrics.h"

namespace tape {
namespace {

std::string num(double v, const char* f = "%.0f") {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string human_ns(double ns) {
  if (ns >= 1e9) return num(ns / 1e9, "%.2f s");
  if (ns >= 1e6) return num(ns / 1e6, "%.2f ms");
  if (ns >= 1e3) return num(ns / 1e3, "%.2f µs");
  return num(ns, "%.0f ns");
}

// Bars with labels under the first, middle and last bar. `values` are bar heights.
// `axis` (default: `labels`) names the first, middle and last bar under the chart; `labels`
// are the bars' tooltips.
std::string bar_chart(const std::vector<double>& values, const std::vector<std::string>& labels,
                      const std::string& y_label,
                      const std::vector<std::string>* axis = nullptr) {
  const std::vector<std::string>& names = axis != nullptr ? *axis : labels;
  const double w = 720, h = 220, left = 60, bottom = 30;
  const double peak = values.empty() ? 1 : std::max(1.0, *std::max_element(values.begin(), values.end()));
  const double bw = values.empty() ? 0 : (w - left) / static_cast<double>(values.size());
  std::string svg = "<svg xmlns='http://www.w3.org/2000/svg' width='" + num(w) + "' height='" +
                    num(h + bottom) + "' role='img'>";
  svg += "<text x='4' y='14' font-size='11'>" + y_label + " (max " + num(peak) + ")</text>";
  for (size_t i = 0; i < values.size(); ++i) {
    const double bh = values[i] / peak * (h - 24);
    svg += "<rect x='" + num(left + bw * static_cast<double>(i), "%.2f") + "' y='" +
           num(h - bh, "%.2f") + "' width='" + num(std::max(bw - 1, 0.5), "%.2f") + "' height='" +
           num(bh, "%.2f") + "' fill='#3b6ea5'><title>" + labels[i] + ": " + num(values[i]) +
           "</title></rect>";
  }
  for (size_t i : {size_t{0}, values.size() / 2, values.size() - 1}) {
    if (i >= values.size()) continue;
    const bool last = i + 1 == values.size() && i != 0;
    const double x = last ? w : left + bw * static_cast<double>(i);
    svg += "<text x='" + num(x, "%.1f") + "' y='" + num(h + 18) + "' font-size='11'" +
           (last ? " text-anchor='end'" : "") + ">" + names[i] + "</text>";
  }
  svg += "<line x1='" + num(left) + "' y1='" + num(h) + "' x2='" + num(w) + "' y2='" + num(h) +
         "' stroke='#333'/></svg>";
  return svg;
}

std::string latency_chart(const LatencyHistogram& hist) {
  std::vector<double> values;
  std::vector<std::string> labels;
  hist.for_each_bucket([&](uint64_t upper, uint64_t count) {
    values.push_back(static_cast<double>(count));
    labels.push_back("≤" + human_ns(static_cast<double>(upper)));
  });
  return bar_chart(values, labels, "inputs per latency bucket");
}

std::string throughput_chart(const RunMetrics& m) {
  size_t used = m.inputs_by_sim.size();
  while (used > 0 && m.inputs_by_sim[used - 1] == 0) --used;
  std::vector<double> values;
  std::vector<std::string> labels;
  const double bin_s = static_cast<double>(m.count_bin_ns) / 1e9;
  for (size_t i = 0; i < used; ++i) {
    values.push_back(static_cast<double>(m.inputs_by_sim[i]) / bin_s);
    labels.push_back(num(static_cast<double>(i) * bin_s, "%.2f s"));
  }
  return bar_chart(values, labels, "inputs per simulated second");
}

// p99 of input latency per simulated-time bin (empty bins are gaps), so a burst's or a crash's
// effect on latency shows where it happened.
std::string latency_over_time_chart(const RunMetrics& m) {
  size_t used = m.latency_by_sim.size();
  while (used > 0 && m.latency_by_sim[used - 1].count() == 0) --used;
  std::vector<double> values;
  std::vector<std::string> labels;
  for (size_t i = 0; i < used; ++i) {
    const LatencyHistogram& h = m.latency_by_sim[i];
    values.push_back(static_cast<double>(h.percentile(0.99)));
    labels.push_back(num(static_cast<double>(i) * static_cast<double>(m.sim_bin_ns) / 1e9, "%.2f s") +
                     " (" + std::to_string(h.count()) + " inputs, p50 " +
                     human_ns(static_cast<double>(h.percentile(0.5))) + ", max " +
                     human_ns(static_cast<double>(h.max())) + ")");
  }
  if (values.empty()) return "<p>no inputs</p>";
  std::vector<std::string> axis;
  for (size_t i = 0; i < used; ++i) {
    axis.push_back(num(static_cast<double>(i) * static_cast<double>(m.sim_bin_ns) / 1e9, "%.2f s"));
  }
  return bar_chart(values, labels, "p99 input latency in ns per " +
                                       human_ns(static_cast<double>(m.sim_bin_ns)) +
                                       " of simulated time", &axis);
}

std::string percentile_row(const char* name, const LatencyHistogram& h) {
  std::string row = std::string("<tr><td>") + name + "</td><td>" + std::to_string(h.count()) + "</td>";
  for (double q : {0.5, 0.95, 0.99, 0.999}) row += "<td>" + human_ns(static_cast<double>(h.percentile(q))) + "</td>";
  return row + "<td>" + human_ns(static_cast<double>(h.max())) + "</td></tr>";
}

// Text as HTML character data: a scenario's name is the user's, and may hold '<' or '&'.
std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string html_report(const RunMetrics& m, const Summary& summary) {
  const std::string title = html_escape(summary.scenario);
  std::string o = "<!doctype html><html><head><meta charset='utf-8'><title>tape: " + title +
                  "</title><style>body{font-family:sans-serif;margin:2em;max-width:60em}"
                  "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;"
                  "text-align:right}td:first-child{text-align:left}pre{background:#f4f4f4;"
                  "padding:1em;white-space:pre-wrap;word-break:break-all}</style></head><body>";
  o += "<h1>tape run: " + title + "</h1>";
  o += "<p>" + std::to_string(m.events_in) + " inputs, " + std::to_string(m.events_out) +
       " outputs in " + num(m.elapsed_s, "%.3f") + " s (" +
       num(m.elapsed_s > 0 ? static_cast<double>(m.events_in) / m.elapsed_s : 0) +
       " inputs/s); dropped 0; bus queue high-water " + std::to_string(m.queue_depth_max) + ".</p>";
  o += "<h2>Latency</h2><table><tr><th>what</th><th>count</th><th>p50</th><th>p95</th>"
       "<th>p99</th><th>p99.9</th><th>max</th></tr>";
  o += percentile_row("input (whole pipeline)", m.input_ns);
  o += percentile_row("tick → order (risk-checked intent)", m.decision_ns);
  for (size_t i = 0; i < kStages; ++i) {
    o += percentile_row((std::string("stage: ") + Core::kStageNames[i]).c_str(), m.stage_ns[i]);
  }
  o += percentile_row("recorder hand-off", m.handoff_ns);
  o += percentile_row("final flush", m.flush_ns);
  o += "</table><h3>Per-input latency distribution</h3>" + latency_chart(m.input_ns);
  o += "<h2>Throughput over simulated time</h2>" + throughput_chart(m);
  o += "<h2>Latency over simulated time</h2>" + latency_over_time_chart(m);
  o += "<h2>Recorder batches</h2><p>inputs per batch: p50 " +
       std::to_string(m.batch_inputs.percentile(0.5)) + ", max " +
       std::to_string(m.batch_inputs.max()) + ", batches " + std::to_string(m.batch_inputs.count()) + "</p>";
  o += "<h2>Orders and rejects</h2><table><tr><th>what</th><th>count</th></tr>";
  o += "<tr><td>orders</td><td>" + std::to_string(summary.orders) + "</td></tr>";
  o += "<tr><td>fills</td><td>" + std::to_string(summary.fills) + "</td></tr>";
  o += "<tr><td>rejects</td><td>" + std::to_string(summary.rejects) + "</td></tr>";
  for (size_t r = 0; r < summary.rejects_by_reason.size(); ++r) {
    if (summary.rejects_by_reason[r] == 0) continue;
    o += std::string("<tr><td>&nbsp;&nbsp;") + reject_reason_name(static_cast<RejectReason>(r)) +
         "</td><td>" + std::to_string(summary.rejects_by_reason[r]) + "</td></tr>";
  }
  o += "<tr><td>timestamps clamped</td><td>" + std::to_string(summary.ts_clamped) + "</td></tr>";
  o += "<tr><td>dropped</td><td>0</td></tr></table>";
  o += "<p>state hash <code>" + summary.state_hash + "</code>, pnl " + num(summary.pnl, "%.4f") +
       ", seq 1.." + std::to_string(summary.seq_last) + "</p>";
  o += "<h2>Summary</h2><pre>" + html_escape(summary_json(summary)) + "</pre></body></html>\n";
  return o;
}

}  // namespace tape
