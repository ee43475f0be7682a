// Load-time refusals of scenarios whose keys are each in range but whose combination cannot
// run: money that leaves int64 and a bus queue too small for one input (the core's rules,
// core/bounds.h), start-up memory beyond scenario.max_memory_mb, and runs that would generate
// more than scenario.max_inputs inputs. Every message names the keys whose
// product is too large and the estimate, so the user knows what to lower (or raise).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

#include "core/bounds.h"
#include "core/events.h"
#include "core/order_book.h"
#include "core/order_pool.h"
#include "sim/generator.h"
#include "sim/scenario_internal.h"
#include "sim/scenario_reader.h"

namespace tape {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
// Bytes of log per input, the input and the outputs it causes, WAL included, before compaction,
// as measured on the shipped scenarios (sustained_1k: 121 k inputs in 15.5 MB; many_instruments:
// 1 M inputs in 144 MB). Orientation only.
constexpr double kLogBytesPerInput = 140;
// Sizes of private core and generator types (core/book_id_map.h Slot, sim/generator.h LiveOrder).
constexpr double kIdMapSlotBytes = 16;
constexpr double kLiveOrderBytes = 16;

double pow2_at_least(double n) {
  double p = 1;
  while (p < n) p *= 2;
  return p;
}

std::string figure(double v) {
  char buf[32];
  // Exact while a figure is a key's value or a count a user can check; 3 digits beyond.
  const bool exact = v < 1e12 && v == std::floor(v);
  std::snprintf(buf, sizeof(buf), exact ? "%.0f" : "%.3g", v);
  return buf;
}

std::string mib(double bytes) { return figure(std::ceil(bytes / kMiB)) + " MiB"; }

// Bytes in the largest binary unit that keeps the figure at or above 1.
std::string human_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = bytes / kMiB;
  size_t u = 0;
  for (; u + 1 < std::size(kUnits) && v >= 1024; ++u) v /= 1024;
  return figure(std::ceil(v)) + " " + kUnits[u];
}

// One contribution to the memory estimate and the keys it grows with.
struct MemoryPart {
  double bytes;
  std::string keys;
};

std::vector<MemoryPart> memory_parts(const Scenario& s) {
  const CoreConfig& c = s.core;
  const double books = static_cast<double>(c.instruments.size());
  const double levels = c.engine.ladder_levels_initial;
  const double pool = c.engine.order_pool_capacity;
  const double batch = c.recorder.batch_events_max + 1.0;
  // The recorder reserves room for 4 outputs per input (core/recorder.cc); the store holds up
  // to queue_batches_max more batches in flight.
  const double batch_bytes = batch * (sizeof(Input) + 4.0 * sizeof(Output));
  const double managed = static_cast<double>(c.strategies.size());
  return {
      {books * levels * (sizeof(OrderBook::Level) + 2.0 / 8.0),
       "engine.ladder_levels_initial (" + figure(levels) + ") x " + figure(books) + " instruments"},
      {pool * sizeof(OrderNode) + pow2_at_least(std::max(2 * pool, 256.0)) * kIdMapSlotBytes,
       "engine.order_pool_capacity (" + figure(pool) + ")"},
      {pow2_at_least(c.event_queue_capacity) * sizeof(BusEvent),
       "engine.event_queue_capacity (" + figure(c.event_queue_capacity) + ")"},
      {(c.recorder.queue_batches_max + 1.0) * batch_bytes,
       "recorder.batch_events_max (" + figure(batch - 1) + ") x recorder.queue_batches_max (" +
           figure(c.recorder.queue_batches_max) + ")"},
      {books * s.market.live_orders_max * kLiveOrderBytes,
       "market.live_orders_max (" + figure(s.market.live_orders_max) + ") x " + figure(books) +
           " instruments"},
      {managed * books * 64.0, figure(managed) + " strategies x " + figure(books) + " instruments"},
  };
}

