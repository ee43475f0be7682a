// `tape run` refusing what it cannot finish before it starts (bad --seed, unwritable output
// paths, scenario names that would lead outside runs/), and `--resume` on a finished log, which
// must say so and change nothing.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "cli_util.h"
#include "store/event_log.h"

namespace tape {
namespace {

using testing_util::run_tape;
using testing_util::TempDir;

const std::string kShort = "scenarios/quickstart.toml --set scenario.duration_s=2";

// Every file's bytes and every record of every column family, so "unchanged" means unchanged.
// RocksDB's info log (LOG, LOG.old.*) is left out: it is RocksDB's diagnostic text, which any
// open, even a read-only one, may append to; it holds none of the log's data.
std::map<std::string, std::string> everything_in(const std::string& dir) {
  std::map<std::string, std::string> all;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name == "LOG" || name.starts_with("LOG.old.")) continue;
    all["file " + name] = testing_util::slurp(e.path().string());
  }
  auto log = EventLog::open(dir, /*read_only=*/true);
  EXPECT_TRUE(log.is_ok()) << log.status().message();
  if (!log.is_ok()) return all;
  for (const char* cf : {"default", "events", "outputs", "snapshots", "meta"}) {
    std::unique_ptr<rocksdb::Iterator> it(
        log.value()->db()->NewIterator(rocksdb::ReadOptions(), log.value()->cf(cf)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      all[std::string(cf) + " " + it->key().ToString()] = it->value().ToString();
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  }
  return all;
}

TEST(ResumeFinishedRun, SaysItIsCompleteAndChangesNoByte) {
  TempDir dir("done");
  auto r = run_tape("run " + kShort + " --json --data-dir " + dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string hash = testing_util::json_string(r.out, "state_hash");
  const auto before = everything_in(dir.path());
  ASSERT_FALSE(before.empty());
  for (const std::string extra : {"", " --check-invariants", " --json"}) {
    auto again = run_tape("run " + kShort + " --resume --data-dir " + dir.path() + extra);
    EXPECT_EQ(again.exit_code, 0) << extra << ": " << again.err;
    if (extra == " --json") {
      EXPECT_EQ(testing_util::json_string(again.out, "state_hash"), hash) << again.out;
      EXPECT_NE(again.out.find("\"complete\":true"), std::string::npos) << again.out;
    } else {
      EXPECT_NE(again.out.find("is already complete"), std::string::npos) << again.out;
      EXPECT_NE(again.out.find(hash), std::string::npos) << again.out;
      EXPECT_NE(again.out.find("nothing to resume"), std::string::npos) << again.out;
    }
    EXPECT_TRUE(everything_in(dir.path()) == before) << "resume" << extra << " changed the log";
  }
  auto audit = run_tape("audit --data-dir " + dir.path());
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
}

TEST(ResumeFinishedRun, OfAnotherScenarioIsStillRefused) {
  TempDir dir("done_other");
  ASSERT_EQ(run_tape("run " + kShort + " --data-dir " + dir.path()).exit_code, 0);
  auto r = run_tape("run " + kShort + " --seed 7 --resume --data-dir " + dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("seed"), std::string::npos) << r.err;
}

TEST(RunChecks, NegativeOrOutOfRangeSeedIsRefusedNamingTheOption) {
  for (const char* seed : {"-1", "9223372036854775808", "12abc"}) {
    TempDir dir("seed");
    auto r = run_tape("run " + kShort + " --seed " + seed + " --data-dir " + dir.path());
    EXPECT_EQ(r.exit_code, 1) << seed << ": " << r.out;
    EXPECT_NE(r.err.find("--seed"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path())) << "a log was created for seed " << seed;
  }
}

TEST(RunChecks, UnwritableReportOrMetricsPathIsRefusedBeforeAnyLogExists) {
  TempDir dir("outputs"), out("outdir");
  std::filesystem::create_directories(out.path());
  const std::string missing = out.path() + "/no/such/dir/file";
  for (const std::string flag : {"--report", "--metrics-out"}) {
    for (const std::string& path : {missing, out.path()}) {
      auto r = run_tape("run " + kShort + " " + flag + " " + path + " --data-dir " + dir.path());
      EXPECT_EQ(r.exit_code, 2) << flag << " " << path << ": " << r.err;
      EXPECT_NE(r.err.find(flag), std::string::npos) << r.err;
      EXPECT_FALSE(std::filesystem::exists(dir.path())) << flag << " " << path;
    }
  }
  auto ok = run_tape("run " + kShort + " --report " + out.path() + "/r.html --metrics-out " +
                     out.path() + "/m.prom --data-dir " + dir.path());
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(std::filesystem::exists(out.path() + "/r.html"));
  EXPECT_TRUE(std::filesystem::exists(out.path() + "/m.prom"));
}

// Both ways of naming a scenario: --set and the file's own [scenario] name.
TEST(RunChecks, ScenarioNameWithDotsAndSlashesStaysInsideRuns) {
  TempDir cwd("cwd");
  const std::filesystem::path inner = std::filesystem::path(cwd.path()) / "a" / "b";
  std::filesystem::create_directories(inner);
  std::string text =
      testing_util::slurp(std::string(TAPE_SOURCE_DIR) + "/scenarios/quickstart.toml");
  const std::string from = "name = \"quickstart\"";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), "name = \"../../x\"");
  // Outside the source tree (tests read every shipped scenario), includes made absolute.
  for (size_t at; (at = text.find("\"../configs/")) != std::string::npos;) {
    text.replace(at + 1, 2, TAPE_SOURCE_DIR);
  }
  const std::string src = cwd.path() + "/escape_name.toml";
  { std::ofstream(src) << text; }
  const std::vector<std::string> forms = {
      std::string(TAPE_SOURCE_DIR) + "/scenarios/quickstart.toml --set scenario.name=../../x", src};
  for (const std::string& form : forms) {
    const std::string cmd = "cd " + inner.string() + " && " + TAPE_BINARY + " run " + form +
                            " --set scenario.duration_s=2 >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(cwd.path()) / "x-seed42")) << form;
    EXPECT_TRUE(std::filesystem::exists(inner / "runs" / "___.._x-seed42")) << form;
    std::filesystem::remove_all(inner / "runs");
  }
}

}  // namespace
}  // namespace tape
