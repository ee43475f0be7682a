// A chart's series kept in bounded memory while a report's pass runs: every point while there
// are at most `max_points`, then buckets of 2^k consecutive points, each drawn by its first,
// lowest, highest and last point in time order (so a drawdown or a spike survives any length).
// Deterministic: the points kept depend on the values and their order only. When the buckets
// reach max_points / 4, neighbours merge in pairs (the width doubles), so between max_points / 8
// and max_points / 4 buckets, at most max_points points, are kept.
#pragma once

#include <cstddef>
#include <cstdint>
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

}  // namespace tape
