// The project's own pseudo-random generator and distributions (determinism rule 2,
// docs/determinism.md).
// std::*_distribution output differs between standard libraries, so every draw that can reach
// a log, an output or a hash comes from here: xoshiro256** for the bits, and distributions
// written out in plain IEEE-754 arithmetic (+, -, *, /, sqrt: all correctly rounded) built with
// -ffp-contract=off. log and exp are our own too (portable_log / portable_exp): libm's differ
// between versions and glibc picks an FMA or non-FMA variant by CPU, so a draw through them
// could change with the machine. The same bits come out of g++ and clang++, on any x86-64.
//
// Streams: Rng(seed, stream_id) derives an independent 256-bit state from both numbers through
// splitmix64, so every generator component draws from its own stream and adding a draw in one
// component never shifts another's sequence.
//
// Thread: none; an Rng is a value owned by one component. State: exactly the four words of
// state(); no cached values (normal() discards the polar method's second variate on purpose),
// so state()/set_state() capture everything a snapshot needs.
#pragma once

#include <array>
#include <cstdint>

namespace tape {

// One splitmix64 step: advances `state` and returns the next output. Also used to seed.
uint64_t splitmix64(uint64_t& state);

// Natural log and exp from +, -, *, / only: identical results on every IEEE-754 machine, within
// a few ulp of the true value. portable_log(0) = -inf; x < 0 or NaN gives NaN.
double portable_log(double x);
double portable_exp(double x);

class Rng {
 public:
  using State = std::array<uint64_t, 4>;

  // Stream `stream_id` of `seed`. Equal (seed, stream_id) give equal sequences.
  Rng(uint64_t seed, uint64_t stream_id);

  // 64 uniformly distributed bits (xoshiro256**).
  uint64_t next_u64() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, bound), unbiased (Lemire's multiply-shift with rejection). bound > 0.
  uint64_t uniform_below(uint64_t bound) {
    unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * bound;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < bound) [[unlikely]] {
      const uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(next_u64()) * bound;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  // Uniform in [lo, hi], both inclusive, unbiased. Requires lo <= hi.
  int64_t uniform_int(int64_t lo, int64_t hi);

  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  // True with probability p (p <= 0: never, p >= 1: always).
  bool bernoulli(double p) { return uniform01() < p; }

  // Exponential with the given rate (mean 1/rate): -log(u)/rate with u in (0, 1]. rate > 0.
  double exponential(double rate);

  // Standard normal (mean 0, variance 1), Marsaglia's polar method; the pair's second variate
  // is discarded so that the state stays the four words of state().
  double normal() {
    double a, b;
    normal_pair(a, b);
    return a;
  }
  // Two independent standard normals from one polar-method draw, for callers that keep the
  // second one themselves (and snapshot it).
  void normal_pair(double& a, double& b);

  // Poisson with mean lambda >= 0. lambda < 10: Knuth's product of uniforms; otherwise
  // Hörmann's PTRS transformed rejection (1993) with a Stirling-series log-gamma.
  uint64_t poisson(double lambda);

  // The full generator state, for snapshots. set_state(state()) resumes the same sequence.
  State state() const { return s_; }
  // An all-zero state is the one state xoshiro cannot leave; it is replaced by a fixed one.
  void set_state(const State& s);

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  State s_;
};

}  // namespace tape
