// VPIN (tape/microstructure_vpin.h) against a reference that pours volume one lot at a time in
// doubles with std::erfc's normal distribution, on short series: buckets filled exactly, a print
// larger than a bucket and than the whole window, zero-volume bars, time bars with a gap, and a
// state round trip.
#include "tape/microstructure_vpin.h"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <vector>

namespace {

using tape::micro::Vpin;
using tape::micro::VpinOptions;

struct BarIn {
  int64_t price, volume;
};

// (Tolerance 1e-7: the indicator rounds buy volume to 2^-24 lot once per portion.)
// The straightforward computation: sigma from the whole list of changes so far, buy share from
// erfc, each lot poured on its own, every bucket's imbalance kept in a list.
struct Reference {
  Reference(int64_t b, size_t w, size_t sb) : bucket(b), window(w), sigma_bars(sb) {}
  int64_t bucket;
  size_t window, sigma_bars;
  std::vector<int64_t> changes;
  bool has_prev = false;
  int64_t prev = 0;
  double fill = 0, buy = 0;
  std::vector<double> imbalances;

  void bar(int64_t price, int64_t volume) {
    double f = 0.5;
    if (has_prev) {
      changes.push_back(price - prev);
      double ss = 0;
      size_t n = 0;
      for (size_t i = changes.size() > sigma_bars ? changes.size() - sigma_bars : 0;
           i < changes.size(); ++i, ++n) {
        ss += double(changes[i]) * double(changes[i]);
      }
      const double sigma = std::sqrt(ss / double(n));
      if (sigma > 0) f = 0.5 * std::erfc(-(double(price - prev) / sigma) / std::sqrt(2.0));
    }
    has_prev = true;
    prev = price;
    for (int64_t lot = 0; lot < volume; ++lot) {
      buy += f;
      fill += 1;
      if (fill == double(bucket)) {
        imbalances.push_back(std::fabs(buy - (double(bucket) - buy)));
        fill = buy = 0;
      }
    }
  }
  double vpin() const {
    if (imbalances.empty()) return 0;
    const size_t n = std::min(window, imbalances.size());
    double s = 0;
    for (size_t i = imbalances.size() - n; i < imbalances.size(); ++i) s += imbalances[i];
    return s / (double(n) * double(bucket));
  }
};

VpinOptions opts(int64_t bucket, uint32_t window, uint32_t sigma_bars, int64_t bar_ns = 0) {
  VpinOptions o;
  o.bucket_volume = bucket, o.window_buckets = window, o.sigma_bars = sigma_bars, o.bar_ns = bar_ns;
  return o;
}

void expect_matches(const std::vector<BarIn>& bars, int64_t bucket, uint32_t window,
                    uint32_t sigma_bars) {
  Vpin v(opts(bucket, window, sigma_bars));
  Reference ref(bucket, window, sigma_bars);
  for (size_t i = 0; i < bars.size(); ++i) {
    v.add(int64_t(i), bars[i].price, bars[i].volume);
    ref.bar(bars[i].price, bars[i].volume);
    ASSERT_NEAR(v.value(), ref.vpin(), 1e-7) << "bar " << i;
    ASSERT_EQ(v.buckets(), ref.imbalances.size()) << "bar " << i;
    ASSERT_EQ(v.window_count(), std::min<size_t>(window, ref.imbalances.size()));
    ASSERT_EQ(v.bucket_fill(), int64_t(ref.fill));
  }
}

const std::vector<BarIn> kBars = {{1000, 7}, {1002, 5},  {1001, 9}, {1001, 3}, {1005, 12},
                                  {998, 4},  {999, 0},   {999, 8},  {1003, 6}, {1004, 11},
                                  {1000, 2}, {1000, 10}, {1006, 1}, {1002, 9}};

TEST(MicrostructureVpin, MatchesLotByLotReference) {
  expect_matches(kBars, 10, 3, 5);
  expect_matches(kBars, 4, 2, 3);
  expect_matches(kBars, 1, 50, 50);  // every lot its own bucket
}

TEST(MicrostructureVpin, PrintLargerThanABucketAndTheWindow) {
  std::vector<BarIn> bars = {{100, 3}, {101, 35}, {99, 1000}, {100, 4}, {102, 27}};
  expect_matches(bars, 10, 4, 3);
  Vpin v(opts(10, 4, 3));
  v.add(0, 100, 3);
  v.add(1, 101, 35);  // completes 3 buckets (the open one, then a run of 2), 8 left open
  EXPECT_EQ(v.buckets(), 3u);
  EXPECT_EQ(v.bucket_fill(), 8);
  v.add(2, 99, 1000);  // 100 buckets: the window holds 4 of them
  EXPECT_EQ(v.buckets(), 103u);
  EXPECT_EQ(v.window_count(), 4u);
  // A lone up-move of 1 tick with sigma the RMS of one change (1): Phi(1) to buy on 101.
  Vpin one(opts(100, 1, 10));
  one.add(0, 100, 0);
  one.add(1, 101, 100);
  EXPECT_NEAR(one.last_buy_fraction(), 0.5 * std::erfc(-1 / std::sqrt(2.0)), 1e-15);
  EXPECT_NEAR(one.value(), 2 * one.last_buy_fraction() - 1, 1e-7);
}

TEST(MicrostructureVpin, EmptyBucketAndZeroVolume) {
  Vpin v(opts(10, 5, 5));
  EXPECT_EQ(v.value(), 0.0);  // nothing completed: 0 by definition, window_count says so
  EXPECT_EQ(v.window_count(), 0u);
  v.add(0, 100, 9);
  EXPECT_EQ(v.value(), 0.0);
  EXPECT_EQ(v.bucket_fill(), 9);
  v.add(1, 104, 0);  // a bar without volume: its change enters sigma, no volume moves
  EXPECT_EQ(v.bucket_fill(), 9);
  EXPECT_EQ(v.bars(), 2u);
  EXPECT_DOUBLE_EQ(v.sigma(), 4.0);
  v.add(2, 104, -5);  // a negative volume is nothing
  EXPECT_EQ(v.bucket_fill(), 9);
  v.add(3, 104, 1);   // unchanged price: half and half
  EXPECT_EQ(v.buckets(), 1u);
  EXPECT_EQ(v.last_buy_fraction(), 0.5);
}

TEST(MicrostructureVpin, SingleBarSplitsEvenly) {
  Vpin v(opts(10, 5, 5));
  v.add(0, 100, 10);
  EXPECT_EQ(v.buckets(), 1u);
  EXPECT_EQ(v.value(), 0.0);  // 5 bought, 5 sold
  EXPECT_EQ(v.last_buy_fraction(), 0.5);
}

TEST(MicrostructureVpin, TimeBarsSumPrintsAndSurviveAGap) {
  const int64_t minute = 60'000'000'000;
  Vpin bars(opts(10, 3, 5, minute));
  Vpin direct(opts(10, 3, 5));
  // Minute 0: three prints closing at 101; minute 1: nothing; minute 500 (a gap): two prints.
  bars.add(1, 100, 4);
  bars.add(20'000'000'000, 102, 3);
  bars.add(59'999'999'999, 101, 5);
  EXPECT_EQ(bars.bars(), 0u);  // the minute is not over yet
  bars.advance(minute - 1);
  EXPECT_EQ(bars.bars(), 0u);
  bars.add(500 * minute + 7, 99, 6);  // closes minute 0 (one bar of 12 at 101)
  EXPECT_EQ(bars.bars(), 1u);
  bars.add(500 * minute - 3, 98, 1);  // earlier than the open bar: counted in it
  bars.advance(501 * minute);         // closes minute 500 (7 lots at 98)
  EXPECT_EQ(bars.bars(), 2u);
  direct.add(0, 101, 12);
  direct.add(1, 98, 7);
  EXPECT_EQ(bars.value(), direct.value());
  EXPECT_EQ(bars.buckets(), direct.buckets());
  EXPECT_EQ(bars.bucket_fill(), direct.bucket_fill());
  EXPECT_EQ(bars.last_buy_fraction(), direct.last_buy_fraction());
}

TEST(MicrostructureVpin, NegativeTimesUseFloorBars) {
  Vpin v(opts(10, 3, 5, 100));
  v.add(-150, 100, 5);  // bar -2
  v.add(-101, 100, 5);  // still bar -2
  EXPECT_EQ(v.bars(), 0u);
  v.add(-100, 100, 5);  // bar -1
  EXPECT_EQ(v.bars(), 1u);
}

TEST(MicrostructureVpin, RejectsBadOptions) {
  EXPECT_THROW(Vpin(opts(0, 5, 5)), std::invalid_argument);
  EXPECT_THROW(Vpin(opts((int64_t{1} << 36) + 1, 5, 5)), std::invalid_argument);
  EXPECT_THROW(Vpin(opts(10, 0, 5)), std::invalid_argument);
  EXPECT_THROW(Vpin(opts(10, 5, 0)), std::invalid_argument);
  EXPECT_THROW(Vpin(opts(10, 5, 5, -1)), std::invalid_argument);
}

TEST(MicrostructureVpin, StateRoundTripContinuesBitForBit) {
  Vpin a(opts(10, 3, 4, 5));
  for (size_t i = 0; i < 8; ++i) a.add(int64_t(i) * 3, kBars[i].price, kBars[i].volume);
  std::vector<uint8_t> bytes;
  a.save(bytes);
  Vpin b(opts(10, 3, 4, 5));
  std::span<const uint8_t> in(bytes);
  b.load(in);
  EXPECT_TRUE(in.empty());
  for (size_t i = 8; i < kBars.size(); ++i) {
    a.add(int64_t(i) * 3, kBars[i].price, kBars[i].volume);
    b.add(int64_t(i) * 3, kBars[i].price, kBars[i].volume);
    ASSERT_EQ(a.value(), b.value());
    ASSERT_EQ(a.sigma(), b.sigma());
  }
  std::vector<uint8_t> ea, eb;
  a.save(ea);
  b.save(eb);
  EXPECT_EQ(ea, eb);
  Vpin other(opts(11, 3, 4, 5));
  std::span<const uint8_t> again(bytes);
  EXPECT_THROW(other.load(again), std::runtime_error);
  std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + 40);
  std::span<const uint8_t> short_in(cut);
  Vpin same(opts(10, 3, 4, 5));
  EXPECT_THROW(same.load(short_in), std::runtime_error);
}

}  // namespace
