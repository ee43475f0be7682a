// Hawkes intensity with an exponential kernel, one intensity per side (buy and sell aggressor),
// updated recursively. docs/microstructure.md has the formulas and examples.
//
// With events (t_i, s_i, w_i) (time, side, weight; weight 1 for a plain count) and
// E_s(t) = sum over events of side s with t_i <= t of w_i exp(-beta (t - t_i)):
//   lambda_buy(t)  = mu + alpha E_buy(t) + alpha_cross E_sell(t)
//   lambda_sell(t) = mu + alpha E_sell(t) + alpha_cross E_buy(t)
// in events per second. E is carried from event to event as E <- E exp(-beta dt) (+ w on the
// event's side), so an update is O(1) whatever the history (Ozaki 1979). intensity() is just
// after the last event (the event itself included); intensity_at(t) decays to a later time t
// without changing the state (the left limit at t when no event falls in between). The
// parameters are given, not fitted; the process is stationary when (alpha + alpha_cross) / beta
// < 1, which is not enforced.
//
// Contract. Times are int64 ns; a time earlier than the last one is taken as the last one (no
// growth backwards). The decay uses tape::micro::exp_det (tape/microstructure_math.h): the same
// inputs give the same bits under any conforming compiler with -ffp-contract=off. A gap of
// any length is one exp (it underflows to 0 past ~745 / beta seconds). No allocation at all.
// save()/load() as the OFI classes'.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "tape/microstructure_math.h"

namespace tape::micro {

struct HawkesOptions {
  // Default: 0. Baseline intensity of each side, events per second (>= 0).
  double mu_per_s = 0.0;
  // Default: 1. Jump in the intensity of the event's own side per unit of weight, per second.
  double alpha_per_s = 1.0;
  // Default: 0. Jump in the other side's intensity (cross-excitation), per second.
  double alpha_cross_per_s = 0.0;
  // Default: 1. Kernel decay rate, per second (> 0): an event's effect halves every ln2/beta s.
  double beta_per_s = 1.0;
};

class Hawkes {
 public:
  enum Side : uint32_t { kBuy = 0, kSell = 1 };

  // std::invalid_argument when a parameter is negative, not finite, or beta is not > 0.
  explicit Hawkes(const HawkesOptions& options = {}) : o_(checked(options)) {}

  // An event of `side` at ts_ns with weight w (>= 0; 1 counts events, a size marks them).
  void add(int64_t ts_ns, Side side, double weight = 1.0) {
    decay_to(ts_ns);
    e_[side & 1u] += weight;
    ++events_[side & 1u];
  }
  // Moves the clock to ts_ns without an event (intensities decay).
  void advance(int64_t ts_ns) { decay_to(ts_ns); }

  // lambda of `side` at the last add()/advance() time, events per second.
  double intensity(Side side) const {
    const uint32_t s = side & 1u;
    return o_.mu_per_s + o_.alpha_per_s * e_[s] + o_.alpha_cross_per_s * e_[s ^ 1u];
  }
  // lambda of `side` at ts_ns >= the last time (an earlier ts_ns is the last time), unchanged
  // state.
  double intensity_at(int64_t ts_ns, Side side) const {
    const double d = decay(ts_ns);
    const uint32_t s = side & 1u;
    return o_.mu_per_s + d * (o_.alpha_per_s * e_[s] + o_.alpha_cross_per_s * e_[s ^ 1u]);
  }
  // The decayed weight sum E_side at the last time.
  double excitation(Side side) const { return e_[side & 1u]; }
  uint64_t events(Side side) const { return events_[side & 1u]; }
  int64_t last_ns() const { return last_ns_; }
  const HawkesOptions& options() const { return o_; }

  void save(std::vector<uint8_t>& out) const {
    using detail::put_f64, detail::put_u64;
    put_u64(out, detail::tag("tHAWKv1 "));
    put_f64(out, o_.mu_per_s), put_f64(out, o_.alpha_per_s);
    put_f64(out, o_.alpha_cross_per_s), put_f64(out, o_.beta_per_s);
    put_u64(out, started_), detail::put_i64(out, last_ns_);
    put_f64(out, e_[0]), put_f64(out, e_[1]);
    put_u64(out, events_[0]), put_u64(out, events_[1]);
  }
  void load(std::span<const uint8_t>& in) {
    detail::Reader r(in);
    r.expect(detail::tag("tHAWKv1 "), "indicator kind (Hawkes)");
    r.expect(std::bit_cast<uint64_t>(o_.mu_per_s), "mu");
    r.expect(std::bit_cast<uint64_t>(o_.alpha_per_s), "alpha");
    r.expect(std::bit_cast<uint64_t>(o_.alpha_cross_per_s), "alpha_cross");
    r.expect(std::bit_cast<uint64_t>(o_.beta_per_s), "beta");
    started_ = r.u64() != 0, last_ns_ = r.i64();
    e_[0] = r.f64(), e_[1] = r.f64();
    events_[0] = r.u64(), events_[1] = r.u64();
  }

 private:
  static HawkesOptions checked(const HawkesOptions& o) {
    auto finite_nonneg = [](double v) { return v >= 0 && v <= 1.7976931348623157e308; };
    if (!finite_nonneg(o.mu_per_s) || !finite_nonneg(o.alpha_per_s) ||
        !finite_nonneg(o.alpha_cross_per_s) || !finite_nonneg(o.beta_per_s) ||
        !(o.beta_per_s > 0)) {
      throw std::invalid_argument("Hawkes needs finite mu, alpha, alpha_cross >= 0 and beta > 0");
    }
    return o;
  }
  double decay(int64_t ts_ns) const {
    if (!started_ || ts_ns <= last_ns_) return 1.0;
    // dt in seconds: a division by the exact 1e9 is one correctly rounded operation.
    const double dt_s = static_cast<double>(ts_ns - last_ns_) / 1e9;
    return exp_det(-o_.beta_per_s * dt_s);
  }
  void decay_to(int64_t ts_ns) {
    const double d = decay(ts_ns);
    if (d != 1.0) e_[0] *= d, e_[1] *= d;
    if (!started_ || ts_ns > last_ns_) last_ns_ = ts_ns;
    started_ = true;
  }

  HawkesOptions o_;
  bool started_ = false;
  int64_t last_ns_ = 0;
  double e_[2] = {0, 0};
  uint64_t events_[2] = {0, 0};
};

}  // namespace tape::micro
