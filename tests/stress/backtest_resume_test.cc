// `tape backtest --resume` against an uninterrupted backtest: a seeded harness SIGKILLs the
// backtest at random moments (in the import, mid-run, mid-snapshot), resumes each time, and
// checks after every kill that the log is a batch-for-batch prefix of the uninterrupted run's
// and at the end that the log, chain head, state hash and report files equal it. Then what a
// resume refuses: a changed config, data file, data log or plugin (exit 3 naming it), a dir that
// holds no backtest (exit 2); a finished backtest is left as it is.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_util.h"
#include "kill_util.h"
#include "store/event_log.h"
#include "store/snapshot_store.h"

namespace tape {
namespace {

namespace fs = std::filesystem;
using testing_util::run_tape;
using testing_util::slurp;
using testing_util::TempDir;
using testing_util::expect_log_prefix;
using testing_util::next_random;

// One-minute bars in the generic Date,Time,... layout, a random walk (the SMA trades all along).
void write_bars(const std::string& path, long rows, unsigned long long x) {
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("Date,Time,Open,High,Low,Close,Volume\n", f);
  long px = 350'000;
  for (long i = 0; i < rows; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const long day = i / 1440, minute = i % 1440;
    const long c = px + static_cast<long>(x % 41) - 20;
    const long h = std::max(px, c) + 3, l = std::min(px, c) - 2;
    std::fprintf(
        f, "%04ld-%02ld-%02ld,%02ld:%02ld:00,%ld.%02ld,%ld.%02ld,%ld.%02ld,%ld.%02ld,%ld\n",
        1990 + day / 336, 1 + day / 28 % 12, 1 + day % 28, minute / 60, minute % 60, px / 100,
        px % 100, h / 100, h % 100, l / 100, l % 100, c / 100, c % 100, i % 5000 + 1);
    px = c;
  }
  std::fclose(f);
}

// A backtest config in `dir` over `data` (a [data] line) with the SMA plugin at `plugin`.
std::string write_config(const std::string& dir, const std::string& data_line,
                         const std::string& plugin, uint64_t every) {
  const std::string path = dir + "/resume.toml";
  std::ofstream(path) << "[backtest]\nname = \"resume\"\n[data]\n"
                      << data_line
                      << "\n[venue]\nmodel = \"bars\"\n[snapshot]\nevery_events = " << every
                      << "\n[[strategies]]\nname = \"sma\"\nplugin = \"" << plugin
                      << "\"\n[strategies.params]\nfast = 10\nslow = 30\nqty = 100\n";
  return path;
}

// summary.json without the fields that are wall-clock timing.
nlohmann::json summary_without_timing(const std::string& dir) {
  nlohmann::json j = nlohmann::json::parse(slurp(dir + "/summary.json"));
  for (const char* k : {"elapsed_s", "run_elapsed_s", "bars_per_s", "out"}) j.erase(k);
  // Whether this invocation found the cache entry, not a fact of the run.
  if (j.contains("data_cache")) j["data_cache"].erase("hit");
  return j;
}

// The finished backtest in `dir` is the reference: log, chain head, state hash, report files.
void expect_same_backtest(const std::string& ref, const std::string& dir) {
  expect_log_prefix(ref, dir);
  {
    auto a = EventLog::open(ref, true);
    auto b = EventLog::open(dir, true);
    ASSERT_TRUE(a.is_ok() && b.is_ok());
    EXPECT_EQ(a.value()->last_seq(), b.value()->last_seq());
    EXPECT_EQ(a.value()->chain_head(), b.value()->chain_head());
    EXPECT_EQ(a.value()->get_meta("state_hash").value(), b.value()->get_meta("state_hash").value());
    EXPECT_EQ(b.value()->get_meta("complete").value(), std::optional<std::string>("1"));
  }
  EXPECT_EQ(summary_without_timing(ref), summary_without_timing(dir));
  for (const char* f : {"trades.csv", "fills.csv", "equity.csv", "tearsheet.html"}) {
    const std::string a = slurp(ref + "/" + f), b = slurp(dir + "/" + f);
    EXPECT_FALSE(a.empty()) << f;
    EXPECT_TRUE(a == b) << f << " differs from the uninterrupted run's";
  }
}

bool has_backtest_meta(const std::string& dir) {
  auto log = EventLog::open(dir, true);
  if (!log.is_ok()) return false;
  auto config = log.value()->get_meta("backtest");
  return config.is_ok() && config.value().has_value();
}

// The latest snapshot at or below the log's end (0: none): where a resume starts.
uint64_t resume_point(const std::string& dir) {
  auto log = EventLog::open(dir, true);
  if (!log.is_ok()) return 0;
  auto seqs = snapshot_seqs(*log.value());
  uint64_t at = 0;
  if (!seqs.is_ok()) return 0;
  for (Seq s : seqs.value()) {
    if (s <= log.value()->last_seq()) at = s.value();
  }
  return at;
}

// Kills `tape backtest CONFIG EXTRA --out DIR` `kills` times at seeded moments over the
// reference run's wall time, resuming after each, and holds the end to the reference.
void kill_and_resume(const std::string& config, const std::vector<std::string>& extra, int kills,
                     uint64_t seed, const std::string& work) {
  const std::string ref = work + "/ref", dir = work + "/victim";
  std::string extra_text;
  for (const std::string& e : extra) extra_text += " " + e;
  const auto ref_start = std::chrono::steady_clock::now();
  auto r = run_tape("backtest " + config + extra_text + " --out " + ref + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto ref_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - ref_start)
                          .count();
  const uint64_t end_seq = static_cast<uint64_t>(testing_util::json_number(r.out, "inputs"));
  ASSERT_GT(end_seq, 40'000u) << r.out;

  uint64_t rng = seed;
  int counted = 0, from_snapshot = 0;
  bool started = false;
  // Kills go on past the quota until one has left a snapshot to resume from (on a loaded
  // machine the first kills can all land before the first snapshot).
  for (int attempt = 0; counted < kills || from_snapshot == 0; ++attempt) {
    ASSERT_LT(attempt, 200) << "kill quota not reached";
    std::vector<std::string> args = {"backtest", config};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--out", dir, started ? "--resume" : "--overwrite"});
    if (!started) fs::remove_all(dir);
    const pid_t pid = testing_util::spawn_tape(args);
    ASSERT_GT(pid, 0);
    const uint64_t ms = next_random(rng) % static_cast<uint64_t>(ref_ms + 10);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      // It finished first: it must be the reference; then start over.
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
      expect_same_backtest(ref, dir);
      std::printf("attempt %d finished before its kill (%llu ms): starting over\n", attempt,
                  static_cast<unsigned long long>(ms));
      started = false;
      continue;
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    if (!has_backtest_meta(dir)) {
      started = false;  // killed before its log had its config: nothing to resume, uncounted
      continue;
    }
    started = true;
    ++counted;
    const uint64_t last = expect_log_prefix(ref, dir);
    const uint64_t from = resume_point(dir);
    if (from != 0) ++from_snapshot;
    std::printf("kill %d at %llu ms: log ends at seq %llu of %llu, snapshot at %llu\n", counted,
                static_cast<unsigned long long>(ms), static_cast<unsigned long long>(last),
                static_cast<unsigned long long>(end_seq), static_cast<unsigned long long>(from));
    if (::testing::Test::HasFailure()) return;
  }
  // The last kill may land after the log was complete and the files written (the process
  // exiting): then there is nothing to resume, and the end is checked all the same.
  bool complete = false;
  if (auto log = EventLog::open(dir, true); log.is_ok()) {
    auto c = log.value()->get_meta("complete");
    complete = c.is_ok() && c.value() == std::optional<std::string>("1") &&
               fs::exists(dir + "/summary.json");
  }
  auto resumed = run_tape("backtest " + config + extra_text + " --out " + dir + " --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find(complete ? "nothing to resume" : "resumed        at seq"),
            std::string::npos)
      << resumed.out;
  expect_same_backtest(ref, dir);
  EXPECT_GE(from_snapshot, 1) << "no kill left a snapshot to resume from";
  auto audit = run_tape("audit --data-dir " + dir);
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
  auto verify = run_tape("replay --verify --data-dir " + dir);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // Resumes removed the temporary data logs the killed runs left beside the out dir.
  for (const fs::directory_entry& e : fs::directory_iterator(work)) {
    EXPECT_EQ(e.path().filename().string().find("victim.data-"), std::string::npos) << e.path();
  }
}

TEST(BacktestKillAndResume, FileImportedOnTheFlyEndsAsTheUninterruptedRun) {
  TempDir work("bt_resume_files");
  fs::create_directories(work.path());
  write_bars(work.path() + "/bars.csv", 200'000, 0x9e3779b97f4a7c15ull);
  const std::string config =
      write_config(work.path(), "file = \"bars.csv\"", TAPE_PLUGIN_SMA_CROSS, 20'000);
  kill_and_resume(config, {}, 6, 11, work.path());
}

TEST(BacktestKillAndResume, DataCacheEndsAsTheUninterruptedRun) {
  TempDir work("bt_resume_cache");
  fs::create_directories(work.path());
  write_bars(work.path() + "/bars.csv", 200'000, 0x2545f4914f6cdd1dull);
  const std::string config =
      write_config(work.path(), "file = \"bars.csv\"", TAPE_PLUGIN_SMA_CROSS, 25'000);
  kill_and_resume(config, {"--data-cache", work.path() + "/cache"}, 4, 12, work.path());
}

// The L3 venue (LOBSTER GOOG, 49,482 messages, the queue_maker example's post-only maker).
TEST(BacktestKillAndResume, L3QueueMakerEndsAsTheUninterruptedRun) {
  TempDir work("bt_resume_l3_kill");
  fs::create_directories(work.path());
  kill_and_resume(std::string(TAPE_SOURCE_DIR) + "/examples/queue_maker/queue_maker.toml",
                  {"--set", "snapshot.every_events=8000"}, 3, 13, work.path());
}

// A small finished backtest over generated bars in `work` (its config returned).
std::string small_backtest(const std::string& work, const std::string& data_line,
                           const std::string& plugin) {
  fs::create_directories(work);
  write_bars(work + "/bars.csv", 5'000, 0x9e3779b97f4a7c15ull);
  const std::string config = write_config(work, data_line, plugin, 1'000);
  auto r = run_tape("backtest " + config + " --out " + work + "/run");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return config;
}

TEST(BacktestResume, RefusesAChangedConfigNamingTheKey) {
  TempDir work("bt_resume_config");
  const std::string config =
      small_backtest(work.path(), "file = \"bars.csv\"", TAPE_PLUGIN_SMA_CROSS);
  fs::remove(work.path() + "/run/summary.json");  // unfinished files: a resume would run
  auto r = run_tape("backtest " + config + " --set strategies.0.params.fast=5 --out " +
                    work.path() + "/run --resume");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("strategies.0.params.fast is 10 in the log, 5 now"), std::string::npos)
      << r.err;
}

TEST(BacktestResume, RefusesAChangedDataFileNamingIt) {
  TempDir work("bt_resume_file");
  const std::string config =
      small_backtest(work.path(), "file = \"bars.csv\"", TAPE_PLUGIN_SMA_CROSS);
  testing_util::rewrite_file(work.path() + "/bars.csv", [](std::string& b) {
    b[b.size() - 3] = b[b.size() - 3] == '1' ? '2' : '1';  // the last row's volume
  });
  for (const char* finished : {"finished", "unfinished"}) {
    if (std::string(finished) == "unfinished") fs::remove(work.path() + "/run/summary.json");
    auto r = run_tape("backtest " + config + " --out " + work.path() + "/run --resume");
    EXPECT_EQ(r.exit_code, 3) << finished << ": " << r.err;
    EXPECT_NE(r.err.find("data file " + work.path() + "/bars.csv has SHA-256"), std::string::npos)
        << r.err;
  }
}

TEST(BacktestResume, RefusesADifferentDataLogNamingBothChainHeads) {
  TempDir work("bt_resume_log");
  fs::create_directories(work.path());
  write_bars(work.path() + "/a.csv", 5'000, 1);
  write_bars(work.path() + "/b.csv", 5'000, 2);
  const std::string data = work.path() + "/data";
  ASSERT_EQ(run_tape("import " + work.path() + "/a.csv --format bars --data-dir " + data).exit_code,
            0);
  const std::string config =
      write_config(work.path(), "log = \"data\"", TAPE_PLUGIN_SMA_CROSS, 1'000);
  auto r = run_tape("backtest " + config + " --out " + work.path() + "/run");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  fs::remove(work.path() + "/run/summary.json");
  fs::remove_all(data);
  ASSERT_EQ(run_tape("import " + work.path() + "/b.csv --format bars --data-dir " + data).exit_code,
            0);
  r = run_tape("backtest " + config + " --out " + work.path() + "/run --resume");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("data log " + data + " has chain head"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("recorded on data with chain head"), std::string::npos) << r.err;
}

TEST(BacktestResume, RefusesAChangedPluginNamingTheStrategy) {
  TempDir work("bt_resume_plugin");
  fs::create_directories(work.path());
  const std::string lib = work.path() + "/libsma.so";
  fs::copy_file(TAPE_PLUGIN_SMA_CROSS, lib);
  const std::string config = small_backtest(work.path(), "file = \"bars.csv\"", lib);
  fs::remove(work.path() + "/run/summary.json");
  fs::copy_file(TAPE_PLUGIN_PROBE, lib, fs::copy_options::overwrite_existing);
  auto r = run_tape("backtest " + config + " --out " + work.path() + "/run --resume");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("strategy sma: plugin " + lib + " has SHA-256"), std::string::npos) << r.err;
}

TEST(BacktestResume, ADirWithoutABacktestLogIsAnError) {
  TempDir work("bt_resume_none");
  const std::string config =
      small_backtest(work.path(), "file = \"bars.csv\"", TAPE_PLUGIN_SMA_CROSS);
  const std::string data = work.path() + "/data";
  ASSERT_EQ(
      run_tape("import " + work.path() + "/bars.csv --format bars --data-dir " + data).exit_code,
      0);
  auto r = run_tape("backtest " + config + " --out " + data + " --resume");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(data + ": not a backtest log"), std::string::npos) << r.err;
  r = run_tape("backtest " + config + " --out " + work.path() + "/missing --resume");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(work.path() + "/missing"), std::string::npos) << r.err;
  r = run_tape("backtest " + config + " --out " + work.path() + "/run --resume --overwrite");
  EXPECT_EQ(r.exit_code, 1) << r.err;
}

TEST(BacktestResume, AFinishedBacktestIsLeftAsItIs) {
  TempDir work("bt_resume_done");
  const std::string config =
      small_backtest(work.path(), "file = \"bars.csv\"", TAPE_PLUGIN_SMA_CROSS);
  const std::string summary = slurp(work.path() + "/run/summary.json");
  auto r = run_tape("backtest " + config + " --out " + work.path() + "/run --resume");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("is already complete"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nothing to resume"), std::string::npos) << r.out;
  r = run_tape("backtest " + config + " --out " + work.path() + "/run --resume --json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["complete"], true);
  EXPECT_EQ(j["resumed"], false);
  EXPECT_EQ(j["seq_last"], 5000);
  EXPECT_EQ(slurp(work.path() + "/run/summary.json"), summary);  // not rewritten
}

// A finished log whose files were not all written (killed after the run's end) is resumed
// from its last snapshot to its end and writes them; on the L3 venue too (the book, its
// counters and the strategy restored from the snapshot).
TEST(BacktestResume, L3BacktestFromASnapshotWritesTheUninterruptedFiles) {
  TempDir work("bt_resume_l3");
  fs::create_directories(work.path());
  const std::string config = std::string(TAPE_SOURCE_DIR) +
                             "/examples/queue_maker/queue_maker.toml --set "
                             "snapshot.every_events=20000";
  auto r = run_tape("backtest " + config + " --out " + work.path() + "/ref");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_tape("backtest " + config + " --out " + work.path() + "/run");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  fs::remove(work.path() + "/run/summary.json");
  fs::remove(work.path() + "/run/fills.csv");
  fs::remove(work.path() + "/run/tearsheet.html");
  r = run_tape("backtest " + config + " --out " + work.path() + "/run --resume");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("resumed        at seq 49482: from the snapshot at seq 40000, 9482 logged "
                       "inputs replayed"),
            std::string::npos)
      << r.out;
  expect_same_backtest(work.path() + "/ref", work.path() + "/run");
  EXPECT_TRUE(summary_without_timing(work.path() + "/run").contains("l3"));
}

}  // namespace
}  // namespace tape
