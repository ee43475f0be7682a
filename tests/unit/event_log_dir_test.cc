// The data dir around a log (issue 7, items 14, 21, 22, 24): creation is atomic, --overwrite
// removes only the log's own files, open errors say what is wrong in the user's words and keep
// RocksDB's, and the direct-I/O probe never follows a planted symlink.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "cli_util.h"
#include "store/event_log.h"
#include "store/log_dir.h"
#include "store/rocks_options.h"
#include "unit/event_log_fixture.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

using testing_util::append_batches;
using testing_util::batch_starts;
using testing_util::EventLogTest;
using testing_util::slurp;

bool has(const Status& st, const std::string& text) {
  return st.message().find(text) != std::string::npos;
}

// A RocksDB database in `dir` with the named column families and nothing else, as an older
// build killed inside its creation left it.
void make_bare_db(const std::string& dir, const std::vector<std::string>& cfs) {
  rocksdb::DBOptions o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const auto& n : cfs) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(o, dir, descs, &handles, &db).ok());
  for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  delete db;
}

void expect_fresh_empty_log(const std::string& dir) {
  EXPECT_FALSE(fs::exists(fs::path(dir) / store_internal::kCreatingMarker));
  auto log = EventLog::open(dir, true);
  ASSERT_TRUE(log.is_ok()) << log.status().message();
  EXPECT_EQ(log.value()->last_seq(), Seq(0));
}

TEST_F(EventLogTest, ACreatedLogLeavesNoCreationMarker) {
  { auto log = create(); }
  expect_fresh_empty_log(dir_);
}

// Killed after the marker, inside RocksDB's creation: only `default` exists. Resume refuses
// with a clear message; a plain create reuses the dir.
TEST_F(EventLogTest, AnInterruptedCreationIsRecognisedAndReusedWithoutOverwrite) {
  fs::create_directories(dir_);
  ASSERT_TRUE(store_internal::write_marker(dir_).is_ok());
  make_bare_db(dir_, {"default"});
  std::ofstream(fs::path(dir_) / "notes.txt") << "mine";
  for (bool read_only : {true, false}) {
    auto opened = EventLog::open(dir_, read_only);
    ASSERT_FALSE(opened.is_ok());
    EXPECT_EQ(opened.status().code(), StatusCode::kInvalidInput);
    EXPECT_TRUE(has(opened.status(), "creation was interrupted")) << opened.status().message();
    EXPECT_TRUE(has(opened.status(), dir_));
  }
  { auto log = create(); ASSERT_NE(log, nullptr); }
  expect_fresh_empty_log(dir_);
  EXPECT_EQ(slurp(fs::path(dir_) / "notes.txt"), "mine");
}

TEST_F(EventLogTest, AMarkerAloneIsAnUnstartedDirTheNextCreateReuses) {
  fs::create_directories(dir_);
  ASSERT_TRUE(store_internal::write_marker(dir_).is_ok());
  { auto log = create(); ASSERT_NE(log, nullptr); }
  expect_fresh_empty_log(dir_);
}

// What older builds left (no marker): a database with only `default`, or with every column
// family but no format_version. Nothing was recorded, so --overwrite replaces it; without it
// the message says so; resume refuses naming the interrupted creation.
TEST_F(EventLogTest, AnOlderBuildsHalfCreatedLogIsReplacedByOverwriteAndRefusedByResume) {
  const std::vector<std::vector<std::string>> states = {
      {"default"}, {"default", "events", "outputs", "snapshots", "meta"}};
  for (const auto& cfs : states) {
    fs::remove_all(dir_);
    make_bare_db(dir_, cfs);
    auto opened = EventLog::open(dir_, false);
    ASSERT_FALSE(opened.is_ok());
    EXPECT_TRUE(has(opened.status(), "creation was interrupted")) << opened.status().message();
    auto plain = EventLog::create(dir_, {}, /*overwrite=*/false);
    ASSERT_FALSE(plain.is_ok());
    EXPECT_TRUE(has(plain.status(), "--overwrite")) << plain.status().message();
    { auto log = create({}, /*overwrite=*/true); ASSERT_NE(log, nullptr); }
    expect_fresh_empty_log(dir_);
  }
}

TEST_F(EventLogTest, MetaWithoutFormatVersionButWithRecordsIsCorruptNotUnstarted) {
  {
    auto log = create();
    append_batches(*log, 0, 2, 5);
    ASSERT_TRUE(log->flush().is_ok());
    ASSERT_TRUE(log->db()->Delete(rocksdb::WriteOptions(), log->cf("meta"), "format_version").ok());
  }
  auto opened = EventLog::open(dir_, true);
  ASSERT_FALSE(opened.is_ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kMismatch) << opened.status().message();
  auto over = EventLog::create(dir_, {}, /*overwrite=*/true);
  EXPECT_FALSE(over.is_ok());
}

