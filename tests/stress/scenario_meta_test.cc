// A log's meta `scenario` is re-read by every command that opens the log. Text that overflowed
// toml++'s stack as a file (a key of 50,000 dotted parts) used to crash audit, replay, inspect
// and snapshot when stored there; they now refuse it through the same pre-scan as a file, with
// a message naming the log's scenario and the limit.
#include <gtest/gtest.h>

#include <string>

#include "cli_util.h"
#include "store/event_log.h"

namespace tape {
namespace {

using testing_util::run_tape;
using testing_util::TempDir;

TEST(ScenarioMeta, DeepDottedMetaScenarioIsRefusedNotCrashed) {
  TempDir dir("deep_meta");
  auto run = run_tape("run scenarios/quickstart.toml --set scenario.duration_s=2 --data-dir " +
                      dir.path());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string deep = "a";
  for (int i = 0; i < 50'000; ++i) deep += ".a";
  {
    auto log = EventLog::open(dir.path(), /*read_only=*/false);
    ASSERT_TRUE(log.is_ok()) << log.status().message();
    ASSERT_TRUE(log.value()->put_meta(kMetaScenario, deep + " = 1\n").is_ok());
  }
  for (const std::string cmd : {"audit", "replay --verify", "inspect", "snapshot"}) {
    auto r = run_tape(cmd + " --data-dir " + dir.path());
    EXPECT_TRUE(r.exit_code == 2 || r.exit_code == 3) << cmd << ": exit " << r.exit_code << "\n"
                                                      << r.err;
    EXPECT_NE(r.err.find("(meta scenario):1: a key with more than 32 dotted parts"),
              std::string::npos)
        << cmd << ": " << r.err;
  }
}

}  // namespace
}  // namespace tape
