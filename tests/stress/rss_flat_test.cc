// Peak RSS of a run is flat in its length (the memory target: any run <= 128 MB): `tape run`
// of sustained_1k for 600 and for 6,000 simulated seconds (606 k and 6.06 M inputs, the longer
// one with ~10x the table files) peaks at about the same RSS. What used to grow with length: the
// throughput counters (one per 10 simulated ms), the order id map (a page for every run of ids
// ever used), per-column-family block caches and unbounded open table files. Once the memtables
// have filled their budget (the short run does) nothing else may grow.
//
// Each run is a child `tape` process, so its peak RSS is its own. Sanitizers multiply
// allocations and RSS unevenly: skipped under ASan/TSan.
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_util.h"
#include "rss_util.h"


namespace tape {
namespace {

using testing_util::TempDir;

// Peak RSS (KiB) of `tape run scenarios/sustained_1k.toml` for `duration_s` simulated seconds.
long run_peak_rss_kib(int duration_s) {
  TempDir dir("rss");
  return testing_util::tape_peak_rss_kib(
      {"run", std::string(TAPE_SOURCE_DIR) + "/scenarios/sustained_1k.toml", "--set",
       "scenario.duration_s=" + std::to_string(duration_s), "--data-dir", dir.path() + "/log"});
}

TEST(RssFlatTest, PeakRssOfARunTenTimesLongerIsAboutTheSame) {
#ifdef TAPE_RSS_TEST_SANITIZED
  GTEST_SKIP() << "RSS under a sanitizer says nothing about the build";
#endif
  const long short_kib = run_peak_rss_kib(600);
  const long long_kib = run_peak_rss_kib(6000);
  ASSERT_GT(short_kib, 0);
  ASSERT_GT(long_kib, 0);
  std::printf("peak RSS %ld / %ld KiB (600 s / 6000 s of sustained_1k)\n", short_kib, long_kib);
  // Measured 49 / 57 MB on a quiet box, 54-61 / 74 MB while other builds share its two cores
  // (the recording thread falls behind and its bounded queue fills); before the fixes 63 /
  // 107 MB (ratio 1.7). The bound separates the two: a growth with length, not the noise.
  EXPECT_LE(long_kib, short_kib * 3 / 2) << "peak RSS grows with the run's length";
}

}  // namespace
}  // namespace tape
