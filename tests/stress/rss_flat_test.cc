// Peak RSS of the event log is flat in log length (issue 7, item 25): a log written and then
// read back with ten times the batches (and table files) peaks at about the same RSS, and its
// table-reader memory stays bounded. Index blocks are charged to one bounded block cache shared
// by the column families (each had a private 8 MB cache) and open table files are bounded
// (max_open_files). Each length runs in a child process so its peak RSS is its own; a small
// memtable budget makes many table files quickly.
//
// Sanitizers multiply allocations and RSS unevenly: skipped under ASan/TSan.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "cli_util.h"
#include "store/event_log.h"
#include "unit/event_log_fixture.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TAPE_RSS_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TAPE_RSS_TEST_SANITIZED 1
#endif
#endif

namespace tape {
namespace {

using testing_util::TempDir;

// ~6 KB per batch, like sustained_1k's 50-input batches.
EncodedBatch batch(uint64_t first, uint64_t n) {
  EncodedBatch b;
  b.first_seq = Seq(first);
  b.last_seq = Seq(first + n - 1);
  b.first_ts = Timestamp(static_cast<int64_t>(first));
  b.last_ts = Timestamp(static_cast<int64_t>(first + n - 1));
  b.input_count = static_cast<uint32_t>(n);
  b.inputs.assign(n * 80, static_cast<char>('a' + first % 26));
  b.outputs.assign(n * 40, static_cast<char>('A' + first % 26));
  for (uint64_t i = 0; i < 8; ++i) b.inputs[i] = static_cast<char>(first >> (8 * i));
  return b;
}

struct Peak {
  long rss_kib = -1;             // the child's peak RSS
  uint64_t table_readers = 0;    // RocksDB's estimate of table-reader memory after the scan
};

// Writes `batches` batches, closes, reopens read-only and scans them all, then writes the
// log's table-reader memory to `fd`; returns 0 on success.
int write_and_scan(const std::string& dir, uint64_t batches, int fd) {
  LogOptions options;
  options.memtable_bytes_max = uint64_t{4} << 20;  // 1 MB events memtables: many table files
  {
    auto log = EventLog::create(dir, options, false);
    if (!log.is_ok()) return 2;
    for (uint64_t i = 0; i < batches; ++i) {
      if (!log.value()->append(batch(i * 50 + 1, 50)).is_ok()) return 3;
    }
    if (!log.value()->flush().is_ok()) return 4;
  }
  auto log = EventLog::open(dir, true, options);
  if (!log.is_ok()) return 5;
  if (testing_util::batch_starts(*log.value(), Seq(1)).size() != batches) return 6;
  uint64_t total = 0;
  for (const char* cf : {"events", "outputs"}) {
    uint64_t v = 0;
    if (!log.value()->db()->GetIntProperty(log.value()->cf(cf), "rocksdb.estimate-table-readers-mem", &v)) return 7;
    total += v;
  }
  return ::write(fd, &total, sizeof total) == sizeof total ? 0 : 8;
}

// Peak RSS and table-reader memory of a child that writes and scans `batches` batches.
Peak child_peak(uint64_t batches) {
  TempDir dir("rss");
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) _exit(write_and_scan(dir.path(), batches, fds[1]));
  ::close(fds[1]);
  Peak peak;
  if (::read(fds[0], &peak.table_readers, sizeof peak.table_readers) != sizeof peak.table_readers) {
    peak.table_readers = UINT64_MAX;
  }
  ::close(fds[0]);
  int status = 0;
  rusage usage {};
  if (wait4(pid, &status, 0, &usage) != pid) return {};
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  peak.rss_kib = usage.ru_maxrss;
  return peak;
}

TEST(RssFlatTest, PeakRssOfAnEventLogTenTimesLongerIsAboutTheSame) {
#ifdef TAPE_RSS_TEST_SANITIZED
  GTEST_SKIP() << "RSS under a sanitizer says nothing about the build";
#endif
  const Peak small = child_peak(3000);   // ~18 MB of batches
  const Peak large = child_peak(30000);  // ~180 MB, ~10x the table files
  ASSERT_GT(small.rss_kib, 0);
  ASSERT_GT(large.rss_kib, 0);
  std::printf("peak RSS %ld / %ld KiB, table readers %llu / %llu bytes (short / 10x)\n",
              small.rss_kib, large.rss_kib,
              static_cast<unsigned long long>(small.table_readers),
              static_cast<unsigned long long>(large.table_readers));
  EXPECT_LE(large.rss_kib, small.rss_kib * 13 / 10 + 8 * 1024) << "peak RSS grows with length";
  // Table readers are bounded by max_open_files; each costs ~1 KB with its index block in the
  // shared block cache (which is bounded on its own).
  EXPECT_LE(large.table_readers, uint64_t{2} << 20) << "table-reader memory is not bounded";
}

}  // namespace
}  // namespace tape
