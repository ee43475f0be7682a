// Write-ahead-log damage and a full disk (issue 7, items 8 and 10): a flipped bit anywhere in
// the WAL fails every open as corruption naming the WAL (RocksDB's default recovery silently
// dropped the tail); only an incomplete last record, what a killed writer or a full disk
// leaves, is dropped, and a read-only open says so. A full disk is a plain "no space" error
// naming the data dir, after which the log still opens and resumes.
#include <atomic>
#include <filesystem>
#include <functional>
#include <fstream>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include "cli_util.h"
#include "store/event_log.h"
#include "unit/event_log_fixture.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

using testing_util::append_batches;
using testing_util::batch_starts;
using testing_util::EventLogTest;
using testing_util::make_batch;

fs::path only_wal(const std::string& dir) {
  fs::path wal;
  uintmax_t biggest = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".log" && e.file_size() >= biggest) {
      biggest = e.file_size();
      wal = e.path();
    }
  }
  return wal;
}

class WalDamageTest : public EventLogTest {
 protected:
  // A log whose 20 batches (one WAL record each) are only in the WAL, as a killed run leaves
  // it: copied while still open, before the close that flushes it to table files.
  void SetUp() override {
    EventLogTest::SetUp();
    killed_ = (root_ / "killed").string();
    auto log = create();
    for (uint64_t i = 0; i < 20; ++i) {
      ASSERT_TRUE(log->append(make_batch(i * 50 + 1, i * 50 + 50)).is_ok());
      ASSERT_TRUE(log->flush().is_ok());
    }
    fs::copy(dir_, killed_, fs::copy_options::recursive);
    wal_ = only_wal(killed_);
    ASSERT_FALSE(wal_.empty());
    ASSERT_GT(fs::file_size(wal_), 10000u) << "the batches are not in the WAL";
  }
  void rewrite_wal(const std::function<void(std::string&)>& edit) {
    testing_util::rewrite_file(wal_, edit);
  }
  std::string killed_;
  fs::path wal_;
};

TEST_F(WalDamageTest, AFlippedBitMidWalIsCorruptionNamingTheWalNotASilentlyShorterLog) {
  rewrite_wal([](std::string& b) { b[b.size() / 2] ^= 0x04; });
  for (bool read_only : {true, false}) {
    auto log = EventLog::open(killed_, read_only);
    ASSERT_FALSE(log.is_ok()) << "read_only=" << read_only << ": opened with last seq "
                              << log.value()->last_seq().value() << " of 1000";
    EXPECT_EQ(log.status().code(), StatusCode::kMismatch) << log.status().message();
    EXPECT_NE(log.status().message().find(wal_.filename().string()), std::string::npos)
        << log.status().message();
    EXPECT_NE(log.status().message().find("write-ahead log"), std::string::npos);
  }
}

TEST_F(WalDamageTest, ATornLastRecordIsDroppedByResumeAndReportedByReaders) {
  rewrite_wal([](std::string& b) { b.resize(b.size() - 5); });
  {
    auto reader = EventLog::open(killed_, true);
    ASSERT_TRUE(reader.is_ok()) << reader.status().message();
    EXPECT_TRUE(reader.value()->torn_tail_dropped());
    EXPECT_EQ(reader.value()->last_seq(), Seq(950));
  }
  {
    auto resumed = EventLog::open(killed_, false);
    ASSERT_TRUE(resumed.is_ok()) << resumed.status().message();
    EXPECT_EQ(resumed.value()->last_seq(), Seq(950));
    ASSERT_TRUE(resumed.value()->append(make_batch(951, 1000)).is_ok());
    ASSERT_TRUE(resumed.value()->flush().is_ok());
  }
  auto reader = EventLog::open(killed_, true);
  ASSERT_TRUE(reader.is_ok()) << reader.status().message();
  EXPECT_FALSE(reader.value()->torn_tail_dropped());
  EXPECT_EQ(reader.value()->last_seq(), Seq(1000));
  EXPECT_EQ(batch_starts(*reader.value(), Seq(1)).size(), 20u);
}

// Like a filling disk: once armed, a WAL append writes half its bytes and fails with NoSpace.
class FillingDiskFs : public rocksdb::FileSystemWrapper {
 public:
  explicit FillingDiskFs(const std::shared_ptr<rocksdb::FileSystem>& base) : FileSystemWrapper(base) {}
  static const char* kClassName() { return "FillingDiskFs"; }
  const char* Name() const override { return kClassName(); }

  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile>&& f, const std::atomic<bool>& full)
        : FSWritableFileOwnerWrapper(std::move(f)), full_(full) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                             rocksdb::IODebugContext* dbg) override {
      if (!full_) return FSWritableFileOwnerWrapper::Append(data, o, dbg);
      FSWritableFileOwnerWrapper::Append(rocksdb::Slice(data.data(), data.size() / 2), o, dbg)
          .PermitUncheckedError();
      return rocksdb::IOStatus::NoSpace("No space left on device (injected)");
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                             const rocksdb::DataVerificationInfo&,
                             rocksdb::IODebugContext* dbg) override {
      return Append(data, o, dbg);
    }

   private:
    const std::atomic<bool>& full_;
  };

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* out,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(name, o, out, dbg);
    if (s.ok() && name.ends_with(".log")) *out = std::make_unique<File>(std::move(*out), full);
    return s;
  }

  std::atomic<bool> full{false};
};

TEST_F(EventLogTest, AFullDiskIsANoSpaceErrorNamingTheDirAndTheLogStillOpensAndResumes) {
  auto fs_ = std::make_shared<FillingDiskFs>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs_);
  LogOptions options;
  options.env = env.get();
  {
    auto log = create(options);
    append_batches(*log, 0, 4, 25);
    ASSERT_TRUE(log->flush().is_ok());
    fs_->full = true;
    ASSERT_TRUE(log->append(make_batch(101, 125)).is_ok());
    const Status st = log->flush();
    EXPECT_EQ(st.code(), StatusCode::kIo);
    EXPECT_EQ(st.exit_code(), 4);
    EXPECT_NE(st.message().find("no space"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find(dir_), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("seq 101"), std::string::npos) << st.message();
    EXPECT_EQ(log->last_seq(), Seq(100));
  }  // closes without aborting although every write now fails
  {
    auto reader = open(true);  // the disk has room again: default env
    ASSERT_NE(reader, nullptr);
    EXPECT_EQ(reader->last_seq(), Seq(100));
    EXPECT_EQ(batch_starts(*reader, Seq(1)).size(), 4u);
  }
  auto resumed = open(false);
  ASSERT_NE(resumed, nullptr);
  EXPECT_EQ(resumed->last_seq(), Seq(100));
  ASSERT_TRUE(resumed->append(make_batch(101, 125)).is_ok());
  EXPECT_TRUE(resumed->flush().is_ok());
}

}  // namespace
}  // namespace tape
