// Shared by the end-to-end suites: the shipped scenarios, the overrides that keep them inside
// CI's budget, and a byte-for-byte comparison of two recorded logs.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "store/event_log.h"

namespace tape::testing_util {

// Every scenarios/*.toml, as a path relative to the source dir, sorted.
inline std::vector<std::string> shipped_scenarios() {
  std::vector<std::string> out;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(TAPE_SOURCE_DIR) + "/scenarios")) {
    if (e.path().extension() == ".toml") out.push_back("scenarios/" + e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A gtest-safe test name for a scenario path ("scenarios/burst_10k.toml" -> "burst_10k").
inline std::string scenario_test_name(const std::string& path) {
  auto name = std::filesystem::path(path).stem().string();
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

// Overrides that keep a scenario inside CI's budget (the shipped file runs longer).
inline std::string ci_overrides(const std::string& scenario) {
  if (scenario.find("many_instruments") != std::string::npos) return " --set scenario.duration_s=8";
  return "";
}

// Asserts that two logs hold the same batches byte for byte, and the same chain and state.
inline void expect_same_log(const std::string& a_dir, const std::string& b_dir) {
  auto a = EventLog::open(a_dir, true);
  auto b = EventLog::open(b_dir, true);
  ASSERT_TRUE(a.is_ok()) << a.status().message();
  ASSERT_TRUE(b.is_ok()) << b.status().message();
  EXPECT_EQ(a.value()->last_seq(), b.value()->last_seq());
  EXPECT_EQ(a.value()->chain_head(), b.value()->chain_head());
  auto ca = a.value()->batches();
  auto cb = b.value()->batches();
  uint64_t n = 0;
  for (;; ++n) {
    auto ma = ca.next();
    auto mb = cb.next();
    ASSERT_TRUE(ma.is_ok()) << ma.status().message();
    ASSERT_TRUE(mb.is_ok()) << mb.status().message();
    ASSERT_EQ(ma.value(), mb.value()) << "one log ends before the other";
    if (!ma.value()) break;
    ASSERT_EQ(ca.first_seq(), cb.first_seq());
    ASSERT_EQ(ca.inputs(), cb.inputs()) << "batch at seq " << ca.first_seq().value();
    ASSERT_EQ(ca.outputs(), cb.outputs()) << "batch at seq " << ca.first_seq().value();
  }
  EXPECT_GT(n, 0u);
  EXPECT_EQ(a.value()->get_meta("state_hash").value(), b.value()->get_meta("state_hash").value());
}

}  // namespace tape::testing_util
