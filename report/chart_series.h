// A chart's series kept in bounded memory while a report's pass runs: every point while there
// are at most `max_points`, then buckets of 2^k consecutive points, each drawn by its first,
// lowest, highest and last point in time order (so a drawdown or a spike survives any length).
// Deterministic: the points kept depend on the values and their order only. When the buckets
// reach max_points / 4, neighbours merge in pairs (the width doubles), so between max_points / 8
// and max_points / 4 buckets, at most max_points points, are kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace tape {

struct Stamp {
  int64_t ts_ns = 0;
  bool daily = false;  // made by a daily bar
};

struct ChartPoint {
  Stamp time;
  double y = 0;
  uint64_t index = 0;  // the point's position in the full series
};

class ChartSeries {
 public:
  explicit ChartSeries(size_t max_points = 4000);
  void add(const Stamp& time, double y);
  // The kept points in series order, without repeats.
  std::vector<ChartPoint> points() const;
  uint64_t size() const { return n_; }

 private:
  struct Bucket {
    ChartPoint first, lo, hi, last;
    uint64_t count = 0;
  };
  void put(const ChartPoint& p);

  size_t max_points_;
  size_t buckets_max_;
  uint64_t n_ = 0;
  uint64_t width_ = 0;  // 0 while every point is kept in raw_
  std::vector<ChartPoint> raw_;
  std::vector<Bucket> buckets_;
};

// The closed trades' nets (money minor units) for the tearsheet's PnL histogram, in bounded
// memory: counts per bucket [k w, (k + 1) w) of width w, a power of ten, kept no wider than
// span / kSpanBuckets (span = max - min so far; w = 1 while the span is under 10 kSpanBuckets,
// i.e. every distinct net counted exactly). The histogram's bins are multiples of a step
// nice_step(span in currency units, bins <= 30), which is at least 10^floor(log10(span / 30)) /
// 10 >= span / 300 currency units: with a power-of-ten money scale, a multiple of w. So every
// bucket lies wholly in one bin, and the counts per bin are those of the full list of nets.
// At most ~10 kSpanBuckets + 2 buckets, however many trades.
class NetHistogram {
 public:
  static constexpr int64_t kSpanBuckets = 300;
  void add(int64_t net);
  uint64_t count() const { return count_; }
  int64_t min() const { return min_; }
  int64_t max() const { return max_; }
  int64_t width() const { return width_; }
  // floor(net / width) -> trades.
  const std::map<int64_t, uint64_t>& buckets() const { return buckets_; }

 private:
  uint64_t count_ = 0;
  int64_t min_ = 0, max_ = 0;
  int64_t width_ = 1;
  std::map<int64_t, uint64_t> buckets_;
};

}  // namespace tape
