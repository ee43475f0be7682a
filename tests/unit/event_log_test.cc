// The RocksDB event log: append/flush/reopen, the hash chain, iteration, directory safety, meta,
// sync modes and the bounded queue behave as documented, and refusals name their dir.
#include "store/event_log.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "store/chain.h"
#include "unit/event_log_fixture.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

using testing_util::append_batches;
using testing_util::batch_starts;
using testing_util::EventLogTest;
using testing_util::make_batch;
using testing_util::reference_link;

TEST(SeqKeyTest, BigEndianOrderIsSeqOrderAndRoundTrips) {
  EXPECT_EQ(seq_key(Seq(0x0102030405060708)), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_LT(seq_key(Seq(255)), seq_key(Seq(256)));
  auto back = parse_seq_key(seq_key(Seq(123456789)));
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(back.value(), Seq(123456789));
  EXPECT_EQ(parse_seq_key("short").status().code(), StatusCode::kMismatch);
}

TEST_F(EventLogTest, CreateAppendFlushReopenFindsLastSeqAndChainHead) {
  std::string head;
  {
    auto log = create();
    EXPECT_EQ(log->last_seq(), Seq(0));
    EXPECT_EQ(log->chain_head(), std::string(64, '0'));
    append_batches(*log, 0, 5, 10);
    ASSERT_TRUE(log->flush().is_ok());
    EXPECT_EQ(log->last_seq(), Seq(50));
    EXPECT_EQ(log->batch_count(), 5u);
    head = log->chain_head();
    EXPECT_NE(head, std::string(64, '0'));
  }
  auto log = open(/*read_only=*/true);
  EXPECT_EQ(log->last_seq(), Seq(50));
  EXPECT_EQ(log->batch_count(), 5u);
  EXPECT_EQ(log->chain_head(), head);
  EXPECT_EQ(log->get_meta(kMetaFormatVersion).value(), std::optional<std::string>("1"));
  EXPECT_EQ(log->get_meta(kMetaTapeVersion).value(), std::optional<std::string>(kTapeVersion));
}

TEST_F(EventLogTest, StoredLinksFollowTheDocumentedChainFormula) {
  {
    auto log = create();
    append_batches(*log, 0, 4, 3);
    ASSERT_TRUE(log->flush().is_ok());
  }
  auto log = open(true);
  std::string prev = zero_link();
  uint64_t first = 1;
  auto c = log->batches();
  for (auto more = c.next(); more.is_ok() && more.value(); more = c.next(), first += 3) {
    const EncodedBatch b = make_batch(first, first + 2);
    EXPECT_EQ(c.first_seq(), Seq(first));
    EXPECT_EQ(c.inputs(), b.inputs);
    EXPECT_EQ(c.outputs(), b.outputs);
    prev = reference_link(prev, b);
    EXPECT_EQ(c.link(), prev) << "batch at seq " << first;
  }
  EXPECT_EQ(first, 13u);
  EXPECT_EQ(log->chain_head(), to_hex(prev));
}

TEST_F(EventLogTest, AppendAfterReopenContinuesTheChainAsIfWrittenInOneGo) {
  std::string one_go;
  {
    auto log = create();
    append_batches(*log, 0, 6, 7);
    ASSERT_TRUE(log->flush().is_ok());
    one_go = log->chain_head();
  }
  dir_ = (root_ / "resumed").string();
  {
    auto log = create();
    append_batches(*log, 0, 4, 7);
    ASSERT_TRUE(log->flush().is_ok());
  }
  {
    auto log = open(/*read_only=*/false);
    EXPECT_EQ(log->last_seq(), Seq(28));
    append_batches(*log, 28, 2, 7);
    ASSERT_TRUE(log->flush().is_ok());
    EXPECT_EQ(log->chain_head(), one_go);
  }
  auto log = open(true);
  EXPECT_EQ(log->chain_head(), one_go);
  EXPECT_EQ(log->batch_count(), 6u);
  EXPECT_EQ(log->last_seq(), Seq(42));
}

TEST_F(EventLogTest, IterationStartsAtTheBatchContainingFrom) {
  auto log = create();
  append_batches(*log, 0, 5, 10);  // batches start at 1, 11, 21, 31, 41
  ASSERT_TRUE(log->flush().is_ok());
  EXPECT_EQ(batch_starts(*log, Seq(1)), (std::vector<uint64_t>{1, 11, 21, 31, 41}));
  EXPECT_EQ(batch_starts(*log, Seq(0)), (std::vector<uint64_t>{1, 11, 21, 31, 41}));
  EXPECT_EQ(batch_starts(*log, Seq(25)), (std::vector<uint64_t>{21, 31, 41}));
  EXPECT_EQ(batch_starts(*log, Seq(31)), (std::vector<uint64_t>{31, 41}));
  EXPECT_EQ(batch_starts(*log, Seq(30)), (std::vector<uint64_t>{21, 31, 41}));
  EXPECT_EQ(batch_starts(*log, Seq(50)), (std::vector<uint64_t>{41}));
  EXPECT_TRUE(batch_starts(*log, Seq(51)).empty());
}

TEST_F(EventLogTest, EmptyLogIteratesNothing) {
  auto log = create();
  EXPECT_TRUE(batch_starts(*log, Seq(1)).empty());
}

TEST_F(EventLogTest, RefusesANonEmptyDirWithoutOverwrite) {
  { auto log = create(); }
  auto again = EventLog::create(dir_, {}, /*overwrite=*/false);
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(again.status().message().find(dir_), std::string::npos) << again.status().message();
  EXPECT_NE(again.status().message().find("--overwrite"), std::string::npos);
}

TEST_F(EventLogTest, OverwriteReplacesATapeLogButKeepsForeignFiles) {
  {
    auto log = create();
    append_batches(*log, 0, 3, 5);
    ASSERT_TRUE(log->flush().is_ok());
  }
  std::ofstream(fs::path(dir_) / "notes.txt") << "mine";
  auto log = create({}, /*overwrite=*/true);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->last_seq(), Seq(0));
  EXPECT_TRUE(batch_starts(*log, Seq(1)).empty());
  EXPECT_TRUE(fs::exists(fs::path(dir_) / "notes.txt"));
}

