// Order flow imbalance (Cont, Kukanov and Stoikov, "The price impact of order book events",
// J. Financial Econometrics 2014), from successive states of the top of the book, and its
// multi-level form (Xu, Gould and Howison, "Multi-level order-flow imbalance in a limit order
// book", 2019) where the depth is known. docs/microstructure.md has the formulas and examples.
//
// For consecutive book states n-1 and n, with bid price/size (Pb, qb) and ask (Pa, qa):
//   e_n = [Pb_n >= Pb_{n-1}] qb_n - [Pb_n <= Pb_{n-1}] qb_{n-1}
//       - [Pa_n <= Pa_{n-1}] qa_n + [Pa_n >= Pa_{n-1}] qa_{n-1}
// positive when buying pressure grows (bids added or raised, asks taken or pulled). An absent
// side (size 0) counts as a bid at -infinity or an ask at +infinity with size 0, so a side
// that empties contributes minus its last size and one that appears plus its new size. The
// multi-level form applies the same formula to the m-th best bid and ask separately.
//
// Contract: integers only (prices in ticks, sizes in lots, sizes below 2^60), so results are
// exact and identical everywhere. Each update is O(levels), with no allocation: the windows are
// allocated at construction. The first update sets the baseline and contributes nothing (it is
// not counted in updates() nor pushed into the window). Not thread-safe; one instance per
// instrument. save() appends the state as bytes (equal states give equal bytes); load() reads
// them back into an instance constructed with the same parameters, consuming them from the
// front of `in`, and throws std::runtime_error on bytes another configuration wrote.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <vector>

#include "tape/microstructure_math.h"
#include "tape/microstructure_window.h"

namespace tape::micro {

// One price level: price in ticks, size in lots. Size 0 = the level is absent.
struct Level {
  int64_t price = 0;
  int64_t qty = 0;
};

namespace detail {

inline constexpr uint64_t kOfiTag = tag("tOFI-v1 ");
inline constexpr uint64_t kMlofiTag = tag("tMLOFIv1");

// An absent bid sits at -infinity, an absent ask at +infinity, both with size 0.
inline Level bid_or_absent(Level l) {
  return l.qty > 0 ? l : Level{std::numeric_limits<int64_t>::min(), 0};
}
inline Level ask_or_absent(Level l) {
  return l.qty > 0 ? l : Level{std::numeric_limits<int64_t>::max(), 0};
}

// e_n of one level pair (inputs already through bid_or_absent / ask_or_absent).
inline int64_t ofi_term(Level pb, Level pa, Level b, Level a) {
  int64_t e = 0;
  if (b.price >= pb.price) e += b.qty;
  if (b.price <= pb.price) e -= pb.qty;
  if (a.price <= pa.price) e -= a.qty;
  if (a.price >= pa.price) e += pa.qty;
  return e;
}

}  // namespace detail

// Level-1 OFI: the last contribution e_n, its sum over the last `window_events` updates, and
// its cumulative sum (wrapping modulo 2^64; exact below 2^63).
class Ofi {
 public:
  // Default window: 100 updates. window_events >= 1, else std::invalid_argument.
  explicit Ofi(uint32_t window_events = 100) : window_(window_events) {}

  // The top of book after a change (qty 0 = that side is empty). Returns e_n.
  int64_t update(int64_t bid, int64_t bid_qty, int64_t ask, int64_t ask_qty) {
    const Level b = detail::bid_or_absent({bid, bid_qty});
    const Level a = detail::ask_or_absent({ask, ask_qty});
    if (!started_) {
      started_ = true;
      bid_ = b, ask_ = a;
      return last_ = 0;
    }
    last_ = detail::ofi_term(bid_, ask_, b, a);
    bid_ = b, ask_ = a;
    cumulative_ += static_cast<uint64_t>(last_);
    window_.push(last_);
    ++updates_;
    return last_;
  }

  int64_t last() const { return last_; }
  int64_t window_sum() const { return window_.sum(); }
  int64_t cumulative() const { return static_cast<int64_t>(cumulative_); }
  uint64_t updates() const { return updates_; }  // contributions so far (baseline excluded)
  uint32_t window_count() const { return window_.count(); }

