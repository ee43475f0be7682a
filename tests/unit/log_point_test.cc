// cli/log_point.h: --from/--to texts are a seq or an exact simulated time with a unit; anything
// else is refused with a message naming it.
#include "cli/log_point.h"

#include <gtest/gtest.h>

namespace tape {
namespace {

int64_t ns_of(std::string_view text) {
  auto p = parse_log_point(text);
  EXPECT_TRUE(p.is_ok()) << text << ": " << p.status().message();
  EXPECT_TRUE(p.is_ok() && p.value().is_time) << text;
  return p.is_ok() ? p.value().ts.value() : -1;
}

TEST(LogPoint, PlainNumbersAreSeqs) {
  auto p = parse_log_point("1000");
  ASSERT_TRUE(p.is_ok());
  EXPECT_FALSE(p.value().is_time);
  EXPECT_EQ(p.value().seq, Seq(1000));
}

TEST(LogPoint, TimesAreExactInEveryUnit) {
  EXPECT_EQ(ns_of("0.1s"), 100'000'000);  // no floating-point rounding
  EXPECT_EQ(ns_of("12.5s"), 12'500'000'000);
  EXPECT_EQ(ns_of("1500ms"), 1'500'000'000);
  EXPECT_EQ(ns_of("250us"), 250'000);
  EXPECT_EQ(ns_of("42ns"), 42);
  EXPECT_EQ(ns_of("2m"), 120'000'000'000);
  EXPECT_EQ(ns_of("0s"), 0);
  EXPECT_EQ(ns_of("1.0000000001s"), 1'000'000'000);  // below a nanosecond truncates
}

TEST(LogPoint, AnythingElseIsRefusedNamingIt) {
  for (const char* bad : {"0", "", "s", "1.5", "-1s", "12parsecs", "1.2.3s", "1e3ms", "ms",
                          "99999999999999999999s", "4s5"}) {
    auto p = parse_log_point(bad);
    EXPECT_FALSE(p.is_ok()) << "'" << bad << "' was accepted";
    if (!p.is_ok()) {
      EXPECT_NE(p.status().message().find("'" + std::string(bad) + "'"), std::string::npos)
          << p.status().message();
    }
  }
}

}  // namespace
}  // namespace tape
