// End to end through the CLI: every shipped scenario runs, replays with --verify, and is
// deterministic; bad input and tampering give the contract's exit codes.
#include <gtest/gtest.h>

#include <filesystem>

#include <rocksdb/db.h>

#include "cli_util.h"
#include "scenario_util.h"
#include "core/codec.h"
#include "store/event_log.h"

namespace tape {
namespace {

using testing_util::json_number;
using testing_util::json_string;
using testing_util::run_tape;
using testing_util::TempDir;
using testing_util::ci_overrides;
using testing_util::expect_same_log;
using testing_util::shipped_scenarios;

// Reject reasons each themed scenario must provoke (the summary's rejects_by_reason).
std::vector<std::string> expected_rejects(const std::string& scenario) {
  if (scenario.find("bad_data") != std::string::npos) {
    return {"crossed_quote", "invalid_price", "invalid_qty", "unknown_instrument",
            "duplicate_order_id", "unknown_order_id", "qty_above_instrument_max"};
  }
  if (scenario.find("flash_crash") != std::string::npos) return {"price_band", "kill_switch"};
  if (scenario.find("halt_resume") != std::string::npos) return {"halted"};
  if (scenario.find("fat_finger") != std::string::npos) return {"max_order_qty", "rate_limit"};
  if (scenario.find("quickstart") != std::string::npos) {
    return {"halted", "max_order_qty", "position_limit", "price_band", "rate_limit", "kill_switch"};
  }
  return {};
}

// The count of one reason in the summary's "rejects_by_reason" object (0 when absent).
double reject_count(const std::string& json, const std::string& reason) {
  const auto obj = json.find("\"rejects_by_reason\":{");
  const auto end = json.find('}', obj);
  const auto pos = json.find("\"" + reason + "\":", obj);
  if (obj == std::string::npos || pos == std::string::npos || pos > end) return 0;
  return std::stod(json.substr(pos + reason.size() + 3));
}

class EveryScenario : public ::testing::TestWithParam<std::string> {};

// Same seed twice under the invariant checker: identical logs and hashes, nothing dropped, the
// themed rejects present; then replay --verify reproduces every output and the final hash.
TEST_P(EveryScenario, RunsTwiceIdenticallyAndReplaysVerified) {
  TempDir d1("a"), d2("b");
  const std::string args = GetParam() + ci_overrides(GetParam()) + " --seed 7 --json";
  auto r1 = run_tape("run " + args + " --check-invariants --data-dir " + d1.path());
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  auto r2 = run_tape("run " + args + " --data-dir " + d2.path());
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  EXPECT_GT(json_number(r1.out, "events_in"), 0);
  EXPECT_EQ(json_number(r1.out, "dropped"), 0);
  EXPECT_NE(r1.out.find("\"invariants\":{\"checked\":"), std::string::npos) << r1.out;
  EXPECT_NE(r1.out.find("\"ok\":true}"), std::string::npos) << r1.out;
  EXPECT_EQ(json_number(r1.out, "seq_last"), json_number(r1.out, "events_in"));
  for (const std::string& reason : expected_rejects(GetParam())) {
    EXPECT_GT(reject_count(r1.out, reason), 0) << reason << " in " << r1.out;
  }
  EXPECT_EQ(json_string(r1.out, "state_hash"), json_string(r2.out, "state_hash"));
  expect_same_log(d1.path(), d2.path());

  auto rep = run_tape("replay --verify --json --data-dir " + d1.path());
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  EXPECT_EQ(json_string(rep.out, "state_hash"), json_string(r1.out, "state_hash"));
  EXPECT_NE(rep.out.find("\"state_hash_verified\":true"), std::string::npos) << rep.out;
  EXPECT_EQ(json_number(rep.out, "events_in"), json_number(r1.out, "events_in"));
  EXPECT_EQ(json_number(rep.out, "events_out"), json_number(r1.out, "events_out"));
}

INSTANTIATE_TEST_SUITE_P(Shipped, EveryScenario, ::testing::ValuesIn(shipped_scenarios()),
                         [](const auto& info) { return testing_util::scenario_test_name(info.param); });

TEST(Determinism, DifferentSeedsDiffer) {
  TempDir d1("s1"), d2("s2");
  auto r1 = run_tape("run scenarios/quickstart.toml --seed 1 --json --data-dir " + d1.path());
  auto r2 = run_tape("run scenarios/quickstart.toml --seed 2 --json --data-dir " + d2.path());
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  EXPECT_NE(json_string(r1.out, "state_hash"), json_string(r2.out, "state_hash"));
}

TEST(Replay, PartialRangeVerifies) {
  TempDir d("partial");
  ASSERT_EQ(run_tape("run scenarios/quickstart.toml --data-dir " + d.path()).exit_code, 0);
  auto rep = run_tape("replay --verify --json --from 100 --to 500 --data-dir " + d.path());
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  EXPECT_EQ(json_number(rep.out, "seq_last"), 500);
}

TEST(Replay, TamperedOutputIsReportedWithItsSeq) {
  TempDir d("tamper");
  ASSERT_EQ(run_tape("run scenarios/quickstart.toml --data-dir " + d.path()).exit_code, 0);
  uint64_t tampered_seq = 0;
  {
    auto log = EventLog::open(d.path(), false);
    ASSERT_TRUE(log.is_ok()) << log.status().message();
    auto cursor = log.value()->batches();
    auto first = cursor.next();
    ASSERT_TRUE(first.is_ok() && first.value());
    auto second = cursor.next();
    ASSERT_TRUE(second.is_ok() && second.value());
    std::vector<Output> outs;
    ASSERT_TRUE(decode_output_block(cursor.outputs(), "t", outs).is_ok());
    size_t i = 0;
    while (i < outs.size() && !std::holds_alternative<OrderAccepted>(outs[i].body)) ++i;
    ASSERT_LT(i, outs.size());
    std::get<OrderAccepted>(outs[i].body).qty += Qty(1);
    tampered_seq = outs[i].seq.value();
    const std::string key = seq_key(cursor.first_seq());
    const std::string bytes = encode_output_block(
        cursor.first_seq(), outs.back().seq, outs);
    ASSERT_TRUE(log.value()->db()->Put(rocksdb::WriteOptions(), log.value()->cf("outputs"), key, bytes).ok());
  }
  auto rep = run_tape("replay --verify --data-dir " + d.path());
  EXPECT_EQ(rep.exit_code, 3) << rep.err;
  EXPECT_NE(rep.err.find("seq " + std::to_string(tampered_seq)), std::string::npos) << rep.err;
}

TEST(Cli, RunRefusesNonEmptyDataDirUnlessOverwrite) {
  TempDir d("nonempty");
  ASSERT_EQ(run_tape("run scenarios/quickstart.toml --data-dir " + d.path()).exit_code, 0);
  auto again = run_tape("run scenarios/quickstart.toml --data-dir " + d.path());
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("--overwrite"), std::string::npos) << again.err;
  EXPECT_EQ(run_tape("run scenarios/quickstart.toml --overwrite --data-dir " + d.path()).exit_code, 0);
}

TEST(Cli, BadScenarioExitsTwoNamingTheKey) {
  TempDir d("bad");
  std::filesystem::create_directories(d.path());
  const std::string path = d.path() + "/bad.toml";
  std::ofstream(path) << "include = [\"" << TAPE_SOURCE_DIR << "/scenarios/quickstart.toml\"]\n"
                      << "[risk]\nmax_ordr_qty = 5\n";
  auto r = run_tape("run " + path + " --data-dir " + d.path() + "/log");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("max_ordr_qty"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.toml"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d.path() + "/log"));
}

TEST(Cli, BadOverrideExitsTwo) {
  TempDir d("badset");
  auto r = run_tape("run scenarios/quickstart.toml --set risk.nope=1 --data-dir " + d.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("risk.nope"), std::string::npos) << r.err;
}

TEST(Cli, MissingScenarioFileExitsTwo) {
  auto r = run_tape("run scenarios/does_not_exist.toml --data-dir /tmp/tape_never_created");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("does_not_exist.toml"), std::string::npos) << r.err;
}

TEST(Cli, UsageErrorsExitOne) {
  EXPECT_EQ(run_tape("").exit_code, 1);
  EXPECT_EQ(run_tape("frobnicate").exit_code, 1);
  EXPECT_EQ(run_tape("run").exit_code, 1);
  EXPECT_EQ(run_tape("replay --verify").exit_code, 1);
  EXPECT_EQ(run_tape("inspect --data-dir x --type nonsense").exit_code, 1);
}

TEST(Cli, ReplayOfMissingDirExitsTwo) {
  auto r = run_tape("replay --data-dir /tmp/tape_no_such_log_dir --verify");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("tape_no_such_log_dir"), std::string::npos) << r.err;
}

