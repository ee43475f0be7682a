// What the kill-and-resume tests share (tests/fault/kill_resume_test.cc for `tape run`,
// tests/stress/backtest_resume_test.cc for `tape backtest`): the harness's seeded randomness
// and the check that a killed run's log is a prefix of the uninterrupted one's.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "store/event_log.h"

namespace tape::testing_util {

// splitmix64: the harness's own seeded randomness (kill moments).
inline uint64_t next_random(uint64_t& s) {
  uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Checks that `dir` holds a gap-free, batch-for-batch identical prefix of `ref_dir`'s log;
// returns its last seq. The reference is gap-free (its own tests audit it), so matching it batch
// for batch from the first makes this log a gap-free prefix of it.
inline uint64_t expect_log_prefix(const std::string& ref_dir, const std::string& dir) {
  auto ref = EventLog::open(ref_dir, true);
  auto got = EventLog::open(dir, true);
  EXPECT_TRUE(got.is_ok()) << got.status().message();
  if (!got.is_ok() || !ref.is_ok()) return 0;
  auto a = ref.value()->batches();
  auto b = got.value()->batches();
  while (true) {
    auto more = b.next();
    EXPECT_TRUE(more.is_ok()) << more.status().message();
    if (!more.is_ok() || !more.value()) break;
    auto ref_more = a.next();
    EXPECT_TRUE(ref_more.is_ok() && ref_more.value());
    if (!ref_more.is_ok() || !ref_more.value()) break;
    EXPECT_EQ(b.first_seq(), a.first_seq()) << "gap or reordering in the log";
    EXPECT_TRUE(b.inputs() == a.inputs()) << "batch at seq " << b.first_seq().value();
    EXPECT_TRUE(b.outputs() == a.outputs()) << "batch at seq " << b.first_seq().value();
    EXPECT_EQ(b.link(), a.link());
    if (::testing::Test::HasFailure()) break;
  }
  return got.value()->last_seq().value();
}

}  // namespace tape::testing_util
