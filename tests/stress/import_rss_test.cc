// Peak RSS of `tape import` is flat in the file's length: a generated bars CSV of 10 M rows
// peaks within 1.3x of a 1 M-row one (the readers hold one buffer each, the pipeline one batch;
// the log's memtables are bounded). Default options, so the scan pass runs too.
//
// Each import is a child `tape` process, so its peak RSS is its own. Sanitizers multiply
// allocations and RSS unevenly: skipped under ASan/TSan.
#include <cstdio>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "cli_util.h"
#include "rss_util.h"


namespace tape {
namespace {

using testing_util::TempDir;

// One-minute bars, `rows` of them, in the generic Date,Time,... layout.
void write_bars(const std::string& path, long rows) {
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("Date,Time,Open,High,Low,Close,Volume,OpenInterest\n", f);
  long px = 350'000;
  for (long i = 0; i < rows; ++i) {
    const long day = i / 1440, minute = i % 1440;
    const long c = px + (i * 7919 % 41) - 20;
    const long h = std::max(px, c) + 3, l = std::min(px, c) - 2;
    std::fprintf(f, "%04ld-%02ld-%02ld,%02ld:%02ld:00,%ld.%02ld,%ld.%02ld,%ld.%02ld,%ld.%02ld,%ld,0\n",
                 1990 + day / 336, 1 + day / 28 % 12, 1 + day % 28, minute / 60, minute % 60,
                 px / 100, px % 100, h / 100, h % 100, l / 100, l % 100, c / 100, c % 100,
                 i % 5000);
    px = c;
  }
  std::fclose(f);
}

// Peak RSS (KiB) of importing a generated file of `rows` bars.
long import_peak_rss_kib(long rows) {
  TempDir dir("import_rss");
  std::filesystem::create_directories(dir.path());
  const std::string csv = dir.path() + "/bars.csv";
  write_bars(csv, rows);
  return testing_util::tape_peak_rss_kib(
      {"import", csv, "--format", "bars", "--data-dir", dir.path() + "/log"});
}

TEST(ImportRssTest, PeakRssOfATenTimesLongerFileIsAboutTheSame) {
#ifdef TAPE_RSS_TEST_SANITIZED
  GTEST_SKIP() << "RSS under a sanitizer says nothing about the build";
#endif
  const long short_kib = import_peak_rss_kib(1'000'000);
  const long long_kib = import_peak_rss_kib(10'000'000);
  ASSERT_GT(short_kib, 0);
  ASSERT_GT(long_kib, 0);
  std::printf("peak RSS %ld / %ld KiB (1 M / 10 M bars)\n", short_kib, long_kib);
  // Measured 45 / 46 MB here (with the log's default 64 MiB memtables: 53 / 69 MB, too close).
  EXPECT_LE(long_kib, short_kib * 13 / 10) << "peak RSS grows with the file's length";
}

}  // namespace
}  // namespace tape
