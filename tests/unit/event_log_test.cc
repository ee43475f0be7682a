// The RocksDB event log: append/flush/reopen, the hash chain, iteration, directory safety, meta,
// sync modes, the bounded queue, and errors that name their dir or seq.
#include "store/event_log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include "store/chain.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

// Arbitrary but distinct bytes for batch `first..last`: every batch differs from every other.
EncodedBatch make_batch(uint64_t first, uint64_t last) {
  EncodedBatch b;
  b.first_seq = Seq(first);
  b.last_seq = Seq(last);
  b.first_ts = Timestamp(static_cast<int64_t>(first) * 1000);
  b.last_ts = Timestamp(static_cast<int64_t>(last) * 1000);
  b.input_count = static_cast<uint32_t>(last - first + 1);
  b.output_count = b.input_count / 2;
  for (uint64_t s = first; s <= last; ++s) b.inputs += "in" + std::to_string(s) + ";";
  for (uint64_t s = first; s <= last; s += 2) b.outputs += "out" + std::to_string(s) + ";";
  return b;
}

// Appends `n` batches of `per` inputs each, starting after `after`; returns the last seq.
uint64_t append_batches(EventLog& log, uint64_t after, int n, uint64_t per) {
  for (int i = 0; i < n; ++i) {
    EXPECT_TRUE(log.append(make_batch(after + 1, after + per)).is_ok());
    after += per;
  }
  return after;
}

std::vector<uint64_t> batch_starts(const EventLog& log, Seq from) {
  std::vector<uint64_t> out;
  auto c = log.batches(from);
  for (; c.valid(); c.next()) out.push_back(c.first_seq().value());
  EXPECT_TRUE(c.status().is_ok()) << c.status().message();
  return out;
}

// The documented link formula, computed independently of store/chain.cc.
std::string reference_link(const std::string& prev, const EncodedBatch& b) {
  std::string msg = prev + seq_key(b.first_seq) + seq_key(b.last_seq) + b.inputs + b.outputs;
  unsigned char md[32];
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(msg.data(), msg.size(), md, &len, EVP_sha256(), nullptr), 1);
  return std::string(reinterpret_cast<const char*>(md), len);
}

class EventLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    root_ = fs::path(::testing::TempDir()) /
            ("tape_event_log_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(root_);
    fs::create_directories(root_);
    dir_ = (root_ / "log").string();
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<EventLog> create(const LogOptions& options = {}, bool overwrite = false) {
    auto log = EventLog::create(dir_, options, overwrite);
    EXPECT_TRUE(log.is_ok()) << log.status().message();
    return log.is_ok() ? std::move(log).value() : nullptr;
  }
  std::unique_ptr<EventLog> open(bool read_only, const LogOptions& options = {}) {
    auto log = EventLog::open(dir_, read_only, options);
    EXPECT_TRUE(log.is_ok()) << log.status().message();
    return log.is_ok() ? std::move(log).value() : nullptr;
  }

  fs::path root_;
  std::string dir_;
};

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
  for (; c.valid(); c.next(), first += 3) {
    const EncodedBatch b = make_batch(first, first + 2);
    EXPECT_EQ(c.first_seq(), Seq(first));
    EXPECT_EQ(c.inputs(), b.inputs);
    EXPECT_EQ(c.outputs(), b.outputs);
    prev = reference_link(prev, b);
    EXPECT_EQ(c.link(), prev) << "batch at seq " << first;
  }
  EXPECT_TRUE(c.status().is_ok());
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

// Fails every WAL append once armed, like a full disk.
class FailingWalFs : public rocksdb::FileSystemWrapper {
 public:
  explicit FailingWalFs(const std::shared_ptr<rocksdb::FileSystem>& base)
      : FileSystemWrapper(base) {}
  static const char* kClassName() { return "FailingWalFs"; }
  const char* Name() const override { return kClassName(); }

  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile>&& f, const std::atomic<bool>& armed)
        : FSWritableFileOwnerWrapper(std::move(f)), armed_(armed) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                             rocksdb::IODebugContext* dbg) override {
      if (armed_) return rocksdb::IOStatus::NoSpace("injected");
      return FSWritableFileOwnerWrapper::Append(data, o, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                             const rocksdb::DataVerificationInfo& v,
                             rocksdb::IODebugContext* dbg) override {
      if (armed_) return rocksdb::IOStatus::NoSpace("injected");
      return FSWritableFileOwnerWrapper::Append(data, o, v, dbg);
    }

   private:
    const std::atomic<bool>& armed_;
  };

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* out,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(name, o, out, dbg);
    if (s.ok() && name.ends_with(".log")) *out = std::make_unique<File>(std::move(*out), armed);
    return s;
  }

  std::atomic<bool> armed{false};
};

