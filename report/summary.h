// The summary `run` and `replay` print (the CLI contract), as one JSON object with --json or as
// aligned text for a person. The run's JSON is also what its log keeps in meta "summary".
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "core/core.h"
#include "report/json.h"
#include "session/histogram.h"

namespace tape {

struct Summary {
  std::string command;  // "run" or "replay"
  std::string scenario;
  std::string data_dir;
  uint64_t seed = 0;
  uint64_t events_in = 0;
  uint64_t events_out = 0;
  uint64_t orders = 0;
  uint64_t fills = 0;
  uint64_t rejects = 0;
  uint64_t dropped = 0;  // always 0: the recorder waits instead of dropping
  uint64_t seq_last = 0;
  uint64_t batches = 0;
  uint64_t ts_clamped = 0;
  std::string state_hash;
  // The log's chain head (hex) after the run's last batch (docs/event_log_format.md): keep it, and
  // `audit --expect-head` proves the log still ends there. Empty: not printed (replay).
  std::string chain_head;
  double elapsed_s = 0;
  double events_per_s = 0;
  uint64_t latency_ns_p50 = 0, latency_ns_p95 = 0, latency_ns_p99 = 0, latency_ns_p999 = 0,
           latency_ns_max = 0;
  double pnl = 0;  // managed accounts: realized + unrealized - fees, currency units
  int64_t position_abs = 0;
  std::array<uint64_t, 32> rejects_by_reason{};
  bool verified = false;  // replay --verify passed
  uint64_t outputs_compared = 0;
  bool state_hash_verified = false;
  // Further members of the JSON object (an object, or null for none), appended in their order.
  Json extra;
};

// Fills the counters that come from the core, its `state_hash` (computed once by the caller)
// and the latency figures from `latency`.
void fill_summary(const Core& core, const std::string& state_hash, const LatencyHistogram& latency,
                  double elapsed_s, Summary& s);
// The summary as one JSON object, members in a fixed order (scripts find keys by name).
Json summary_object(const Summary& s);
std::string summary_json(const Summary& s);  // dump_json(summary_object(s))
std::string summary_text(const Summary& s);

}  // namespace tape
