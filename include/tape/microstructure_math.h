// Arithmetic shared by the microstructure indicators (tape/microstructure.h): an exponential and
// the standard normal distribution function written with + - * / only, and the little-endian
// byte encoding of their saved states. Header-only, standard library only.
//
// Why not std::exp / std::erfc: the C library's transcendental functions are not required to be
// correctly rounded, and a compiler may fold or replace them with its own built-ins, so the same
// source can give different last bits under g++ and clang++ (or another libm). IEEE-754 addition,
// subtraction, multiplication, division and sqrt are correctly rounded everywhere, so functions
// built from them alone give the same bits on every conforming compiler, provided nothing fuses
// a multiply and an add: build with -ffp-contract=off and without -ffast-math (tape's own build
// and tape_add_strategy do; a plugin built by other means must too).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace tape::micro {

// e^x, to within a few ulp, bit-identical across conforming compilers (see above). x < -745
// gives 0, x > 709 gives +infinity, NaN gives NaN.
inline double exp_det(double x) {
  if (x != x) return x;
  if (x < -745.2) return 0.0;
  if (x > 709.7) return __builtin_huge_val();
  // x = k ln2 + r with |r| <= ln2 / 2; ln2 split in two (Cody and Waite) so that k * kLn2Hi is
  // exact and r keeps its low bits.
  constexpr double kInvLn2 = 1.44269504088896338700e+00;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  const double t = x * kInvLn2;
  const int k = static_cast<int>(t < 0 ? t - 0.5 : t + 0.5);
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;
  // Taylor series to r^13 / 13!: the remainder is below 1e-17 relative on |r| <= 0.347.
  // Evaluated by Estrin's scheme (pairs, then pairs of pairs) rather than Horner's: the same
  // operations in a fixed order, but a quarter of the dependency chain, so about twice as fast.
  const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const double q0 = 1.0 + r;
  const double q1 = 0.5 + r * (1.0 / 6.0);
  const double q2 = 1.0 / 24.0 + r * (1.0 / 120.0);
  const double q3 = 1.0 / 720.0 + r * (1.0 / 5040.0);
  const double q4 = 1.0 / 40320.0 + r * (1.0 / 362880.0);
  const double q5 = 1.0 / 3628800.0 + r * (1.0 / 39916800.0);
  const double q6 = 1.0 / 479001600.0 + r * (1.0 / 6227020800.0);
  const double s0 = q0 + r2 * q1, s1 = q2 + r2 * q3, s2 = q4 + r2 * q5;
  const double p = (s0 + r4 * s1) + r8 * (s2 + r4 * q6);
  // Scale by 2^k with exact power-of-two factors (two steps below the normal range).
  auto pow2 = [](int e) { return std::bit_cast<double>(static_cast<uint64_t>(e + 1023) << 52); };
  if (k > 1023) return (p * 2.0) * pow2(k - 1);
  if (k >= -1021) return p * pow2(k);
  return (p * pow2(k + 60)) * pow2(-60);
}

