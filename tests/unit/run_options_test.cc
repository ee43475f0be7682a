// The run command's option and path checks, and the pacer's start point: all decided before a
// run starts, so they are tested here without running one.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "cli/options.h"
#include "session/pacer.h"
#include "cli/run_paths.h"

namespace tape {
namespace {

TEST(ParseSeed, TakesTheScenarioKeysRange) {
  EXPECT_EQ(parse_seed("0", "--seed").value(), 0u);
  EXPECT_EQ(parse_seed("42", "--seed").value(), 42u);
  EXPECT_EQ(parse_seed("9223372036854775807", "--seed").value(), 9223372036854775807u);
}

TEST(ParseSeed, NegativeOutOfRangeAndNonNumericSeedsAreUsageErrorsNamingTheOption) {
  for (const char* bad : {"-1", "9223372036854775808", "18446744073709551615",
                          "99999999999999999999", "", "+1", " 1", "1 ", "0x10", "1e3", "abc"}) {
    auto r = parse_seed(bad, "--seed");
    ASSERT_FALSE(r.is_ok()) << "'" << bad << "' was accepted";
    EXPECT_EQ(r.status().exit_code(), 1) << bad;
    EXPECT_NE(r.status().message().find("--seed"), std::string::npos) << r.status().message();
  }
}

TEST(PathSafeName, ScenarioNamesCannotLeaveTheRunsDir) {
  EXPECT_EQ(path_safe_name("quickstart"), "quickstart");
  EXPECT_EQ(path_safe_name("sustained_1k.v2-b"), "sustained_1k.v2-b");
  EXPECT_EQ(path_safe_name("../../x"), "___.._x");
  EXPECT_EQ(path_safe_name(".."), "__");
  EXPECT_EQ(path_safe_name(".hidden"), "_hidden");
  EXPECT_EQ(path_safe_name("/etc/passwd"), "_etc_passwd");
  EXPECT_EQ(path_safe_name("a b\\c\n"), "a_b_c_");
  EXPECT_EQ(path_safe_name(""), "scenario");
  EXPECT_EQ(default_data_dir("../../x", 7), "runs/___.._x-seed7");
  for (const char* name : {"../../x", "..", "/", "a/../../b", "."}) {
    const std::filesystem::path dir = default_data_dir(name, 1);
    EXPECT_EQ(std::distance(dir.begin(), dir.end()), 2) << dir;
    EXPECT_EQ(dir.lexically_normal().begin()->string(), "runs") << dir;
  }
}

class OutputPath : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("tape_output_path_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all);
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

TEST_F(OutputPath, WritablePathPassesAndLeavesNothingBehind) {
  const std::string path = (dir_ / "report.html").string();
  EXPECT_TRUE(check_output_path(path, "--report").is_ok());
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
  std::ofstream(path) << "old";
  EXPECT_TRUE(check_output_path(path, "--report").is_ok());
  std::ifstream f(path);
  std::string text;
  f >> text;
  EXPECT_EQ(text, "old") << "the check must not touch an existing file";
}

TEST_F(OutputPath, MissingParentOrADirectoryIsBadInputNamingTheOption) {
  auto missing = check_output_path((dir_ / "no" / "such" / "m.prom").string(), "--metrics-out");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.exit_code(), 2);
  EXPECT_NE(missing.message().find("--metrics-out"), std::string::npos) << missing.message();
  auto is_dir = check_output_path(dir_.string(), "--report");
  ASSERT_FALSE(is_dir.is_ok());
  EXPECT_EQ(is_dir.exit_code(), 2);
  EXPECT_NE(is_dir.message().find("is a directory"), std::string::npos) << is_dir.message();
}

TEST_F(OutputPath, UnwritableParentIsAnEnvironmentFailure) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may write anywhere";
  std::filesystem::permissions(
      dir_, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  auto st = check_output_path((dir_ / "r.html").string(), "--report");
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.exit_code(), 4) << st.message();
}

// A resumed run is paced from the position it resumes at: the first input after the recorded
// end is due at once, not after the simulated time already recorded has been waited out.
TEST(Pacer, ResumedRunIsDueAtOnceAtItsRecordedPosition) {
  const Pace sixty{Pace::Kind::kFactor, 60};
  const auto start = Pacer::Clock::now();
  const Timestamp six_s(6'000'000'000);
  const Pacer resumed(sixty, six_s, start);
  EXPECT_EQ(resumed.offset(six_s).count(), 0);
  EXPECT_EQ(resumed.due(six_s), start);
  EXPECT_EQ(resumed.offset(Timestamp(12'000'000'000)).count(), 100'000'000);  // 6 s at 60x
  const Pacer fresh(sixty, Timestamp(0), start);
  EXPECT_EQ(fresh.offset(six_s).count(), 100'000'000);
  const Pacer unpaced(Pace{}, Timestamp(0), start);
  EXPECT_FALSE(unpaced.paced());
  EXPECT_EQ(unpaced.offset(six_s).count(), 0);
}

TEST(Pacer, ParsesItsOptionText) {
  EXPECT_EQ(parse_pace("max").value().kind, Pace::Kind::kMax);
  EXPECT_EQ(parse_pace("realtime").value().kind, Pace::Kind::kRealtime);
  EXPECT_EQ(parse_pace("2.5x").value().factor, 2.5);
  for (const char* bad : {"0x", "-1x", "x", "fast", "10"})
    EXPECT_FALSE(parse_pace(bad).is_ok()) << bad;
}

}  // namespace
}  // namespace tape
