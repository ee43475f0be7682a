#include "core/rng.h"

#include <bit>
#include <cmath>
#include <limits>

namespace tape {

uint64_t splitmix64(uint64_t& state) {
  state += 0x9E3779B97F4A7C15ull;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

namespace {

// ln 2 split so that k * kLn2Hi is exact for |k| < 2^20 (fdlibm's constants).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;

// 1 / (2j + 1) for j = 0..10: the odd atanh series of portable_log (constant-folded, so the
// same correctly rounded values as a run-time division).
constexpr double kAtanhCoeff[11] = {1.0,      1.0 / 3,  1.0 / 5,  1.0 / 7,  1.0 / 9, 1.0 / 11,
                                    1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21};

}  // namespace

double portable_log(double x) {
  if (!(x > 0.0)) return x == 0.0 ? -std::numeric_limits<double>::infinity()
                                  : std::numeric_limits<double>::quiet_NaN();
  if (x == std::numeric_limits<double>::infinity()) return x;
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)), read from the bits (subnormals scaled first).
  int64_t e = 0;
  if (x < 0x1.0p-1022) {
    x *= 0x1.0p54;
    e = -54;
  }
  uint64_t bits = std::bit_cast<uint64_t>(x);
  e += static_cast<int64_t>(bits >> 52) - 1023;
  bits = (bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull;  // m in [1, 2)
  double m = std::bit_cast<double>(bits);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    ++e;
  }
  // log(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172: the odd series to s^21 leaves a
  // truncation error below 1e-18 (relative). The polynomial in z = s^2 is evaluated as two
  // independent Horner chains in z^2 (even and odd coefficients), in this fixed order.
  const double s = (m - 1.0) / (m + 1.0);
  const double z = s * s;
  const double w = z * z;
  const double* c = kAtanhCoeff;
  const double even = ((((c[10] * w + c[8]) * w + c[6]) * w + c[4]) * w + c[2]) * w + c[0];
  const double odd = (((c[9] * w + c[7]) * w + c[5]) * w + c[3]) * w + c[1];
  const double poly = even + z * odd;
  const double ed = static_cast<double>(e);
  return ed * kLn2Hi + (ed * kLn2Lo + 2.0 * s * poly);
}

double portable_exp(double x) {
  if (x != x) return x;
  if (x > 709.782712893384) return std::numeric_limits<double>::infinity();
  if (x < -745.1332191019412) return 0.0;
  // x = k ln2 + r with |r| <= ln2 / 2; exp(r) by its Taylor series to r^18 / 18!.
  const double kd = std::nearbyint(x * 1.4426950408889634);
  const double r = (x - kd * kLn2Hi) - kd * kLn2Lo;
  double poly = 1.0;
  for (int n = 18; n >= 1; --n) poly = 1.0 + poly * r / static_cast<double>(n);
  return std::ldexp(poly, static_cast<int>(kd));
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
  return -portable_log(u) / rate;
}

void Rng::normal_pair(double& a, double& b) {
  for (;;) {
    const double u = 2.0 * uniform01() - 1.0;
    const double v = 2.0 * uniform01() - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) {
      const double scale = std::sqrt(-2.0 * portable_log(s) / s);
      a = u * scale;
      b = v * scale;
      return;
    }
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
  double result = series / x0 + 0.5 * kLog2Pi + (x0 - 0.5) * portable_log(x0) - x0;
  for (int64_t k = 0; k < shift; ++k) {
    x0 -= 1.0;
    result -= portable_log(x0);
  }
  return result;
}

}  // namespace

uint64_t Rng::poisson(double lambda) {
  if (!(lambda > 0.0)) return 0;
  if (lambda < 10.0) {
    const double limit = portable_exp(-lambda);
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
  const double loglam = portable_log(lambda);
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
    const double lhs =
        portable_log(v) + portable_log(inv_alpha) - portable_log(a / (us * us) + b);
    const double rhs = -lambda + kf * loglam - log_gamma(kf + 1.0);
    if (lhs <= rhs) return static_cast<uint64_t>(kf);
  }
}

}  // namespace tape
