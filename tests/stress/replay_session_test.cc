// `tape replay` through the session loop: a shipped scenario's log replays to the run's state
// hash, --verify holds, and a replay from a snapshot ends where one from seq 1 does; a data log
// imported by `tape import` replays deterministically into a core built from its instruments,
// its crossed quotes counted as rejects, and its --verify says there is nothing to compare; a
// replay recorded into a new log (--out) diffs empty against the run and audits.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include <rocksdb/db.h>

#include "cli_util.h"
#include "feed/data_log.h"
#include "tamper_util.h"
#include "store/event_log.h"

namespace tape {
namespace {

using nlohmann::json;
using testing_util::CliResult;
using testing_util::run_tape;
using testing_util::TempDir;

const std::string kData = TAPE_SHARED_DATA;
constexpr const char* kQuickstartHash = "501e0c77fa191e734f5e05c93af97968";  // shipped_hashes

json parse(const CliResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

// One quickstart run with a snapshot every 1000 inputs, shared by the tests below.
class ReplayRun : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("replay_session_run");
    auto r = run_tape("run scenarios/quickstart.toml --json --set snapshot.every_events=1000 "
                      "--data-dir " + dir_->path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    run_ = new json(json::parse(r.out));
  }
  static void TearDownTestSuite() {
    delete run_;
    delete dir_;
  }
  static const std::string& dir() { return dir_->path(); }
  static const json& run() { return *run_; }

  static TempDir* dir_;
  static json* run_;
};
TempDir* ReplayRun::dir_ = nullptr;
json* ReplayRun::run_ = nullptr;

TEST_F(ReplayRun, ReplayReachesTheRunsStateHash) {
  const json rep = parse(run_tape("replay --json --data-dir " + dir()));
  EXPECT_EQ(rep["state_hash"], run()["state_hash"]);
  EXPECT_EQ(rep["state_hash"], kQuickstartHash);
  EXPECT_EQ(rep["seq_last"], run()["seq_last"]);
  EXPECT_EQ(rep["events_in"], run()["events_in"]);
  EXPECT_EQ(rep["events_out"], run()["events_out"]);
  EXPECT_EQ(rep["rejects_by_reason"], run()["rejects_by_reason"]);
  EXPECT_EQ(rep["from_snapshot"], 0);
  EXPECT_EQ(rep["verified"], false);
}

TEST_F(ReplayRun, VerifyComparesEveryRecordedOutputAndTheFinalHash) {
  const json rep = parse(run_tape("replay --verify --json --data-dir " + dir()));
  EXPECT_EQ(rep["verified"], true);
  EXPECT_EQ(rep["state_hash_verified"], true);
  EXPECT_EQ(rep["outputs_compared"], run()["events_out"]);
  EXPECT_EQ(rep["inputs_replayed"], run()["seq_last"]);
}

TEST_F(ReplayRun, ReplayFromASnapshotEndsAtTheHashOfAReplayFromSeqOne) {
  const json from_one = parse(run_tape("replay --json --data-dir " + dir()));
  const json from_snap = parse(run_tape("replay --verify --json --from 5500 --data-dir " + dir()));
  EXPECT_EQ(from_snap["from_snapshot"], 5000);
  EXPECT_EQ(from_snap["inputs_replayed"], run()["seq_last"].get<uint64_t>() - 5000);
  EXPECT_EQ(from_snap["state_hash"], from_one["state_hash"]);
  EXPECT_EQ(from_snap["state_hash_verified"], true);
  EXPECT_GT(from_snap["outputs_compared"].get<uint64_t>(), 0u);
  EXPECT_LT(from_snap["outputs_compared"], run()["events_out"]);
}

TEST_F(ReplayRun, ReplayToASeqStopsThereAndVerifiesNoFinalHash) {
  const json rep = parse(run_tape("replay --verify --json --to 3000 --data-dir " + dir()));
  EXPECT_EQ(rep["seq_last"], 3000);
  EXPECT_EQ(rep["inputs_replayed"], 3000);
  EXPECT_EQ(rep["state_hash_verified"], false);
  EXPECT_NE(rep["state_hash"], run()["state_hash"]);
}

// An input stamped before its predecessor can only come from an edited log (the sequencer never
// writes one): the replay names it instead of handing the core a time it must refuse.
class ReplayTampered : public tamper::TamperTest {};

TEST_F(ReplayTampered, AnInputGoingBackInTimeIsAMismatchNamingItsSeq) {
  uint64_t seq = 0;
  edit_batch(3, [&seq](std::vector<Input>& inputs) {
    ASSERT_GE(inputs.size(), 3u);
    Input& in = inputs[inputs.size() / 2];
    seq = in.seq.value();
    in.ts = Timestamp(inputs.front().ts.value() - 1);
  });
  for (const std::string cmd : {"replay", "replay --verify"}) {
    auto r = run_tape(cmd + " --data-dir " + dir());
    EXPECT_EQ(r.exit_code, 3) << cmd << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("input at seq " + std::to_string(seq) + " is stamped"),
              std::string::npos) << r.err;
    EXPECT_NE(r.err.find("never goes backwards"), std::string::npos) << r.err;
  }
}

// Rows of a TIMESTAMP,BID,ASK file whose bid is at or above its ask (the core's crossed quote).
int crossed_rows(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  int crossed = 0;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string ts, bid, ask;
    std::getline(row, ts, ',');
    std::getline(row, bid, ',');
    std::getline(row, ask, ',');
    if (std::stod(bid) >= std::stod(ask)) ++crossed;  // test oracle only: the file's 4 decimals
  }
  return crossed;
}