TEST_F(EventLogTest, OverwriteRefusesADirThatIsNotATapeLog) {
  fs::create_directories(dir_);
  std::ofstream(fs::path(dir_) / "precious.dat") << "do not delete";
  auto log = EventLog::create(dir_, {}, /*overwrite=*/true);
  ASSERT_FALSE(log.is_ok());
  EXPECT_EQ(log.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(log.status().message().find(dir_), std::string::npos);
  EXPECT_TRUE(fs::exists(fs::path(dir_) / "precious.dat"));
}

TEST_F(EventLogTest, OpenOfAMissingDirNamesIt) {
  auto log = EventLog::open(dir_, true);
  ASSERT_FALSE(log.is_ok());
  EXPECT_EQ(log.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(log.status().message().find(dir_), std::string::npos);
  EXPECT_NE(log.status().message().find("does not exist"), std::string::npos);
}

TEST_F(EventLogTest, OpenOfANonTapeDirNamesIt) {
  fs::create_directories(dir_);
  std::ofstream(fs::path(dir_) / "x.csv") << "a,b\n";
  for (bool read_only : {true, false}) {
    auto log = EventLog::open(dir_, read_only);
    ASSERT_FALSE(log.is_ok());
    EXPECT_EQ(log.status().code(), StatusCode::kInvalidInput);
    EXPECT_NE(log.status().message().find(dir_), std::string::npos);
    EXPECT_NE(log.status().message().find("not hold a tape log"), std::string::npos);
  }
}

TEST_F(EventLogTest, OpenRefusesAnUnsupportedFormatVersion) {
  {
    auto log = create();
    ASSERT_TRUE(log->db()->Put(rocksdb::WriteOptions(), log->cf("meta"), "format_version", "2").ok());
  }
  auto log = EventLog::open(dir_, true);
  ASSERT_FALSE(log.is_ok());
  EXPECT_EQ(log.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(log.status().message().find(dir_), std::string::npos);
  EXPECT_NE(log.status().message().find("format_version 2"), std::string::npos);
}

TEST_F(EventLogTest, MetaRoundTripsAndSurvivesReopen) {
  {
    auto log = create();
    ASSERT_TRUE(log->put_meta(kMetaSeed, "42").is_ok());
    ASSERT_TRUE(log->put_meta(kMetaScenario, "[run]\nname = \"x\"\n").is_ok());
    EXPECT_EQ(log->get_meta(kMetaSeed).value(), std::optional<std::string>("42"));
    EXPECT_EQ(log->get_meta("absent").value(), std::nullopt);
    EXPECT_EQ(log->put_meta(kMetaLastSeq, "9").code(), StatusCode::kInvalidInput);
    EXPECT_EQ(log->put_meta(kMetaChainHead, "00").code(), StatusCode::kInvalidInput);
  }
  auto log = open(true);
  EXPECT_EQ(log->get_meta(kMetaSeed).value(), std::optional<std::string>("42"));
  EXPECT_EQ(log->get_meta(kMetaScenario).value(),
            std::optional<std::string>("[run]\nname = \"x\"\n"));
  EXPECT_EQ(log->get_meta(kMetaLastSeq).value(), std::optional<std::string>("0"));
  EXPECT_EQ(log->put_meta("state_hash", "ab").code(), StatusCode::kInvalidInput);
}

TEST_F(EventLogTest, SyncBatchWritesAndReopens) {
  LogOptions options;
  options.sync = RecorderOptions::Sync::kBatch;
  {
    auto log = create(options);
    append_batches(*log, 0, 3, 4);
    ASSERT_TRUE(log->flush().is_ok());
    ASSERT_TRUE(log->put_meta("state_hash", "abc").is_ok());
  }
  auto log = open(true);
  EXPECT_EQ(log->last_seq(), Seq(12));
  EXPECT_EQ(batch_starts(*log, Seq(1)), (std::vector<uint64_t>{1, 5, 9}));
}

TEST_F(EventLogTest, QueueOfOneStillDeliversEveryBatchInOrder) {
  LogOptions options;
  options.queue_batches_max = 1;
  auto log = create(options);
  const uint64_t last = append_batches(*log, 0, 300, 3);
  ASSERT_TRUE(log->flush().is_ok());
  EXPECT_EQ(log->last_seq(), Seq(last));
  EXPECT_EQ(log->batch_count(), 300u);
  const auto starts = batch_starts(*log, Seq(1));
  ASSERT_EQ(starts.size(), 300u);
  for (size_t i = 0; i < starts.size(); ++i) EXPECT_EQ(starts[i], 1 + 3 * i);
}

TEST_F(EventLogTest, AppendToAReadOnlyLogIsAnErrorNotACrash) {
  { auto log = create(); }
  auto log = open(/*read_only=*/true);
  const Status st = log->append(make_batch(1, 2));
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("read-only"), std::string::npos);
  EXPECT_TRUE(log->flush().is_ok());
  EXPECT_EQ(log->last_seq(), Seq(0));
}

TEST_F(EventLogTest, SameBatchesGiveTheSameChainHead) {
  std::string first;
  for (int run = 0; run < 2; ++run) {
    dir_ = (root_ / ("run" + std::to_string(run))).string();
    auto log = create();
    append_batches(*log, 0, 20, 50);
    ASSERT_TRUE(log->flush().is_ok());
    if (run == 0) first = log->chain_head();
    else EXPECT_EQ(log->chain_head(), first);
  }
}

}  // namespace
}  // namespace tape
