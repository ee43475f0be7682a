// Every shipped data file imports with default options into a data log that audits clean, reads
// back through inspect (text, --json, --jsonl), and exported as JSON lines imports again into a
// log with the same chain head: the export loses nothing and invents nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

#include "cli_util.h"

namespace tape {
namespace {

using testing_util::run_tape;
using testing_util::TempDir;

struct Shipped {
  const char* file;
  const char* format;
  const char* symbol;
  uint64_t rows;
};

constexpr Shipped kShipped[] = {
    {"orcl-1995-2014.txt", "bars", "ORCL", 5036},
    {"2006-min-005.txt", "bars", "2006-MIN-005", 2142},
    {"ticksample.csv", "bars", "TICKSAMPLE", 135},
    {"bidask.csv", "quotes", "BIDASK", 10},
    {"lobster/GOOG_2012-06-21_34200000_57600000_message_1.csv", "lobster", "GOOG", 49482},
};

// The chain head an import or audit printed as "chain_head H" / "chain head H".
std::string head_in(const std::string& out) {
  for (const char* label : {"chain_head ", "chain head "}) {
    const size_t at = out.find(label);
    if (at != std::string::npos) return out.substr(at + std::string(label).size(), 64);
  }
  return "";
}

class ImportRoundTrip : public testing::TestWithParam<Shipped> {};

TEST_P(ImportRoundTrip, ExportedJsonLinesImportBackToTheSameChainHead) {
  const Shipped& s = GetParam();
  TempDir dir(std::string("roundtrip_") + s.format);
  const std::string data = dir.path() + "/data", again = dir.path() + "/again";
  const std::string jsonl = dir.path() + "/export.jsonl";
  auto imported = run_tape(std::string("import ") + TAPE_SHARED_DATA + "/" + s.file +
                           " --format " + s.format + " --data-dir " + data);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const std::string head = head_in(imported.out);
  ASSERT_EQ(head.size(), 64u) << imported.out;

  auto audit = run_tape("audit --expect-head " + head + " --data-dir " + data);
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
  EXPECT_NE(audit.out.find("inputs " + std::to_string(s.rows) + ","), std::string::npos)
      << audit.out;

  auto json = run_tape("inspect --json --to 3 --data-dir " + data);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["instruments"][0]["symbol"], s.symbol);
  ASSERT_EQ(j["inputs"].size(), 3u);
  EXPECT_EQ(j["inputs"][0]["symbol"], s.symbol);
  EXPECT_TRUE(j["inputs"][0]["outputs"].empty());

  auto exported = run_tape("inspect --jsonl --data-dir " + data);
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::ofstream(jsonl, std::ios::binary) << exported.out;
  auto reimported = run_tape("import " + jsonl + " --format jsonl --data-dir " + again);
  ASSERT_EQ(reimported.exit_code, 0) << reimported.err;
  EXPECT_EQ(head_in(reimported.out), head) << reimported.out;
  auto reaudit = run_tape("audit --expect-head " + head + " --data-dir " + again);
  EXPECT_EQ(reaudit.exit_code, 0) << reaudit.out << reaudit.err;
}

INSTANTIATE_TEST_SUITE_P(ShippedFiles, ImportRoundTrip, testing::ValuesIn(kShipped),
                         [](const testing::TestParamInfo<Shipped>& info) {
                           std::string name = info.param.symbol;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(ImportRoundTrip, ALogWithOneAlteredPriceFailsTheOriginalsHead) {
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
}

TEST(ImportRoundTrip, SnapshotOfADataLogIsRefusedAndChangesNothing) {
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

}  // namespace
}  // namespace tape
