#include "cli/summary.h"

#include <cstdio>

namespace tape {
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string rejects_json(const Summary& s) {
  std::string out = "{";
  bool first = true;
  for (size_t r = 0; r < s.rejects_by_reason.size(); ++r) {
    if (s.rejects_by_reason[r] == 0) continue;
    if (!first) out += ",";
    first = false;
    out += "\"" + std::string(reject_reason_name(static_cast<RejectReason>(r))) +
           "\":" + std::to_string(s.rejects_by_reason[r]);
  }
  return out + "}";
}

}  // namespace

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

void fill_summary(const Core& core, const std::string& state_hash, const LatencyHistogram& latency,
                  double elapsed_s, Summary& s) {
  const auto& rec = core.recorder().counters();
  s.events_in = rec.inputs;
  s.events_out = rec.outputs;
  s.orders = core.engine().counters().orders;
  s.fills = rec.fills;
  s.rejects = rec.rejects;
  s.rejects_by_reason = rec.rejects_by_reason;
  s.batches = rec.batches;
  s.seq_last = core.last_seq().value();
  s.state_hash = state_hash;
  s.elapsed_s = elapsed_s;
  s.events_per_s = elapsed_s > 0 ? static_cast<double>(s.events_in) / elapsed_s : 0;
  s.latency_ns_p50 = latency.percentile(0.50);
  s.latency_ns_p95 = latency.percentile(0.95);
  s.latency_ns_p99 = latency.percentile(0.99);
  s.latency_ns_p999 = latency.percentile(0.999);
  s.latency_ns_max = latency.max();
  s.pnl = static_cast<double>(core.portfolio().total_pnl().value()) / kMoneyScale;
}

std::string summary_json(const Summary& s) {
  std::string o = "{";
  auto num = [&o](const char* k, uint64_t v) { o += "\"" + std::string(k) + "\":" + std::to_string(v) + ","; };
  o += "\"command\":\"" + s.command + "\",";
  o += "\"scenario\":\"" + json_escape(s.scenario) + "\",";
  o += "\"data_dir\":\"" + json_escape(s.data_dir) + "\",";
  num("seed", s.seed);
  num("events_in", s.events_in);
  num("events_out", s.events_out);
  num("orders", s.orders);
  num("fills", s.fills);
  num("rejects", s.rejects);
  o += "\"rejects_by_reason\":" + rejects_json(s) + ",";
  num("dropped", s.dropped);
  num("seq_last", s.seq_last);
  num("batches", s.batches);
  num("ts_clamped", s.ts_clamped);
  o += "\"state_hash\":\"" + s.state_hash + "\",";
  if (!s.chain_head.empty()) o += "\"chain_head\":\"" + s.chain_head + "\",";
  o += "\"elapsed_s\":" + fmt("%.6f", s.elapsed_s) + ",";
  o += "\"events_per_s\":" + fmt("%.0f", s.events_per_s) + ",";
  o += "\"latency_ns\":{\"p50\":" + std::to_string(s.latency_ns_p50) +
       ",\"p95\":" + std::to_string(s.latency_ns_p95) +
       ",\"p99\":" + std::to_string(s.latency_ns_p99) +
       ",\"p999\":" + std::to_string(s.latency_ns_p999) +
       ",\"max\":" + std::to_string(s.latency_ns_max) + "},";
  o += "\"pnl\":" + fmt("%.4f", s.pnl);
  if (s.command == "replay") {
    o += ",\"verified\":" + std::string(s.verified ? "true" : "false");
    o += ",\"outputs_compared\":" + std::to_string(s.outputs_compared);
    o += ",\"state_hash_verified\":" + std::string(s.state_hash_verified ? "true" : "false");
  }
  if (!s.extra_json.empty()) o += "," + s.extra_json;
  return o + "}";
}

std::string summary_text(const Summary& s) {
  std::string o;
  auto line = [&o](const char* k, const std::string& v) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "  %-14s %s\n", k, v.c_str());
    o += buf;
  };
  o += "tape " + s.command + ": " + s.scenario + "\n";
  line("data dir", s.data_dir);
  if (s.command == "run") line("seed", std::to_string(s.seed));
  line("events in", std::to_string(s.events_in) + "  (seq 1.." + std::to_string(s.seq_last) + ")");
  line("events out", std::to_string(s.events_out));
  line("orders", std::to_string(s.orders));
  line("fills", std::to_string(s.fills));
  std::string rejects = std::to_string(s.rejects);
  if (s.rejects > 0) rejects += "  " + rejects_json(s);
  line("rejects", rejects);
  line("dropped", std::to_string(s.dropped));
  line("batches", std::to_string(s.batches));
  line("pnl", fmt("%.4f", s.pnl));
  line("elapsed", fmt("%.3f s", s.elapsed_s) + "  (" + fmt("%.0f", s.events_per_s) + " events/s)");
  line("latency ns", "p50 " + std::to_string(s.latency_ns_p50) + "  p99 " +
                         std::to_string(s.latency_ns_p99) + "  p999 " +
                         std::to_string(s.latency_ns_p999) + "  max " +
                         std::to_string(s.latency_ns_max));
  line("state hash", s.state_hash);
  if (!s.chain_head.empty()) line("chain head", s.chain_head);
  if (s.command == "replay") {
    line("verified", s.verified ? "yes: " + std::to_string(s.outputs_compared) +
                                      " outputs" + (s.state_hash_verified ? ", final state hash" : "")
                                : "not requested");
  }
  return o;
}

}  // namespace tape