TEST_F(EventLogTest, AFailedWriteSurfacesFromFlushAndStaysSticky) {
  auto fault_fs = std::make_shared<FailingWalFs>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fault_fs);
  LogOptions options;
  options.env = env.get();
  auto log = create(options);
  append_batches(*log, 0, 2, 5);
  ASSERT_TRUE(log->flush().is_ok());
  fault_fs->armed = true;
  EXPECT_TRUE(log->append(make_batch(11, 15)).is_ok());  // queued; the writer fails later
  const Status st = log->flush();
  EXPECT_EQ(st.code(), StatusCode::kIo);
  EXPECT_NE(st.message().find("seq 11"), std::string::npos) << st.message();
  EXPECT_EQ(log->last_seq(), Seq(10));
  EXPECT_EQ(log->append(make_batch(16, 20)).code(), StatusCode::kIo);
  EXPECT_EQ(log->flush().code(), StatusCode::kIo);
  log.reset();  // closes cleanly despite the error
}

// Holds every WAL append while closed and counts the appends, so a test can make the writer
// thread busy while batches queue up behind it.
class GatedWalFs : public rocksdb::FileSystemWrapper {
 public:
  explicit GatedWalFs(const std::shared_ptr<rocksdb::FileSystem>& base) : FileSystemWrapper(base) {}
  static const char* kClassName() { return "GatedWalFs"; }
  const char* Name() const override { return kClassName(); }

  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile>&& f, GatedWalFs& fs)
        : FSWritableFileOwnerWrapper(std::move(f)), fs_(fs) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                             rocksdb::IODebugContext* dbg) override {
      fs_.pass();
      return FSWritableFileOwnerWrapper::Append(data, o, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                             const rocksdb::DataVerificationInfo& v,
                             rocksdb::IODebugContext* dbg) override {
      fs_.pass();
      return FSWritableFileOwnerWrapper::Append(data, o, v, dbg);
    }

   private:
    GatedWalFs& fs_;
  };

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* out,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(name, o, out, dbg);
    if (s.ok() && name.ends_with(".log")) *out = std::make_unique<File>(std::move(*out), *this);
    return s;
  }

  void pass() {
    ++appends;
    while (closed) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  std::atomic<bool> closed{false};
  std::atomic<int> appends{0};
};

// Batches queued while the writer is busy are written together (one WAL write for the group),
// and the stored keys, values, links and counters are exactly those of writing them one by one.
TEST_F(EventLogTest, BatchesQueuedBehindABusyWriterAreWrittenAsOneGroupWithTheSameBytes) {
  std::string one_by_one;
  {
    dir_ = (root_ / "one_by_one").string();
    auto log = create();
    for (uint64_t i = 0; i < 10; ++i) {
      ASSERT_TRUE(log->append(make_batch(i * 4 + 1, i * 4 + 4)).is_ok());
      ASSERT_TRUE(log->flush().is_ok());
    }
    one_by_one = log->chain_head();
  }
  auto gated = std::make_shared<GatedWalFs>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(gated);
  LogOptions options;
  options.env = env.get();
  options.queue_batches_max = 16;
  dir_ = (root_ / "grouped").string();
  {
    auto log = create(options);
    gated->closed = true;
    const int before = gated->appends;
    ASSERT_TRUE(log->append(make_batch(1, 4)).is_ok());  // the writer takes it and blocks
    while (gated->appends == before) std::this_thread::sleep_for(std::chrono::microseconds(200));
    for (uint64_t i = 1; i < 10; ++i) ASSERT_TRUE(log->append(make_batch(i * 4 + 1, i * 4 + 4)).is_ok());
    gated->closed = false;
    ASSERT_TRUE(log->flush().is_ok());
    EXPECT_LE(gated->appends - before, 4) << "10 batches took one WAL write each: no grouping";
    EXPECT_EQ(log->last_seq(), Seq(40));
    EXPECT_EQ(log->batch_count(), 10u);
    EXPECT_EQ(log->chain_head(), one_by_one);
  }
  auto log = open(/*read_only=*/true);
  EXPECT_EQ(log->chain_head(), one_by_one);
  EXPECT_EQ(log->batch_count(), 10u);
  std::string prev = zero_link();
  uint64_t first = 1;
  auto c = log->batches();
  for (; c.valid(); c.next(), first += 4) {
    const EncodedBatch b = make_batch(first, first + 3);
    EXPECT_EQ(c.first_seq(), Seq(first));
    EXPECT_EQ(c.inputs(), b.inputs);
    EXPECT_EQ(c.outputs(), b.outputs);
    prev = reference_link(prev, b);
    EXPECT_EQ(c.link(), prev) << "batch at seq " << first;
  }
  EXPECT_TRUE(c.status().is_ok()) << c.status().message();
  EXPECT_EQ(first, 41u);
}

