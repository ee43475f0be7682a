// The run's throughput-over-time counters have fixed memory whatever the run's length (issue 7,
// item 25): one counter per 10 simulated ms, grown with the run, was 48 MB of peak RSS at
// 60,000 simulated s (and twice that while the vector reallocated).
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>

#include "session/run_metrics.h"

namespace tape {
namespace {

TEST(RunMetricsTest, ThroughputCountersStayFixedInSizeForAThirtyDayRun) {
  RunMetrics m;
  constexpr int64_t kDay = int64_t{86'400} * 1'000'000'000;
  m.set_sim_duration(30 * kDay);
  uint64_t n = 0;
  for (int64_t ts = 0; ts < 31 * kDay; ts += kDay / 1000, ++n) m.count_sim_time(ts);  // and past the end
  EXPECT_EQ(m.inputs_by_sim.size(), RunMetrics::kThroughputBins);
  EXPECT_EQ(std::accumulate(m.inputs_by_sim.begin(), m.inputs_by_sim.end(), uint64_t{0}), n);
  EXPECT_GT(m.inputs_by_sim.back(), m.inputs_by_sim.front()) << "late inputs go to the last bin";
}

TEST(RunMetricsTest, AShortRunKeepsTenMillisecondThroughputBins) {
  RunMetrics m;
  m.set_sim_duration(1'000'000'000);  // 1 s
  EXPECT_EQ(m.count_bin_ns, 10'000'000);
  m.count_sim_time(25'000'000);
  EXPECT_EQ(m.inputs_by_sim[2], 1u);
}

}  // namespace
}  // namespace tape
