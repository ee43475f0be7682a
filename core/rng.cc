#include "core/rng.h"

#include <cmath>

namespace tape {

uint64_t splitmix64(uint64_t& state) {
  state += 0x9E3779B97F4A7C15ull;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

Rng::Rng(uint64_t seed, uint64_t stream_id) {
  // Two splitmix64 sequences, one from the seed and one from the stream id (offset so that
  // swapping the two numbers gives a different state), XORed word by word.
  uint64_t a = seed;
  uint64_t b = stream_id ^ 0xD1B54A32D192ED03ull;
  State s;
  for (uint64_t& w : s) w = splitmix64(a) ^ splitmix64(b);
  set_state(s);
}

void Rng::set_state(const State& s) {
  s_ = s;
  if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 0x9E3779B97F4A7C15ull;
}

int64_t Rng::uniform_int(int64_t lo, int64_t hi) {
  // The span is computed in unsigned arithmetic so that [INT64_MIN, INT64_MAX] works too.
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  const uint64_t offset = span == UINT64_MAX ? next_u64() : uniform_below(span + 1);
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + offset);
}

double Rng::exponential(double rate) {
  // (k + 1) * 2^-53 for k in [0, 2^53) lies in (0, 1], so log never sees 0.
  const double u = static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53;
  return -std::log(u) / rate;
}

double Rng::normal() {
  for (;;) {
    const double u = 2.0 * uniform01() - 1.0;
    const double v = 2.0 * uniform01() - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
  }
}

namespace {

// log(Gamma(x)) for x >= 1 by the Stirling series, shifted up to x >= 7 for accuracy
// (the same rule NumPy's legacy generator uses).
double log_gamma(double x) {
  static constexpr double kCoeff[10] = {
      8.333333333333333e-02,  -2.777777777777778e-03, 7.936507936507937e-04,
      -5.952380952380952e-04, 8.417508417508418e-04,  -1.917526917526918e-03,
      6.410256410256410e-03,  -2.955065359477124e-02, 1.796443723688307e-01,
      -1.39243221690590e+00};
  if (x == 1.0 || x == 2.0) return 0.0;
  const int64_t shift = x < 7.0 ? static_cast<int64_t>(7.0 - x) : 0;
  double x0 = x + static_cast<double>(shift);
  const double x2 = (1.0 / x0) * (1.0 / x0);
  double series = kCoeff[9];
  for (int k = 8; k >= 0; --k) series = series * x2 + kCoeff[k];
  constexpr double kLog2Pi = 1.8378770664093453e+00;
  double result = series / x0 + 0.5 * kLog2Pi + (x0 - 0.5) * std::log(x0) - x0;
  for (int64_t k = 0; k < shift; ++k) {
    x0 -= 1.0;
    result -= std::log(x0);
  }
  return result;
}

}  // namespace

uint64_t Rng::poisson(double lambda) {
  if (!(lambda > 0.0)) return 0;
  if (lambda < 10.0) {
    const double limit = std::exp(-lambda);
    uint64_t k = 0;
    double product = uniform01();
    while (product > limit) {
      ++k;
      product *= uniform01();
    }
    return k;
  }
  // PTRS: W. Hörmann, "The transformed rejection method for generating Poisson random
  // variables", Insurance: Mathematics and Economics 12 (1993).
  const double slam = std::sqrt(lambda);
  const double loglam = std::log(lambda);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = uniform01() - 0.5;
    const double v = uniform01();
    const double us = 0.5 - std::fabs(u);
    const double kf = std::floor((2.0 * a / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<uint64_t>(kf);
    if (kf < 0.0 || (us < 0.013 && v > us)) continue;
    const double lhs = std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b);
    const double rhs = -lambda + kf * loglam - log_gamma(kf + 1.0);
    if (lhs <= rhs) return static_cast<uint64_t>(kf);
  }
}

}  // namespace tape