// The threadsafe death test re-executes this binary: the child learns the parent's dir from
// the environment, so the parent can remove what the aborted child left behind.
TEST(EventLogDeathTest, SeqGapAtAppendAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  constexpr const char* kEnv = "TAPE_EVENT_LOG_DEATH_DIR";
  const char* inherited = std::getenv(kEnv);
  const std::string dir = inherited != nullptr
                              ? std::string(inherited)
                              : (fs::path(::testing::TempDir()) /
                                 ("tape_event_log_death_" + std::to_string(::getpid())))
                                    .string();
  ::setenv(kEnv, dir.c_str(), 1);
  EXPECT_DEATH(
      {
        auto log = EventLog::create(dir, {}, false);
        (void)log.value()->append(make_batch(1, 5));
        (void)log.value()->append(make_batch(7, 9));
      },
      "out of seq order");
  ::unsetenv(kEnv);
  fs::remove_all(dir);
}

TEST_F(EventLogTest, MetaCountersThatDisagreeWithEventsAreAMismatchNamingTheSeq) {
  {
    auto log = create();
    append_batches(*log, 0, 3, 10);
    ASSERT_TRUE(log->flush().is_ok());
    // A removed last batch: meta still claims it.
    ASSERT_TRUE(log->db()->Delete(rocksdb::WriteOptions(), log->cf("events"), seq_key(Seq(21))).ok());
  }
  auto log = EventLog::open(dir_, true);
  ASSERT_FALSE(log.is_ok());
  EXPECT_EQ(log.status().code(), StatusCode::kMismatch);
  EXPECT_NE(log.status().message().find("seq 11"), std::string::npos) << log.status().message();
}

TEST_F(EventLogTest, MissingOutputsNameTheSeq) {
  {
    auto log = create();
    append_batches(*log, 0, 3, 10);
    ASSERT_TRUE(log->flush().is_ok());
    ASSERT_TRUE(log->db()->Delete(rocksdb::WriteOptions(), log->cf("outputs"), seq_key(Seq(11))).ok());
  }
  auto log = open(true);
  auto c = log->batches();
  ASSERT_TRUE(c.valid());
  c.next();
  ASSERT_TRUE(c.valid());
  EXPECT_EQ(c.first_seq(), Seq(11));
  EXPECT_EQ(c.outputs(), "");
  EXPECT_EQ(c.inputs(), make_batch(11, 20).inputs);
  EXPECT_EQ(c.status().code(), StatusCode::kMismatch);
  EXPECT_NE(c.status().message().find("seq 11"), std::string::npos) << c.status().message();
  c.next();
  EXPECT_FALSE(c.valid());
}

TEST_F(EventLogTest, CorruptFramingNamesTheSeq) {
  {
    auto log = create();
    append_batches(*log, 0, 3, 10);
    ASSERT_TRUE(log->flush().is_ok());
    ASSERT_TRUE(
        log->db()->Put(rocksdb::WriteOptions(), log->cf("events"), seq_key(Seq(11)), "XXXX").ok());
  }
  auto log = open(true);
  auto c = log->batches(Seq(15));
  ASSERT_TRUE(c.valid());
  EXPECT_EQ(c.first_seq(), Seq(11));
  EXPECT_EQ(c.inputs(), "");
  EXPECT_EQ(c.status().code(), StatusCode::kMismatch);
  EXPECT_NE(c.status().message().find("seq 11"), std::string::npos) << c.status().message();
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
