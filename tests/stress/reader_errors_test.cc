// Every reader of a log (inspect, replay, diff, audit, snapshot, time seek) surfaces the first
// error of the storage with its seq and exit 3, never a partial result with exit 0; and a range
// past the log's end is exit 2, for a seq as for a time.
#include "tamper_util.h"

#include <fstream>

#include <rocksdb/metadata.h>

namespace tape {
namespace {

using tamper::pristine;
using tamper::TamperTest;
using testing_util::CliResult;
using testing_util::run_tape;

class ReaderErrors : public TamperTest {
 protected:
  // Flips one byte a third of the way into the largest `events` table file: inside a data block
  // of a batch in the middle of the log, so RocksDB's block checksum fails when it is read.
  void flip_byte_in_events_sst() {
    std::string file;
    uint64_t size = 0;
    {
      auto log = EventLog::open(dir(), true);
      ASSERT_TRUE(log.is_ok()) << log.status().message();
      std::vector<rocksdb::LiveFileMetaData> files;
      log.value()->db()->GetLiveFilesMetaData(&files);
      for (const auto& f : files) {
        if (f.column_family_name == "events" && f.size > size) {
          size = f.size;
          file = f.db_path + f.name;
        }
      }
    }
    ASSERT_FALSE(file.empty()) << "no events table file: the log was not flushed";
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good()) << file;
    f.seekg(static_cast<std::streamoff>(size / 3));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x01);
    f.seekp(static_cast<std::streamoff>(size / 3));
    f.write(&c, 1);
  }

  // Exit 3, `what` in the message, nothing claiming success.
  static void expect_error(const CliResult& r, const std::string& what, const std::string& cmd) {
    EXPECT_EQ(r.exit_code, 3) << cmd << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(what), std::string::npos) << cmd << ": expected '" << what << "' in "
                                                  << r.err;
    EXPECT_EQ(r.out.find("ok: every check held"), std::string::npos) << cmd;
  }

  void expect_every_reader_fails(const std::string& what) {
    for (const std::string cmd : {"inspect", "inspect --json", "replay", "replay --verify", "audit",
                                  "inspect --from 1ms"}) {
      expect_error(run_tape(cmd + " --data-dir " + dir()), what, cmd);
    }
    expect_error(run_tape("diff " + pristine().dir + " " + dir()), what, "diff");
    // `snapshot` replays from the newest snapshot: without any, it reads the whole log.
    {
      auto log = open_rw();
      ASSERT_TRUE(log);
      auto seqs = snapshot_seqs(*log);
      ASSERT_TRUE(seqs.is_ok());
      for (Seq s : seqs.value()) {
        ASSERT_TRUE(log->db()->Delete(rocksdb::WriteOptions(), log->cf("snapshots"), seq_key(s)).ok());
      }
    }
    expect_error(run_tape("snapshot --data-dir " + dir()), what, "snapshot");
  }
};

TEST_F(ReaderErrors, InspectExitsThreeOnFlippedSstByte) {
  flip_byte_in_events_sst();
  auto r = run_tape("inspect --json --data-dir " + dir());
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("corrupt"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("at seq "), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("\"error\":"), std::string::npos) << "the JSON must say it is partial";
}

TEST_F(ReaderErrors, EveryReaderNamesTheChecksumErrorOfAFlippedSstByte) {
  flip_byte_in_events_sst();
  expect_every_reader_fails("corrupt");
  auto r = run_tape("replay --verify --data-dir " + dir());
  EXPECT_EQ(r.err.find("log ends at"), std::string::npos) << "the checksum must win: " << r.err;
}

TEST_F(ReaderErrors, EveryReaderRejectsAMalformedKeyBetweenBatches) {
  const RawBatch b = raw_batch(10);
  put_raw("events", seq_key(b.first_seq) + "x", b.events);
  expect_every_reader_fails("malformed events key");
}

TEST_F(ReaderErrors, EveryReaderRejectsASeqGap) {
  const RawBatch b = raw_batch(10);
  delete_raw("events", seq_key(b.first_seq));
  delete_raw("outputs", seq_key(b.first_seq));
  expect_every_reader_fails("expected the batch starting at seq " +
                            std::to_string(b.first_seq.value()));
}

TEST_F(ReaderErrors, EveryReaderRejectsAnUndecodableBlock) {
  RawBatch b = raw_batch(10);
  b.events[kBatchHeaderBytes + 1] ^= 0x7f;  // the Cap'n Proto segment table
  put_raw("events", seq_key(b.first_seq), b.events);
  expect_every_reader_fails("seq " + std::to_string(b.first_seq.value()));
}

TEST_F(ReaderErrors, ReplayFromPastEndIsExitTwo) {
  for (const std::string cmd : {"replay --verify", "replay", "inspect"}) {
    auto r = run_tape(cmd + " --from 20000 --data-dir " + dir());
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("ends at seq " + std::to_string(pristine().last_seq)), std::string::npos)
        << r.err;
  }
  auto last = run_tape("inspect --from " + std::to_string(pristine().last_seq) + " --data-dir " +
                       dir());
  EXPECT_EQ(last.exit_code, 0) << last.err;
  EXPECT_NE(last.out.find("seq=" + std::to_string(pristine().last_seq)), std::string::npos);
}

}  // namespace
}  // namespace tape