TEST(Cli, MetricsFileAndHtmlReportAreWritten) {
  TempDir d("metrics");
  std::filesystem::create_directories(d.path());
  auto r = run_tape("run scenarios/burst_10k.toml --json --metrics-out " + d.path() +
                    "/m.prom --report " + d.path() + "/r.html --data-dir " + d.path() + "/log");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string prom = testing_util::slurp(d.path() + "/m.prom");
  EXPECT_NE(prom.find("# TYPE tape_input_latency_ns summary"), std::string::npos) << prom;
  EXPECT_NE(prom.find("tape_stage_latency_ns{scenario=\"burst_10k\",stage=\"engine\",quantile=\"0.99\"}"),
            std::string::npos);
  EXPECT_NE(prom.find("tape_events_dropped_total 0"), std::string::npos);
  const std::string html = testing_util::slurp(d.path() + "/r.html");
  EXPECT_NE(html.find("<svg"), std::string::npos);
  for (const char* section : {"Per-input latency distribution", "Throughput over simulated time",
                              "Latency over simulated time", "Orders and rejects"}) {
    EXPECT_NE(html.find(section), std::string::npos) << section;
  }
  EXPECT_EQ(html.find("<script"), std::string::npos);  // self-contained, no scripts
  EXPECT_EQ(html.find("http"), html.find("http://www.w3.org/2000/svg"));  // no network
  EXPECT_NE(r.out.find("\"stages\":{\"risk\":{\"p50\":"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"decision_latency_ns\":{"), std::string::npos);
}

