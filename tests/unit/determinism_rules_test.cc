// Determinism rules 1-4 (docs/determinism.md), checked on the source itself: the
// deterministic core (core/) and the
// generator (sim/) read no clock, draw from no standard-library randomness or distribution,
// keep no unordered container, and are built without floating-point contraction or fast-math.
// Rules 5-7 are checked by behaviour: the *HashState* and snapshot round-trip tests (5), the
// timer-order tests in strategy_test.cc (6), and the stress, fault and cross labels (7).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "cli_util.h"
#include "code_scan.h"

namespace tape {
namespace {

using code_scan::code_only;
using code_scan::describe;
using code_scan::scan;

TEST(CodeOnly, BlanksCommentsAndLiteralsButKeepsCodeAndLines) {
  const std::string in =
      "int a = 1'000; // steady_clock\n/* x\n y */ f(\"unordered_map\", '\\'');\nrand();";
  const std::string out = code_only(in);
  EXPECT_EQ(out.size(), in.size());
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 3);
  EXPECT_NE(out.find("rand();"), std::string::npos) << "a digit separator swallowed code";
  EXPECT_EQ(out.find("steady_clock"), std::string::npos);
  EXPECT_EQ(out.find("unordered_map"), std::string::npos);
  EXPECT_NE(out.find("int a = 1'000;"), std::string::npos);
  EXPECT_NE(out.find("f("), std::string::npos);
}

TEST(CodeOnly, ScanFindsUseInCode) {
  // The scanner must see real use, or the rule tests below could never fail.
  const std::regex clock(R"(\bsteady_clock\b)");
  EXPECT_FALSE(scan({"cli"}, clock).empty()) << "cli/ times runs with steady_clock";
}

// Rule 1: the core reads time only from events (and the generator only from its schedule).
TEST(DeterminismRules, CoreAndGeneratorReadNoClock) {
  const std::regex clock(
      R"(\b(steady_clock|system_clock|high_resolution_clock|utc_clock|file_clock|gettimeofday|clock_gettime|time\s*\(\s*(nullptr|NULL|0)?\s*\)|<chrono>|<ctime>|<sys/time\.h>))");
  const auto found = scan({"core", "sim"}, clock);
  EXPECT_TRUE(found.empty()) << describe(found);
}

// Rule 2: randomness only from core/rng.h with its own distributions.
TEST(DeterminismRules, NoStandardRandomnessOrDistributions) {
  const std::regex random(
      R"(\b(\w+_distribution|random_device|mt19937(_64)?|minstd_rand0?|default_random_engine|ranlux\w*|knuth_b|s?rand\s*\(|random\s*\(\s*\)|<random>))");
  const auto found = scan({"core", "sim", "replay", "store"}, random);
  EXPECT_TRUE(found.empty()) << describe(found);
}

// Rule 3: no unordered container in the core or the generator, where iteration order could
// reach an output or a hash. (The invariant checker in replay/ keeps one for lookups only.)
TEST(DeterminismRules, NoUnorderedContainersInCoreOrGenerator) {
  const std::regex unordered(R"(\bunordered_(map|set|multimap|multiset)\b)");
  const auto found = scan({"core", "sim"}, unordered);
  EXPECT_TRUE(found.empty()) << describe(found);
}

// Rule 4: doubles are never contracted into FMAs or fast-math'd. The build's flags say so, and
// this binary (built with them) confirms fast-math is off.
TEST(DeterminismRules, NoFastMathOrFloatContraction) {
  const std::string cmake = testing_util::slurp(std::string(TAPE_SOURCE_DIR) + "/CMakeLists.txt");
  EXPECT_NE(cmake.find("-ffp-contract=off"), std::string::npos);
  EXPECT_EQ(cmake.find("-ffast-math"), std::string::npos);
  EXPECT_EQ(cmake.find("-Ofast"), std::string::npos);
#ifdef __FAST_MATH__
  ADD_FAILURE() << "built with fast-math";
#endif
  // With contraction off, a*b+c rounds twice; an FMA would round once and give a different bit.
  volatile double a = 1.0 + 0x1p-27, b = 1.0 - 0x1p-27, c = -1.0;
  const double r = a * b + c;
  EXPECT_EQ(r, 0.0) << "a*b+c was contracted into a fused multiply-add";
}

}  // namespace
}  // namespace tape
