// core/rng.h: reference values of the published algorithms, frozen golden draws (a change to
// any of them changes every recorded run), stream independence, ranges and moments.
#include "core/rng.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace tape {
namespace {

// Sample mean and variance of n draws of `draw`.
template <typename F>
std::pair<double, double> moments(int n, F draw) {
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double x = draw();
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / n;
  return {mean, sum_sq / n - mean * mean};
}

// Proves splitmix64 is the published algorithm (reference outputs for state 0).
TEST(Rng, SplitMix64MatchesReference) {
  uint64_t state = 0;
  EXPECT_EQ(splitmix64(state), 0xe220a8397b1dcdafull);
  EXPECT_EQ(splitmix64(state), 0x6e789e6aa1b965f4ull);
  EXPECT_EQ(splitmix64(state), 0x06c45d188009454full);
}

// Proves next_u64 is xoshiro256** (reference outputs for the state {1, 2, 3, 4}).
TEST(Rng, XoshiroMatchesReference) {
  Rng r(0, 0);
  r.set_state({1, 2, 3, 4});
  EXPECT_EQ(r.next_u64(), 11520u);
  EXPECT_EQ(r.next_u64(), 0u);
  EXPECT_EQ(r.next_u64(), 1509978240u);
  EXPECT_EQ(r.next_u64(), 1215971899390074240u);
}

// Proves (seed, stream) seeding is frozen: values from an independent Python implementation.
TEST(Rng, SeedingIsFrozen) {
  Rng a(42, 0);
  EXPECT_EQ(a.next_u64(), 0xdd545173c3caa231ull);
  EXPECT_EQ(a.next_u64(), 0x0885821f5572b897ull);
  EXPECT_EQ(a.next_u64(), 0x9942db959afd1dceull);
  Rng b(42, 1);
  EXPECT_EQ(b.next_u64(), 0x2b972680260abeb9ull);
  Rng c(7, 3);
  EXPECT_EQ(c.next_u64(), 0xa6af08514348d217ull);
}

// Proves the distributions are frozen bit for bit (computed once with g++ and clang++).
TEST(Rng, DistributionGoldenValues) {
  Rng a(2024, 5);
  EXPECT_EQ(a.uniform_int(-10, 10), -10);
  EXPECT_EQ(a.uniform_int(-10, 10), -8);
  EXPECT_EQ(a.uniform_int(-10, 10), -5);
  EXPECT_EQ(a.uniform_int(-10, 10), -8);
  EXPECT_EQ(a.uniform01(), 0x1.2e8dcbf79de03p-1);
  EXPECT_EQ(a.uniform01(), 0x1.673974e4b8447p-1);
  EXPECT_EQ(a.exponential(2.0), 0x1.4c00d0df3f217p-1);
  EXPECT_EQ(a.exponential(2.0), 0x1.e0bb1c35d7032p-2);
  EXPECT_EQ(a.normal(), -0x1.087e408bb06c4p-7);
  EXPECT_EQ(a.normal(), 0x1.662e00e23681fp+0);
  EXPECT_EQ(a.poisson(3.0), 0u);
  EXPECT_EQ(a.poisson(3.0), 2u);
  EXPECT_EQ(a.poisson(500.0), 494u);
  EXPECT_EQ(a.poisson(500.0), 478u);
  EXPECT_TRUE(a.bernoulli(0.5));
  EXPECT_TRUE(a.bernoulli(0.5));
  EXPECT_FALSE(a.bernoulli(0.5));
}

// FNV-1a over the bit patterns of many draws of each distribution.
uint64_t distribution_digest() {
  Rng r(99, 1);
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](uint64_t v) { h = (h ^ v) * 1099511628211ull; };
  for (int i = 0; i < 10'000; ++i) {
    mix(std::bit_cast<uint64_t>(r.normal()));
    mix(std::bit_cast<uint64_t>(r.exponential(0.7)));
    mix(r.poisson(4.5));
    mix(r.poisson(123.0));
    mix(static_cast<uint64_t>(r.uniform_int(-1000, 1000)));
    double a, b;
    r.normal_pair(a, b);
    mix(std::bit_cast<uint64_t>(a) ^ std::bit_cast<uint64_t>(b));
  }
  return h;
}

