// VPIN, the volume-synchronized probability of informed trading (Easley, Lopez de Prado and
// O'Hara, "Flow toxicity and liquidity in a high-frequency world", Review of Financial Studies
// 2012), with bulk volume classification. docs/microstructure.md has the formulas and examples.
//
//  * Bars. Volume is classified per bar: each add() is one bar (a trade print, or an OHLCV bar
//    with its close and volume) when bar_ns = 0; otherwise prints are summed into time bars
//    [k bar_ns, (k+1) bar_ns) of the ns clock, and a bar is classified when a later print (or
//    advance()) shows it is over. A period without prints makes no bar.
//  * Bulk volume classification. A bar of volume V whose close moved dP ticks from the previous
//    bar's close has buy volume V * Phi(dP / sigma) and sell volume V - that, where Phi is the
//    standard normal distribution function (tape::micro::normal_cdf) and sigma the root mean
//    square of the last `sigma_bars` bar-to-bar changes in ticks, this bar's included (the mean
//    change is taken as 0: over one bar the drift is negligible against the volatility, and
//    sigma is then > 0 whenever dP != 0). The first bar, and any bar while all changes in the
//    window are 0, splits half and half.
//  * Buckets. Classified volume fills buckets of exactly `bucket_volume` lots in arrival order;
//    a bar that overflows a bucket carries the rest (with the same buy share) into the next
//    ones, so one large print can complete several buckets. For each completed bucket tau,
//    OI_tau = |V_buy - V_sell|, and VPIN = sum of OI over the last n completed buckets /
//    (n * bucket_volume), n = min(completed, window_buckets). Before the first completed bucket
//    value() is 0 and window_count() is 0.
//
// Contract. Volumes in lots (0 allowed), prices in ticks. Buy volume is kept in fixed point,
// units of 2^-24 lot, rounded to nearest once per portion poured into a bucket, so the rolling
// sum is exact (integers) and cannot drift; doubles appear only in Phi, sigma and value(), all
// built from correctly rounded operations (tape/microstructure_math.h): the same inputs give the
// same bits under any conforming compiler with -ffp-contract=off. Each add() is O(1) amortized
// (a print larger than many buckets is poured as one run of equal buckets), with no allocation:
// the rings are allocated at construction. save()/load() as the OFI classes'.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "tape/microstructure_math.h"

namespace tape::micro {

struct VpinOptions {
  // Required, 1 .. 2^36. Lots per volume bucket (ELO: a fiftieth of the average daily volume).
  int64_t bucket_volume = 0;
  // Default: 50 (ELO's). Completed buckets in the rolling window, 1 .. 2^20.
  uint32_t window_buckets = 50;
  // Default: 50. Bar-to-bar price changes in the sigma estimate, 1 .. 2^20.
  uint32_t sigma_bars = 50;
  // Default: 0 = each add() is a bar. Otherwise the time bar length in ns (ELO: one minute).
  int64_t bar_ns = 0;
};

class Vpin {
 public:
  static constexpr int64_t kFixedOne = int64_t{1} << 24;  // one lot in buy-volume units

  // std::invalid_argument when an option is out of its range.
  explicit Vpin(const VpinOptions& options)
      : o_(checked(options)), dp_(o_.sigma_bars, 0), runs_(o_.window_buckets + 1) {}

  // A print (or a bar's close and volume) at ts_ns. A negative volume is taken as 0. With
  // bar_ns > 0 a time before the open bar's start is counted in the open bar.
  void add(int64_t ts_ns, int64_t price, int64_t volume) {
    if (volume < 0) volume = 0;
    if (o_.bar_ns == 0) {
      classify(price, volume);
      return;
    }
    const int64_t index = floor_div(ts_ns, o_.bar_ns);
    if (bar_open_ && index > bar_index_) close_bar();
    if (!bar_open_) {
      bar_open_ = true;
      bar_index_ = index;
      bar_volume_ = 0;
    }
    bar_volume_ += volume;
    bar_close_ = price;
  }

  // Classifies the open time bar if ts_ns is past its end (a clock with no print). Nothing
  // happens with bar_ns = 0.
  void advance(int64_t ts_ns) {
    if (bar_open_ && floor_div(ts_ns, o_.bar_ns) > bar_index_) close_bar();
  }

  // VPIN over the completed buckets in the window, in [0, 1]; 0 before the first one.
  double value() const {
    if (total_ == 0) return 0.0;
    return to_double(sum_) / (static_cast<double>(total_) *
                              static_cast<double>(o_.bucket_volume * kFixedOne));
  }
  uint32_t window_count() const { return total_; }
  uint64_t buckets() const { return completed_; }     // completed since construction
  int64_t bucket_fill() const { return fill_; }       // lots in the open bucket
  uint64_t bars() const { return bars_; }             // bars classified
  double sigma() const { return sigma_; }             // of the last bar, ticks
  double last_buy_fraction() const { return last_f_; }  // Phi(dP / sigma) of the last bar
  const VpinOptions& options() const { return o_; }