// Inputs of the whole run: the generator's flows at their mean rates (sim/generator.cc).
double expected_inputs(const Scenario& s, std::string* keys) {
  const double seconds = static_cast<double>(s.duration_ms) / 1000.0;
  const double books = static_cast<double>(s.core.instruments.size());
  const double background = s.market.rate_per_s * books * seconds;
  double phases = 0;
  double controls = 0;
  for (const Phase& p : s.phases) {
    phases += static_cast<double>(phase_extra_ticks(p)) + static_cast<double>(phase_injections(p));
    const bool switched = p.kind == PhaseKind::kHalt || p.kind == PhaseKind::kKillSwitch ||
                          p.kind == PhaseKind::kStale;
    if (switched) controls += 2 * (p.instrument < 0 ? books : 1.0);
  }
  const double heartbeats =
      s.market.heartbeat_ms > 0 ? static_cast<double>(s.duration_ms / s.market.heartbeat_ms) : 0;
  if (keys) {
    *keys = "market.rate_per_s (" + figure(s.market.rate_per_s) + ") x " + figure(books) +
            " instruments x scenario.duration_s (" + figure(seconds) + ") = " + figure(background) +
            ", [[phases]] ticks and injections " + figure(phases) + ", heartbeats " +
            figure(heartbeats);
  }
  return background + phases + controls + heartbeats;
}

}  // namespace

ResourceEstimate estimate_resources(const Scenario& s) {
  ResourceEstimate e;
  e.inputs = expected_inputs(s, nullptr);
  e.log_bytes = e.inputs * kLogBytesPerInput;
  for (const MemoryPart& part : memory_parts(s)) e.memory_bytes += part.bytes;
  return e;
}

namespace scenario_detail {
namespace {

Status check_memory(const Scenario& s, const std::string& doc) {
  const std::vector<MemoryPart> parts = memory_parts(s);
  double total = 0;
  for (const MemoryPart& p : parts) total += p.bytes;
  if (total <= static_cast<double>(s.max_memory_mb) * kMiB) return Status::ok();
  std::string detail;
  for (const MemoryPart& p : parts) {
    if (p.bytes < 0.05 * total) continue;  // name what matters
    detail += (detail.empty() ? "" : ", ") + p.keys + ": " + mib(p.bytes);
  }
  return Status::invalid(doc + ": the core would reserve about " + mib(total) + " (" + detail +
                         "), more than scenario.max_memory_mb = " +
                         std::to_string(s.max_memory_mb) +
                         "; lower those keys, or raise scenario.max_memory_mb if it fits");
}

Status check_inputs(const Scenario& s, const std::string& doc) {
  std::string keys;
  const double inputs = expected_inputs(s, &keys);
  if (inputs <= static_cast<double>(s.max_inputs)) return Status::ok();
  return Status::invalid(doc + ": the run would generate about " + figure(inputs) +
                         " inputs (~" + human_bytes(inputs * kLogBytesPerInput) + " of log; " + keys +
                         "), more than scenario.max_inputs = " + std::to_string(s.max_inputs) +
                         "; shorten or slow the scenario, or raise scenario.max_inputs");
}

}  // namespace

Status check_limits(const Scenario& s, const std::string& doc) {
  // The core's own domains (core/bounds.h): money that cannot leave int64 within its headroom,
  // book totals that cannot leave int64, and a bus queue that holds everything one input can
  // publish.
  for (size_t i = 0; i < s.core.instruments.size(); ++i) {
    const InstrumentConfig& ic = s.core.instruments[i];
    RETURN_IF_ERROR(check_instrument_bounds(
        ic, doc + ": instruments[" + std::to_string(i) + "] (\"" + ic.symbol + "\")"));
  }
  for (const Status& st : {check_book_bounds(s.core), check_event_queue_capacity(s.core)}) {
    if (!st.is_ok()) return Status::invalid(doc + ": " + st.message());
  }
  RETURN_IF_ERROR(check_memory(s, doc));
  return check_inputs(s, doc);
}

}  // namespace scenario_detail
}  // namespace tape
