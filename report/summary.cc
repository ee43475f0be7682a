#include "report/summary.h"

#include <cmath>
#include <cstdio>

namespace tape {
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// Only the reasons that occurred, in reason order.
Json rejects_object(const Summary& s) {
  Json out = Json::object();
  for (size_t r = 0; r < s.rejects_by_reason.size(); ++r) {
    if (s.rejects_by_reason[r] == 0) continue;
    out[reject_reason_name(static_cast<RejectReason>(r))] = s.rejects_by_reason[r];
  }
  return out;
}

}  // namespace

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
  s.pnl = static_cast<double>(core.portfolio().total_pnl().value()) /
          static_cast<double>(core.config().money_scale);
}

Json summary_object(const Summary& s) {
  Json o = Json::object();
  o["command"] = s.command;
  o["scenario"] = s.scenario;
  o["data_dir"] = s.data_dir;
  o["seed"] = s.seed;
  o["events_in"] = s.events_in;
  o["events_out"] = s.events_out;
  o["orders"] = s.orders;
  o["fills"] = s.fills;
  o["rejects"] = s.rejects;
  o["rejects_by_reason"] = rejects_object(s);
  o["dropped"] = s.dropped;
  o["seq_last"] = s.seq_last;
  o["batches"] = s.batches;
  o["ts_clamped"] = s.ts_clamped;
  o["state_hash"] = s.state_hash;
  if (!s.chain_head.empty()) o["chain_head"] = s.chain_head;
  // Wall-clock figures at the precision they were always printed with.
  o["elapsed_s"] = round_to(s.elapsed_s, 6);
  o["events_per_s"] = static_cast<uint64_t>(std::llround(std::max(0.0, s.events_per_s)));
  o["latency_ns"] = Json{{"p50", s.latency_ns_p50}, {"p95", s.latency_ns_p95},
                         {"p99", s.latency_ns_p99}, {"p999", s.latency_ns_p999},
                         {"max", s.latency_ns_max}};
  // Money is exact in 1/kMoneyScale units: the quotient is the four-decimal figure.
  o["pnl"] = round_to(s.pnl, 4);
  if (s.command == "replay") {
    o["verified"] = s.verified;
    o["outputs_compared"] = s.outputs_compared;
    o["state_hash_verified"] = s.state_hash_verified;
  }
  if (s.extra.is_object()) {
    for (const auto& [key, value] : s.extra.items()) o[key] = value;
  }
  return o;
}

std::string summary_json(const Summary& s) { return dump_json(summary_object(s)); }

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
  if (s.rejects > 0) rejects += "  " + dump_json(rejects_object(s));
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