  void save(std::vector<uint8_t>& out) const {
    using detail::put_i64, detail::put_u64;
    put_u64(out, detail::tag("tVPIN-v1"));
    put_i64(out, o_.bucket_volume), put_u64(out, o_.window_buckets);
    put_u64(out, o_.sigma_bars), put_i64(out, o_.bar_ns);
    put_u64(out, bar_open_), put_i64(out, bar_index_), put_i64(out, bar_volume_);
    put_i64(out, bar_close_);
    put_u64(out, has_prev_), put_i64(out, prev_close_);
    put_u64(out, dp_count_);
    const size_t start = (dp_head_ + dp_.size() - dp_count_) % dp_.size();
    for (uint32_t i = 0; i < dp_count_; ++i) put_i64(out, dp_[(start + i) % dp_.size()]);
    detail::put_f64(out, sigma_), detail::put_f64(out, last_f_);
    put_i64(out, fill_), put_i64(out, buy_), put_u64(out, completed_), put_u64(out, bars_);
    put_u64(out, run_count_);
    for (uint32_t i = 0; i < run_count_; ++i) {
      const Run& r = runs_[(run_head_ + i) % runs_.size()];
      put_i64(out, r.imbalance), put_u64(out, r.count);
    }
  }
  void load(std::span<const uint8_t>& in) {
    detail::Reader r(in);
    r.expect(detail::tag("tVPIN-v1"), "indicator kind (VPIN)");
    r.expect(static_cast<uint64_t>(o_.bucket_volume), "bucket volume");
    r.expect(o_.window_buckets, "window");
    r.expect(o_.sigma_bars, "sigma window");
    r.expect(static_cast<uint64_t>(o_.bar_ns), "bar length");
    bar_open_ = r.u64() != 0, bar_index_ = r.i64(), bar_volume_ = r.i64(), bar_close_ = r.i64();
    has_prev_ = r.u64() != 0, prev_close_ = r.i64();
    const uint64_t n = r.u64();
    if (n > dp_.size()) throw std::runtime_error("microstructure state: sigma window overfull");
    dp_count_ = dp_head_ = 0;
    sumsq_ = 0;
    for (uint64_t i = 0; i < n; ++i) push_change(r.i64());
    sigma_ = r.f64(), last_f_ = r.f64();
    fill_ = r.i64(), buy_ = r.i64(), completed_ = r.u64(), bars_ = r.u64();
    const uint64_t runs = r.u64();
    if (runs > runs_.size()) throw std::runtime_error("microstructure state: too many runs");
    run_head_ = run_count_ = total_ = 0;
    sum_ = 0;
    for (uint64_t i = 0; i < runs; ++i) {
      const int64_t imbalance = r.i64();
      const uint64_t count = r.u64();
      if (count == 0 || count > o_.window_buckets || total_ + count > o_.window_buckets) {
        throw std::runtime_error("microstructure state: bad bucket run");
      }
      runs_[run_count_++] = Run{imbalance, static_cast<uint32_t>(count)};
      total_ += static_cast<uint32_t>(count);
      sum_ += static_cast<__int128>(imbalance) * count;
    }
  }

 private:
  struct Run {  // `count` consecutive completed buckets with the same imbalance
    int64_t imbalance = 0;  // |2 buy - bucket|, 2^-24 lot units
    uint32_t count = 0;
  };

  static VpinOptions checked(const VpinOptions& o) {
    if (o.bucket_volume < 1 || o.bucket_volume > (int64_t{1} << 36)) {
      throw std::invalid_argument("VPIN bucket_volume must be 1 .. 2^36 lots");
    }
    if (o.window_buckets < 1 || o.window_buckets > (1u << 20)) {
      throw std::invalid_argument("VPIN window_buckets must be 1 .. 2^20");
    }
    if (o.sigma_bars < 1 || o.sigma_bars > (1u << 20)) {
      throw std::invalid_argument("VPIN sigma_bars must be 1 .. 2^20");
    }
    if (o.bar_ns < 0) throw std::invalid_argument("VPIN bar_ns must be >= 0");
    return o;
  }
  static int64_t floor_div(int64_t a, int64_t b) {
    const int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
  }
  // Exact to the last bit for |v| < 2^95: both halves convert exactly or with one rounding.
  static double to_double(__int128 v) {
    const int64_t hi = static_cast<int64_t>(v >> 32);
    const uint32_t lo = static_cast<uint32_t>(v);
    return static_cast<double>(hi) * 4294967296.0 + static_cast<double>(lo);
  }

