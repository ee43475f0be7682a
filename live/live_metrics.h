// The live session's figures, shared between the core's thread (which writes most of them),
// the NATS client thread (fetches, reconnects) and the /metrics HTTP thread (which reads them):
// every field is atomic or guarded, so a scrape never stops the core. Rendered as Prometheus
// text (live/metrics_server.h) and as the `--json` summary's "live" object.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "feed/json.h"

namespace tape {

// The steady clock in ns: arrival stamps and latencies (never the core's time).
inline int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A latency histogram with fixed bucket bounds (Prometheus `le` buckets), in ns.
class AtomicHistogram {
 public:
  static constexpr std::array<uint64_t, 16> kBoundsNs = {
      10'000,     25'000,     50'000,      100'000,     250'000,     500'000,
      1'000'000,  2'500'000,  5'000'000,   10'000'000,  25'000'000,  50'000'000,
      100'000'000, 250'000'000, 500'000'000, 1'000'000'000};
  void record(uint64_t ns);
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  uint64_t sum_ns() const { return sum_ns_.load(std::memory_order_relaxed); }
  // Observations <= kBoundsNs[i] (cumulative, as Prometheus wants them).
  uint64_t cumulative(size_t i) const;
  // The p-quantile (0..1) as the upper bound of its bucket; 0 when empty.
  uint64_t quantile_ns(double p) const;

 private:
  std::array<std::atomic<uint64_t>, kBoundsNs.size() + 1> buckets_{};  // last: above every bound
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_ns_{0};
};

struct LiveMetrics {
  std::atomic<uint64_t> messages{0};        // messages journaled (each one input)
  std::atomic<uint64_t> duplicates{0};      // redeliveries seen again and not journaled
  std::atomic<uint64_t> heartbeats{0};      // heartbeat inputs the wall clock made
  std::atomic<uint64_t> inputs{0};          // inputs journaled (messages + heartbeats)
  std::atomic<uint64_t> durable_seq{0};     // last seq durable in the log
  std::atomic<uint64_t> acked_stream_seq{0};  // last stream seq acknowledged to JetStream
  std::atomic<uint64_t> last_stream_seq{0};   // last stream seq journaled
  std::atomic<uint64_t> consumer_pending{0};  // the consumer's pending count (all subjects)
  std::atomic<uint64_t> queue_depth{0};       // messages fetched, not yet taken by the core
  std::atomic<uint64_t> recorder_queue_depth{0};  // batches handed to the log, not yet written
  std::atomic<uint64_t> reconnects{0};
  std::atomic<uint64_t> disconnects{0};
  std::atomic<uint64_t> fetch_errors{0};
  std::atomic<uint64_t> outputs_published{0};
  std::atomic<uint64_t> outputs_unpublished{0};  // held behind the breaker beyond its bound
  std::atomic<uint64_t> breaker_opened{0};       // times output publishing was paused
  std::atomic<bool> connected{false};
  std::atomic<uint64_t> dropped{0};              // inputs dropped: always 0, by construction
  // Steady-clock ns when the core took this session's first and last message: the ingest rate.
  std::atomic<int64_t> first_message_ns{0};
  std::atomic<int64_t> last_message_ns{0};
  AtomicHistogram flush_ns;             // a batch's hand-off to the log until it is written
  AtomicHistogram input_to_output_ns;   // message arrival until its outputs are published
  AtomicHistogram input_to_durable_ns;  // message arrival until its batch is durable

  // The message counter of `subject` (created at 0); stays valid as long as the metrics.
  std::atomic<uint64_t>& subject_counter(const std::string& subject);
  // The lag gauge of configured subject `subject` (created at 0): the messages on it in the
  // stream not yet delivered to the consumer (NatsFeed). Stays valid as long as the metrics.
  std::atomic<uint64_t>& subject_lag(const std::string& subject);
  void count_reject(const std::string& reason);
  std::map<std::string, uint64_t> subjects() const;
  std::map<std::string, uint64_t> lags() const;
  std::map<std::string, uint64_t> rejects() const;

  // Prometheus text exposition format (version 0.0.4).
  std::string prometheus() const;
  // The same figures as one JSON object.
  Json to_json() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::atomic<uint64_t>> subjects_;  // ordered: reaches the output
  std::map<std::string, std::atomic<uint64_t>> lags_;
  std::map<std::string, uint64_t> rejects_;
};

}  // namespace tape
