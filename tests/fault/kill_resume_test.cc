// Crash-and-resume versus uninterrupted: a seeded harness kills `tape run` with SIGKILL at
// random moments, resumes each time, and checks after every kill that the log is a gap-free,
// byte-identical prefix of the uninterrupted run's log (and, with sync=batch, that every batch
// reported durable before the kill survived), and at the end that the recorded inputs, outputs
// and final state hash equal the uninterrupted run's.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>

#include "cli_util.h"
#include "kill_util.h"
#include "store/event_log.h"
#include "store/snapshot_store.h"

namespace tape {
namespace {

using testing_util::run_tape;
using testing_util::TempDir;
using testing_util::expect_log_prefix;
using testing_util::next_random;

// A finished victim must hold exactly the reference run: same log, chain head and state hash.
void expect_same_run(const std::string& ref_dir, const std::string& dir,
                     const std::string& ref_hash) {
  expect_log_prefix(ref_dir, dir);
  auto a = EventLog::open(ref_dir, true);
  auto b = EventLog::open(dir, true);
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  EXPECT_EQ(a.value()->last_seq(), b.value()->last_seq());
  EXPECT_EQ(a.value()->chain_head(), b.value()->chain_head());
  EXPECT_EQ(b.value()->get_meta("state_hash").value().value_or(""), ref_hash);
}

struct FaultCase {
  const char* name;
  std::vector<std::string> args;  // scenario and --set overrides
  int kills;
  bool check_durable;
};

// Sleeps until the victim has made `target` durable; returns its wait status if it ended first.
std::optional<int> wait_for_seq(pid_t pid, const std::string& trace, uint64_t target) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (std::chrono::steady_clock::now() < deadline && testing_util::last_traced(trace) < target) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return status;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  return std::nullopt;
}

// Kill moments are chosen two ways, so the quota is met on a fast machine or a slow one: most
// wait for a seeded random seq to become durable (landing mid-recording, often mid-snapshot),
// and one in four comes a random few milliseconds after start-up (landing in opening the log,
// recovery or tail replay). A run that reaches its end before its kill is checked against the
// reference and started over, so every kill counted interrupted real work.
void run_case(const FaultCase& c, uint64_t seed) {
  TempDir ref("ref"), dir("victim");
  std::string ref_cmd = "run";
  for (const auto& a : c.args) ref_cmd += " " + a;
  const auto ref_start = std::chrono::steady_clock::now();
  auto r = run_tape(ref_cmd + " --json --data-dir " + ref.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto ref_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - ref_start).count();
  const int64_t work_ms = static_cast<int64_t>(testing_util::json_number(r.out, "elapsed_s") * 1000);
  const uint64_t overhead_ms = static_cast<uint64_t>(std::max<int64_t>(5, ref_ms - work_ms));
  const uint64_t end_seq = static_cast<uint64_t>(testing_util::json_number(r.out, "seq_last"));
  ASSERT_GT(end_seq, 1000u) << r.out;
  const std::string ref_hash = testing_util::json_string(r.out, "state_hash");
  const std::string trace = dir.path() + ".trace";
  std::remove(trace.c_str());

  uint64_t rng = seed;
  int kills = 0;
  bool started = false;
  uint64_t last = 0;  // where the log ended after the previous kill
  for (int attempt = 0;; ++attempt) {
    ASSERT_LT(attempt, 400) << "kill quota not reached";
    std::vector<std::string> args = {"run"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    args.insert(args.end(), {"--data-dir", dir.path(), "--durable-trace", trace});
    args.push_back(started ? "--resume" : "--overwrite");
    const pid_t pid = testing_util::spawn_tape(args);
    ASSERT_GT(pid, 0);
    std::optional<int> ended;
    std::string moment;
    if (kills < c.kills) {
      if (next_random(rng) % 4 == 0) {
        const uint64_t ms = next_random(rng) % (overhead_ms + 20);
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        moment = std::to_string(ms) + " ms after start";
      } else {
        // Spread the remaining kills over the remaining log, a little past durable seq target.
        const uint64_t stride = std::max<uint64_t>(1, 2 * (end_seq - last) / (c.kills - kills + 1));
        const uint64_t target = std::min(end_seq - 1, last + 1 + next_random(rng) % stride);
        ended = wait_for_seq(pid, trace, target);
        const uint64_t us = next_random(rng) % 3000;
        if (!ended) std::this_thread::sleep_for(std::chrono::microseconds(us));
        moment = "seq " + std::to_string(target) + " durable + " + std::to_string(us) + " us";
      }
      int status = 0;
      if (!ended && waitpid(pid, &status, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        bool has_scenario = false;
        {
          auto log = EventLog::open(dir.path(), true);
          has_scenario = log.is_ok() && log.value()->get_meta("scenario").is_ok() &&
                         log.value()->get_meta("scenario").value().has_value();
        }
        if (!has_scenario) continue;  // killed before the log existed: start over, uncounted
        started = true;
        ++kills;
        const uint64_t durable = testing_util::last_traced(trace);
        last = expect_log_prefix(ref.path(), dir.path());
        std::printf("%s: kill %d at %s, log ends at seq %llu (durable per trace: %llu)\n", c.name,
                    kills, moment.c_str(), static_cast<unsigned long long>(last),
                    static_cast<unsigned long long>(durable));
        if (c.check_durable) {
          EXPECT_GE(last, durable) << "a batch flushed before the kill is missing after it";
        }
        if (::testing::Test::HasFailure()) return;
        continue;
      }
      if (!ended) ended = status;
    } else {
      int status = 0;
      waitpid(pid, &status, 0);
      ended = status;
    }
    ASSERT_TRUE(WIFEXITED(*ended) && WEXITSTATUS(*ended) == 0)
        << "attempt " << attempt << " exited with status " << *ended;
    expect_same_run(ref.path(), dir.path(), ref_hash);
    if (::testing::Test::HasFailure() || kills >= c.kills) break;
    std::printf("%s: run finished before kill %d; starting over\n", c.name, kills + 1);
    started = false;
    last = 0;
    std::remove(trace.c_str());
  }
  EXPECT_GE(kills, c.kills);
  std::remove(trace.c_str());
}

TEST(KillAndResume, SustainedSyncNone) {
  run_case({"sustained", {"scenarios/sustained_1k.toml", "--set", "snapshot.every_events=20000"},
            8, false},
           1);
}

TEST(KillAndResume, SustainedSyncBatchKeepsEveryFlushedBatch) {
  run_case({"sustained_sync",
            {"scenarios/sustained_1k.toml", "--set", "snapshot.every_events=20000", "--set",
             "recorder.sync=\"batch\"", "--set", "scenario.duration_s=300"},
            7, true},
           2);
}

TEST(KillAndResume, QuickstartLongWithFrequentSnapshots) {
  run_case({"quickstart",
            {"scenarios/quickstart.toml", "--set", "scenario.duration_s=300", "--set",
             "snapshot.every_events=5000", "--check-invariants"},
            7, false},
           3);
}

// SIGINT mid-run (sent once seq 200,000 of 1.2 M is durable, so it always lands mid-run;
// SIGTERM has the same handler): exit 0, the log marked incomplete and a batch-for-batch prefix
// of the uninterrupted run's log (the stop closes no short batch), a snapshot from when the stop
// was asked for (at most one batch before the log's end), an audit that holds; then a resume with
// --check-invariants (the checker restored with the core) ends with the uninterrupted run's
// events, outputs, chain head and state hash, byte for byte. Its snapshots are the
// uninterrupted run's plus, at most, the one written at the stop.
TEST(CleanStop, SignalStopsOnABatchBoundaryAndResumesByteIdentical) {
  const uint64_t kBatchEventsMax = 4096;  // configs/recorder_default.toml
  const std::string scenario = "scenarios/sustained_1k.toml --set scenario.duration_s=1200";
  TempDir ref("ref");
  auto r = run_tape("run " + scenario + " --json --data-dir " + ref.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string ref_hash = testing_util::json_string(r.out, "state_hash");
  std::vector<Seq> ref_snapshots;
  {
    auto log = EventLog::open(ref.path(), true);
    ASSERT_TRUE(log.is_ok());
    auto seqs = snapshot_seqs(*log.value());
    ASSERT_TRUE(seqs.is_ok());
    ref_snapshots = seqs.value();
  }
  {
    TempDir dir("stop");
    const std::string trace = dir.path() + ".trace";
    std::remove(trace.c_str());
    const pid_t pid = testing_util::spawn_tape({"run", "scenarios/sustained_1k.toml", "--set",
                                                "scenario.duration_s=1200", "--data-dir",
                                                dir.path(), "--durable-trace", trace});
    ASSERT_GT(pid, 0);
    std::optional<int> ended = wait_for_seq(pid, trace, 200000);
    ASSERT_FALSE(ended) << "the run ended before seq 200000 was durable: status " << *ended;
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    std::remove(trace.c_str());
    ASSERT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 0);
    const uint64_t stopped_at = expect_log_prefix(ref.path(), dir.path());
    EXPECT_LT(stopped_at, 1'200'000u);
    {
      auto log = EventLog::open(dir.path(), true);
      ASSERT_TRUE(log.is_ok());
      EXPECT_EQ(log.value()->get_meta("complete").value(), std::optional<std::string>("0"));
      auto seqs = snapshot_seqs(*log.value());
      ASSERT_TRUE(seqs.is_ok());
      ASSERT_FALSE(seqs.value().empty());
      EXPECT_LE(seqs.value().back().value(), stopped_at);
      EXPECT_LT(stopped_at - seqs.value().back().value(), kBatchEventsMax)
          << "no snapshot from the stop";
    }
    auto audit = run_tape("audit --json --data-dir " + dir.path());
    EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
    auto resumed = run_tape("run " + scenario + " --resume --check-invariants --json --data-dir " +
                            dir.path());
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    const double from = testing_util::json_number(resumed.out, "resumed_from_snapshot");
    EXPECT_EQ(testing_util::json_number(resumed.out, "tail_replayed"),
              static_cast<double>(stopped_at) - from) << resumed.out;
    EXPECT_NE(resumed.out.find("\"ok\":true"), std::string::npos) << resumed.out;
    expect_same_run(ref.path(), dir.path(), ref_hash);
    auto log = EventLog::open(dir.path(), true);
    ASSERT_TRUE(log.is_ok());
    auto seqs = snapshot_seqs(*log.value());
    ASSERT_TRUE(seqs.is_ok());
    EXPECT_TRUE(std::includes(seqs.value().begin(), seqs.value().end(), ref_snapshots.begin(),
                              ref_snapshots.end()));
    std::vector<Seq> extra;
    std::set_difference(seqs.value().begin(), seqs.value().end(), ref_snapshots.begin(),
                        ref_snapshots.end(), std::back_inserter(extra));
    ASSERT_LE(extra.size(), 1u);
    if (!extra.empty()) {
      EXPECT_LE(extra[0].value(), stopped_at);
      EXPECT_LT(stopped_at - extra[0].value(), kBatchEventsMax);
    }
    auto diff = run_tape("diff " + ref.path() + " " + dir.path());
    EXPECT_EQ(diff.exit_code, 0) << diff.out;
  }
}

}  // namespace
}  // namespace tape
