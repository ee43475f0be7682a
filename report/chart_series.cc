#include "report/chart_series.h"

#include <algorithm>

namespace tape {

ChartSeries::ChartSeries(size_t max_points)
    : max_points_(std::max<size_t>(max_points, 8)), buckets_max_(max_points_ / 4) {}

void ChartSeries::add(const Stamp& time, double y) {
  const ChartPoint p{time, y, n_++};
  if (width_ == 0) {
    raw_.push_back(p);
    if (raw_.size() <= max_points_) return;
    // Too many to keep: the smallest power-of-two width that holds them in buckets_max_ / 2.
    width_ = 1;
    while ((raw_.size() + width_ - 1) / width_ > buckets_max_ / 2) width_ *= 2;
    for (const ChartPoint& q : raw_) put(q);
    raw_.clear();
    raw_.shrink_to_fit();
    return;
  }
  put(p);
}

void ChartSeries::put(const ChartPoint& p) {
  if (buckets_.empty() || buckets_.back().count == width_) {
    if (buckets_.size() == buckets_max_) {
      // Merge neighbours: half as many buckets, twice as wide (all full).
      std::vector<Bucket> merged;
      merged.reserve(buckets_max_);
      for (size_t i = 0; i + 1 < buckets_.size(); i += 2) {
        const Bucket& a = buckets_[i];
        const Bucket& b = buckets_[i + 1];
        Bucket m;
        m.first = a.first;
        m.last = b.last;
        m.lo = b.lo.y < a.lo.y ? b.lo : a.lo;  // the earliest lowest
        m.hi = b.hi.y > a.hi.y ? b.hi : a.hi;  // the earliest highest
        m.count = a.count + b.count;
        merged.push_back(m);
      }
      buckets_ = std::move(merged);
      width_ *= 2;
    }
    buckets_.push_back(Bucket{p, p, p, p, 0});
  }
  Bucket& b = buckets_.back();
  if (p.y < b.lo.y) b.lo = p;
  if (p.y > b.hi.y) b.hi = p;
  b.last = p;
  ++b.count;
}

std::vector<ChartPoint> ChartSeries::points() const {
  if (width_ == 0) return raw_;
  std::vector<ChartPoint> out;
  out.reserve(buckets_.size() * 4);
  for (const Bucket& b : buckets_) {
    const bool lo_first = b.lo.index <= b.hi.index;
    const ChartPoint* pick[4] = {&b.first, lo_first ? &b.lo : &b.hi, lo_first ? &b.hi : &b.lo,
                                 &b.last};
    for (const ChartPoint* p : pick) {
      if (out.empty() || out.back().index < p->index) out.push_back(*p);
    }
  }
  return out;
}

namespace {

int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

}  // namespace

void NetHistogram::add(int64_t net) {
  if (count_ == 0) min_ = max_ = net;
  min_ = std::min(min_, net);
  max_ = std::max(max_, net);
  ++count_;
  ++buckets_[floor_div(net, width_)];
  // Coarser while the span allows it: 10 w <= span / kSpanBuckets (as __int128: a span of
  // nets near int64's ends does not overflow).
  const __int128 span = static_cast<__int128>(max_) - min_;
  while (width_ <= INT64_MAX / 10 && static_cast<__int128>(width_) * 10 * kSpanBuckets <= span) {
    const int64_t wider = width_ * 10;
    std::map<int64_t, uint64_t> merged;
    for (const auto& [k, n] : buckets_) merged[floor_div(k, 10)] += n;
    buckets_ = std::move(merged);
    width_ = wider;
  }
}

}  // namespace tape
