// A full disk through the CLI (issue 7, item 8): a run into a 20 MB tmpfs stops with exit 4 and
// a message naming the data dir and "no space" (it died on RocksDB's own assertion), and the
// partial log, moved to a bigger disk, audits and resumes to the end. Needs root to mount the
// tmpfs; skipped otherwise (the unit test AFullDiskIsANoSpaceError... injects the same fault).
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "cli_util.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

using testing_util::json_number;
using testing_util::run_tape;
using testing_util::TempDir;

struct Unmount {
  std::string path;
  ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
};

TEST(DiskFullTest, ARunIntoAFullDiskStopsWithExit4NamingTheDirAndThePartialLogAuditsAndResumes) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs";
  TempDir mnt("tmpfs");
  fs::create_directories(mnt.path());
  if (::mount("tmpfs", mnt.path().c_str(), "tmpfs", 0, "size=20m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
  }
  const Unmount unmount{mnt.path()};  // before mnt's removal: declared after it
  const std::string dir = mnt.path() + "/run";
  // 300 simulated s of sustained_1k is ~36 MB of log: the disk fills about halfway.
  const std::string scenario = "scenarios/sustained_1k.toml --set scenario.duration_s=300";
  const auto full = run_tape("run " + scenario + " --data-dir " + dir);
  EXPECT_EQ(full.exit_code, 4) << full.err;
  EXPECT_NE(full.err.find("no space"), std::string::npos) << full.err;
  EXPECT_NE(full.err.find(dir), std::string::npos) << full.err;

  TempDir moved("moved");
  fs::copy(dir, moved.path(), fs::copy_options::recursive);
  const auto audit = run_tape("audit --data-dir " + moved.path());
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
  const auto resumed = run_tape("run " + scenario + " --resume --json --data-dir " + moved.path());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(json_number(resumed.out, "seq_last"), 303000) << resumed.out;
}

}  // namespace
}  // namespace tape