// Phi(x) = P[Z <= x] for a standard normal Z: W. J. Cody's rational Chebyshev approximations
// (ACM TOMS 715, 1993; the algorithm of R's pnorm), relative error below 1e-14 (tested against 40-digit values), with exp_det in
// place of exp. Phi(0) = 0.5 exactly; |x| > 38 saturates to 0 or 1; NaN gives NaN.
inline double normal_cdf(double x) {
  if (x != x) return x;
  static constexpr double a[5] = {2.2352520354606839287, 161.02823106855587881,
                                  1067.6894854603709582, 18154.981253343561249,
                                  0.065682337918207449113};
  static constexpr double b[4] = {47.20258190468824187, 976.09855173777669322,
                                  10260.932208618978205, 45507.789335026729956};
  static constexpr double c[9] = {0.39894151208813466764, 8.8831497943883759412,
                                  93.506656132177855979,  597.27027639480026226,
                                  2494.5375852903726711,  6848.1904505362823326,
                                  11602.651437647350124,  9842.7148383839780218,
                                  1.0765576773720192317e-8};
  static constexpr double d[8] = {22.266688044328115691, 235.38790178262499861,
                                  1519.377599407554805,  6485.558298266760755,
                                  18615.571640885098091, 34900.952721145977266,
                                  38912.003286093271411, 19685.429676859990727};
  static constexpr double p[6] = {0.21589853405795699,     0.1274011611602473639,
                                  0.022235277870649807,    0.001421619193227893466,
                                  2.9112874951168792e-5,   0.02307344176494017303};
  static constexpr double q[5] = {1.28426009614491121, 0.468238212480865118,
                                  0.0659881378689285515, 0.00378239633202758244,
                                  7.29751555083966205e-5};
  constexpr double kOneOverSqrt2Pi = 0.398942280401432677939946059934;
  const double y = x < 0 ? -x : x;
  if (y <= 0.67448975) {
    double num = 0, den = 0;
    if (y > 1.11e-16) {
      const double xsq = x * x;
      num = a[4] * xsq;
      den = xsq;
      for (int i = 0; i < 3; ++i) {
        num = (num + a[i]) * xsq;
        den = (den + b[i]) * xsq;
      }
    }
    return 0.5 + x * (num + a[3]) / (den + b[3]);
  }
  if (y > 38.0) return x > 0 ? 1.0 : 0.0;
  double tail;  // P[Z > y] / exp(-y^2 / 2), then P[Z > y]
  if (y <= 5.656854249492380195206754896838) {
    // Cody's degree-8 numerator and denominator (all coefficients positive, y > 0: no
    // cancellation), by Estrin's scheme for a short dependency chain.
    const double y2 = y * y, y4 = y2 * y2, y8 = y4 * y4;
    const double num = ((c[7] + c[6] * y) + y2 * (c[5] + c[4] * y)) +
                       y4 * ((c[3] + c[2] * y) + y2 * (c[1] + c[0] * y)) + y8 * c[8];
    const double den = ((d[7] + d[6] * y) + y2 * (d[5] + d[4] * y)) +
                       y4 * ((d[3] + d[2] * y) + y2 * (d[1] + d[0] * y)) + y8;
    tail = num / den;
  } else {
    const double xsq = 1.0 / (y * y);
    double num = p[5] * xsq, den = xsq;
    for (int i = 0; i < 4; ++i) {
      num = (num + p[i]) * xsq;
      den = (den + q[i]) * xsq;
    }
    tail = xsq * (num + p[4]) / (den + q[4]);
    tail = (kOneOverSqrt2Pi - tail) / y;
  }
  // exp(-y^2/2) via s = y truncated to 1/16 (s^2 is exact) and del = (y-s)(y+s). Cody takes
  // exp(-s^2/2) exp(-del/2); up to sqrt(32) one exp of the sum is as good to ~1e-15 (the
  // argument is below 16) and halves the cost; beyond, the split keeps the far tail accurate.
  const double s = static_cast<double>(static_cast<int64_t>(y * 16.0)) / 16.0;
  const double del = (y - s) * (y + s);
  if (y <= 5.656854249492380195206754896838) {
    tail = exp_det(-s * s * 0.5 - del * 0.5) * tail;
  } else {
    tail = exp_det(-s * s * 0.5) * exp_det(-del * 0.5) * tail;
  }
  return x > 0 ? 1.0 - tail : tail;
}

// ---- State bytes: little-endian, fixed width ----
namespace detail {

// The first word of each indicator's state: its 8 ASCII characters, little-endian.
constexpr uint64_t tag(const char (&s)[9]) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(s[i]);
  return v;
}

inline void put_u64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
inline void put_i64(std::vector<uint8_t>& out, int64_t v) { put_u64(out, static_cast<uint64_t>(v)); }
inline void put_f64(std::vector<uint8_t>& out, double v) { put_u64(out, std::bit_cast<uint64_t>(v)); }
inline void put_i128(std::vector<uint8_t>& out, __int128 v) {
  put_u64(out, static_cast<uint64_t>(v));
  put_u64(out, static_cast<uint64_t>(static_cast<unsigned __int128>(v) >> 64));
}

// Reads from the front of `in`, advancing it; throws std::runtime_error when it runs out.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t>& in) : in_(in) {}
  uint64_t u64() {
    if (in_.size() < 8) throw std::runtime_error("microstructure state is truncated");
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{in_[i]} << (8 * i);
    in_ = in_.subspan(8);
    return v;
  }
  int64_t i64() { return static_cast<int64_t>(u64()); }
  double f64() { return std::bit_cast<double>(u64()); }
  __int128 i128() {
    const uint64_t lo = u64();
    const uint64_t hi = u64();
    return static_cast<__int128>((static_cast<unsigned __int128>(hi) << 64) | lo);
  }
  // Throws unless the next word is `v` (a tag or a construction parameter).
  void expect(uint64_t v, const char* what) {
    if (u64() != v) {
      throw std::runtime_error(std::string("microstructure state: ") + what +
                               " differs from this indicator's");
    }
  }

 private:
  std::span<const uint8_t>& in_;
};

}  // namespace detail
}  // namespace tape::micro
