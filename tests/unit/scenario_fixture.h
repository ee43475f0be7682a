// Shared by the scenario parser's unit tests: the smallest valid scenario, a check that a load
// failed as bad input naming what it should, and a fixture with a private dir to write files in.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/scenario.h"

namespace tape::testing_util {

inline const std::string kMinimalScenario =
    "[scenario]\nname = \"t\"\nduration_s = 2.0\n"
    "[[instruments]]\nsymbol = \"AAA\"\ninitial_price = 10.0\n";

// Asserts `r` failed with kInvalidInput and its message holds every fragment.
inline void expect_invalid(const Result<Scenario>& r, const std::vector<std::string>& fragments) {
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  for (const std::string& f : fragments) {
    EXPECT_NE(r.status().message().find(f), std::string::npos)
        << "missing '" << f << "' in: " << r.status().message();
  }
}

// A fresh dir per test (named after it), removed afterwards; write() puts a file in it.
class ScenarioDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("tape_scenario_" + std::string(info->test_suite_name()) + "_" +
            std::string(info->name()) + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const std::filesystem::path p = dir_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }

  std::filesystem::path dir_;
};

}  // namespace tape::testing_util
