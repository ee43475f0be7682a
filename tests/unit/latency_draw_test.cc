// Drawn latencies (core/latency_draw.h): each draw within its bounds, the distributions' shapes
// (quantiles of 10k draws on a fixed seed), the streams (same seed and kind: same draws; another
// seed or kind: others), and the first draws pinned to the integer so that a build by another
// compiler that drew differently fails here.
#include "core/latency_draw.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace tape {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr size_t kDraws = 10'000;

LatencyDist dist(LatencyDistKind kind, int64_t min_ns, int64_t center_ns, int64_t max_ns,
                 int64_t sigma_ppm = 0) {
  return LatencyDist{kind, min_ns, max_ns, center_ns, sigma_ppm};
}

std::vector<int64_t> draws(const LatencyDist& d, uint64_t seed = 42, size_t n = kDraws,
                           LatencyKind kind = LatencyKind::kOrder) {
  LatencyDraw draw(0, d, seed, kind);
  std::vector<int64_t> out;
  for (size_t i = 0; i < n; ++i) out.push_back(draw.next_ns());
  return out;
}

// The q-quantile (0 < q < 1) of `v` (sorted copy).
int64_t quantile(std::vector<int64_t> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * static_cast<double>(v.size()))];
}

double mean(const std::vector<int64_t>& v) {
  double s = 0;
  for (int64_t x : v) s += static_cast<double>(x);
  return s / static_cast<double>(v.size());
}

TEST(LatencyDraw, UniformStaysInItsBoundsReachesBothAndIsFlat) {
  const std::vector<int64_t> v = draws(dist(LatencyDistKind::kUniform, 1 * kMs, 0, 3 * kMs));
  EXPECT_GE(*std::min_element(v.begin(), v.end()), 1 * kMs);
  EXPECT_LE(*std::max_element(v.begin(), v.end()), 3 * kMs);
  // Quartiles of U[1, 3] ms: 1.5, 2, 2.5 ms (10k draws: within 2% of the span).
  EXPECT_NEAR(quantile(v, 0.25), 1.5 * kMs, 0.04 * kMs);
  EXPECT_NEAR(quantile(v, 0.50), 2.0 * kMs, 0.04 * kMs);
  EXPECT_NEAR(quantile(v, 0.75), 2.5 * kMs, 0.04 * kMs);
  // A span of three ns: every value is drawn, both ends included.
  const std::vector<int64_t> small = draws(dist(LatencyDistKind::kUniform, 10, 0, 12), 1, 300);
  for (int64_t x : {10, 11, 12}) {
    EXPECT_NE(std::find(small.begin(), small.end(), x), small.end()) << x;
  }
  EXPECT_TRUE(
      std::all_of(small.begin(), small.end(), [](int64_t x) { return x >= 10 && x <= 12; }));
}

TEST(LatencyDraw, ExponentialIsAFloorPlusAMemorylessRightTail) {
  // Floor 1 ms, mean 3 ms: the excess is exponential with mean 2 ms.
  const std::vector<int64_t> v =
      draws(dist(LatencyDistKind::kExponential, 1 * kMs, 3 * kMs, 3'600'000 * kMs));
  EXPECT_GE(*std::min_element(v.begin(), v.end()), 1 * kMs);
  EXPECT_NEAR(mean(v), 3.0 * kMs, 0.06 * kMs);
  // Quantiles of 1 + 2 * Exp(1) ms: median 1 + 2 ln 2 = 2.386, p90 1 + 2 ln 10 = 5.605 ms.
  EXPECT_NEAR(quantile(v, 0.5), 2.386 * kMs, 0.06 * kMs);
  EXPECT_NEAR(quantile(v, 0.9), 5.605 * kMs, 0.15 * kMs);
  EXPECT_GT(mean(v), static_cast<double>(quantile(v, 0.5)));  // right-skewed
}