// Each name RocksDB would take for its own: --overwrite refuses naming it and leaves it (and
// the old log) alone.
TEST_F(EventLogTest, OverwriteRefusesEachForeignRocksdbLookalikeAndLeavesItUntouched) {
  for (const char* name : {"000999.sst", "123456.log", "MANIFEST-777777", "OPTIONS-424242",
                           "LOG.old.12345"}) {
    fs::remove_all(dir_);
    {
      auto log = create();
      append_batches(*log, 0, 3, 5);
      ASSERT_TRUE(log->flush().is_ok());
    }
    { auto reopened = open(false); }  // a second session: previous OPTIONS, more info log
    std::ofstream(fs::path(dir_) / name) << "the user's own file";
    auto over = EventLog::create(dir_, {}, /*overwrite=*/true);
    ASSERT_FALSE(over.is_ok()) << name << " was not noticed";
    EXPECT_TRUE(has(over.status(), name)) << over.status().message();
    EXPECT_EQ(slurp(fs::path(dir_) / name), "the user's own file") << name;
    EXPECT_FALSE(fs::exists(fs::path(dir_) / store_internal::kCreatingMarker)) << name;
    fs::remove(fs::path(dir_) / name);
    auto log = EventLog::open(dir_, true);
    ASSERT_TRUE(log.is_ok()) << name << ": " << log.status().message();
    EXPECT_EQ(log.value()->last_seq(), Seq(15)) << name;
  }
}

TEST_F(EventLogTest, OverwriteOfALogOpenedManyTimesRemovesAllOfItsFiles) {
  {
    auto log = create();
    append_batches(*log, 0, 3, 5);
    ASSERT_TRUE(log->flush().is_ok());
  }
  for (int i = 0; i < 3; ++i) {
    auto rw = open(false);
    auto ro = open(true);
  }
  std::ofstream(fs::path(dir_) / "notes.txt") << "mine";
  { auto log = create({}, /*overwrite=*/true); ASSERT_NE(log, nullptr); }
  expect_fresh_empty_log(dir_);
  EXPECT_EQ(slurp(fs::path(dir_) / "notes.txt"), "mine");
}

TEST_F(EventLogTest, CorruptCurrentIsReportedAsACorruptLogWithRocksdbsMessage) {
  { auto log = create(); }
  std::ofstream(fs::path(dir_) / "CURRENT", std::ios::trunc) << "garbage";
  for (bool read_only : {true, false}) {
    auto log = EventLog::open(dir_, read_only);
    ASSERT_FALSE(log.is_ok());
    EXPECT_EQ(log.status().code(), StatusCode::kMismatch) << log.status().message();
    EXPECT_TRUE(has(log.status(), "is corrupt")) << log.status().message();
    EXPECT_TRUE(has(log.status(), "Corruption")) << log.status().message();
    EXPECT_TRUE(has(log.status(), dir_));
  }
}

TEST_F(EventLogTest, CorruptManifestIsReportedAsACorruptLogWithRocksdbsMessage) {
  {
    auto log = create();
    append_batches(*log, 0, 3, 5);
    ASSERT_TRUE(log->flush().is_ok());
  }
  fs::path manifest;
  for (const auto& e : fs::directory_iterator(dir_)) {
    if (e.path().filename().string().starts_with("MANIFEST-")) manifest = e.path();
  }
  ASSERT_FALSE(manifest.empty());
  std::string bytes = slurp(manifest);
  ASSERT_GT(bytes.size(), 40u);
  bytes[bytes.size() / 2] ^= 0x10;
  std::ofstream(manifest, std::ios::binary | std::ios::trunc) << bytes;
  auto log = EventLog::open(dir_, true);
  ASSERT_FALSE(log.is_ok());
  EXPECT_EQ(log.status().code(), StatusCode::kMismatch) << log.status().message();
  EXPECT_TRUE(has(log.status(), "is corrupt")) << log.status().message();
}

TEST_F(EventLogTest, AHeldLockSaysTheDirIsInUseAndIsAnEnvironmentError) {
  auto holder = create();
  auto second = EventLog::open(dir_, /*read_only=*/false);
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), StatusCode::kIo) << second.status().message();
  EXPECT_TRUE(has(second.status(), "in use by another tape process (lock held)"))
      << second.status().message();
  EXPECT_TRUE(has(second.status(), dir_));
  auto reader = EventLog::open(dir_, /*read_only=*/true);  // readers take no lock
  EXPECT_TRUE(reader.is_ok()) << reader.status().message();
}

TEST_F(EventLogTest, DirectIoProbeNeverFollowsAPlantedSymlink) {
  fs::create_directories(dir_);
  const fs::path outside = root_ / "outside.txt";
  const fs::path dangling = root_ / "created_through_the_link";
  const fs::path probe = fs::path(dir_) / store_internal::kDirectIoProbeName;
  std::ofstream(outside) << "keep me";
  fs::create_symlink(outside, probe);
  EXPECT_FALSE(store_internal::direct_io_supported(dir_));
  EXPECT_EQ(slurp(outside), "keep me");
  EXPECT_TRUE(fs::is_symlink(probe)) << "the planted link was removed";
  fs::remove(probe);
  fs::create_symlink(dangling, probe);
  EXPECT_FALSE(store_internal::direct_io_supported(dir_));
  EXPECT_FALSE(fs::exists(dangling)) << "the probe created a file through the link";
  fs::remove(probe);
  // A regular file of that name is a probe left by a killed process: replaced, and the probe
  // leaves nothing behind.
  std::ofstream(probe) << "";
  const bool direct = store_internal::direct_io_supported(dir_);
  EXPECT_FALSE(fs::exists(probe));
  (void)direct;  // depends on the file system (tmpfs has no O_DIRECT)
}

}  // namespace
}  // namespace tape
