// examples/queue_maker on the L3 venue: the shipped config backtests the whole GOOG sample end
// to end (its orders queue for real: every fill is a maker fill from the data's own flow),
// replays and verifies, and repeats to the same chain head; and on a hand-written LOBSTER file,
// a strategy whose order reaches the venue 1 us after the data it reacted to (feed + order
// latency) stands behind an order that arrived in between, and ahead of one that came later.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli_util.h"

namespace tape {
namespace {

using nlohmann::json;
using testing_util::run_tape;
using testing_util::TempDir;

const std::string kConfig = std::string(TAPE_SOURCE_DIR) + "/examples/queue_maker/queue_maker.toml";

json backtest(const std::string& dir, const std::string& extra = "") {
  auto r = run_tape("backtest " + kConfig + " --out " + dir + " --json" + extra);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (r.exit_code != 0) return json::object();
  return json::parse(r.out);
}

std::vector<json> outputs(const std::string& dir, const std::string& type) {
  auto r = run_tape("inspect --type " + type + " --json --data-dir " + dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> out;
  if (r.exit_code != 0) return out;
  const json log = json::parse(r.out);
  for (const json& in : log["inputs"]) {
    for (const json& o : in["outputs"]) {
      if (o["type"] == type) out.push_back(o);
    }
  }
  return out;
}

TEST(QueueMaker, BacktestsTheGoogSampleWithOrdersInTheRealQueue) {
  TempDir d("queue_maker");
  std::filesystem::create_directories(d.path());
  const json s = backtest(d.path() + "/a");
  ASSERT_TRUE(s.contains("fills"));
  EXPECT_EQ(s["inputs"], 49482) << "every GOOG message is an input";
  EXPECT_GT(s["fills"].get<int>(), 100);
  EXPECT_GT(s["trades_closed"].get<int>(), 10);
  for (const char* f : {"tearsheet.html", "fills.csv", "trades.csv", "equity.csv"}) {
    EXPECT_TRUE(std::filesystem::exists(d.path() + "/a/" + f)) << f;
  }
  // Joined at the best, post-only: it never takes; the data's executions fill it.
  for (const json& f : outputs(d.path() + "/a", "fill")) {
    ASSERT_EQ(f["taker"], 0) << f.dump();
    ASSERT_EQ(f["maker_account"], 1) << f.dump();
  }
  auto replay = run_tape("replay --verify --json --data-dir " + d.path() + "/a");
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  const json rj = json::parse(replay.out);
  EXPECT_EQ(rj["verified"], true);
  EXPECT_EQ(rj["state_hash"], s["state_hash"]);
  auto audit = run_tape("audit --json --data-dir " + d.path() + "/a");
  EXPECT_EQ(audit.exit_code, 0) << audit.err;
  const json again = backtest(d.path() + "/b");
  EXPECT_EQ(again["chain_head"], s["chain_head"]) << "same config and data, same log";
  // Without the seed the run differs (the book starts unknown), and is still deterministic.
  const json unseeded = backtest(d.path() + "/c", " --set 'data.book_seed=\"none\"'");
  EXPECT_NE(unseeded["state_hash"], s["state_hash"]);
}

TEST(QueueMaker, ABadSeedFileIsExitTwoNamingIt) {
  TempDir d("queue_maker_bad_seed");
  std::filesystem::create_directories(d.path());
  const std::string seed = d.path() + "/GOOG_2012-06-21_34200000_57600000_orderbook_1.csv";
  std::ofstream(seed) << "5802300,100,5794000\n";
  auto r = run_tape("backtest " + kConfig + " --out " + d.path() + "/run --set 'data.book_seed=\"" +
                    seed + "\"'");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(seed + ":1:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("wrong_field_count"), std::string::npos) << r.err;
  auto missing = run_tape("backtest " + kConfig + " --out " + d.path() + "/run2 --set " +
                          "'data.book_seed=\"" + d.path() + "/nope.csv\"'");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("nope.csv"), std::string::npos) << missing.err;
}

// Bid 10.0000 (order 1, 100 lots) and ask 10.0100 at t0 = 09:30:00; the strategy hears of the
// bid 0.5 us later (feed) and its buy reaches the venue 0.5 us after that (order): t0 + 1 us.
// Order 2 (100 lots at 10.0000) arrives at t0 + `second_ns`. Then order 1 and order 2 execute.
json run_latency_case(const TempDir& d, const std::string& name, int second_ns) {
  const std::string file = d.path() + "/" + name + "_2012-06-21_34200000_57600000_message_1.csv";
  char t2[32];
  std::snprintf(t2, sizeof t2, "34200.%09d", second_ns);
  std::ofstream(file) << "34200.000000000,1,1,100,100100,-1\n"
                      << "34200.000000000,1,2000,100,100000,1\n"
                      << t2 << ",1,3000,100,100000,1\n"
                      << "34200.000100000,4,2000,100,100000,1\n"
                      << "34200.000200000,4,3000,100,100000,1\n";
  const std::string dir = d.path() + "/" + name;
  auto r = run_tape("backtest " + kConfig + " --out " + dir + " --json --set 'data.file=\"" +
                    file + "\"' --set latency.feed_ms=0.0005 --set latency.order_ms=0.0005" +
                    " --set strategies.0.params.qty=10");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  json out = json::object();
  out["fills"] = json::array();
  if (r.exit_code != 0) return out;
  for (const json& f : outputs(dir, "fill")) out["fills"].push_back(f);
  return out;
}

TEST(QueueMaker, L3JoiningOneMicrosecondLaterStandsBehindTheOrderThatArrivedInBetween) {
  TempDir d("queue_maker_latency");
  std::filesystem::create_directories(d.path());
  // Order 2 at t0 + 0.7 us: between the strategy's decision and its arrival. It is ahead: its
  // execution does not reach the strategy's buy, nothing fills it.
  const json between = run_latency_case(d, "AHEAD", 700);
  EXPECT_TRUE(between["fills"].empty()) << between.dump();
  // Order 2 at t0 + 1.3 us: after the strategy's buy arrived. The buy is ahead of it: order 2's
  // execution fills the buy's 10 lots first, at 10.0000.
  const json after = run_latency_case(d, "BEHIND", 1300);
  ASSERT_EQ(after["fills"].size(), 1u) << after.dump();
  EXPECT_EQ(after["fills"][0]["qty"], 10);
  EXPECT_EQ(after["fills"][0]["price"], "10.0000");
  EXPECT_EQ(after["fills"][0]["seq"], 5) << "the execution of order 2";
}

}  // namespace
}  // namespace tape