// Proves a long mixed run of every distribution is frozen (any drift changes the digest);
// the same value comes out of g++ and clang++ at -O0..-O3, with and without -march=native.
TEST(Rng, DistributionDigestIsFrozen) { EXPECT_EQ(distribution_digest(), 0xbd4f92da1adeaa0cull); }

// Proves portable_log / portable_exp stay within 4 ulp of libm over their whole range, and
// hit the special values.
TEST(Rng, PortableLogAndExpAreAccurate) {
  auto ulps = [](double a, double b) {
    const int64_t x = std::bit_cast<int64_t>(a), y = std::bit_cast<int64_t>(b);
    return x > y ? x - y : y - x;
  };
  Rng r(1, 1);
  for (int i = 0; i < 200'000; ++i) {
    const double x = std::ldexp(1.0 + r.uniform01(), static_cast<int>(r.uniform_int(-1074, 1023)));
    ASSERT_LE(ulps(portable_log(x), std::log(x)), 4) << x;
    const double y = (r.uniform01() * 2 - 1) * 700;
    ASSERT_LE(ulps(portable_exp(y), std::exp(y)), 4) << y;
  }
  EXPECT_EQ(portable_log(1.0), 0.0);
  EXPECT_EQ(portable_log(0.0), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(portable_log(-1.0)));
  EXPECT_EQ(portable_exp(0.0), 1.0);
  EXPECT_EQ(portable_exp(-1000.0), 0.0);
  EXPECT_EQ(portable_exp(1000.0), std::numeric_limits<double>::infinity());
}

// Proves normal_pair's two variates are each standard normal and uncorrelated.
TEST(Rng, NormalPairIndependent) {
  Rng r(12, 0);
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  constexpr int kDraws = 100'000;
  for (int i = 0; i < kDraws; ++i) {
    double a, b;
    r.normal_pair(a, b);
    sa += a, sb += b, saa += a * a, sbb += b * b, sab += a * b;
  }
  EXPECT_NEAR(sa / kDraws, 0.0, 0.015);
  EXPECT_NEAR(sb / kDraws, 0.0, 0.015);
  EXPECT_NEAR(saa / kDraws, 1.0, 0.02);
  EXPECT_NEAR(sbb / kDraws, 1.0, 0.02);
  EXPECT_NEAR(sab / kDraws, 0.0, 0.015);
}

// Proves equal (seed, stream) repeat and any other pair differs.
TEST(Rng, StreamsAreIndependent) {
  Rng a(1, 0), a2(1, 0), b(1, 1), c(2, 0);
  const uint64_t first = a.next_u64();
  EXPECT_EQ(first, a2.next_u64());
  EXPECT_NE(first, b.next_u64());
  EXPECT_NE(first, c.next_u64());
  EXPECT_NE(Rng(0, 1).state(), Rng(1, 0).state());
}

// Proves state()/set_state() resume the exact sequence and the all-zero state is escaped.
TEST(Rng, StateRoundTrip) {
  Rng a(9, 9);
  for (int i = 0; i < 5; ++i) a.next_u64();
  const Rng::State saved = a.state();
  std::vector<uint64_t> first;
  for (int i = 0; i < 10; ++i) first.push_back(a.next_u64());
  Rng b(0, 0);
  b.set_state(saved);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(b.next_u64(), first[i]);
  Rng z(0, 0);
  z.set_state({0, 0, 0, 0});
  EXPECT_NE(z.next_u64() | z.next_u64(), 0u);
}