  void save(std::vector<uint8_t>& out) const {
    detail::put_u64(out, detail::kOfiTag);
    window_.save(out);
    detail::put_u64(out, started_ ? 1 : 0);
    detail::put_i64(out, bid_.price), detail::put_i64(out, bid_.qty);
    detail::put_i64(out, ask_.price), detail::put_i64(out, ask_.qty);
    detail::put_i64(out, last_);
    detail::put_u64(out, cumulative_);
    detail::put_u64(out, updates_);
  }
  void load(std::span<const uint8_t>& in) {
    detail::Reader r(in);
    r.expect(detail::kOfiTag, "indicator kind (OFI)");
    window_.load(r);
    started_ = r.u64() != 0;
    bid_.price = r.i64(), bid_.qty = r.i64();
    ask_.price = r.i64(), ask_.qty = r.i64();
    last_ = r.i64();
    cumulative_ = r.u64();
    updates_ = r.u64();
  }

 private:
  detail::RollingSum window_;
  bool started_ = false;
  Level bid_, ask_;
  int64_t last_ = 0;
  uint64_t cumulative_ = 0;
  uint64_t updates_ = 0;
};

// Multi-level OFI over a fixed number of levels per side, chosen at construction. Level m
// (0 = best) has its own e^m_n, window sum and cumulative sum, as Ofi's.
class MultiLevelOfi {
 public:
  static constexpr uint32_t kMaxLevels = 64;

  // 1 <= levels <= kMaxLevels and window_events >= 1, else std::invalid_argument.
  MultiLevelOfi(uint32_t levels, uint32_t window_events = 100)
      : levels_(checked(levels)),
        prev_bids_(levels_),
        prev_asks_(levels_),
        last_(levels_, 0),
        cumulative_(levels_, 0) {
    windows_.reserve(levels_);
    for (uint32_t m = 0; m < levels_; ++m) windows_.emplace_back(window_events);
  }

  // The book after a change, best level first on each side. Missing entries (a span shorter
  // than levels()) and entries with qty 0 are absent levels; entries past levels() are ignored.
  void update(std::span<const Level> bids, std::span<const Level> asks) {
    for (uint32_t m = 0; m < levels_; ++m) {
      const Level b = detail::bid_or_absent(m < bids.size() ? bids[m] : Level{});
      const Level a = detail::ask_or_absent(m < asks.size() ? asks[m] : Level{});
      if (started_) {
        last_[m] = detail::ofi_term(prev_bids_[m], prev_asks_[m], b, a);
        cumulative_[m] += static_cast<uint64_t>(last_[m]);
        windows_[m].push(last_[m]);
      }
      prev_bids_[m] = b, prev_asks_[m] = a;
    }
    if (started_) ++updates_;
    started_ = true;
  }

  uint32_t levels() const { return levels_; }
  int64_t last(uint32_t level) const { return last_.at(level); }
  int64_t window_sum(uint32_t level) const { return windows_.at(level).sum(); }
  int64_t cumulative(uint32_t level) const { return static_cast<int64_t>(cumulative_.at(level)); }
  uint64_t updates() const { return updates_; }

  void save(std::vector<uint8_t>& out) const {
    detail::put_u64(out, detail::kMlofiTag);
    detail::put_u64(out, levels_);
    detail::put_u64(out, started_ ? 1 : 0);
    detail::put_u64(out, updates_);
    for (uint32_t m = 0; m < levels_; ++m) {
      windows_[m].save(out);
      detail::put_i64(out, prev_bids_[m].price), detail::put_i64(out, prev_bids_[m].qty);
      detail::put_i64(out, prev_asks_[m].price), detail::put_i64(out, prev_asks_[m].qty);
      detail::put_i64(out, last_[m]);
      detail::put_u64(out, cumulative_[m]);
    }
  }
  void load(std::span<const uint8_t>& in) {
    detail::Reader r(in);
    r.expect(detail::kMlofiTag, "indicator kind (multi-level OFI)");
    r.expect(levels_, "number of levels");
    started_ = r.u64() != 0;
    updates_ = r.u64();
    for (uint32_t m = 0; m < levels_; ++m) {
      windows_[m].load(r);
      prev_bids_[m].price = r.i64(), prev_bids_[m].qty = r.i64();
      prev_asks_[m].price = r.i64(), prev_asks_[m].qty = r.i64();
      last_[m] = r.i64();
      cumulative_[m] = r.u64();
    }
  }

 private:
  static uint32_t checked(uint32_t levels) {
    if (levels < 1 || levels > kMaxLevels) {
      throw std::invalid_argument("multi-level OFI needs 1 to 64 levels");
    }
    return levels;
  }
  uint32_t levels_;
  std::vector<Level> prev_bids_, prev_asks_;
  std::vector<int64_t> last_;
  std::vector<uint64_t> cumulative_;
  std::vector<detail::RollingSum> windows_;
  bool started_ = false;
  uint64_t updates_ = 0;
};

}  // namespace tape::micro
