// Dates and times from text to UTC ns (feed/time_parse.h): every accepted shape, the invalid
// ones, time zones with their DST gaps and overlaps.
#include <gtest/gtest.h>

#include "feed/time_parse.h"

namespace tape {
namespace {

constexpr int64_t kS = kNsPerSecond;

int64_t days_of(std::string_view text, DateFormat f = DateFormat::kAuto) {
  int64_t d = -1;
  EXPECT_TRUE(parse_date(text, f, d)) << text;
  return d;
}

TEST(FeedTimeTest, DatesInEveryFormatGiveTheSameDay) {
  EXPECT_EQ(days_of("1970-01-01"), 0);
  EXPECT_EQ(days_of("1995-01-03"), 9133);
  EXPECT_EQ(days_of("01/03/1995"), 9133);  // auto reads NN/NN/YYYY as the US month/day order
  EXPECT_EQ(days_of("03/01/1995", DateFormat::kDmy), 9133);
  EXPECT_EQ(days_of("19950103"), 9133);
  EXPECT_EQ(days_of("2000-02-29"), 11016);
}

TEST(FeedTimeTest, InvalidDatesAreRefused) {
  int64_t d = 0;
  for (std::string_view bad : {"1995-02-30", "1900-02-29", "1995-13-01", "1995-1-03", "95-01-03",
                               "1995/01/03", "", "1995-01-0x", "13/01/1995"}) {
    EXPECT_FALSE(parse_date(bad, DateFormat::kAuto, d)) << bad;
  }
  EXPECT_FALSE(parse_date("01/03/1995", DateFormat::kYmd, d));
}

TEST(FeedTimeTest, TimesOfDayTakeFractionsToTheNanosecond) {
  int64_t ns = 0;
  ASSERT_TRUE(parse_time_of_day("09:05", ns));
  EXPECT_EQ(ns, (9 * 3600 + 5 * 60) * kS);
  ASSERT_TRUE(parse_time_of_day("16:53:50", ns));
  EXPECT_EQ(ns, (16 * 3600 + 53 * 60 + 50) * kS);
  ASSERT_TRUE(parse_time_of_day("20:57:42.146", ns));
  EXPECT_EQ(ns, (20 * 3600 + 57 * 60 + 42) * kS + 146'000'000);
  ASSERT_TRUE(parse_time_of_day("00:00:00.000000001", ns));
  EXPECT_EQ(ns, 1);
  ASSERT_TRUE(parse_time_of_day("093000", ns));
  EXPECT_EQ(ns, 9 * 3600 * kS + 30 * 60 * kS);
  for (std::string_view bad : {"24:00:00", "09:60", "9:30", "09:30:00.", "09:30:00.1234567890",
                               "09:30:0", "09:30:00Z", "ab:cd"}) {
    EXPECT_FALSE(parse_time_of_day(bad, ns)) << bad;
  }
}

TEST(FeedTimeTest, IsoDateTimesWithOffsetsAndSpaces) {
  DateTime dt;
  ASSERT_TRUE(parse_date_time("2015-09-23T20:57:42.146", DateFormat::kAuto, dt));
  EXPECT_TRUE(dt.has_time);
  EXPECT_FALSE(dt.has_offset);
  EXPECT_EQ(format_utc(dt.local_ns), "2015-09-23T20:57:42.146Z");
  ASSERT_TRUE(parse_date_time("2015-09-23T16:57:42-04:00", DateFormat::kAuto, dt));
  EXPECT_TRUE(dt.has_offset);
  EXPECT_EQ(format_utc(dt.local_ns - dt.offset_ns), "2015-09-23T20:57:42Z");
  ASSERT_TRUE(parse_date_time("2015-09-23T22:27:42+0130", DateFormat::kAuto, dt));
  EXPECT_EQ(format_utc(dt.local_ns - dt.offset_ns), "2015-09-23T20:57:42Z");
  ASSERT_TRUE(parse_date_time("2015-09-23T20:57:42Z", DateFormat::kAuto, dt));
  EXPECT_TRUE(dt.has_offset);
  EXPECT_EQ(dt.offset_ns, 0);
  ASSERT_TRUE(parse_date_time("02/03/2010 16:53:50", DateFormat::kAuto, dt));
  EXPECT_EQ(format_utc(dt.local_ns), "2010-02-03T16:53:50Z");
  ASSERT_TRUE(parse_date_time("1995-01-03", DateFormat::kAuto, dt));
  EXPECT_FALSE(dt.has_time);
  for (std::string_view bad : {"2015-09-23T", "2015-09-23X20:57", "2015-09-23T20:57+25:00",
                               "2015-09-23T20:57:42.146+", "2015-09-23 20:57:42 extra"}) {
    EXPECT_FALSE(parse_date_time(bad, DateFormat::kAuto, dt)) << bad;
  }
}

TEST(FeedTimeTest, UnixCountsInEveryUnit) {
  int64_t ns = 0;
  ASSERT_TRUE(parse_unix_time("1443041862.146", TimeFormat::kUnixS, ns));
  EXPECT_EQ(ns, 1443041862 * kS + 146'000'000);
  ASSERT_TRUE(parse_unix_time("1443041862146", TimeFormat::kUnixMs, ns));
  EXPECT_EQ(ns, 1443041862146'000'000);
  ASSERT_TRUE(parse_unix_time("1443041862146000", TimeFormat::kUnixUs, ns));
  EXPECT_EQ(ns, 1443041862146'000'000);
  ASSERT_TRUE(parse_unix_time("1443041862146000001", TimeFormat::kUnixNs, ns));
  EXPECT_EQ(ns, 1443041862146'000'001);
  EXPECT_FALSE(parse_unix_time("1443041862.5", TimeFormat::kUnixMs, ns));
  EXPECT_FALSE(parse_unix_time("99999999999999999999", TimeFormat::kUnixS, ns));
  EXPECT_FALSE(parse_unix_time("12x", TimeFormat::kUnixS, ns));
}

int64_t local(std::string_view text) {
  DateTime dt;
  EXPECT_TRUE(parse_date_time(text, DateFormat::kAuto, dt)) << text;
  return dt.local_ns;
}

TEST(FeedTimeTest, NewYorkWinterAndSummerOffsets) {
  auto tz = TimeZone::parse("America/New_York");
  ASSERT_TRUE(tz.is_ok()) << tz.status().message();
  int64_t utc = 0;
  ASSERT_TRUE(tz.value().to_utc(local("2021-01-15T09:30:00"), utc));
  EXPECT_EQ(format_utc(utc), "2021-01-15T14:30:00Z");
  ASSERT_TRUE(tz.value().to_utc(local("2021-07-15T09:30:00"), utc));
  EXPECT_EQ(format_utc(utc), "2021-07-15T13:30:00Z");
  // Cached period, then a lookup across the transition: both still right.
  ASSERT_TRUE(tz.value().to_utc(local("2021-07-16T09:30:00"), utc));
  EXPECT_EQ(format_utc(utc), "2021-07-16T13:30:00Z");
  ASSERT_TRUE(tz.value().to_utc(local("2021-11-08T09:30:00"), utc));
  EXPECT_EQ(format_utc(utc), "2021-11-08T14:30:00Z");
}

TEST(FeedTimeTest, NonexistentLocalTimeIsRefusedAndEndOfDayTakesTheJump) {
  TimeZone tz = TimeZone::parse("America/New_York").value();
  int64_t utc = 0;
  // 2021-03-14: clocks go from 02:00 EST to 03:00 EDT.
  EXPECT_FALSE(tz.to_utc(local("2021-03-14T02:30:00"), utc));
  ASSERT_TRUE(tz.to_utc(local("2021-03-14T03:00:00"), utc));
  EXPECT_EQ(format_utc(utc), "2021-03-14T07:00:00Z");
  EXPECT_EQ(format_utc(tz.first_instant_at_or_after(local("2021-03-14T02:30:00"))),
            "2021-03-14T07:00:00Z");
}

TEST(FeedTimeTest, AmbiguousLocalTimeIsTheEarlierInstant) {
  TimeZone tz = TimeZone::parse("America/New_York").value();
  int64_t utc = 0;
  // 2021-11-07: 01:30 happens at EDT (05:30Z) and again at EST (06:30Z).
  ASSERT_TRUE(tz.to_utc(local("2021-11-07T01:30:00"), utc));
  EXPECT_EQ(format_utc(utc), "2021-11-07T05:30:00Z");
}

TEST(FeedTimeTest, FixedOffsetsAndUnknownZones) {
  int64_t utc = 0;
  for (std::string_view name : {"+05:30", "UTC+05:30", "+0530"}) {
    auto tz = TimeZone::parse(name);
    ASSERT_TRUE(tz.is_ok()) << name;
    ASSERT_TRUE(tz.value().to_utc(local("2021-01-01T05:30:00"), utc));
    EXPECT_EQ(format_utc(utc), "2021-01-01T00:00:00Z") << name;
  }
  auto m2 = TimeZone::parse("UTC-2");
  ASSERT_TRUE(m2.is_ok());
  ASSERT_TRUE(m2.value().to_utc(local("2021-01-01T00:00:00"), utc));
  EXPECT_EQ(format_utc(utc), "2021-01-01T02:00:00Z");
  EXPECT_TRUE(TimeZone::parse("UTC").value().is_utc());
  auto bad = TimeZone::parse("Mars/Olympus_Mons");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("Mars/Olympus_Mons"), std::string::npos);
  EXPECT_FALSE(TimeZone::parse("+25:00").is_ok());
}

}  // namespace
}  // namespace tape
