#include "core/latency_draw.h"

namespace tape {
namespace {

// min_ns + round(tail), clamped to max_ns. `tail` >= 0 (or +inf); rounding is half up through
// an exact conversion, so the result depends on the bits of `tail` alone.
int64_t shifted(const LatencyDist& d, double tail) {
  const int64_t span = d.max_ns - d.min_ns;
  if (!(tail < static_cast<double>(span))) return d.max_ns;  // also +inf and NaN
  const int64_t ns = static_cast<int64_t>(tail + 0.5);
  return d.min_ns + (ns < span ? ns : span);
}

}  // namespace

int64_t draw_latency_ns(const LatencyDist& d, Rng& rng) {
  switch (d.kind) {
    case LatencyDistKind::kConstant:
      return d.min_ns;
    case LatencyDistKind::kUniform:
      return rng.uniform_int(d.min_ns, d.max_ns);
    case LatencyDistKind::kExponential:
      return shifted(d, static_cast<double>(d.center_ns - d.min_ns) * rng.exponential(1.0));
    case LatencyDistKind::kLognormal: {
      const double sigma = static_cast<double>(d.sigma_ppm) / 1e6;
      const double z = rng.normal();
      return shifted(d, static_cast<double>(d.center_ns - d.min_ns) * portable_exp(sigma * z));
    }
  }
  return d.min_ns;
}

}  // namespace tape
