// A real run's log whose last batches are only in the write-ahead log, as a killed run leaves
// it: a flipped bit there is corruption naming the WAL (never a silently shorter log that audits
// "ok"), and a torn last record, though dropped on open, still fails the audit of a log that
// says its run completed.
#include "tamper_util.h"

#include <fstream>
#include <iterator>

#include <rocksdb/write_batch.h>

#include "store/chain.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

using tamper::pristine;
using tamper::TamperTest;
using testing_util::TempDir;

constexpr size_t kWalBatches = 3;

class TamperWal : public TamperTest {
 protected:
  // Takes the last kWalBatches batches out of the table files, then writes them back the way
  // the log writer does (batch and counters in one WriteBatch) and copies the dir while the
  // log is still open, so they exist only in the copy's WAL.
  void SetUp() override {
    TamperTest::SetUp();
    std::vector<RawBatch> tail;
    for (size_t i = pristine().batches - kWalBatches; i < pristine().batches; ++i) {
      tail.push_back(raw_batch(i));
    }
    const RawBatch before = raw_batch(pristine().batches - kWalBatches - 1);
    {
      auto log = open_rw();
      ASSERT_TRUE(log);
      rocksdb::WriteBatch cut;
      for (const RawBatch& b : tail) {
        ASSERT_TRUE(cut.Delete(log->cf("events"), seq_key(b.first_seq)).ok());
        ASSERT_TRUE(cut.Delete(log->cf("outputs"), seq_key(b.first_seq)).ok());
      }
      put_counters(*log, cut, before, pristine().batches - kWalBatches);
      ASSERT_TRUE(log->db()->Write(rocksdb::WriteOptions(), &cut).ok());
    }  // closing flushes the cut log to table files
    auto log = open_rw();
    ASSERT_TRUE(log);
    for (size_t i = 0; i < tail.size(); ++i) {
      rocksdb::WriteBatch wb;
      ASSERT_TRUE(wb.Put(log->cf("events"), seq_key(tail[i].first_seq), tail[i].events).ok());
      ASSERT_TRUE(wb.Put(log->cf("outputs"), seq_key(tail[i].first_seq), tail[i].outputs).ok());
      put_counters(*log, wb, tail[i], pristine().batches - kWalBatches + i + 1);
      ASSERT_TRUE(log->db()->Write(rocksdb::WriteOptions(), &wb).ok());
    }
    fs::copy(dir(), killed_.path(), fs::copy_options::recursive);
    uintmax_t biggest = 0;
    for (const auto& e : fs::directory_iterator(killed_.path())) {
      if (e.path().extension() == ".log" && e.file_size() >= biggest) {
        biggest = e.file_size();
        wal_ = e.path();
      }
    }
    ASSERT_FALSE(wal_.empty());
    ASSERT_GT(fs::file_size(wal_), 10000u) << "the tail batches are not in the WAL";
  }

  static void put_counters(EventLog& log, rocksdb::WriteBatch& wb, const RawBatch& last,
                           uint64_t batches) {
    ASSERT_TRUE(wb.Put(log.cf("meta"), "last_seq", std::to_string(last.inputs.back().seq.value())).ok());
    ASSERT_TRUE(wb.Put(log.cf("meta"), "batch_count", std::to_string(batches)).ok());
    ASSERT_TRUE(wb.Put(log.cf("meta"), "chain_head",
                       to_hex(last.events.substr(kBatchMagic.size(), kChainLinkBytes))).ok());
  }

  void rewrite_wal(const std::function<void(std::string&)>& edit) {
    testing_util::rewrite_file(wal_, edit);
  }

  testing_util::CliResult audit_killed() {
    return testing_util::run_tape("audit --json --data-dir " + killed_.path());
  }

  TempDir killed_{"tamper_wal"};
  fs::path wal_;
};

TEST_F(TamperWal, TheUntouchedWalReplaysToTheWholeLog) {
  auto r = audit_killed();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(testing_util::json_number(r.out, "inputs"), static_cast<double>(pristine().last_seq));
}

TEST_F(TamperWal, AFlippedBitMidWalFailsTheAuditNamingTheWal) {
  rewrite_wal([](std::string& b) { b[b.size() / 2] ^= 0x04; });
  auto r = audit_killed();
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find(wal_.filename().string()), std::string::npos) << r.err;
}

TEST_F(TamperWal, AWalCutMidRecordFailsTheAuditOfACompletedLog) {
  rewrite_wal([](std::string& b) { b.resize(b.size() - 100); });
  auto r = audit_killed();
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("at seq "), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tape
