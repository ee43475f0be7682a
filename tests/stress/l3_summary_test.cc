// The L3 venue's counters in a backtest's summary: the queue_maker example on the GOOG sample
// reports, in --json and in summary.json alike, the unknown-liquidity messages by kind (the
// numbers docs/l3_venue.md gives), the executions its orders absorbed, and its fills from the
// queue; a bar backtest has no `l3` object.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_util.h"

namespace tape {
namespace {

using nlohmann::json;
using testing_util::run_tape;
using testing_util::TempDir;

std::string example(const std::string& name) {
  return std::string(TAPE_SOURCE_DIR) + "/examples/" + name + "/" + name + ".toml";
}

TEST(L3Summary, QueueMakerReportsTheVenueCountersAndItsQueueFills) {
  TempDir d("l3_summary");
  std::filesystem::create_directories(d.path());
  auto r = run_tape("backtest " + example("queue_maker") + " --out " + d.path() + "/a --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = json::parse(r.out);
  ASSERT_TRUE(s.contains("l3")) << r.out;
  const json& l3 = s["l3"];
  ASSERT_EQ(l3["instruments"].size(), 1u);
  const json& g = l3["instruments"][0];
  EXPECT_EQ(g["symbol"], "GOOG");
  EXPECT_EQ(g["messages"], 49482);
  EXPECT_EQ(g["unknown_reduce"], 1);
  EXPECT_EQ(g["unknown_delete"], 2166);
  EXPECT_EQ(g["unknown_execute"], 2309);
  EXPECT_GT(g["hidden_executions"].get<uint64_t>(), 0u);
  // Every fill of the post-only maker comes from the queue, each through an absorbed execution
  // (or a crossing add).
  const uint64_t fills = s["fills"].get<uint64_t>();
  EXPECT_GT(fills, 100u);
  EXPECT_EQ(l3["strategy_queue_fills"].get<uint64_t>(), fills);
  EXPECT_EQ(l3["strategy_taker_fills"], 0);
  EXPECT_GT(g["absorbed_executions"].get<uint64_t>(), 0u);
  EXPECT_LE(g["absorbed_executions"].get<uint64_t>() + g["crossing_adds"].get<uint64_t>(),
            fills);
  EXPECT_GE(g["absorbed_lots"].get<uint64_t>(), 1u);
  EXPECT_LE(g["absorbed_lots"].get<uint64_t>(), l3["strategy_queue_fill_lots"].get<uint64_t>());
  EXPECT_EQ(l3["feed_early"], 0);
  std::ifstream f(d.path() + "/a/summary.json");
  const json file = json::parse(f);
  EXPECT_EQ(file["l3"], l3);
}

TEST(L3Summary, BarBacktestsHaveNoL3Object) {
  TempDir d("l3_summary_bars");
  std::filesystem::create_directories(d.path());
  auto r = run_tape("backtest " + example("sma_cross") + " --out " + d.path() + "/a --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(json::parse(r.out).contains("l3"));
}

}  // namespace
}  // namespace tape