  void close_bar() {
    bar_open_ = false;
    classify(bar_close_, bar_volume_);
  }

  void push_change(int64_t dp) {
    constexpr int64_t kClamp = int64_t{1} << 36;  // keeps the sum of squares below 2^95
    dp = dp > kClamp ? kClamp : (dp < -kClamp ? -kClamp : dp);
    if (dp_count_ == dp_.size()) {
      const int64_t old = dp_[dp_head_];
      sumsq_ -= static_cast<unsigned __int128>(static_cast<__int128>(old) * old);
    } else {
      ++dp_count_;
    }
    dp_[dp_head_] = dp;
    sumsq_ += static_cast<unsigned __int128>(static_cast<__int128>(dp) * dp);
    if (++dp_head_ == dp_.size()) dp_head_ = 0;
  }

  void classify(int64_t price, int64_t volume) {
    ++bars_;
    double f = 0.5;
    if (has_prev_) {
      const int64_t dp = price - prev_close_;
      push_change(dp);
      sigma_ = __builtin_sqrt(to_double(static_cast<__int128>(sumsq_)) /
                              static_cast<double>(dp_count_));
      if (sigma_ > 0 && dp != 0) f = normal_cdf(static_cast<double>(dp) / sigma_);
    }
    has_prev_ = true;
    prev_close_ = price;
    last_f_ = f;
    pour(volume, f);
  }

  // buy units of `lots` lots at buy share f, rounded to nearest (f in [0, 1]).
  static int64_t buy_units(int64_t lots, double f) {
    return static_cast<int64_t>(static_cast<double>(lots) * static_cast<double>(kFixedOne) * f +
                                0.5);
  }

  void pour(int64_t volume, double f) {
    const int64_t bucket = o_.bucket_volume;
    while (volume > 0) {
      const int64_t room = bucket - fill_;
      if (volume < room) {
        buy_ += buy_units(volume, f);
        fill_ += volume;
        return;
      }
      if (fill_ > 0) {  // finish the open bucket
        buy_ += buy_units(room, f);
        volume -= room;
        complete(abs_imbalance(buy_), 1);
        fill_ = buy_ = 0;
        continue;
      }
      const int64_t k = volume / bucket;  // whole buckets of this bar alone: one run
      complete(abs_imbalance(buy_units(bucket, f)), static_cast<uint64_t>(k));
      volume -= k * bucket;
    }
  }

  int64_t abs_imbalance(int64_t buy) const {
    const int64_t d = 2 * buy - o_.bucket_volume * kFixedOne;
    return d < 0 ? -d : d;
  }

  // Appends `count` completed buckets of one imbalance and drops the oldest beyond the window.
  void complete(int64_t imbalance, uint64_t count) {
    completed_ += count;
    const uint32_t window = o_.window_buckets;
    if (count >= window) {
      run_head_ = 0, run_count_ = 1;
      runs_[0] = Run{imbalance, window};
      total_ = window;
      sum_ = static_cast<__int128>(imbalance) * window;
      return;
    }
    runs_[(run_head_ + run_count_) % runs_.size()] = Run{imbalance, static_cast<uint32_t>(count)};
    ++run_count_;
    total_ += static_cast<uint32_t>(count);
    sum_ += static_cast<__int128>(imbalance) * static_cast<int64_t>(count);
    while (total_ > window) {
      Run& front = runs_[run_head_];
      const uint32_t drop = total_ - window < front.count ? total_ - window : front.count;
      front.count -= drop;
      total_ -= drop;
      sum_ -= static_cast<__int128>(front.imbalance) * drop;
      if (front.count == 0) {
        run_head_ = (run_head_ + 1) % static_cast<uint32_t>(runs_.size());
        --run_count_;
      }
    }
  }

  VpinOptions o_;
  // The open time bar (bar_ns > 0).
  bool bar_open_ = false;
  int64_t bar_index_ = 0, bar_volume_ = 0, bar_close_ = 0;
  // Price changes for sigma.
  bool has_prev_ = false;
  int64_t prev_close_ = 0;
  std::vector<int64_t> dp_;
  uint32_t dp_head_ = 0, dp_count_ = 0;
  unsigned __int128 sumsq_ = 0;
  double sigma_ = 0, last_f_ = 0.5;
  // The open bucket and the completed ones.
  int64_t fill_ = 0, buy_ = 0;
  uint64_t completed_ = 0, bars_ = 0;
  std::vector<Run> runs_;  // ring, oldest at run_head_
  uint32_t run_head_ = 0, run_count_ = 0, total_ = 0;
  __int128 sum_ = 0;  // of imbalance x count over the runs
};

}  // namespace tape::micro
