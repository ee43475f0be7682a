#include "live/output_publisher.h"

#include <chrono>

#include "live/live_metrics.h"

namespace tape {
namespace {

// Intents and risk decisions are the core's own bookkeeping; clients track the rest.
bool published(const Output& o) {
  return !std::holds_alternative<OrderIntent>(o.body) &&
         !std::holds_alternative<RiskDecision>(o.body);
}

}  // namespace

OutputPublisher::OutputPublisher(std::string prefix, const InstrumentTable& instruments,
                                 NatsFeed& feed, LiveMetrics& metrics)
    : prefix_(std::move(prefix)), format_(instruments, /*with_time=*/false), feed_(feed),
      metrics_(metrics) {}

void OutputPublisher::hold(uint64_t seq, int64_t arrival_ns, const std::vector<Output>& outputs) {
  if (prefix_.empty()) return;
  (void)seq;
  for (const Output& o : outputs) {
    if (!published(o)) continue;
    if (held_.size() >= kHeldMax) {
      metrics_.outputs_unpublished.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    held_.push_back(Held{o, arrival_ns});
  }
}

bool OutputPublisher::send(const Output& o) {
  const std::string subject = prefix_ + "." + output_type_name(o.body);
  return feed_.publish(subject, dump_json(event_json(fields_of(o, &format_))));
}

void OutputPublisher::release(uint64_t durable_seq) {
  while (!held_.empty() && held_.front().output.seq.value() <= durable_seq) {
    if (!send(held_.front().output)) {
      if (!open_) metrics_.breaker_opened.fetch_add(1, std::memory_order_relaxed);
      open_ = true;  // the server is away: try again on the next release
      return;
    }
    open_ = false;
    if (held_.front().arrival_ns != 0) {
      metrics_.input_to_output_ns.record(
          static_cast<uint64_t>(steady_ns() - held_.front().arrival_ns));
    }
    metrics_.outputs_published.fetch_add(1, std::memory_order_relaxed);
    held_.pop_front();
  }
}

}  // namespace tape
