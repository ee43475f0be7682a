#include "live/live_metrics.h"

#include <sstream>

namespace tape {

void AtomicHistogram::record(uint64_t ns) {
  size_t i = 0;
  while (i < kBoundsNs.size() && ns > kBoundsNs[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(ns, std::memory_order_relaxed);
}

uint64_t AtomicHistogram::cumulative(size_t i) const {
  uint64_t n = 0;
  for (size_t b = 0; b <= i && b < buckets_.size(); ++b) {
    n += buckets_[b].load(std::memory_order_relaxed);
  }
  return n;
}

uint64_t AtomicHistogram::quantile_ns(double p) const {
  const uint64_t total = count();
  if (total == 0) return 0;
  const auto want = static_cast<uint64_t>(p * static_cast<double>(total) + 0.5);
  for (size_t i = 0; i < kBoundsNs.size(); ++i) {
    if (cumulative(i) >= std::max<uint64_t>(1, want)) return kBoundsNs[i];
  }
  return kBoundsNs.back() * 10;  // above the last bound
}

std::atomic<uint64_t>& LiveMetrics::subject_counter(const std::string& subject) {
  std::lock_guard<std::mutex> lock(mu_);
  return subjects_[subject];  // std::map nodes never move
}

std::atomic<uint64_t>& LiveMetrics::subject_lag(const std::string& subject) {
  std::lock_guard<std::mutex> lock(mu_);
  return lags_[subject];
}

void LiveMetrics::count_reject(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  ++rejects_[reason];
}

std::map<std::string, uint64_t> LiveMetrics::subjects() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, uint64_t> out;
  for (const auto& [s, n] : subjects_) out.emplace(s, n.load(std::memory_order_relaxed));
  return out;
}

std::map<std::string, uint64_t> LiveMetrics::lags() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, uint64_t> out;
  for (const auto& [s, n] : lags_) out.emplace(s, n.load(std::memory_order_relaxed));
  return out;
}

std::map<std::string, uint64_t> LiveMetrics::rejects() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rejects_;
}