std::string import_quotes(const std::string& file, const TempDir& dir) {
  auto r = run_tape("import " + file + " --format quotes --data-dir " + dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return dir.path();
}

TEST(DataLogReplay, ImportedQuotesReplayToTheSameStateHashTwice) {
  TempDir d("replay_session_bidask");
  const std::string dir = import_quotes(kData + "/bidask.csv", d);
  const json first = parse(run_tape("replay --data-dir " + dir + " --json"));
  const json second = parse(run_tape("replay --data-dir " + dir + " --json"));
  EXPECT_EQ(first["state_hash"], second["state_hash"]);
  EXPECT_EQ(first["state_hash"].get<std::string>().size(), 32u);
  EXPECT_EQ(first["log_kind"], "data");
  EXPECT_EQ(first["events_in"], 10);
  EXPECT_EQ(first["seq_last"], 10);
  const int crossed = crossed_rows(kData + "/bidask.csv");
  EXPECT_EQ(first["rejects"], crossed);
  EXPECT_EQ(first["rejects_by_reason"].value("crossed_quote", 0), crossed);
}

TEST(DataLogReplay, CrossedQuotesBecomeInputRejectedCountedByReason) {
  TempDir files("replay_session_crossed_csv");
  std::filesystem::create_directories(files.path());
  const std::string csv = files.path() + "/crossed.csv";
  std::ofstream(csv) << "TIMESTAMP,BID,ASK\n"
                        "02/03/2010 16:53:50,0.5346,0.5347\n"
                        "02/03/2010 16:53:51,0.5348,0.5347\n"   // bid above ask
                        "02/03/2010 16:53:52,0.5345,0.5345\n"   // locked: bid = ask
                        "02/03/2010 16:53:53,0.5342,0.5344\n";
  ASSERT_EQ(crossed_rows(csv), 2);
  TempDir d("replay_session_crossed");
  const json rep = parse(run_tape("replay --json --data-dir " + import_quotes(csv, d)));
  EXPECT_EQ(rep["events_in"], 4);
  EXPECT_EQ(rep["rejects"], 2);
  EXPECT_EQ(rep["rejects_by_reason"], json({{"crossed_quote", 2}}));
  EXPECT_EQ(rep["events_out"], 2);  // one InputRejected each, nothing else: no strategies
}

TEST(DataLogReplay, VerifySaysADataLogHasNoOutputsToCompare) {
  TempDir d("replay_session_verify");
  const std::string dir = import_quotes(kData + "/bidask.csv", d);
  const json rep = parse(run_tape("replay --verify --json --data-dir " + dir));
  EXPECT_EQ(rep["verified"], false);
  EXPECT_EQ(rep["outputs_compared"], 0);
  EXPECT_EQ(rep["state_hash_verified"], false);
  EXPECT_EQ(rep["data_log_checked"], true);
  EXPECT_NE(rep["data_log_verify"].get<std::string>().find("no outputs"), std::string::npos);
  auto text = run_tape("replay --verify --data-dir " + dir);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("verified       data log only:"), std::string::npos) << text.out;
}

