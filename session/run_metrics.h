// Run metrics gathered by the session loop, outside the core: per-input and input-to-decision
// latency, per-stage handler latency (sampled), recorder hand-off and batch sizes, and
// throughput over simulated time. report/ renders them (JSON, Prometheus text, HTML).
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/batch_sink.h"
#include "core/stage_probe.h"
#include "session/histogram.h"

namespace tape {

inline constexpr size_t kStages = 6;  // Core::kStageNames

struct RunMetrics {
  LatencyHistogram input_ns;      // whole process() per input
  LatencyHistogram decision_ns;   // tick to order: process() start to the first order intent
  std::array<LatencyHistogram, kStages> stage_ns;  // per handler call, sampled inputs only
  LatencyHistogram handoff_ns;    // recorder -> sink append (includes waiting on a full queue)
  LatencyHistogram flush_ns;      // final sink flush
  LatencyHistogram batch_inputs;  // inputs per closed batch
  uint64_t queue_depth_max = 0;   // bus queue high-water mark (events)
  // Inputs over simulated time: inputs_by_sim[i] counts inputs stamped in
  // [i count_bin_ns, (i + 1) count_bin_ns), later ones in the last bin. Fixed memory, sized by
  // set_sim_duration(): a counter per 10 ms grown with the run was 48 MB at 60,000 simulated s.
  static constexpr size_t kThroughputBins = 240;  // the report's chart shows at most 240 bars
  std::vector<uint64_t> inputs_by_sim;
  int64_t count_bin_ns = 10'000'000;
  // Input latency over simulated time: latency_by_sim[i] holds the inputs stamped in
  // [i sim_bin_ns, (i + 1) sim_bin_ns), later ones in the last bin. Fixed memory: at most
  // kLatencyBins histograms of 8 KiB each, sized by set_sim_duration() before the run.
  static constexpr size_t kLatencyBins = 100;
  std::vector<LatencyHistogram> latency_by_sim;
  int64_t sim_bin_ns = 0;
  double elapsed_s = 0;
  uint64_t events_in = 0;
  uint64_t events_out = 0;

  void set_sim_duration(int64_t duration_ns) {
    const int64_t bins = static_cast<int64_t>(kLatencyBins);
    sim_bin_ns = std::max<int64_t>(1'000'000, (duration_ns + bins - 1) / bins);
    latency_by_sim.assign(kLatencyBins, LatencyHistogram{});
    const int64_t bars = static_cast<int64_t>(kThroughputBins);
    count_bin_ns = std::max<int64_t>(10'000'000, (duration_ns + bars - 1) / bars);
    inputs_by_sim.assign(kThroughputBins, 0);
  }
  void record_by_sim_time(int64_t ts_ns, uint64_t latency_ns) {
    if (latency_by_sim.empty()) return;
    const size_t bin = ts_ns < 0 ? 0 : static_cast<size_t>(ts_ns / sim_bin_ns);
    latency_by_sim[std::min(bin, latency_by_sim.size() - 1)].record(latency_ns);
  }
  void count_sim_time(int64_t ts_ns) {
    if (inputs_by_sim.empty()) inputs_by_sim.assign(kThroughputBins, 0);
    const size_t bin = ts_ns < 0 ? 0 : static_cast<size_t>(ts_ns / count_bin_ns);
    ++inputs_by_sim[std::min(bin, inputs_by_sim.size() - 1)];
  }
};

// Times each bus stage with the wall clock; installed on sampled inputs only.
class StageTimer final : public StageProbe {
 public:
  explicit StageTimer(RunMetrics& m) : m_(m) {}
  void enter(size_t stage) override { start_[stage] = Clock::now(); }
  void leave(size_t stage) override {
    m_.stage_ns[stage].record(static_cast<uint64_t>((Clock::now() - start_[stage]).count()));
  }

 private:
  using Clock = std::chrono::steady_clock;
  RunMetrics& m_;
  std::array<Clock::time_point, kStages> start_{};
};

// Wraps a sink to time hand-offs and flushes and to size batches.
class MeteredSink final : public BatchSink {
 public:
  MeteredSink(BatchSink& inner, RunMetrics& m) : inner_(inner), m_(m) {}
  Status append(EncodedBatch&& batch) override;
  Status flush() override;

 private:
  BatchSink& inner_;
  RunMetrics& m_;
};

}  // namespace tape