namespace {

// Label values escaped as the exposition format asks (backslash, quote, newline).
std::string label(const std::string& v) {
  std::string out;
  for (const char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void scalar(std::ostringstream& o, const char* name, const char* type, const char* help,
            uint64_t v) {
  o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
    << name << ' ' << v << '\n';
}

void labelled(std::ostringstream& o, const char* name, const char* type, const char* help,
              const char* key, const std::map<std::string, uint64_t>& values) {
  o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
  for (const auto& [value, n] : values) {
    o << name << '{' << key << "=\"" << label(value) << "\"} " << n << '\n';
  }
}

void histogram(std::ostringstream& o, const char* name, const char* help,
               const AtomicHistogram& h) {
  o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " histogram\n";
  for (size_t i = 0; i < AtomicHistogram::kBoundsNs.size(); ++i) {
    o << name << "_bucket{le=\"" << static_cast<double>(AtomicHistogram::kBoundsNs[i]) / 1e9
      << "\"} " << h.cumulative(i) << '\n';
  }
  o << name << "_bucket{le=\"+Inf\"} " << h.count() << '\n'
    << name << "_sum " << static_cast<double>(h.sum_ns()) / 1e9 << '\n'
    << name << "_count " << h.count() << '\n';
}

Json histogram_json(const AtomicHistogram& h) {
  return Json{{"count", h.count()},
              {"sum_ns", h.sum_ns()},
              {"p50_ns_at_most", h.quantile_ns(0.50)},
              {"p99_ns_at_most", h.quantile_ns(0.99)}};
}

uint64_t get(const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); }

}  // namespace

std::string LiveMetrics::prometheus() const {
  std::ostringstream o;
  labelled(o, "tape_live_messages_total", "counter", "Messages journaled, by configured subject.",
           "subject", subjects());
  labelled(o, "tape_live_lag", "gauge",
           "Messages in the stream on the configured subject not yet delivered to the consumer.",
           "subject", lags());
  scalar(o, "tape_live_consumer_pending", "gauge",
         "Messages in the stream not yet delivered to the consumer, all subjects.",
         get(consumer_pending));
  scalar(o, "tape_live_inputs_total", "counter", "Inputs journaled (messages and heartbeats).",
         get(inputs));
  scalar(o, "tape_live_heartbeats_total", "counter", "Wall-clock heartbeat inputs.",
         get(heartbeats));
  scalar(o, "tape_live_duplicates_total", "counter",
         "Redelivered messages recognized by stream sequence and not journaled again.",
         get(duplicates));
  scalar(o, "tape_live_last_stream_seq", "gauge", "Last stream sequence journaled.",
         get(last_stream_seq));
  scalar(o, "tape_live_acked_stream_seq", "gauge", "Last stream sequence acknowledged.",
         get(acked_stream_seq));
  scalar(o, "tape_live_durable_seq", "gauge", "Last input seq durable in the log.",
         get(durable_seq));
  scalar(o, "tape_live_fetch_queue_depth", "gauge",
         "Messages fetched from JetStream, not yet taken by the core.", get(queue_depth));
  scalar(o, "tape_live_recorder_queue_depth", "gauge",
         "Batches handed to the log, not yet written.", get(recorder_queue_depth));
  histogram(o, "tape_live_flush_latency_seconds", "A batch's hand-off to the log until written.",
            flush_ns);
  histogram(o, "tape_live_input_to_output_latency_seconds",
            "Message arrival until its outputs are published.", input_to_output_ns);
  histogram(o, "tape_live_input_to_durable_latency_seconds",
            "Message arrival until the batch holding its input is durable.", input_to_durable_ns);
  labelled(o, "tape_live_rejects_total", "counter", "Messages journaled as rejected, by reason.",
           "reason", rejects());
  scalar(o, "tape_live_reconnects_total", "counter", "Reconnections to the NATS server.",
         get(reconnects));
  scalar(o, "tape_live_disconnects_total", "counter", "Disconnections from the NATS server.",
         get(disconnects));
  scalar(o, "tape_live_fetch_errors_total", "counter", "Failed fetches (retried with backoff).",
         get(fetch_errors));
  scalar(o, "tape_live_connected", "gauge", "1 while connected to the NATS server.",
         connected.load() ? 1 : 0);
  scalar(o, "tape_live_outputs_published_total", "counter", "Outputs published.",
         get(outputs_published));
  scalar(o, "tape_live_outputs_unpublished_total", "counter",
         "Outputs not published (the breaker's buffer was full); they are in the log.",
         get(outputs_unpublished));
  scalar(o, "tape_live_breaker_open_total", "counter", "Times output publishing was paused.",
         get(breaker_opened));
  scalar(o, "tape_live_dropped_total", "counter", "Inputs dropped (always 0).", get(dropped));
  return o.str();
}

Json LiveMetrics::to_json() const {
  const int64_t span_ns = last_message_ns.load() - first_message_ns.load();
  const uint64_t n = get(messages);
  const double ingest = span_ns > 0 && n > 1 ? static_cast<double>(n - 1) * 1e9 / static_cast<double>(span_ns) : 0;
  Json subjects_json = Json::object();
  for (const auto& [s, n] : subjects()) subjects_json[s] = n;
  Json lags_json = Json::object();
  for (const auto& [s, n] : lags()) lags_json[s] = n;
  Json rejects_json = Json::object();
  for (const auto& [r, n] : rejects()) rejects_json[r] = n;
  return Json{{"messages", n},
              {"ingest_messages_per_s", ingest},
              {"messages_by_subject", subjects_json},
              {"lag_by_subject", lags_json},
              {"consumer_pending", get(consumer_pending)},
              {"inputs", get(inputs)},
              {"heartbeats", get(heartbeats)},
              {"duplicates", get(duplicates)},
              {"last_stream_seq", get(last_stream_seq)},
              {"acked_stream_seq", get(acked_stream_seq)},
              {"durable_seq", get(durable_seq)},
              {"recorder_queue_depth", get(recorder_queue_depth)},
              {"flush_latency", histogram_json(flush_ns)},
              {"input_to_output_latency", histogram_json(input_to_output_ns)},
              {"input_to_durable_latency", histogram_json(input_to_durable_ns)},
              {"rejects_by_reason", rejects_json},
              {"reconnects", get(reconnects)},
              {"disconnects", get(disconnects)},
              {"fetch_errors", get(fetch_errors)},
              {"outputs_published", get(outputs_published)},
              {"outputs_unpublished", get(outputs_unpublished)},
              {"dropped", get(dropped)}};
}

}  // namespace tape