TEST(Cli, HtmlReportEscapesTheScenarioName) {
  TempDir d("report_escape");
  std::filesystem::create_directories(d.path());
  auto r = run_tape("run scenarios/quickstart.toml "
                    "--set 'scenario.name=\"<img src=x>&\"' --report " + d.path() +
                    "/r.html --data-dir " + d.path() + "/log");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = testing_util::slurp(d.path() + "/r.html");
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("tape run: &lt;img src=x&gt;&amp;</h1>"), std::string::npos);
}

TEST(Cli, PacedRunTakesAtLeastItsScaledDuration) {
  TempDir d("paced");
  auto r = run_tape("run scenarios/quickstart.toml --set scenario.duration_s=2 --pace 10x --json "
                    "--data-dir " + d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(json_number(r.out, "elapsed_s"), 0.19);  // 2 simulated s at 10x
  EXPECT_EQ(run_tape("replay --verify --data-dir " + d.path()).exit_code, 0);
  EXPECT_EQ(run_tape("run scenarios/quickstart.toml --pace fast --data-dir " + d.path() + "x").exit_code, 1);
}

TEST(Cli, InspectPrintsTheRequestedRange) {
  TempDir d("inspect");
  ASSERT_EQ(run_tape("run scenarios/quickstart.toml --data-dir " + d.path()).exit_code, 0);
  auto r = run_tape("inspect --from 1000 --to 1010 --data-dir " + d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  size_t inputs = 0;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) inputs += line.rfind("seq=", 0) == 0;
  EXPECT_EQ(inputs, 11u);
  EXPECT_NE(r.out.find("seq=1000 "), std::string::npos);
  auto j = run_tape("inspect --json --type fill --data-dir " + d.path());
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(j.out.front(), '{');
  EXPECT_NE(j.out.find("\"type\":\"fill\""), std::string::npos);
}

}  // namespace
}  // namespace tape
