// A two-level bitmap over the price levels of one side of a book: bit i set <=> level i holds
// orders of that side. next_at_or_above / prev_at_or_below find the nearest set bit with one
// word scan in the common case (the next level is near) and a scan of the summary words
// otherwise (one summary bit per 64-level word).
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

namespace tape {

class LevelBitmap {
 public:
  static constexpr int64_t kNone = -1;

  LevelBitmap() = default;
  explicit LevelBitmap(size_t bits)
      : bits_(bits), words_((bits + 63) / 64), summary_((words_.size() + 63) / 64) {}

  size_t size() const { return bits_; }
  bool test(size_t i) const { return (words_[i >> 6] >> (i & 63)) & 1; }

  void set(size_t i) {
    words_[i >> 6] |= bit(i);
    summary_[i >> 12] |= bit(i >> 6);
  }
  void clear(size_t i) {
    uint64_t& w = words_[i >> 6];
    w &= ~bit(i);
    if (w == 0) summary_[i >> 12] &= ~bit(i >> 6);
  }

  // True when every bit in [lo, hi] is set; false when the range leaves the bitmap.
  // Precondition: hi - lo < 64 (the range touches at most two words).
  bool all_set(int64_t lo, int64_t hi) const {
    if (lo < 0 || static_cast<size_t>(hi) >= bits_) return false;
    const size_t wl = static_cast<size_t>(lo) >> 6, wh = static_cast<size_t>(hi) >> 6;
    const uint64_t from_lo = ~uint64_t{0} << (lo & 63);
    const uint64_t to_hi = ~uint64_t{0} >> (63 - (hi & 63));
    if (wl == wh) return (words_[wl] & from_lo & to_hi) == (from_lo & to_hi);
    return (words_[wl] & from_lo) == from_lo && (words_[wh] & to_hi) == to_hi;
  }

  // Lowest set bit >= i, or kNone.
  int64_t next_at_or_above(int64_t i) const {
    if (i < 0) i = 0;
    if (static_cast<size_t>(i) >= bits_) return kNone;
    const size_t w = static_cast<size_t>(i) >> 6;
    const uint64_t m = words_[w] & (~uint64_t{0} << (i & 63));
    if (m != 0) return static_cast<int64_t>(w * 64 + std::countr_zero(m));
    return next_word_from(w + 1);
  }

  // Calls f(bit) for set bits from `from` upward (scan_up) or downward (scan_down), nearest
  // first, until f returns false. A word's bits are peeled in a register, so consecutive levels
  // cost a few cycles each instead of a reload per level.
  template <typename F>
  void scan_up(int64_t from, F&& f) const;
  template <typename F>
  void scan_down(int64_t from, F&& f) const;

  // Highest set bit <= i, or kNone.
  int64_t prev_at_or_below(int64_t i) const {
    if (i < 0) return kNone;
    if (static_cast<size_t>(i) >= bits_) i = static_cast<int64_t>(bits_) - 1;
    const size_t w = static_cast<size_t>(i) >> 6;
    const uint64_t m = words_[w] & (~uint64_t{0} >> (63 - (i & 63)));
    if (m != 0) return static_cast<int64_t>(w * 64 + 63 - std::countl_zero(m));
    if (w == 0) return kNone;
    return prev_word_from(w - 1);
  }

 private:
  static uint64_t bit(size_t i) { return uint64_t{1} << (i & 63); }

  // Lowest set bit in words [w, end).
  int64_t next_word_from(size_t w) const {
    if (w >= words_.size()) return kNone;
    size_t s = w >> 6;
    uint64_t m = summary_[s] & (~uint64_t{0} << (w & 63));
    while (m == 0) {
      if (++s >= summary_.size()) return kNone;
      m = summary_[s];
    }
    const size_t word = s * 64 + std::countr_zero(m);
    return static_cast<int64_t>(word * 64 + std::countr_zero(words_[word]));
  }

  // Highest set bit in words [0, w].
  int64_t prev_word_from(size_t w) const {
    size_t s = w >> 6;
    uint64_t m = summary_[s] & (~uint64_t{0} >> (63 - (w & 63)));
    while (m == 0) {
      if (s == 0) return kNone;
      m = summary_[--s];
    }
    const size_t word = s * 64 + 63 - std::countl_zero(m);
    return static_cast<int64_t>(word * 64 + 63 - std::countl_zero(words_[word]));
  }

  size_t bits_ = 0;
  std::vector<uint64_t> words_;
  std::vector<uint64_t> summary_;
};

template <typename F>
void LevelBitmap::scan_up(int64_t from, F&& f) const {
  for (int64_t i = next_at_or_above(from); i != kNone;) {
    const size_t w = static_cast<size_t>(i) >> 6;
    for (uint64_t m = words_[w] & (~uint64_t{0} << (i & 63)); m != 0; m &= m - 1) {
      if (!f(static_cast<int64_t>(w * 64 + std::countr_zero(m)))) return;
    }
    i = next_word_from(w + 1);
  }
}

template <typename F>
void LevelBitmap::scan_down(int64_t from, F&& f) const {
  for (int64_t i = prev_at_or_below(from); i != kNone;) {
    const size_t w = static_cast<size_t>(i) >> 6;
    for (uint64_t m = words_[w] & (~uint64_t{0} >> (63 - (i & 63))); m != 0;) {
      const int b = 63 - std::countl_zero(m);
      if (!f(static_cast<int64_t>(w * 64 + b))) return;
      m &= ~(uint64_t{1} << b);
    }
    if (w == 0) return;
    i = prev_word_from(w - 1);
  }
}

}  // namespace tape
