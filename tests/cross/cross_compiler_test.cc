// Determinism rule 7 (docs/determinism.md) across compilers: this build's `tape` and a peer
// built from the same source
// by another compiler (TAPE_PEER_BINARY, e.g. the g++ build when this one is clang++) must, for
// every shipped scenario, write byte-identical logs and snapshots and reach the same state hash;
// each must replay and verify the other's log, from seq 1 and from a mid-run snapshot; and a run
// stopped by one must resume under the other to the same end.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <thread>
#include <utility>

#include "cli_util.h"
#include "scenario_util.h"
#include "store/snapshot_store.h"

namespace tape {
namespace {

using testing_util::ci_overrides;
using testing_util::json_number;
using testing_util::json_string;
using testing_util::run_binary;
using testing_util::TempDir;

const std::string kMine = TAPE_BINARY;
const std::string kPeer = TAPE_PEER_BINARY;

// Asserts both logs hold the same snapshots, byte for byte; returns their seqs.
std::vector<Seq> expect_same_snapshots(const std::string& a_dir, const std::string& b_dir) {
  auto a = EventLog::open(a_dir, true);
  auto b = EventLog::open(b_dir, true);
  EXPECT_TRUE(a.is_ok() && b.is_ok());
  if (!a.is_ok() || !b.is_ok()) return {};
  auto sa = snapshot_seqs(*a.value());
  auto sb = snapshot_seqs(*b.value());
  EXPECT_TRUE(sa.is_ok() && sb.is_ok());
  if (!sa.is_ok() || !sb.is_ok()) return {};
  EXPECT_EQ(sa.value(), sb.value());
  for (const Seq seq : sa.value()) {
    auto x = read_snapshot(*a.value(), seq);
    auto y = read_snapshot(*b.value(), seq);
    EXPECT_TRUE(x.is_ok() && y.is_ok()) << "snapshot at seq " << seq.value();
    if (!x.is_ok() || !y.is_ok()) break;
    EXPECT_EQ(x->core_state, y->core_state) << "snapshot at seq " << seq.value();
    EXPECT_EQ(x->generator_state, y->generator_state) << "snapshot at seq " << seq.value();
    EXPECT_EQ(x->state_hash, y->state_hash) << "snapshot at seq " << seq.value();
  }
  return sa.value();
}

class CrossCompiler : public ::testing::TestWithParam<std::string> {};

TEST_P(CrossCompiler, SameLogSnapshotsAndStateAndEachReplaysTheOther) {
  TempDir mine("mine"), peer("peer");
  const std::string args = GetParam() + ci_overrides(GetParam()) +
                           " --seed 11 --json --set snapshot.every_events=4000 --data-dir ";
  auto r1 = run_binary(kMine, "run " + args + mine.path());
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  auto r2 = run_binary(kPeer, "run " + args + peer.path());
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  EXPECT_EQ(json_string(r1.out, "state_hash"), json_string(r2.out, "state_hash"));
  EXPECT_EQ(json_number(r1.out, "events_out"), json_number(r2.out, "events_out"));
  testing_util::expect_same_log(mine.path(), peer.path());
  const std::vector<Seq> snaps = expect_same_snapshots(mine.path(), peer.path());
  ASSERT_FALSE(snaps.empty()) << "every_events=4000 should leave at least one snapshot";

  // Each binary verifies the other's log: outputs and final hash from seq 1, then from the
  // middle snapshot (restored from bytes the other compiler's build wrote).
  const std::string from = std::to_string(snaps[snaps.size() / 2].value());
  for (const auto& [binary, dir] : {std::pair{kPeer, mine.path()}, std::pair{kMine, peer.path()}}) {
    auto full = run_binary(binary, "replay --verify --json --data-dir " + dir);
    EXPECT_EQ(full.exit_code, 0) << binary << " on " << dir << ": " << full.err << full.out;
    auto tail = run_binary(binary, "replay --verify --json --from " + from + " --data-dir " + dir);
    EXPECT_EQ(tail.exit_code, 0) << binary << " --from " << from << ": " << tail.err << tail.out;
  }
  auto audit = run_binary(kPeer, "audit --json --data-dir " + mine.path());
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
}

INSTANTIATE_TEST_SUITE_P(Shipped, CrossCompiler,
                         ::testing::ValuesIn(testing_util::shipped_scenarios()),
                         [](const auto& info) {
                           return testing_util::scenario_test_name(info.param);
                         });

// Killed under one compiler's build, resumed under the other's: the resumed log and state equal
// an uninterrupted run's. The kill waits for a durable seq so it lands mid-run on any machine.
TEST(CrossCompilerResume, KilledByOneResumedByTheOther) {
  // 1.2 M inputs: the kill at seq 250,000 leaves most of the run still to go however fast the
  // machine is, so the harness notices the durable seq long before the run could finish.
  const std::vector<std::string> scenario = {"scenarios/sustained_1k.toml", "--set",
                                             "snapshot.every_events=10000", "--set",
                                             "scenario.duration_s=1200"};
  TempDir ref("ref");
  std::string ref_args = "run";
  for (const auto& a : scenario) ref_args += " " + a;
  auto r = run_binary(kMine, ref_args + " --json --data-dir " + ref.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& [killed, resumer] : {std::pair{kPeer, kMine}, std::pair{kMine, kPeer}}) {
    TempDir dir("victim");
    const std::string trace = dir.path() + ".trace";
    std::remove(trace.c_str());
    std::vector<std::string> args = {"run"};
    args.insert(args.end(), scenario.begin(), scenario.end());
    args.insert(args.end(), {"--data-dir", dir.path(), "--durable-trace", trace});
    const pid_t pid = testing_util::spawn_binary(killed, args);
    ASSERT_GT(pid, 0);
    int status = 0;
    bool ended = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (!ended && testing_util::last_traced(trace) < 250000 &&
           std::chrono::steady_clock::now() < deadline) {
      ended = waitpid(pid, &status, WNOHANG) == pid;
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    ASSERT_FALSE(ended) << killed << " finished before seq 250000 was durable; status " << status;
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    auto resumed = run_binary(resumer, ref_args + " --resume --json --data-dir " + dir.path());
    ASSERT_EQ(resumed.exit_code, 0) << resumer << ": " << resumed.err;
    EXPECT_GT(json_number(resumed.out, "resumed_from_snapshot"), 0) << resumed.out;
    EXPECT_EQ(json_string(resumed.out, "state_hash"), json_string(r.out, "state_hash"));
    testing_util::expect_same_log(ref.path(), dir.path());
    std::remove(trace.c_str());
  }
}

// The chain head an import printed ("chain_head H").
std::string import_head(const std::string& out) {
  const size_t at = out.find("chain_head ");
  return at == std::string::npos ? "" : out.substr(at + 11, 64);
}

class CrossCompilerImport : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

// An import is as deterministic as a run: both builds write the same data log (chain head), and
// each audits the other's.
TEST_P(CrossCompilerImport, BothBuildsImportTheSameDataLog) {
  const auto& [file, format] = GetParam();
  TempDir mine("cross_import_mine"), peer("cross_import_peer");
  const std::string args = std::string("import ") + TAPE_SHARED_DATA + "/" + file + " --format " +
                           format + " --data-dir ";
  auto a = run_binary(kMine, args + mine.path());
  auto b = run_binary(kPeer, args + peer.path());
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  ASSERT_EQ(import_head(a.out).size(), 64u) << a.out;
  EXPECT_EQ(import_head(a.out), import_head(b.out));
  EXPECT_EQ(
      run_binary(kPeer, "audit --expect-head " + import_head(a.out) + " --data-dir " + mine.path())
          .exit_code,
      0);
  EXPECT_EQ(run_binary(kMine, "audit --data-dir " + peer.path()).exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(
    SharedData, CrossCompilerImport,
    ::testing::Values(
        std::make_pair("orcl-1995-2014.txt", "bars"), std::make_pair("2006-min-005.txt", "bars"),
        std::make_pair("ticksample.csv", "bars"), std::make_pair("bidask.csv", "quotes"),
        std::make_pair("lobster/GOOG_2012-06-21_34200000_57600000_message_1.csv", "lobster")),
    [](const auto& info) { return "file" + std::to_string(info.index); });

// Drawn latencies (docs/backtest.md "Drawn latencies"): the lognormal and exponential tails are
// computed in doubles, so both builds must draw the same integers. The built-in market maker on
// the GOOG LOBSTER sample (a built-in, not a plugin: each build's plugin file is another file,
// which replay rightly refuses, and a sanitized build's cannot load into the other) with all
// three latencies drawn and snapshots every 1000 inputs: the same log (chain head), snapshots
// and state hash, and each build verifies the other's log from seq 1 and from a snapshot.
TEST(CrossCompilerBacktest, DrawnLatenciesGiveTheSameRunAndEachVerifiesTheOther) {
  TempDir mine("cross_latdist_mine"), peer("cross_latdist_peer"), conf("cross_latdist_conf");
  std::filesystem::create_directories(conf.path());
  const std::string config = conf.path() + "/l3.toml";
  std::ofstream(config)
      << "[backtest]\nname = \"cross_latdist\"\nseed = 3\n\n[data]\nfile = \"" TAPE_SHARED_DATA
         "/lobster/GOOG_2012-06-21_34200000_57600000_message_1.csv\"\nformat = \"lobster\"\n"
         "book_seed = \"auto\"\n\n[venue]\nmodel = \"l3\"\n\n[snapshot]\nevery_events = 1000\n\n"
         "[latency]\norder = {dist = \"lognormal\", min_ms = 0.2, median_ms = 1, sigma = 0.8, "
         "max_ms = 50}\nack = {dist = \"exponential\", min_ms = 0.1, mean_ms = 2}\n"
         "feed = {dist = \"uniform\", min_ms = 0, max_ms = 5}\n\n"
         "[[strategies]]\nname = \"mm\"\nbuiltin = \"market_maker\"\nstarting_cash = 1000000\n\n"
         "[strategies.params]\nhalf_spread_ticks = 100\nquote_qty = 100\nmax_position = 200\n";
  const std::string args = "backtest " + config + " --json --out ";
  auto a = run_binary(kMine, args + mine.path());
  ASSERT_EQ(a.exit_code, 0) << a.err;
  auto b = run_binary(kPeer, args + peer.path());
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_GT(json_number(a.out, "fills"), 10) << a.out;
  EXPECT_EQ(json_string(a.out, "state_hash"), json_string(b.out, "state_hash"));
  EXPECT_EQ(json_string(a.out, "chain_head"), json_string(b.out, "chain_head"));
  const std::vector<Seq> snaps = expect_same_snapshots(mine.path(), peer.path());
  ASSERT_FALSE(snaps.empty());
  const std::string from = std::to_string(snaps[snaps.size() / 2].value());
  for (const auto& [binary, dir] : {std::pair{kPeer, mine.path()}, std::pair{kMine, peer.path()}}) {
    auto full = run_binary(binary, "replay --verify --json --data-dir " + dir);
    EXPECT_EQ(full.exit_code, 0) << binary << " on " << dir << ": " << full.err << full.out;
    auto tail = run_binary(binary, "replay --verify --json --from " + from + " --data-dir " + dir);
    EXPECT_EQ(tail.exit_code, 0) << binary << " --from " << from << ": " << tail.err << tail.out;
  }
}

}  // namespace
}  // namespace tape
