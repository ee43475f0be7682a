// A rolling sum over the last N int64 values, in a ring allocated once at construction (used by
// the OFI indicators, tape/microstructure_ofi.h). Header-only, standard library only.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "tape/microstructure_math.h"

namespace tape::micro::detail {

// Sums wrap modulo 2^64 (never undefined behaviour); with |value| < 2^62 and N < 2^24 they are
// exact.
class RollingSum {
 public:
  explicit RollingSum(uint32_t capacity) : buf_(capacity == 0 ? 1 : capacity, 0) {
    if (capacity == 0) throw std::invalid_argument("a rolling window needs at least 1 value");
  }
  void push(int64_t v) {
    if (count_ == buf_.size()) {
      sum_ -= static_cast<uint64_t>(buf_[head_]);
    } else {
      ++count_;
    }
    buf_[head_] = v;
    sum_ += static_cast<uint64_t>(v);
    if (++head_ == buf_.size()) head_ = 0;
  }
  int64_t sum() const { return static_cast<int64_t>(sum_); }
  uint32_t count() const { return count_; }
  uint32_t capacity() const { return static_cast<uint32_t>(buf_.size()); }
  void clear() {
    head_ = count_ = 0;
    sum_ = 0;
  }
  // The values oldest first, so that equal windows write equal bytes whatever their ring offset.
  void save(std::vector<uint8_t>& out) const {
    put_u64(out, buf_.size());
    put_u64(out, count_);
    const size_t start = (head_ + buf_.size() - count_) % buf_.size();
    for (uint32_t i = 0; i < count_; ++i) put_i64(out, buf_[(start + i) % buf_.size()]);
  }
  void load(Reader& r) {
    r.expect(buf_.size(), "window length");
    const uint64_t n = r.u64();
    if (n > buf_.size()) throw std::runtime_error("microstructure state: window overfull");
    clear();
    for (uint64_t i = 0; i < n; ++i) push(r.i64());
  }

 private:
  std::vector<int64_t> buf_;
  uint32_t head_ = 0;  // where the next value goes
  uint32_t count_ = 0;
  uint64_t sum_ = 0;
};

}  // namespace tape::micro::detail
