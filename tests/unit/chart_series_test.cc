// The report's bounded chart series (report/chart_series.h) and its number appenders
// (report/text_out.h).
#include "report/chart_series.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "report/svg_chart.h"
#include "report/text_out.h"

namespace tape {
namespace {

// The tearsheet's PnL histogram bins (report/tearsheet.cc): step and lower edge from the nets'
// range, as there. Each bin's count from the full list of nets (exact: net - lo_minor over
// step_minor, in integers) must equal the count from the bounded buckets.
TEST(NetHistogram, BinCountsEqualThoseOfTheFullList) {
  std::mt19937_64 rng(7);
  const int64_t scale = 10'000;  // money minor units per currency unit
  for (const int64_t spread : {int64_t{40}, int64_t{2'900}, int64_t{3'100}, int64_t{250'000},
                               int64_t{90'000'000}, int64_t{7'000'000'000'000}}) {
    for (const size_t trades : {size_t{1}, size_t{7}, size_t{100}, size_t{20'000}}) {
      NetHistogram h;
      std::vector<int64_t> nets;
      std::uniform_int_distribution<int64_t> d(-spread, spread / 3);
      for (size_t i = 0; i < trades; ++i) {
        // Some nets on round values, where bin edges fall.
        const int64_t v = i % 5 == 0 ? d(rng) / 1000 * 1000 : d(rng);
        nets.push_back(v);
        h.add(v);
      }
      const int64_t mn = *std::min_element(nets.begin(), nets.end());
      const int64_t mx = *std::max_element(nets.begin(), nets.end());
      ASSERT_EQ(h.count(), trades);
      ASSERT_EQ(h.min(), mn);
      ASSERT_EQ(h.max(), mx);
      ASSERT_LE(h.buckets().size(), 10 * NetHistogram::kSpanBuckets + 2);
      double lo = static_cast<double>(mn) / scale, hi = static_cast<double>(mx) / scale;
      const size_t bins = std::clamp<size_t>(trades / 3, 5, 30);
      if (hi <= lo) hi = lo + 1;
      const double step = svg::nice_step(hi - lo, static_cast<int>(bins));
      const double lo_edge = std::floor(lo / step) * step;
      // The step and edge in minor units, exactly (step >= 1 minor unit whenever w > 1).
      const int64_t step_minor = std::max<int64_t>(1, std::llround(step * scale));
      const int64_t lo_minor = std::llround(lo_edge * scale);
      if (h.width() > 1) {
        ASSERT_EQ(step_minor % h.width(), 0) << "spread " << spread << " trades " << trades;
        ASSERT_EQ(lo_minor % h.width(), 0);
      }
      std::map<int64_t, uint64_t> full, bucketed;
      for (const int64_t v : nets) {
        ++full[(v - lo_minor) / step_minor];
      }
      for (const auto& [k, n] : h.buckets()) {
        const int64_t first = k * h.width();
        const int64_t last = first + h.width() - 1;
        if (h.width() > 1) {
          ASSERT_EQ((first - lo_minor) / step_minor, (last - lo_minor) / step_minor);
        }  // else: one net
        bucketed[(first - lo_minor) / step_minor] += n;
      }
      if (step * scale >= 1) {
        EXPECT_EQ(full, bucketed) << "spread " << spread;
      }
    }
  }
}

TEST(ChartSeries, KeepsEveryPointWhileShort) {
  ChartSeries s(16);
  for (int i = 0; i < 16; ++i) s.add(Stamp{i, false}, i % 3);
  const std::vector<ChartPoint> p = s.points();
  ASSERT_EQ(p.size(), 16u);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(p[static_cast<size_t>(i)].time.ts_ns, i);
}

TEST(ChartSeries, LongSeriesIsBoundedAndKeepsItsExtremesInOrder) {
  ChartSeries s(4000);
  const int64_t n = 1'000'003;
  for (int64_t i = 0; i < n; ++i) {
    double y = static_cast<double>(i % 97);
    if (i == 654'321) y = -1000;  // one deep dip
    if (i == 123'457) y = 5000;   // one spike
    s.add(Stamp{i * 60, false}, y);
  }
  EXPECT_EQ(s.size(), static_cast<uint64_t>(n));
  const std::vector<ChartPoint> p = s.points();
  EXPECT_LE(p.size(), 4000u);
  EXPECT_GT(p.size(), 1000u);
  EXPECT_EQ(p.front().index, 0u);
  EXPECT_EQ(p.back().index, static_cast<uint64_t>(n - 1));
  for (size_t i = 1; i < p.size(); ++i) ASSERT_LT(p[i - 1].index, p[i].index);
  const auto has = [&](uint64_t idx, double y) {
    return std::any_of(p.begin(), p.end(),
                       [&](const ChartPoint& c) { return c.index == idx && c.y == y; });
  };
  EXPECT_TRUE(has(654'321, -1000));
  EXPECT_TRUE(has(123'457, 5000));
  EXPECT_EQ(p[10].time.ts_ns, static_cast<int64_t>(p[10].index) * 60);
}

TEST(ChartSeries, SameValuesKeepTheSamePoints) {
  ChartSeries a(400), b(400);
  for (int i = 0; i < 100'000; ++i) {
    a.add(Stamp{i, false}, (i * 7919) % 1000);
    b.add(Stamp{i, false}, (i * 7919) % 1000);
  }
  const auto pa = a.points(), pb = b.points();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_EQ(pa[i].index, pb[i].index);
}

TEST(TextOut, DecimalsAreExact) {
  std::string s;
  append_decimal(s, -1250, 2);
  s += ' ';
  append_decimal(s, 5, 3);
  s += ' ';
  append_decimal(s, 0, 0);
  s += ' ';
  append_decimal(s, static_cast<__int128>(1) << 100, 4);
  s += ' ';
  append_decimal_trimmed(s, 12'345'000, 4, 2);
  s += ' ';
  append_decimal_trimmed(s, 12'345'600, 6, 2);
  s += ' ';
  append_int(s, INT64_MIN);
  EXPECT_EQ(s, "-12.50 0.005 0 126765060022822940149670320.5376 1234.50 12.3456 "
               "-9223372036854775808");
}

bool exists(const std::string& p) { return std::filesystem::exists(p); }

TEST(TextOut, AFileIsWholeOrAbsent) {
  const std::string dir = std::filesystem::temp_directory_path().string() + "/tape_textout_" +
                          std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string done = dir + "/done.csv", left = dir + "/left.csv";
  {
    auto a = TextOut::file(done);
    auto b = TextOut::file(left);
    ASSERT_TRUE(a.is_ok() && b.is_ok());
    for (int i = 0; i < 100000; ++i) {  // past the buffer: bytes reach both files
      a.value().buf() += "row\n";
      a.value().row_done();
      b.value().buf() += "row\n";
      b.value().row_done();
    }
    EXPECT_FALSE(exists(done));  // not before close()
    ASSERT_TRUE(a.value().close().is_ok());
    // `b` is never closed: the report failed on the way.
  }
  std::ifstream in(done);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str().size(), 400000u);
  EXPECT_FALSE(exists(done + ".partial"));
  EXPECT_FALSE(exists(left));
  EXPECT_FALSE(exists(left + ".partial"));
  std::filesystem::remove_all(dir);
}

TEST(TextOut, AnUnwritableFileNamesThePath) {
  auto t = TextOut::file("/nonexistent_dir_tape/x.csv");
  ASSERT_FALSE(t.is_ok());
  EXPECT_NE(t.status().message().find("/nonexistent_dir_tape/x.csv"), std::string::npos);
}

}  // namespace
}  // namespace tape
