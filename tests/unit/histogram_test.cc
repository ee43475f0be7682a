#include "session/histogram.h"

#include "session/run_metrics.h"

#include <gtest/gtest.h>

namespace tape {
namespace {

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (uint64_t v = 0; v < 10; ++v) h.record(v);
  EXPECT_EQ(h.percentile(0.0), 0u);
  EXPECT_EQ(h.percentile(0.5), 5u);
  EXPECT_EQ(h.max(), 9u);
}

TEST(LatencyHistogram, LargeValuesWithinSixPercent) {
  for (uint64_t v : {100ull, 1'000ull, 12'345ull, 1'000'000ull, 987'654'321ull}) {
    LatencyHistogram h;
    h.record(v);
    h.record(v * 1000);  // max elsewhere, so the cap does not hide the bucket bound
    const uint64_t p = h.percentile(0.0);
    EXPECT_GE(p, v);
    EXPECT_LE(static_cast<double>(p), static_cast<double>(v) * 1.0625 + 1) << v;
  }
}

TEST(LatencyHistogram, PercentilesOrdered) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100'000; ++v) h.record(v);
  EXPECT_LE(h.percentile(0.5), h.percentile(0.99));
  EXPECT_LE(h.percentile(0.99), h.percentile(0.999));
  EXPECT_LE(h.percentile(0.999), h.max());
  EXPECT_NEAR(static_cast<double>(h.percentile(0.99)), 99'000.0, 99'000.0 * 0.07);
}

}  // namespace
// Latency over simulated time lands in fixed bins sized from the run's duration; inputs past
// the duration (and before zero) stay in the edge bins, so memory never grows with the run.
TEST(RunMetrics, LatencyBySimulatedTimeUsesFixedBins) {
  RunMetrics m;
  m.set_sim_duration(1'000'000'000);  // 1 s: 100 bins of 10 ms
  EXPECT_EQ(m.sim_bin_ns, 10'000'000);
  ASSERT_EQ(m.latency_by_sim.size(), RunMetrics::kLatencyBins);
  m.record_by_sim_time(0, 100);
  m.record_by_sim_time(9'999'999, 200);
  m.record_by_sim_time(10'000'000, 300);
  m.record_by_sim_time(5'000'000'000, 400);  // past the end
  m.record_by_sim_time(-1, 500);
  EXPECT_EQ(m.latency_by_sim[0].count(), 3u);
  EXPECT_EQ(m.latency_by_sim[1].count(), 1u);
  EXPECT_EQ(m.latency_by_sim.back().count(), 1u);
  EXPECT_EQ(m.latency_by_sim.back().max(), 400u);
  m.set_sim_duration(1'000);  // a tiny run still gets 1 ms bins
  EXPECT_EQ(m.sim_bin_ns, 1'000'000);
}

}  // namespace tape
