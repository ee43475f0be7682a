// Seeking a recorded log by simulated time through the CLI: --from/--to given as times resolve
// to the first input at or after / the last input at or before them, replay and inspect accept
// them, and bad or empty ranges get the contract's exit codes.
#include <gtest/gtest.h>

#include "cli/log_point.h"
#include "cli_util.h"

namespace tape {
namespace {

using testing_util::json_number;
using testing_util::run_tape;
using testing_util::TempDir;

class TimeSeek : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("seek");
    auto r = run_tape("run scenarios/quickstart.toml --json --data-dir " + dir_->path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    last_ = static_cast<uint64_t>(json_number(r.out, "seq_last"));
  }
  static void TearDownTestSuite() { delete dir_; }

  // The timestamp of one recorded input, read back through `tape inspect`.
  static int64_t ts_of(uint64_t seq) {
    const std::string s = std::to_string(seq);
    auto r = run_tape("inspect --json --from " + s + " --to " + s + " --data-dir " + dir_->path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return static_cast<int64_t>(json_number(r.out, "ts_ns"));
  }

  static TempDir* dir_;
  static uint64_t last_;
};
TempDir* TimeSeek::dir_ = nullptr;
uint64_t TimeSeek::last_ = 0;

TEST_F(TimeSeek, FromIsTheFirstInputAtOrAfterTheTime) {
  for (const char* when : {"0s", "1.5s", "2500ms", "2777777us"}) {
    auto r = run_tape(std::string("inspect --json --from ") + when + " --data-dir " + dir_->path());
    ASSERT_EQ(r.exit_code, 0) << when << ": " << r.err;
    const auto seq = static_cast<uint64_t>(json_number(r.out, "seq"));
    const auto ts = static_cast<int64_t>(json_number(r.out, "ts_ns"));
    const int64_t wanted = parse_log_point(when).value().ts.value();
    EXPECT_GE(ts, wanted) << when;
    if (seq > 1) {
      EXPECT_LT(ts_of(seq - 1), wanted) << when;
    }
  }
}

TEST_F(TimeSeek, ToIsTheLastInputAtOrBeforeTheTimeAndReplayVerifiesUpToIt) {
  auto r = run_tape("replay --verify --json --to 2.25s --data-dir " + dir_->path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto seq = static_cast<uint64_t>(json_number(r.out, "seq_last"));
  ASSERT_GT(seq, 1u);
  ASSERT_LT(seq, last_);
  EXPECT_LE(ts_of(seq), 2'250'000'000);
  EXPECT_GT(ts_of(seq + 1), 2'250'000'000);
}

TEST_F(TimeSeek, ReplayFromATimeVerifies) {
  auto r = run_tape("replay --verify --json --from 2.75s --data-dir " + dir_->path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"state_hash_verified\":true"), std::string::npos) << r.out;
}

TEST_F(TimeSeek, BadTextIsAUsageErrorNamingTheOption) {
  auto r = run_tape("inspect --from 12parsecs --data-dir " + dir_->path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--from '12parsecs'"), std::string::npos) << r.err;
  r = run_tape("replay --to 1.5 --data-dir " + dir_->path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--to '1.5'"), std::string::npos) << r.err;
  r = run_tape("inspect --from 10 --to 5 --data-dir " + dir_->path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
}

TEST_F(TimeSeek, TimesOutsideTheLogAreBadInputNamingItsEnd) {
  auto r = run_tape("replay --from 10m --data-dir " + dir_->path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the log ends at seq " + std::to_string(last_)), std::string::npos) << r.err;
  r = run_tape("inspect --from 2.000000001s --to 2.000000002s --data-dir " + dir_->path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("no input lies between them"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tape
