#include "session/run_metrics.h"

namespace tape {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

Status MeteredSink::append(EncodedBatch&& batch) {
  m_.batch_inputs.record(batch.input_count);
  const auto t0 = Clock::now();
  Status st = inner_.append(std::move(batch));
  m_.handoff_ns.record(static_cast<uint64_t>((Clock::now() - t0).count()));
  return st;
}

Status MeteredSink::flush() {
  const auto t0 = Clock::now();
  Status st = inner_.flush();
  m_.flush_ns.record(static_cast<uint64_t>((Clock::now() - t0).count()));
  return st;
}

}  // namespace tape