TEST(LatencyDraw, LognormalHasItsMedianAndARightSkewedTail) {
  // Floor 0.5 ms, median 2 ms, sigma 0.5: 0.5 + 1.5 exp(0.5 Z) ms.
  const std::vector<int64_t> v =
      draws(dist(LatencyDistKind::kLognormal, kMs / 2, 2 * kMs, 3'600'000 * kMs, 500'000));
  EXPECT_GE(*std::min_element(v.begin(), v.end()), kMs / 2);
  EXPECT_NEAR(quantile(v, 0.5), 2.0 * kMs, 0.05 * kMs);
  // Z = +-1 at the 84.13th / 15.87th percentiles: 0.5 + 1.5 e^0.5 = 2.973, 0.5 + 1.5 e^-0.5
  // = 1.410.
  EXPECT_NEAR(quantile(v, 0.8413), 2.973 * kMs, 0.08 * kMs);
  EXPECT_NEAR(quantile(v, 0.1587), 1.410 * kMs, 0.05 * kMs);
  // Mean 0.5 + 1.5 e^(sigma^2 / 2) = 2.200 ms, above the median.
  EXPECT_NEAR(mean(v), 2.200 * kMs, 0.05 * kMs);
}

TEST(LatencyDraw, ADrawAboveMaxIsClampedToIt) {
  for (const LatencyDist& d : {dist(LatencyDistKind::kExponential, 0, 2 * kMs, 3 * kMs),
                               dist(LatencyDistKind::kLognormal, 0, 2 * kMs, 3 * kMs, 2'000'000)}) {
    const std::vector<int64_t> v = draws(d);
    EXPECT_EQ(*std::max_element(v.begin(), v.end()), 3 * kMs);
    EXPECT_GE(*std::min_element(v.begin(), v.end()), 0);
    EXPECT_GT(std::count(v.begin(), v.end(), 3 * kMs), 100);  // the tail beyond is clamped
  }
}

TEST(LatencyDraw, DegenerateDistributionsAreTheirConstant) {
  for (const LatencyDist& d :
       {dist(LatencyDistKind::kUniform, 5, 0, 5), dist(LatencyDistKind::kExponential, 5, 5, 100),
        dist(LatencyDistKind::kLognormal, 0, 5, 100, 0)}) {
    const std::vector<int64_t> v = draws(d, 3, 100);
    EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](int64_t x) { return x == 5; }));
  }
}

TEST(LatencyDraw, SameSeedAndKindDrawTheSameAnotherSeedOrKindOthers) {
  const LatencyDist d = dist(LatencyDistKind::kUniform, 0, 0, 1'000'000'000);
  EXPECT_EQ(draws(d, 7, 100), draws(d, 7, 100));
  EXPECT_NE(draws(d, 7, 100), draws(d, 8, 100));
  EXPECT_NE(draws(d, 7, 100, LatencyKind::kOrder), draws(d, 7, 100, LatencyKind::kAck));
  EXPECT_NE(draws(d, 7, 100, LatencyKind::kFeed), draws(d, 7, 100, LatencyKind::kAck));
  // A snapshot of the state resumes the same sequence.
  LatencyDraw a(0, d, 7, LatencyKind::kOrder);
  for (int i = 0; i < 10; ++i) a.next_ns();
  LatencyDraw b(0, d, 0, LatencyKind::kOrder);
  b.set_rng_state(a.rng_state());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.next_ns(), b.next_ns());
}

TEST(LatencyDraw, AConstantDrawsNothing) {
  LatencyDraw c(5 * kMs, LatencyDist{}, 7, LatencyKind::kOrder);
  const Rng::State before = c.rng_state();
  EXPECT_TRUE(c.on());
  EXPECT_FALSE(c.drawn());
  EXPECT_EQ(c.next_ns(), 5 * kMs);
  EXPECT_EQ(c.rng_state(), before);
  EXPECT_FALSE(LatencyDraw().on());
}

// The first draws of each distribution on seed 2026, to the ns. They are the same from a g++ and
// a clang++ build (only exactly rounded operations and the project's own log/exp); a change here
// changes every run with a drawn latency.
TEST(LatencyDraw, FirstDrawsArePinnedToTheNanosecond) {
  const std::vector<int64_t> uniform =
      draws(dist(LatencyDistKind::kUniform, 1 * kMs, 0, 3 * kMs), 2026, 4);
  const std::vector<int64_t> exponential =
      draws(dist(LatencyDistKind::kExponential, 1 * kMs, 3 * kMs, 3'600'000 * kMs), 2026, 4);
  const std::vector<int64_t> lognormal =
      draws(dist(LatencyDistKind::kLognormal, kMs / 2, 2 * kMs, 3'600'000 * kMs, 500'000), 2026, 4);
  EXPECT_EQ(uniform, (std::vector<int64_t>{2670118, 2221068, 2573262, 1809775}));
  EXPECT_EQ(exponential, (std::vector<int64_t>{1360506, 1986843, 1479993, 2808293}));
  EXPECT_EQ(lognormal, (std::vector<int64_t>{3127954, 3442881, 2246430, 1462787}));
}

}  // namespace
}  // namespace tape
