// Nothing in a log may be unexplained: every key of every column family and every meta counter
// is accounted for by `tape audit` (exit 3 naming the seq or key), and the chain-head anchor
// catches a log cut short and re-chained.
#include "tamper_util.h"

#include <cctype>

#include "store/chain.h"

namespace tape {
namespace {

using tamper::pristine;
using tamper::TamperTest;

class TamperKeys : public TamperTest {};

TEST_F(TamperKeys, AuditRejectsExtraRecordAtKeyZeroInEvents) {
  put_raw("events", seq_key(Seq(0)), raw_batch(0).events);
  expect_audit_fails_at(0);
}

TEST_F(TamperKeys, AuditRejectsExtraRecordAtKeyZeroInOutputs) {
  put_raw("outputs", seq_key(Seq(0)), raw_batch(0).outputs);
  expect_audit_fails_naming("outputs record keyed seq 0 belongs to no events batch");
}

TEST_F(TamperKeys, AuditRejectsOutputsRecordBetweenBatches) {
  const RawBatch b = raw_batch(3);
  put_raw("outputs", seq_key(Seq(b.first_seq.value() + 1)), b.outputs);
  expect_audit_fails_naming("seq " + std::to_string(b.first_seq.value() + 1));
}

TEST_F(TamperKeys, AuditRejectsBatchCountOneLow) {
  put_raw("meta", "batch_count", std::to_string(pristine().batches - 1));
  expect_audit_fails_naming("meta batch_count");
}

TEST_F(TamperKeys, AuditRejectsBatchCountOneHigh) {
  put_raw("meta", "batch_count", std::to_string(pristine().batches + 1));
  expect_audit_fails_naming("meta batch_count");
}

TEST_F(TamperKeys, AuditRejectsCompleteSetToTwo) {
  put_raw("meta", "complete", "2");
  expect_audit_fails_naming("meta complete");
}

TEST_F(TamperKeys, AuditRejectsCompleteSetEmpty) {
  put_raw("meta", "complete", "");
  expect_audit_fails_naming("meta complete");
}

TEST_F(TamperKeys, AuditRejectsTsLastThatIsNotANumber) {
  put_raw("meta", "ts_last", "x");
  expect_audit_fails_naming("meta ts_last");
}

TEST_F(TamperKeys, AuditRejectsTsLastThatIsNotTheLastInputsTime) {
  const std::string real = get_raw("meta", "ts_last");
  put_raw("meta", "ts_last", std::to_string(std::stoll(real) + 1));
  expect_audit_fails_naming("meta ts_last");
}

TEST_F(TamperKeys, AuditRequiresTheSnapshotsTheRecordedCadenceTakes) {
  auto log = open_rw();
  ASSERT_TRUE(log);
  auto seqs = snapshot_seqs(*log);
  ASSERT_TRUE(seqs.is_ok());
  ASSERT_FALSE(seqs.value().empty());
  for (Seq s : seqs.value()) {
    ASSERT_TRUE(log->db()->Delete(rocksdb::WriteOptions(), log->cf("snapshots"), seq_key(s)).ok());
  }
  log.reset();
  expect_audit_fails_at(2000);
}

// A run killed after the batch holding seq 14000 was durable but before the snapshot it takes
// there was written: a log with no end-of-run meta and no snapshot at the last cadence point.
class TamperKilledRun : public TamperTest {
 protected:
  void kill_before_last_snapshot() {
    for (const char* key : {"summary", "complete", "ts_last", "state_hash"}) delete_raw("meta", key);
    delete_raw("snapshots", seq_key(Seq(14000)));
  }
};

TEST_F(TamperKilledRun, AuditAcceptsAKilledRunWithoutItsLastCadenceSnapshot) {
  kill_before_last_snapshot();
  const testing_util::CliResult r = audit();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(TamperKilledRun, AuditStillRequiresEveryEarlierCadenceSnapshot) {
  kill_before_last_snapshot();
  delete_raw("snapshots", seq_key(Seq(12000)));
  expect_audit_fails_at(12000);
}

TEST_F(TamperKilledRun, ResumeRetakesTheMissingCadenceSnapshotByteForByte) {
  const std::string original = get_raw("snapshots", seq_key(Seq(14000)));
  kill_before_last_snapshot();
  const testing_util::CliResult r = testing_util::run_tape(
      "run scenarios/quickstart.toml --resume --set snapshot.every_events=2000 --data-dir " + dir());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(get_raw("snapshots", seq_key(Seq(14000))), original);
  const testing_util::CliResult a = audit("--expect-head " + pristine().chain_head);
  EXPECT_EQ(a.exit_code, 0) << a.out << a.err;
}

TEST_F(TamperKeys, AuditRequiresTheLastCadenceSnapshotOfACompleteLog) {
  delete_raw("snapshots", seq_key(Seq(14000)));
  expect_audit_fails_at(14000);
}

TEST_F(TamperKeys, AuditRejectsASnapshotCopiedToKeyZero) {
  put_raw("snapshots", seq_key(Seq(0)), get_raw("snapshots", seq_key(Seq(2000))));
  expect_audit_fails_at(0);
}

TEST_F(TamperKeys, AuditRejectsASnapshotCopiedToAnotherSeq) {
  put_raw("snapshots", seq_key(Seq(3000)), get_raw("snapshots", seq_key(Seq(2000))));
  expect_audit_fails_at(3000);
}

TEST_F(TamperKeys, AuditRejectsASnapshotPastTheEndOfACompleteLog) {
  put_raw("snapshots", seq_key(Seq(pristine().last_seq + 5)),
          get_raw("snapshots", seq_key(Seq(2000))));
  expect_audit_fails_at(pristine().last_seq + 5);
}

TEST_F(TamperKeys, AuditRejectsARecordInTheDefaultColumnFamily) {
  put_raw("default", "note", "x");
  expect_audit_fails_naming("default key 'note'");
}

TEST_F(TamperKeys, AuditRejectsAnUnknownMetaKey) {
  put_raw("meta", "owner", "mallory");
  expect_audit_fails_naming("meta owner");
}

// The forger the chain-head anchor exists for: drops the last batch, points the counters at
// the batch before (whose
// link is unchanged, so the chain recomputes) and removes the end-of-run keys, so the log looks
// like a run killed one batch early. Only the head `run` printed tells.
class ExpectHead : public TamperTest {
 protected:
  uint64_t forge_truncation() {
    const RawBatch last = raw_batch(pristine().batches - 1);
    const RawBatch before = raw_batch(pristine().batches - 2);
    auto log = open_rw();
    EXPECT_TRUE(log);
    if (!log) return 0;
    auto* db = log->db();
    const rocksdb::WriteOptions wo;
    EXPECT_TRUE(db->Delete(wo, log->cf("events"), seq_key(last.first_seq)).ok());
    EXPECT_TRUE(db->Delete(wo, log->cf("outputs"), seq_key(last.first_seq)).ok());
    const uint64_t new_last = last.first_seq.value() - 1;
    EXPECT_TRUE(db->Put(wo, log->cf("meta"), "last_seq", std::to_string(new_last)).ok());
    EXPECT_TRUE(db->Put(wo, log->cf("meta"), "batch_count",
                        std::to_string(pristine().batches - 1)).ok());
    EXPECT_TRUE(db->Put(wo, log->cf("meta"), "chain_head",
                        to_hex(before.events.substr(kBatchMagic.size(), 32))).ok());
    for (const char* key : {"state_hash", "ts_last", "complete", "summary"}) {
      EXPECT_TRUE(db->Delete(wo, log->cf("meta"), key).ok());
    }
    return new_last;
  }
};

TEST_F(ExpectHead, GenuineLogPassesWithTheHeadRunPrinted) {
  auto r = audit("--expect-head " + pristine().chain_head);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"head_checked\":true"), std::string::npos) << r.out;
}

TEST_F(ExpectHead, ExpectHeadCatchesRechainedTruncation) {
  const uint64_t new_last = forge_truncation();
  auto plain = audit();
  ASSERT_EQ(plain.exit_code, 0) << "the forgery should pass a plain audit: " << plain.err;
  auto r = audit("--expect-head " + pristine().chain_head);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("expected head " + pristine().chain_head + ", log ends at head "),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("at seq " + std::to_string(new_last)), std::string::npos) << r.err;
}

TEST_F(ExpectHead, ABadHexHeadIsAUsageError) {
  for (const std::string& bad : {std::string("xyz"), std::string(63, 'a'), std::string(64, 'g')}) {
    auto r = audit("--expect-head " + bad);
    EXPECT_EQ(r.exit_code, 1) << bad << ": " << r.err;
  }
}

TEST_F(ExpectHead, UppercaseHexIsTheSameHead) {
  std::string upper = pristine().chain_head;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(audit("--expect-head " + upper).exit_code, 0);
}

}  // namespace
}  // namespace tape
