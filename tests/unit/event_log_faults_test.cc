// Event log faults: a failing or slow WAL (injected file systems), a seq gap at append, and
// corrupt or inconsistent stored data each surface as an error or abort that names the seq.
#include "store/event_log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include "store/chain.h"
#include "unit/event_log_fixture.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

using testing_util::append_batches;
using testing_util::EventLogTest;
using testing_util::make_batch;
using testing_util::reference_link;

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
  for (auto more = c.next(); more.is_ok() && more.value(); more = c.next(), first += 4) {
    const EncodedBatch b = make_batch(first, first + 3);
    EXPECT_EQ(c.first_seq(), Seq(first));
    EXPECT_EQ(c.inputs(), b.inputs);
    EXPECT_EQ(c.outputs(), b.outputs);
    prev = reference_link(prev, b);
    EXPECT_EQ(c.link(), prev) << "batch at seq " << first;
  }
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
  auto first = c.next();
  ASSERT_TRUE(first.is_ok() && first.value());
  auto more = c.next();
  ASSERT_FALSE(more.is_ok());
  EXPECT_EQ(c.error_seq(), Seq(11));
  EXPECT_EQ(more.status().code(), StatusCode::kMismatch);
  EXPECT_NE(more.status().message().find("seq 11"), std::string::npos) << more.status().message();
  EXPECT_FALSE(c.next().is_ok()) << "the error is sticky";
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
  auto more = c.next();
  ASSERT_FALSE(more.is_ok());
  EXPECT_EQ(c.error_seq(), Seq(11));
  EXPECT_EQ(more.status().code(), StatusCode::kMismatch);
  EXPECT_NE(more.status().message().find("seq 11"), std::string::npos) << more.status().message();
}

}  // namespace
}  // namespace tape