// The log still opens (its counters and chain head agree) but no longer accounts for its import.
TEST(DataLogReplay, VerifyOfADataLogThatFailsItsAuditExitsThree) {
  TempDir d("replay_session_no_import");
  const std::string dir = import_quotes(kData + "/bidask.csv", d);
  {
    auto log = EventLog::open(dir, /*read_only=*/false);
    ASSERT_TRUE(log.is_ok()) << log.status().message();
    ASSERT_TRUE(log.value()
                    ->db()
                    ->Delete(rocksdb::WriteOptions(), log.value()->cf("meta"),
                             std::string(kMetaImport))
                    .ok());
  }
  auto r = run_tape("replay --verify --data-dir " + dir);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("data log fails its audit"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("import"), std::string::npos) << r.err;
  EXPECT_EQ(run_tape("replay --data-dir " + dir).exit_code, 0) << "without --verify: no audit";
}

TEST(DataLogReplay, ReplayToASeqStopsThere) {
  TempDir d("replay_session_to");
  const std::string dir = import_quotes(kData + "/bidask.csv", d);
  const json rep = parse(run_tape("replay --to 4 --json --data-dir " + dir));
  EXPECT_EQ(rep["events_in"], 4);
  EXPECT_EQ(rep["seq_last"], 4);
  EXPECT_EQ(rep["inputs_replayed"], 4);
}

TEST(DataLogReplay, AFineTickRunsAtAFinerMoneyScale) {
  // Yahoo's 6-decimal prices: the run's money unit becomes 10^-6, so every notional is exact.
  TempDir d("replay_session_orcl");
  auto imp = run_tape("import " + kData + "/orcl-1995-2014.txt --format bars --data-dir " +
                      d.path());
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  const json rep = parse(run_tape("replay --json --data-dir " + d.path()));
  EXPECT_EQ(rep["events_in"], 5036);
  EXPECT_EQ(rep["rejects"], 0);
}

TEST(DataLogReplay, ATickFinerThanAnyMoneyScaleIsRefusedNamingTheInstrument) {
  TempDir d("replay_session_orcl_fine");
  auto imp = run_tape("import " + kData + "/orcl-1995-2014.txt --format bars --tick-size "
                      "0.0000000001 --data-dir " + d.path());
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  auto r = run_tape("replay --json --data-dir " + d.path());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find(d.path()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("instrument ORCL"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tick size 0.0000000001"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(DataLogReplay, AFineTickWithAWholeMoneyPerLotReplays) {
  TempDir d("replay_session_orcl_lot");
  auto imp = run_tape("import " + kData + "/orcl-1995-2014.txt --format bars --lot-size 100 "
                      "--data-dir " + d.path());
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  const json rep = parse(run_tape("replay --json --data-dir " + d.path()));
  EXPECT_EQ(rep["events_in"], 5036);
  EXPECT_EQ(rep["rejects"], 0);
}

TEST_F(ReplayRun, ReplayRecordedIntoANewLogDiffsEmptyAndAudits) {
  TempDir out("replay_session_out");
  const std::string replayed = out.path() + "/log";
  const json rep = parse(run_tape("replay --verify --json --data-dir " + dir() + " --out " + replayed));
  EXPECT_EQ(rep["state_hash"], run()["state_hash"]);
  const CliResult diff = run_tape("diff " + dir() + " " + replayed);
  EXPECT_EQ(diff.exit_code, 0) << diff.out << diff.err;
  EXPECT_NE(diff.out.find("identical: " + std::to_string(run()["seq_last"].get<uint64_t>()) +
                          " inputs"),
            std::string::npos)
      << diff.out;
  const CliResult audit = run_tape("audit --data-dir " + replayed);
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
}

TEST_F(ReplayRun, ReplayOutRefusesARangeAnUsedDirAndADataLog) {
  TempDir out("replay_session_out_bad");
  const std::string replayed = out.path() + "/log";
  const CliResult range = run_tape("replay --to 3000 --data-dir " + dir() + " --out " + replayed);
  EXPECT_EQ(range.exit_code, 1) << range.err;
  EXPECT_NE(range.err.find("--out records the whole log"), std::string::npos) << range.err;
  EXPECT_FALSE(std::filesystem::exists(replayed));
  const CliResult used = run_tape("replay --data-dir " + dir() + " --out " + dir());
  EXPECT_EQ(used.exit_code, 2) << used.err;
  EXPECT_NE(used.err.find("is not empty"), std::string::npos) << used.err;
  TempDir d("replay_session_out_data");
  const std::string data = import_quotes(kData + "/bidask.csv", d);
  const CliResult of_data = run_tape("replay --data-dir " + data + " --out " + replayed);
  EXPECT_EQ(of_data.exit_code, 2) << of_data.err;
  EXPECT_NE(of_data.err.find("a data log records no run"), std::string::npos) << of_data.err;
}

}  // namespace
}  // namespace tape