// Proves uniform_int stays in [lo, hi] and every value gets its share (within 5%).
TEST(Rng, UniformIntInRangeAndRoughlyUniform) {
  Rng r(3, 0);
  constexpr int kDraws = 200'000;
  std::vector<int> counts(10, 0);
  for (int i = 0; i < kDraws; ++i) {
    const int64_t v = r.uniform_int(-3, 6);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 6);
    ++counts[static_cast<size_t>(v + 3)];
  }
  for (int c : counts) EXPECT_NEAR(c, kDraws / 10, kDraws / 10 * 0.05);
  EXPECT_EQ(r.uniform_int(5, 5), 5);
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  bool negative = false, positive = false;
  for (int i = 0; i < 64; ++i) {
    const int64_t v = r.uniform_int(kMin, kMax);
    negative |= v < 0;
    positive |= v > 0;
  }
  EXPECT_TRUE(negative && positive);
  for (int i = 0; i < 1000; ++i) ASSERT_GE(r.uniform_int(kMax - 1, kMax), kMax - 1);
}

// Proves uniform_below never reaches its bound, also for a bound just above 2^63 (rejection).
TEST(Rng, UniformBelowRespectsBound) {
  Rng r(4, 0);
  const uint64_t big = (uint64_t{1} << 63) + 12345;
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_LT(r.uniform_below(3), 3u);
    ASSERT_LT(r.uniform_below(big), big);
  }
  EXPECT_EQ(r.uniform_below(1), 0u);
}

// Proves uniform01 lies in [0, 1) with mean 1/2 and variance 1/12.
TEST(Rng, Uniform01Moments) {
  Rng r(5, 0);
  auto [mean, var] = moments(200'000, [&] {
    const double u = r.uniform01();
    EXPECT_TRUE(u >= 0.0 && u < 1.0);
    return u;
  });
  EXPECT_NEAR(mean, 0.5, 0.005);
  EXPECT_NEAR(var, 1.0 / 12, 0.002);
}

// Proves exponential(rate) is positive with mean 1/rate and variance 1/rate^2.
TEST(Rng, ExponentialMoments) {
  Rng r(6, 0);
  auto [mean, var] = moments(200'000, [&] {
    const double x = r.exponential(4.0);
    EXPECT_GE(x, 0.0);
    return x;
  });
  EXPECT_NEAR(mean, 0.25, 0.0025);
  EXPECT_NEAR(var, 0.0625, 0.002);
}

// Proves normal() has mean 0, variance 1 and ~68.3% of draws within one sigma.
TEST(Rng, NormalMoments) {
  Rng r(7, 0);
  int within = 0;
  constexpr int kDraws = 200'000;
  auto [mean, var] = moments(kDraws, [&] {
    const double x = r.normal();
    within += std::fabs(x) < 1.0;
    return x;
  });
  EXPECT_NEAR(mean, 0.0, 0.01);
  EXPECT_NEAR(var, 1.0, 0.015);
  EXPECT_NEAR(static_cast<double>(within) / kDraws, 0.6827, 0.005);
}

// Proves both Poisson methods (Knuth below 10, PTRS above) have mean = variance = lambda.
TEST(Rng, PoissonMoments) {
  for (const double lambda : {0.5, 3.0, 9.9, 10.0, 50.0, 2000.0}) {
    Rng r(8, static_cast<uint64_t>(lambda * 10));
    auto [mean, var] = moments(100'000, [&] { return static_cast<double>(r.poisson(lambda)); });
    EXPECT_NEAR(mean, lambda, 0.02 * lambda + 0.01) << "lambda " << lambda;
    EXPECT_NEAR(var, lambda, 0.05 * lambda + 0.02) << "lambda " << lambda;
  }
  Rng r(8, 0);
  EXPECT_EQ(r.poisson(0.0), 0u);
  EXPECT_EQ(r.poisson(-1.0), 0u);
}

// Proves bernoulli(p) fires with frequency p and respects the 0 and 1 edges.
TEST(Rng, BernoulliFrequency) {
  Rng r(10, 0);
  int hits = 0;
  for (int i = 0; i < 100'000; ++i) hits += r.bernoulli(0.3);
  EXPECT_NEAR(hits / 100'000.0, 0.3, 0.006);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_FALSE(r.bernoulli(0.0));
    ASSERT_TRUE(r.bernoulli(1.0));
  }
}

}  // namespace
}  // namespace tape
