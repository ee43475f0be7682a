// The built-in market maker in backtests on the data venues, whose book is the data's and never
// holds its quotes (Context::book_has_own_orders is false there): on quotes and on L3 it settles
// within every input, runs end to end and is deterministic (same config twice, same chain head).
// And the safety net under any strategy: one that answers its own order events without end is
// stopped at the per-input intent cap with exit 2 naming it and the seq.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_util.h"

namespace tape {
namespace {

using nlohmann::json;
using testing_util::run_tape;
using testing_util::TempDir;

std::string write(const TempDir& d, const std::string& name, const std::string& text) {
  const std::string path = d.path() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

// A quote backtest on the shipped FX quotes with one strategy (`strategy_lines`).
std::string quotes_config(const TempDir& d, const std::string& strategy_lines) {
  return write(d, "quotes.toml",
               "[backtest]\nname = \"mm_quotes\"\n\n[data]\nfile = \"" TAPE_SHARED_DATA
               "/bidask.csv\"\n\n[venue]\nmodel = \"quotes\"\n\n[[strategies]]\nname = \"mm\"\n" +
                   strategy_lines);
}

json backtest(const std::string& config, const std::string& out) {
  auto r = run_tape("backtest " + config + " --out " + out + " --json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? json::parse(r.out) : json::object();
}

TEST(MarketMakerBacktest, SettlesOnQuotesTradesAndIsDeterministic) {
  TempDir d("mm_quotes");
  std::filesystem::create_directories(d.path());
  const std::string config = quotes_config(d, "builtin = \"market_maker\"\n");
  const json a = backtest(config, d.path() + "/a");
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a["inputs"], 10);
  EXPECT_GT(a["fills"].get<int>(), 0) << "the quotes move through its bid and ask";
  EXPECT_EQ(a["plugins"][0]["builtin"], "market_maker");
  const json b = backtest(config, d.path() + "/b");
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(a["chain_head"], b["chain_head"]);
  EXPECT_EQ(a["state_hash"], b["state_hash"]);
  auto replay = run_tape("replay --verify --json --data-dir " + d.path() + "/a");
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_EQ(json::parse(replay.out)["state_hash"], a["state_hash"]);
  // Within one input the maker sends at most a replace or two a side: nowhere near the cap.
  auto log = run_tape("inspect --json --data-dir " + d.path() + "/a");
  ASSERT_EQ(log.exit_code, 0) << log.err;
  const json inspected = json::parse(log.out);
  for (const json& in : inspected["inputs"]) {
    EXPECT_LT(in["outputs"].size(), 40u) << in.dump();
  }
}

TEST(MarketMakerBacktest, SettlesOnTheL3VenueAndIsDeterministic) {
  TempDir d("mm_l3");
  std::filesystem::create_directories(d.path());
  const std::string config =
      write(d, "l3.toml",
            "[backtest]\nname = \"mm_l3\"\n\n[data]\nfile = \"" TAPE_SHARED_DATA
            "/lobster/GOOG_2012-06-21_34200000_57600000_message_1.csv\"\nformat = \"lobster\"\n"
            "book_seed = \"auto\"\n\n[venue]\nmodel = \"l3\"\n\n[[strategies]]\nname = \"mm\"\n"
            "builtin = \"market_maker\"\nstarting_cash = 1000000\n\n[strategies.params]\n"
            "half_spread_ticks = 100\nquote_qty = 100\nmax_position = 200\n");
  const json a = backtest(config, d.path() + "/a");
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a["inputs"], 49482);
  EXPECT_GT(a["fills"].get<int>(), 100);
  const json b = backtest(config, d.path() + "/b");
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(a["chain_head"], b["chain_head"]);
  EXPECT_EQ(a["state_hash"], b["state_hash"]);
}

TEST(MarketMakerBacktest, StrategyThatNeverSettlesStopsAtTheIntentCapNamingItAndTheSeq) {
  TempDir d("mm_flood");
  std::filesystem::create_directories(d.path());
  const std::string config =
      quotes_config(d, std::string("plugin = \"") + TAPE_PLUGIN_FLOOD + "\"\n");
  auto r = run_tape("backtest " + config + " --out " + d.path() + "/a");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("strategy 'mm'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("more than 16384 orders, cancels and replaces"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("at seq 1 "), std::string::npos) << r.err;
}

// 100,000 orders sent in one callback: more than the bus queue holds (65,536 by default). The
// cap stops the burst with its error; the queue never fills (its check would abort the run).
TEST(MarketMakerBacktest, BurstLargerThanTheBusQueueStopsAtTheCapNotInTheQueue) {
  TempDir d("mm_burst");
  std::filesystem::create_directories(d.path());
  const std::string config = quotes_config(d, std::string("plugin = \"") + TAPE_PLUGIN_FLOOD +
                                                  "\"\n[strategies.params]\nburst = 100000\n");
  auto r = run_tape("backtest " + config + " --out " + d.path() + "/a");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("strategy 'mm' sent more than 16384 orders"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("event queue full"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tape
