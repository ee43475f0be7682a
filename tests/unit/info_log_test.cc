// RocksDB's info log for a tape log (store/info_log.h): lines are buffered and reach <dir>/LOG
// whole, when RocksDB flushes the logger, at once for warnings and errors, and when the logger
// goes; a log dir that cannot be written gets a logger that drops everything.
#include "store/info_log.h"

#include <gtest/gtest.h>
#include <rocksdb/env.h>

#include <filesystem>
#include <string>

#include "cli_util.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

class InfoLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        (fs::path(::testing::TempDir()) / ("tape_info_log_" + std::to_string(::getpid()))).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string text() const { return testing_util::slurp(dir_ + "/LOG"); }
  std::string dir_;
};

TEST_F(InfoLogTest, InfoLinesWaitForAFlushWarningsGoAtOnceAndNothingIsLostAtClose) {
  auto log = store_internal::open_info_log(dir_);
  log->SetInfoLogLevel(rocksdb::InfoLogLevel::INFO_LEVEL);
  rocksdb::Log(rocksdb::InfoLogLevel::INFO_LEVEL, log, "first %d", 1);
  EXPECT_EQ(text(), "") << "an INFO line was written at once";
  log->Flush();
  EXPECT_NE(text().find("first 1\n"), std::string::npos) << text();

  rocksdb::Log(rocksdb::InfoLogLevel::INFO_LEVEL, log, "second");
  rocksdb::Log(rocksdb::InfoLogLevel::WARN_LEVEL, log, "careful %s", "now");
  const std::string after_warning = text();
  EXPECT_NE(after_warning.find("second\n"), std::string::npos) << after_warning;
  EXPECT_NE(after_warning.find("[WARN] careful now\n"), std::string::npos) << after_warning;

  for (int i = 0; i < 2000; ++i)
    rocksdb::Log(rocksdb::InfoLogLevel::INFO_LEVEL, log, "line %04d", i);
  log.reset();
  const std::string all = text();
  for (int i : {0, 999, 1999}) {
    char want[32];
    std::snprintf(want, sizeof want, "line %04d\n", i);
    EXPECT_NE(all.find(want), std::string::npos) << want;
  }
  size_t lines = 0;
  for (char c : all) lines += c == '\n';
  EXPECT_EQ(lines, 2003u);
}

TEST_F(InfoLogTest, AnUnwritableDirGetsALoggerThatDropsEverything) {
  auto log = store_internal::open_info_log(dir_ + "/missing/sub");
  ASSERT_NE(log, nullptr);
  rocksdb::Log(rocksdb::InfoLogLevel::ERROR_LEVEL, log, "nowhere");
  log->Flush();
  EXPECT_FALSE(fs::exists(dir_ + "/missing"));
}

}  // namespace
}  // namespace tape
