// The latency keys of a backtest config (session/backtest_config.cc, docs/backtest.md "Latency"):
// the constant form as before, the distribution tables, the run's seed, and every kind of bad
// input refused (exit 2) naming its key.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli_util.h"
#include "session/backtest_config.h"

namespace tape {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kHourNs = int64_t{3600} * 1'000'000'000;

Result<BacktestConfig> parse(const std::string& latency, const std::string& header = "") {
  const std::string text = "[backtest]\nname = \"t\"\n" + header +
                           "\n[data]\nlog = \"/nonexistent/data\"\n"
                           "[[strategies]]\nbuiltin = \"fat_finger\"\n"
                           "[latency]\n" +
                           latency + "\n";
  return parse_backtest_text(text, "t.toml", "/tmp");
}

TEST(LatencyDistConfig, TheConstantFormIsUnchanged) {
  const auto c = parse("order_ms = 5\nfeed_ms = 0.05\nack_ms = 1");
  ASSERT_TRUE(c.is_ok()) << c.status().message();
  const LatencyConfig& l = c.value().core.latency;
  EXPECT_EQ(l.order_ns, 5 * kMs);
  EXPECT_EQ(l.feed_ns, 50'000);
  EXPECT_EQ(l.ack_ns, 1 * kMs);
  EXPECT_FALSE(l.any_drawn());
  EXPECT_EQ(l.seed, 0u);
}

TEST(LatencyDistConfig, EachLatencyTakesADistributionTable) {
  const auto c = parse(
      "order = { dist = \"uniform\", min_ms = 1, max_ms = 3 }\n"
      "feed = { dist = \"exponential\", min_ms = 0.5, mean_ms = 2 }\n"
      "[latency.ack]\ndist = \"lognormal\"\nmin_ms = 0.1\nmedian_ms = 2\nsigma = 0.5\nmax_ms = 50",
      "seed = 42");
  ASSERT_TRUE(c.is_ok()) << c.status().message();
  const LatencyConfig& l = c.value().core.latency;
  EXPECT_EQ(l.order_dist, (LatencyDist{LatencyDistKind::kUniform, 1 * kMs, 3 * kMs, 0, 0}));
  EXPECT_EQ(l.feed_dist,
            (LatencyDist{LatencyDistKind::kExponential, kMs / 2, kHourNs, 2 * kMs, 0}));
  EXPECT_EQ(l.ack_dist,
            (LatencyDist{LatencyDistKind::kLognormal, kMs / 10, 50 * kMs, 2 * kMs, 500'000}));
  EXPECT_EQ(l.order_ns + l.feed_ns + l.ack_ns, 0);
  EXPECT_TRUE(l.order_on() && l.feed_on() && l.ack_on());
  EXPECT_EQ(l.seed, 42u);
}

struct Bad {
  const char* latency;
  const char* key;   // named in the message
  const char* says;  // and this
  const char* header = "";
};

TEST(LatencyDistConfig, EveryKindOfBadInputNamesItsKey) {
  const std::vector<Bad> cases = {
      // unknown keys (a key of another distribution is one too)
      {"order = { dist = \"uniform\", min_ms = 1, max_ms = 3, sigma = 1 }", "latency.order.sigma",
       "unknown key"},
      {"feed = { dist = \"exponential\", mean = 2 }", "latency.feed.mean",
       "valid keys: dist, min_ms, max_ms, mean_ms"},
      {"ack = { dist = \"gauss\", min_ms = 1, max_ms = 3 }", "latency.ack.dist", "lognormal"},
      {"orders = { dist = \"uniform\", min_ms = 1, max_ms = 3 }", "latency.orders", "unknown key"},
      // missing keys
      {"order = { min_ms = 1, max_ms = 3 }", "latency.order.dist", "missing"},
      {"order = { dist = \"uniform\", min_ms = 1 }", "latency.order.max_ms",
       "is required with dist = \"uniform\""},
      {"ack = { dist = \"lognormal\", median_ms = 2 }", "latency.ack.sigma", ""},
      {"feed = { dist = \"exponential\", min_ms = 1 }", "latency.feed.mean_ms", ""},
      // bad types
      {"order = { dist = \"uniform\", min_ms = \"1\", max_ms = 3 }", "latency.order.min_ms",
       "number"},
      {"order = { dist = 3, min_ms = 1, max_ms = 3 }", "latency.order.dist", "string"},
      {"order = 5", "latency.order", "table"},
      {"feed = [1, 2]", "latency.feed", "table"},
      {"ack = { dist = \"lognormal\", median_ms = 2, sigma = \"wide\" }", "latency.ack.sigma",
       "number"},
      // bounds: order, sign, finiteness, range
      {"order = { dist = \"uniform\", min_ms = 3, max_ms = 1 }", "latency.order.max_ms",
       "below min_ms"},
      {"order = { dist = \"uniform\", min_ms = -1, max_ms = 1 }", "latency.order.min_ms",
       "out of range"},
      {"order = { dist = \"uniform\", min_ms = 0, max_ms = inf }", "latency.order.max_ms",
       "finite"},
      {"order = { dist = \"uniform\", min_ms = nan, max_ms = 1 }", "latency.order.min_ms",
       "finite"},
      {"order = { dist = \"uniform\", min_ms = 0, max_ms = 3600001 }", "latency.order.max_ms",
       "out of range"},
      {"order = { dist = \"uniform\", min_ms = 0.0000001, max_ms = 1 }", "latency.order.min_ms",
       "multiple"},
      {"feed = { dist = \"exponential\", min_ms = 2, mean_ms = 1 }", "latency.feed.mean_ms",
       "[min_ms, max_ms]"},
      {"ack = { dist = \"lognormal\", median_ms = 20, sigma = 1, max_ms = 10 }",
       "latency.ack.median_ms", "[min_ms, max_ms]"},
      {"ack = { dist = \"lognormal\", median_ms = 2, sigma = 5 }", "latency.ack.sigma",
       "out of range"},
      {"ack = { dist = \"lognormal\", median_ms = 2, sigma = -0.5 }", "latency.ack.sigma",
       "out of range"},
      // a constant and a distribution for one latency
      {"order_ms = 5\norder = { dist = \"uniform\", min_ms = 1, max_ms = 3 }", "latency.order",
       "not both"},
      // the seed
      {"", "backtest.seed", "out of range", "seed = -1"},
      {"", "backtest.seed", "integer", "seed = \"7\""},
  };
  for (const Bad& b : cases) {
    const auto c = parse(b.latency, b.header);
    ASSERT_FALSE(c.is_ok()) << b.latency << " " << b.header;
    const std::string& m = c.status().message();
    EXPECT_NE(m.find(std::string("'") + b.key + "'"), std::string::npos) << m;
    EXPECT_NE(m.find(b.says), std::string::npos) << m;
    EXPECT_NE(m.find("t.toml:"), std::string::npos) << m;  // with its file:line:column
  }
}

TEST(LatencyDistConfig, TheCliExitsTwoNamingTheKey) {
  const std::string config = std::string(TAPE_SOURCE_DIR) + "/examples/sma_cross/sma_cross.toml";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"'latency.order={dist=\"uniform\",min_ms=3,max_ms=1}'", "latency.order.max_ms"},
      {"'latency.ack={dist=\"uniform\",min_ms=1,max_ms=3,median_ms=2}'", "latency.ack.median_ms"},
      {"'latency.feed={dist=\"lognormal\",median_ms=\"2\",sigma=1}'", "latency.feed.median_ms"},
      {"backtest.seed=-3", "backtest.seed"},
  };
  for (const auto& [set, key] : cases) {
    const auto r = testing_util::run_tape("backtest " + config + " --set " + set +
                                          " --out /nonexistent/never-written");
    EXPECT_EQ(r.exit_code, 2) << set << ": " << r.err;
    EXPECT_NE(r.err.find("'" + key + "'"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace tape
