// Shared by the order book and engine workload tests: seeded test randomness, a small engine
// config, draining the event queue and the engine's state hash.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/engine.h"

namespace tape::testing_util {

// Local test randomness (xorshift64*): no std distributions (determinism rule 2).
class TestRng {
 public:
  explicit TestRng(uint64_t seed) : s_(seed | 1) {}
  uint64_t next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 0x2545F4914F6CDD1DULL;
  }
  int64_t in(int64_t lo, int64_t hi) {  // inclusive; the tiny modulo bias is fine for tests
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }

 private:
  uint64_t s_;
};

inline CoreConfig make_config(uint32_t instruments, uint32_t pool, uint32_t levels_initial,
                              uint32_t levels_max, uint32_t fills_max = 4096) {
  CoreConfig c;
  for (uint32_t i = 0; i < instruments; ++i) {
    InstrumentConfig ic;
    ic.initial_mid = Price(100);
    ic.max_order_qty = Qty(1000);
    c.instruments.push_back(ic);
  }
  c.engine.order_pool_capacity = pool;
  c.engine.ladder_levels_initial = levels_initial;
  c.engine.ladder_levels_max = levels_max;
  c.engine.fills_per_order_max = fills_max;
  return c;
}

inline std::vector<BusEvent> drain(EventQueue& q) {
  std::vector<BusEvent> out;
  while (!q.empty()) {
    out.push_back(q.front());
    q.pop();
  }
  return out;
}

inline std::string hash_of(const Engine& e) {
  StateHasher h;
  e.hash_state(h);
  return h.hex();
}

}  // namespace tape::testing_util
