// A data log read back through inspect --json, anchored by the chain head import printed, and
// refused by commands that need a run.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_util.h"

namespace tape {
namespace {

using testing_util::run_tape;
using testing_util::TempDir;

// The chain head an import or audit printed as "chain_head H" / "chain head H".
std::string head_in(const std::string& out) {
  for (const char* label : {"chain_head ", "chain head "}) {
    const size_t at = out.find(label);
    if (at != std::string::npos) return out.substr(at + std::string(label).size(), 64);
  }
  return "";
}

// inspect --json of a data log: one object holding the instruments and every input, prices as
// exact decimal strings, no outputs (tests/unit/feed_import_test.cc covers the JSON-lines
// round trip of every shipped file).
TEST(DataLogCli, InspectJsonOfADataLogHoldsInstrumentsAndDecimalInputs) {
  TempDir dir("roundtrip_json");
  const std::string data = dir.path() + "/data";
  ASSERT_EQ(run_tape(std::string("import ") + TAPE_SHARED_DATA +
                     "/orcl-1995-2014.txt --format bars --data-dir " + data)
                .exit_code,
            0);
  auto json = run_tape("inspect --json --to 3 --data-dir " + data);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["instruments"][0]["symbol"], "ORCL");
  EXPECT_EQ(j["instruments"][0]["tick_size"], "0.000001");
  ASSERT_EQ(j["inputs"].size(), 3u);
  EXPECT_EQ(j["inputs"][0]["symbol"], "ORCL");
  EXPECT_EQ(j["inputs"][0]["open"], "2.179012");
  EXPECT_EQ(j["inputs"][0]["ts"], "1995-01-04T00:00:00Z");
  EXPECT_TRUE(j["inputs"][0]["outputs"].empty());
  auto raw = run_tape("inspect --json --raw --to 1 --data-dir " + data);
  EXPECT_EQ(nlohmann::json::parse(raw.out)["inputs"][0]["open"], 2179012);
}

TEST(DataLogCli, ALogWithOneAlteredPriceFailsTheOriginalsHead) {
  TempDir dir("roundtrip_tamper");
  const std::string data = dir.path() + "/data";
  ASSERT_EQ(run_tape(std::string("import ") + TAPE_SHARED_DATA +
                     "/orcl-1995-2014.txt --format bars --data-dir " + data)
                .exit_code,
            0);
  // One close changed in an exported copy and imported: another log, and the original's head
  // (--expect-head) says so.
  const std::string jsonl = dir.path() + "/x.jsonl", edited = dir.path() + "/edited";
  auto exported = run_tape("inspect --jsonl --data-dir " + data);
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::string text = exported.out;
  const size_t at = text.find("\"close\":\"2.117284\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 18, "\"close\":\"2.117285\"");
  std::ofstream(jsonl, std::ios::binary) << text;
  auto r = run_tape("import " + jsonl + " --format jsonl --data-dir " + edited);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto original = run_tape("audit --data-dir " + data);
  const std::string head = head_in(original.out);
  auto audit = run_tape("audit --expect-head " + head + " --data-dir " + edited);
  EXPECT_EQ(audit.exit_code, 3) << audit.out;
  EXPECT_NE(audit.err.find("expected head " + head), std::string::npos) << audit.err;
  // diff names the bar and shows both sides as inspect does: decimals, or ticks with --raw.
  auto diff = run_tape("diff " + data + " " + edited);
  EXPECT_EQ(diff.exit_code, 3) << diff.err;
  EXPECT_NE(diff.out.find("runs part at seq 1 (input)"), std::string::npos) << diff.out;
  EXPECT_NE(diff.out.find("symbol=ORCL open=2.179012 high=2.191358 low=2.117284 close=2.117285"),
            std::string::npos)
      << diff.out;
  auto raw = run_tape("diff --raw " + data + " " + edited);
  EXPECT_NE(raw.out.find("instrument=0 open=2179012"), std::string::npos) << raw.out;
}

TEST(DataLogCli, SnapshotOfADataLogIsRefusedAndChangesNothing) {
  TempDir dir("roundtrip_snapshot");
  const std::string data = dir.path() + "/data";
  ASSERT_EQ(run_tape(std::string("import ") + TAPE_SHARED_DATA + "/bidask.csv --format quotes " +
                     "--data-dir " + data)
                .exit_code,
            0);
  const std::string before = head_in(run_tape("audit --data-dir " + data).out);
  auto r = run_tape("snapshot --data-dir " + data);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is a data log"), std::string::npos) << r.err;
  auto after = run_tape("audit --expect-head " + before + " --data-dir " + data);
  EXPECT_EQ(after.exit_code, 0) << after.out << after.err;
}

TEST(DataLogCli, LobsterFileWithoutItsNameTakesSymbolAndDateFromOptions) {
  TempDir dir("lobster_date");
  std::filesystem::create_directories(dir.path());
  const std::string goog = std::string(TAPE_SHARED_DATA) +
                           "/lobster/GOOG_2012-06-21_34200000_57600000_message_1.csv";
  const std::string plain = dir.path() + "/messages.csv";
  std::filesystem::copy_file(goog, plain);
  auto named = run_tape("import " + goog + " --format lobster --data-dir " + dir.path() + "/a");
  ASSERT_EQ(named.exit_code, 0) << named.err;
  auto bare = run_tape("import " + plain + " --format lobster --data-dir " + dir.path() + "/b");
  EXPECT_NE(bare.exit_code, 0);
  EXPECT_NE(bare.err.find("--date"), std::string::npos) << bare.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/b"));
  auto given = run_tape("import " + plain + " --format lobster --symbol GOOG --date 2012-06-21 " +
                        "--data-dir " + dir.path() + "/c");
  ASSERT_EQ(given.exit_code, 0) << given.err;
  EXPECT_EQ(head_in(given.out), head_in(named.out));
  auto wrong_format = run_tape("import " + plain + " --format trades --date 2012-06-21 " +
                               "--data-dir " + dir.path() + "/d");
  EXPECT_EQ(wrong_format.exit_code, 1) << wrong_format.err;
}

TEST(DataLogCli, HeartbeatsInJsonLinesNameNoInstrument) {
  TempDir dir("jsonl_heartbeat");
  std::filesystem::create_directories(dir.path());
  const std::string jsonl = dir.path() + "/in.jsonl";
  std::ofstream(jsonl) << R"({"ts_ns":1,"type":"heartbeat"})" "\n"
                       << R"({"ts_ns":2,"type":"trade","symbol":"XYZ","price":"10.5","qty":3})" "\n"
                       << R"({"ts_ns":3,"type":"heartbeat"})" "\n";
  auto r = run_tape("import " + jsonl + " --format jsonl --data-dir " + dir.path() + "/log");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(run_tape("inspect --json --data-dir " + dir.path() + "/log").out);
  ASSERT_EQ(j["instruments"].size(), 1u) << j.dump();
  EXPECT_EQ(j["instruments"][0]["symbol"], "XYZ");
  EXPECT_EQ(j["inputs"].size(), 3u);
  EXPECT_EQ(run_tape("audit --data-dir " + dir.path() + "/log").exit_code, 0);
}

}  // namespace
}  // namespace tape
