// The indicators' own exp and normal distribution function (tape/microstructure_math.h) agree
// with the C library's to double precision, and give fixed bits: the golden values below are
// what any conforming compiler must produce (the cross-compiler build runs this test too), and
// the indicators' updates allocate nothing after construction.
#include "tape/microstructure_math.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <new>
#include <vector>

#include "tape/microstructure.h"

namespace {

using tape::micro::exp_det;
using tape::micro::normal_cdf;

TEST(MicrostructureMath, ExpAgreesWithTheCLibrary) {
  for (double x = -740; x <= 705; x += 0.37) {
    const double want = std::exp(x);
    EXPECT_NEAR(exp_det(x), want, std::max(6e-16 * want, 1e-323)) << x;  // subnormals: 1 ulp
  }
  for (double x = -1e-3; x <= 1e-3; x += 1.7e-5) EXPECT_NEAR(exp_det(x), std::exp(x), 3e-16);
  EXPECT_EQ(exp_det(0.0), 1.0);
  EXPECT_EQ(exp_det(-800.0), 0.0);
  EXPECT_TRUE(std::isinf(exp_det(710.0)));
  EXPECT_TRUE(std::isnan(exp_det(NAN)));
  EXPECT_GT(exp_det(-744.0), 0.0);  // subnormal range still scaled, not flushed
}

TEST(MicrostructureMath, NormalCdfAgreesWithErfc) {
  for (double x = -37.5; x <= 8.2; x += 0.013) {
    const double want = 0.5 * std::erfc(-x / std::sqrt(2.0));
    // erfc's argument -x / sqrt(2) carries a rounding error that exp(-x^2/2) multiplies by
    // x^2: the reference itself is only that good in the tail.
    EXPECT_NEAR(normal_cdf(x), want, 2e-15 * (1 + x * x) * want) << x;
  }
  // Against 40-digit values (mpmath.ncdf), where erfc is not accurate enough.
  EXPECT_NEAR(normal_cdf(-11.343999999998767), 3.9714526388586475006e-30, 1e-14 * 3.97e-30);
  EXPECT_NEAR(normal_cdf(-20.0), 2.7536241186062336951e-89, 1e-14 * 2.75e-89);
  EXPECT_NEAR(normal_cdf(-5.0), 2.8665157187919391167e-07, 1e-14 * 2.87e-7);
  EXPECT_EQ(normal_cdf(0.0), 0.5);
  EXPECT_EQ(normal_cdf(40.0), 1.0);
  EXPECT_EQ(normal_cdf(-40.0), 0.0);
  EXPECT_TRUE(std::isnan(normal_cdf(NAN)));
  for (double x = 0.01; x < 6; x += 0.29) EXPECT_NEAR(normal_cdf(x) + normal_cdf(-x), 1.0, 1e-15);
}

TEST(MicrostructureMath, GoldenBits) {
  // Computed once from this source; a compiler or flag that changes a bit fails here.
  EXPECT_EQ(std::bit_cast<uint64_t>(exp_det(-1.2345)), 0x3fd29f6b7bfe469eull);
  EXPECT_EQ(std::bit_cast<uint64_t>(exp_det(3.75)), 0x404542b2d0a266e7ull);
  EXPECT_EQ(std::bit_cast<uint64_t>(normal_cdf(-2.3)), 0x3f85f685ae930db1ull);
  EXPECT_EQ(std::bit_cast<uint64_t>(normal_cdf(0.41)), 0x3fe51752a5913d44ull);
  EXPECT_EQ(std::bit_cast<uint64_t>(normal_cdf(6.5)), 0x3feffffffffa7affull);
  // A digest of 100k VPIN values and Hawkes intensities (g++ and clang++ agree; a build that
  // fuses multiply-adds, e.g. -march=native without -ffp-contract=off, does not).
  tape::micro::VpinOptions o;
  o.bucket_volume = 37, o.bar_ns = 1000;
  tape::micro::Vpin v(o);
  tape::micro::Hawkes h;
  uint64_t acc = 0;
  for (int64_t i = 0; i < 100000; ++i) {
    v.add(i * 300, 1000 + (i * 7919) % 23, 1 + (i * 13) % 200);
    h.add(i * 1000 + (i % 7) * 100000,
          (i % 3) ? tape::micro::Hawkes::kBuy : tape::micro::Hawkes::kSell);
    acc = acc * 1000003u ^ std::bit_cast<uint64_t>(v.value()) ^
          std::bit_cast<uint64_t>(h.intensity(tape::micro::Hawkes::kBuy));
  }
  EXPECT_EQ(acc, 0x9cd82d085afc68e8ull);
}

// ---- No allocation after construction ----
//
// Counts global operator new calls while a flag is set. Not under AddressSanitizer, whose own
// allocator should keep its new/delete pairing checks.
#if defined(__SANITIZE_ADDRESS__)
#define TAPE_MICRO_COUNT_NEW 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TAPE_MICRO_COUNT_NEW 0
#endif
#endif
#ifndef TAPE_MICRO_COUNT_NEW
#define TAPE_MICRO_COUNT_NEW 1
#endif

// volatile: clang assumes a replaceable operator new touches no globals the caller can see, and
// folds reads of plain counters across the allocation.
volatile bool g_counting = false;
volatile uint64_t g_news = 0;

}  // namespace

#if TAPE_MICRO_COUNT_NEW
// noinline: inlined into std::vector, GCC would see free() meet new and warn.
__attribute__((noinline)) void* operator new(std::size_t n) {
  if (g_counting) g_news = g_news + 1;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
__attribute__((noinline)) void operator delete(void* p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

namespace {

TEST(MicrostructureMath, UpdatesAllocateNothing) {
  if (!TAPE_MICRO_COUNT_NEW) GTEST_SKIP() << "allocation counting is off under ASan";
  tape::micro::Ofi ofi(64);
  tape::micro::MultiLevelOfi ml(5, 64);
  tape::micro::VpinOptions vo;
  vo.bucket_volume = 50, vo.bar_ns = 1000;
  tape::micro::Vpin vpin(vo);
  tape::micro::Hawkes hawkes;
  const tape::micro::Level bids[3] = {{100, 5}, {99, 2}, {98, 1}};
  const tape::micro::Level asks[2] = {{101, 5}, {102, 2}};
  g_counting = true;
  {
    // The counter sees an allocation; through a volatile pointer so no compiler elides it.
    void* (*volatile allocate)(std::size_t) = &::operator new;
    void (*volatile release)(void*) noexcept = &::operator delete;
    release(allocate(16));
  }
  EXPECT_GE(uint64_t{g_news}, 1u);
  g_news = 0;
  for (int64_t i = 0; i < 5000; ++i) {
    ofi.update(100 + i % 3, 10 + i % 7, 103 + i % 2, 5 + i % 4);
    ml.update(bids, asks);
    vpin.add(i * 300, 1000 + (i * 7) % 11, 1 + (i * 13) % 200);
    hawkes.add(i * 1000, (i % 3) ? tape::micro::Hawkes::kBuy : tape::micro::Hawkes::kSell);
  }
  g_counting = false;
  EXPECT_EQ(uint64_t{g_news}, 0u);
  EXPECT_GT(vpin.buckets(), 100u);
}

}  // namespace
