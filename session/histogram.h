// Fixed-memory log-linear latency histogram (HdrHistogram style): 16 sub-buckets per power of
// two, so any recorded value is reported within ~6%. Recording is a few instructions and never
// allocates. Wall-clock measurement lives in the session loop, never in core/.
#pragma once

#include <array>
#include <bit>
#include <algorithm>
#include <cstdint>

namespace tape {

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 4;
  static constexpr int kSub = 1 << kSubBits;
  static constexpr int kBuckets = 64 * kSub;

  void record(uint64_t v) {
    ++counts_[index(v)];
    ++total_;
    if (v > max_) max_ = v;
  }
  uint64_t count() const { return total_; }
  uint64_t max() const { return max_; }

  // The upper bound of the bucket holding the q-quantile (q in [0, 1]), capped at max().
  uint64_t percentile(double q) const {
    if (total_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(total_));
    if (rank >= total_) rank = total_ - 1;
    uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen > rank) return std::min(upper(i), max_);
    }
    return max_;
  }

  // Calls f(bucket_upper_bound, count) for each non-empty bucket, in increasing order.
  template <typename F>
  void for_each_bucket(F&& f) const {
    for (int i = 0; i < kBuckets; ++i) {
      if (counts_[i] != 0) f(upper(i), counts_[i]);
    }
  }

  void merge(const LatencyHistogram& o) {
    for (int i = 0; i < kBuckets; ++i) counts_[i] += o.counts_[i];
    total_ += o.total_;
    if (o.max_ > max_) max_ = o.max_;
  }

 private:
  static int index(uint64_t v) {
    if (v < kSub) return static_cast<int>(v);
    const int msb = 63 - std::countl_zero(v);
    const int shift = msb - kSubBits;
    const int sub = static_cast<int>((v >> shift) & (kSub - 1));
    return (shift + 1) * kSub + sub;
  }
  static uint64_t upper(int i) {
    if (i < kSub) return static_cast<uint64_t>(i);
    const int shift = i / kSub - 1;
    const uint64_t sub = static_cast<uint64_t>(i % kSub);
    return (((uint64_t{kSub} + sub + 1) << shift)) - 1;
  }

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t total_ = 0;
  uint64_t max_ = 0;
};

}  // namespace tape
