// LogOptions::sync_files = false (store/no_sync_env.h): the file system under the log sees no
// sync of any file or directory, even with sync = batch, and the log reads back exactly as a
// synced one. The control run counts the syncs the same log makes with the default, so the
// count is known to reach the counter.
#include <gtest/gtest.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <memory>
#include <string>

#include "store/event_log.h"
#include "store/no_sync_env.h"
#include "unit/event_log_fixture.h"

namespace tape {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using testing_util::append_batches;
using testing_util::batch_starts;
using testing_util::EventLogTest;

// Counts every sync that reaches the real file system.
class CountingFs : public rocksdb::FileSystemWrapper {
 public:
  CountingFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  static const char* kClassName() { return "CountingFs"; }
  const char* Name() const override { return kClassName(); }

  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile>&& f, std::atomic<int>& n)
        : FSWritableFileOwnerWrapper(std::move(f)), n_(n) {}
    IOStatus Sync(const IOOptions& o, IODebugContext* d) override {
      ++n_;
      return FSWritableFileOwnerWrapper::Sync(o, d);
    }
    IOStatus Fsync(const IOOptions& o, IODebugContext* d) override {
      ++n_;
      return FSWritableFileOwnerWrapper::Fsync(o, d);
    }
    IOStatus RangeSync(uint64_t off, uint64_t len, const IOOptions& o, IODebugContext* d) override {
      ++n_;
      return FSWritableFileOwnerWrapper::RangeSync(off, len, o, d);
    }

   private:
    std::atomic<int>& n_;
  };
  class Dir : public rocksdb::FSDirectoryWrapper {
   public:
    Dir(std::unique_ptr<rocksdb::FSDirectory>&& d, std::atomic<int>& n)
        : FSDirectoryWrapper(std::move(d)), n_(n) {}
    IOStatus Fsync(const IOOptions& o, IODebugContext* d) override {
      ++n_;
      return FSDirectoryWrapper::Fsync(o, d);
    }
    IOStatus FsyncWithDirOptions(const IOOptions& o, IODebugContext* d,
                                 const rocksdb::DirFsyncOptions& opts) override {
      ++n_;
      return FSDirectoryWrapper::FsyncWithDirOptions(o, d, opts);
    }

   private:
    std::atomic<int>& n_;
  };

  IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& o,
                           std::unique_ptr<rocksdb::FSWritableFile>* out,
                           IODebugContext* dbg) override {
    IOStatus s = target()->NewWritableFile(name, o, out, dbg);
    if (s.ok()) *out = std::make_unique<File>(std::move(*out), syncs);
    return s;
  }
  IOStatus NewDirectory(const std::string& name, const IOOptions& o,
                        std::unique_ptr<rocksdb::FSDirectory>* out, IODebugContext* dbg) override {
    IOStatus s = target()->NewDirectory(name, o, out, dbg);
    if (s.ok()) *out = std::make_unique<Dir>(std::move(*out), syncs);
    return s;
  }

  std::atomic<int> syncs{0};
};

class NoSyncLogTest : public EventLogTest {
 protected:
  // Writes 8 batches of 25 inputs with sync = batch through `fs` (wrapped or not), closes the
  // log and returns its chain head.
  std::string write_log(const std::shared_ptr<rocksdb::FileSystem>& fs) {
    std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
    LogOptions options;
    options.sync = RecorderOptions::Sync::kBatch;
    options.env = env.get();
    auto log = create(options, /*overwrite=*/true);
    EXPECT_NE(log, nullptr);
    if (log == nullptr) return {};
    append_batches(*log, 0, 8, 25);
    EXPECT_TRUE(log->flush().is_ok());
    const std::string head = log->chain_head();
    log.reset();
    return head;
  }
};

TEST_F(NoSyncLogTest, NoFileOrDirectoryIsSyncedAndTheLogReadsBackAsASyncedOne) {
  auto counted = std::make_shared<CountingFs>();
  const std::string synced_head = write_log(counted);
  ASSERT_GT(counted->syncs.load(), 8)
      << "the control log (sync = batch) made too few syncs to count";

  auto quiet = std::make_shared<CountingFs>();
  const std::string head = write_log(store_internal::no_sync_file_system(quiet));
  EXPECT_EQ(quiet->syncs.load(), 0);
  EXPECT_EQ(head, synced_head);

  auto reader = open(/*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->last_seq(), Seq(200));
  EXPECT_EQ(reader->chain_head(), synced_head);
  EXPECT_EQ(batch_starts(*reader, Seq(1)).size(), 8u);
}

TEST_F(NoSyncLogTest, TheDefaultEnvPathOpensResumesAndReads) {
  LogOptions options;
  options.sync_files = false;
  {
    auto log = create(options);
    ASSERT_NE(log, nullptr);
    append_batches(*log, 0, 4, 25);
    ASSERT_TRUE(log->flush().is_ok());
  }
  {
    auto resumed = open(/*read_only=*/false, options);
    ASSERT_NE(resumed, nullptr);
    EXPECT_EQ(resumed->last_seq(), Seq(100));
    append_batches(*resumed, 100, 4, 25);
    ASSERT_TRUE(resumed->flush().is_ok());
  }
  auto reader = open(/*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->last_seq(), Seq(200));
  EXPECT_EQ(batch_starts(*reader, Seq(1)).size(), 8u);
}

}  // namespace
}  // namespace tape
