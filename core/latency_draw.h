// One latency of the core (order, feed or ack, LatencyConfig): a constant, or a draw per held
// event from a seeded distribution (DESIGN section 7, determinism rule 2, docs/determinism.md).
//
// Streams: each latency draws from Rng(LatencyConfig::seed, kLatencyStream | kind), so the three
// never shift one another and no other generator shifts them.
// Distributions (LatencyDist, integer ns out, clamped to [min_ns, max_ns]):
//   kUniform:     Rng::uniform_int(min_ns, max_ns): exact integers, unbiased.
//   kExponential: min_ns + (center_ns - min_ns) * E, E standard exponential (Rng::exponential):
//                 a floor plus a memoryless tail; center_ns is the mean.
//   kLognormal:   min_ns + (center_ns - min_ns) * exp(sigma * Z), Z standard normal
//                 (Rng::normal): a floor plus a right-skewed tail; center_ns is the median.
// The real-valued tails are computed in IEEE-754 doubles with +, -, *, /, sqrt and the project's
// own portable_log / portable_exp (core/rng.h; no libm), built with -ffp-contract=off, then
// rounded half up to whole ns: every step is exactly specified, so a g++ and a clang++ build
// draw the same integers (tests/unit/latency_draw_test.cc pins them).
// State: the Rng's four words when drawn (core state: the core hashes and snapshots them);
// a constant has none.
// Thread: the core thread only.
#pragma once

#include <cstdint>

#include "core/config.h"
#include "core/rng.h"

namespace tape {

// The stream ids of the three latencies: kLatencyStream | LatencyKind.
constexpr uint64_t kLatencyStream = uint64_t{16} << 32;
enum class LatencyKind : uint64_t { kOrder = 0, kFeed = 1, kAck = 2 };

// One draw from `dist` (dist.drawn()), in ns, within [dist.min_ns, dist.max_ns].
int64_t draw_latency_ns(const LatencyDist& dist, Rng& rng);

class LatencyDraw {
 public:
  // No latency (on() false).
  LatencyDraw() : LatencyDraw(0, LatencyDist{}, 0, LatencyKind::kOrder) {}
  LatencyDraw(int64_t constant_ns, const LatencyDist& dist, uint64_t seed, LatencyKind kind)
      : constant_ns_(constant_ns > 0 ? constant_ns : 0),
        dist_(dist),
        rng_(seed, kLatencyStream | static_cast<uint64_t>(kind)) {}

  // A latency is on: constant > 0, or drawn (even when every draw can be 0).
  bool on() const { return constant_ns_ > 0 || dist_.drawn(); }
  bool drawn() const { return dist_.drawn(); }
  // The latency of the next held event: the constant, or the next draw.
  int64_t next_ns() { return dist_.drawn() ? draw_latency_ns(dist_, rng_) : constant_ns_; }

  Rng::State rng_state() const { return rng_.state(); }
  void set_rng_state(const Rng::State& s) { rng_.set_state(s); }

 private:
  int64_t constant_ns_;
  LatencyDist dist_;
  Rng rng_;
};

}  // namespace tape
