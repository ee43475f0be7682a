#include "cli/histogram.h"

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
}  // namespace tape
