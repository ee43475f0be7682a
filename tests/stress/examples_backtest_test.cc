// The shipped examples examples/mean_reversion (quotes, post-only limits, replace) and
// examples/timer_stop (a timer, stop orders, replace) run by `tape backtest` on their shipped
// configs and data: each trades, uses the orders its rules name (as the run log records them),
// replays and verifies, and runs twice to the same chain head. Then each one's rules on a tiny
// data file written here, the prices worked out by hand from its README's rules, so a wrong rule
// (or a venue fill rule they rely on) fails here.
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

std::string config_of(const std::string& name) {
  return std::string(TAPE_SOURCE_DIR) + "/examples/" + name + "/" + name + ".toml";
}

// Runs `tape backtest` on an example's config into dir; returns its --json summary.
json backtest(const std::string& name, const std::string& dir, const std::string& extra = "") {
  auto r = run_tape("backtest " + config_of(name) + " --out " + dir + " --json" + extra);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (r.exit_code != 0) return json::object();
  return json::parse(r.out);
}

// The outputs of one type the run log holds, in log order (tape inspect --type T --json).
std::vector<json> outputs(const std::string& dir, const std::string& type) {
  auto r = run_tape("inspect --type " + type + " --json --data-dir " + dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> out;
  if (r.exit_code != 0) return out;
  const json log = json::parse(r.out);  // kept: a range-for over a temporary's member dangles
  for (const json& in : log["inputs"]) {
    for (const json& o : in["outputs"]) {
      if (o["type"] == type) out.push_back(o);
    }
  }
  return out;
}

void expect_replays_and_repeats(const std::string& name, const TempDir& d, const json& first) {
  auto replay = run_tape("replay --verify --json --data-dir " + d.path() + "/a");
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  const json rj = json::parse(replay.out);
  EXPECT_EQ(rj["verified"], true);
  EXPECT_EQ(rj["state_hash_verified"], true);
  EXPECT_EQ(rj["state_hash"], first["state_hash"]);
  const json second = backtest(name, d.path() + "/b");
  EXPECT_EQ(second["chain_head"], first["chain_head"]) << "same config and data, same log";
  EXPECT_EQ(second["state_hash"], first["state_hash"]);
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// ---- mean_reversion ----

TEST(ExamplesBacktest, MeanReversionTradesOnTheShippedQuotesWithPostOnlyLimitsAndReplaces) {
  TempDir d("examples_mr");
  std::filesystem::create_directories(d.path());
  const json s = backtest("mean_reversion", d.path() + "/a");
  ASSERT_TRUE(s.contains("fills"));
  EXPECT_GT(s["fills"].get<int>(), 0);
  EXPECT_GT(s["trades_closed"].get<int>(), 0);
  EXPECT_EQ(s["inputs"], 10) << "bidask.csv: ten quotes";

  const std::vector<json> accepted = outputs(d.path() + "/a", "accepted");
  ASSERT_FALSE(accepted.empty());
  bool buy = false, sell = false;
  for (const json& a : accepted) {
    EXPECT_EQ(a["order_type"], "limit");
    EXPECT_EQ(a.value("post_only", false), true) << a.dump();
    (a["side"] == "buy" ? buy : sell) = true;
  }
  EXPECT_TRUE(buy && sell);
  EXPECT_FALSE(outputs(d.path() + "/a", "replaced").empty()) << "stale orders are re-priced";
  EXPECT_TRUE(outputs(d.path() + "/a", "rejected").empty()) << "post-only never takes";
  for (const json& f : outputs(d.path() + "/a", "fill")) {
    EXPECT_EQ(f["maker"], 0) << "the quote venue fills the resting order";
  }
  expect_replays_and_repeats("mean_reversion", d, s);
}

// window 2, entry_ticks 10, qty 1, max_position 1; ticks of 0.0001. With mid x 2 = bid + ask:
//  q2: sum 40020, band = floor(40020/4) - 10 = 9995 < bid 10000 -> buy 1 @ 0.9995 post-only.
//  q3: ask 0.9995 <= 0.9995 -> the buy fills at 0.9995 (maker). sum 20010 + 19985 = 39995,
//      exit = ceil(39995/4) = 9999 > ask 9995 -> sell 1 @ 0.9999. Position 1 = max: no buy.
//  q4: bid 0.9992 < 0.9999, no fill. sum 19985 + 19989 = 39974, exit = 9994 < ask 9997 -> the
//      sell is stale: replaced to the ask, 0.9997.
//  q5: bid 0.9997 >= 0.9997 -> the sell fills at 0.9997. Flat: sum 19989 + 19998 = 39987,
//      band = 9996 - 10 = 9986 < bid 9997 -> buy 1 @ 0.9986.
TEST(ExamplesBacktest, MeanReversionRestsAtTheBandThenExitsAtTheMeanOrTheAsk) {
  TempDir d("examples_mr_rule");
  std::filesystem::create_directories(d.path());
  const std::string file = d.path() + "/q.csv";
  write_file(file,
             "TIMESTAMP,BID,ASK\n"
             "02/03/2010 16:53:50,1.0000,1.0010\n"
             "02/03/2010 16:53:51,1.0000,1.0010\n"
             "02/03/2010 16:53:52,0.9990,0.9995\n"
             "02/03/2010 16:53:53,0.9992,0.9997\n"
             "02/03/2010 16:53:54,0.9997,1.0001\n");
  const std::string dir = d.path() + "/run";
  const json s = backtest("mean_reversion", dir,
                          " --set data.file=" + file + " --set 'data.tick_size=\"0.0001\"'" +
                              " --set strategies.0.params.window=2" +
                              " --set strategies.0.params.entry_ticks=10" +
                              " --set strategies.0.params.max_position=1");
  ASSERT_TRUE(s.contains("fills"));

  const std::vector<json> accepted = outputs(dir, "accepted");
  ASSERT_EQ(accepted.size(), 3u);
  EXPECT_EQ(accepted[0]["side"], "buy");
  EXPECT_EQ(accepted[0]["price"], "0.9995");
  EXPECT_EQ(accepted[0]["qty"], 1);
  EXPECT_EQ(accepted[0]["seq"], 2) << "the quote that fills the window acts";
  EXPECT_EQ(accepted[1]["side"], "sell");
  EXPECT_EQ(accepted[1]["price"], "0.9999");
  EXPECT_EQ(accepted[1]["seq"], 3);
  EXPECT_EQ(accepted[2]["side"], "buy");
  EXPECT_EQ(accepted[2]["price"], "0.9986");
  EXPECT_EQ(accepted[2]["seq"], 5);
  for (const json& a : accepted) EXPECT_EQ(a.value("post_only", false), true);

  const std::vector<json> replaced = outputs(dir, "replaced");
  ASSERT_EQ(replaced.size(), 1u);
  EXPECT_EQ(replaced[0]["id"], accepted[1]["id"]);
  EXPECT_EQ(replaced[0]["price"], "0.9997");
  EXPECT_EQ(replaced[0]["seq"], 4);

  const std::vector<json> fills = outputs(dir, "fill");
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0]["taker"], accepted[0]["id"]);
  EXPECT_EQ(fills[0]["price"], "0.9995");
  EXPECT_EQ(fills[0]["seq"], 3);
  EXPECT_EQ(fills[1]["taker"], accepted[1]["id"]);
  EXPECT_EQ(fills[1]["price"], "0.9997");
  EXPECT_EQ(fills[1]["seq"], 5);
  EXPECT_EQ(s["trades_closed"], 1);
}

TEST(ExamplesBacktest, MeanReversionRefusesParametersOutsideItsRules) {
  TempDir d("examples_mr_params");
  for (const std::string bad : {"window=1", "entry_ticks=-1", "qty=0", "max_position=0"}) {
    auto r = run_tape("backtest " + config_of("mean_reversion") + " --set strategies.0.params." +
                      bad + " --out " + d.path() + "/run");
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.err.find(bad.substr(0, bad.find('='))), std::string::npos) << r.err;
  }
}

// ---- timer_stop ----

TEST(ExamplesBacktest, TimerStopTradesOnTheShippedBarsWithStopBuysAndTrailingStopSells) {
  TempDir d("examples_ts");
  std::filesystem::create_directories(d.path());
  const json s = backtest("timer_stop", d.path() + "/a");
  ASSERT_TRUE(s.contains("fills"));
  EXPECT_GT(s["fills"].get<int>(), 0);
  EXPECT_GT(s["trades_closed"].get<int>(), 0);
  EXPECT_EQ(s["bars"], 2142);

  const std::vector<json> accepted = outputs(d.path() + "/a", "accepted");
  ASSERT_FALSE(accepted.empty());
  int buys = 0, sells = 0;
  for (const json& a : accepted) {
    EXPECT_EQ(a["order_type"], "stop") << a.dump();
    EXPECT_TRUE(a.contains("stop_price"));
    ++(a["side"] == "buy" ? buys : sells);
  }
  EXPECT_GT(buys, 0);
  EXPECT_GT(sells, 0);
  EXPECT_FALSE(outputs(d.path() + "/a", "replaced").empty()) << "the timer moves the stops";
  EXPECT_TRUE(outputs(d.path() + "/a", "rejected").empty());
  expect_replays_and_repeats("timer_stop", d, s);
}

// 1-minute bars, timer every 2 minutes from the first bar (09:01), lookback 2, breakout_ticks 10,
// stop_ticks 50, ticks of 0.01. A timer fires before the bar stamped at its due time, and an
// order arriving at a bar's stamp works from the next bar.
//  09:03 timer: H = max(100.50, 100.80) -> stop buy @ 100.90. The 09:03 bar's high 100.95 does
//        not fill it (it arrived at that bar's stamp); the 09:04 bar (high 101.00) fills it at
//        max(open 100.70, 100.90) = 100.90. At once: stop sell @ 100.90 - 0.50 = 100.40.
//  09:05 timer: highest since entry 101.00 -> 100.50 > 100.40: replaced to 100.50.
//  09:07 timer: highest since entry 101.40 (the 09:05 bar) -> replaced to 100.90.
//  09:08 bar opens 100.85 below the stop, low 100.70: the stop sells at min(open, 100.90) = 100.85.
//  09:09 timer: flat, H = max(101.25, 100.95) -> a new stop buy @ 101.35.
TEST(ExamplesBacktest, TimerStopEntersAboveTheHighAndTrailsItsStopOnTheTimer) {
  TempDir d("examples_ts_rule");
  std::filesystem::create_directories(d.path());
  const std::string file = d.path() + "/b.txt";
  write_file(file,
             "Date,Time,Open,High,Low,Close,Volume,OpenInterest\n"
             "2006-01-02,09:01:00,100.00,100.50,99.50,100.20,0,0\n"
             "2006-01-02,09:02:00,100.20,100.80,100.00,100.60,0,0\n"
             "2006-01-02,09:03:00,100.60,100.95,100.40,100.70,0,0\n"
             "2006-01-02,09:04:00,100.70,101.00,100.60,100.90,0,0\n"
             "2006-01-02,09:05:00,100.90,101.40,100.80,101.30,0,0\n"
             "2006-01-02,09:06:00,101.30,101.35,101.10,101.20,0,0\n"
             "2006-01-02,09:07:00,101.20,101.25,101.00,101.10,0,0\n"
             "2006-01-02,09:08:00,100.85,100.95,100.70,100.80,0,0\n"
             "2006-01-02,09:09:00,100.80,100.90,100.75,100.85,0,0\n");
  const std::string dir = d.path() + "/run";
  const json s = backtest("timer_stop", dir,
                          " --set data.file=" + file + " --set 'data.tick_size=\"0.01\"'" +
                              " --set strategies.0.timer_ms=120000" +
                              " --set strategies.0.params.lookback=2" +
                              " --set strategies.0.params.breakout_ticks=10" +
                              " --set strategies.0.params.stop_ticks=50");
  ASSERT_TRUE(s.contains("fills"));

  const std::vector<json> accepted = outputs(dir, "accepted");
  ASSERT_EQ(accepted.size(), 3u);
  EXPECT_EQ(accepted[0]["side"], "buy");
  EXPECT_EQ(accepted[0]["order_type"], "stop");
  EXPECT_EQ(accepted[0]["stop_price"], "100.90");
  EXPECT_EQ(accepted[0]["seq"], 3);
  EXPECT_EQ(accepted[1]["side"], "sell");
  EXPECT_EQ(accepted[1]["order_type"], "stop");
  EXPECT_EQ(accepted[1]["stop_price"], "100.40");
  EXPECT_EQ(accepted[1]["seq"], 4);
  EXPECT_EQ(accepted[2]["side"], "buy");
  EXPECT_EQ(accepted[2]["stop_price"], "101.35");
  EXPECT_EQ(accepted[2]["seq"], 9);

  const std::vector<json> replaced = outputs(dir, "replaced");
  ASSERT_EQ(replaced.size(), 2u);
  EXPECT_EQ(replaced[0]["id"], accepted[1]["id"]);
  EXPECT_EQ(replaced[0]["price"], "100.50");
  EXPECT_EQ(replaced[0]["seq"], 5);
  EXPECT_EQ(replaced[1]["id"], accepted[1]["id"]);
  EXPECT_EQ(replaced[1]["price"], "100.90");
  EXPECT_EQ(replaced[1]["seq"], 7);

  const std::vector<json> fills = outputs(dir, "fill");
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0]["taker"], accepted[0]["id"]);
  EXPECT_EQ(fills[0]["price"], "100.90");
  EXPECT_EQ(fills[0]["seq"], 4);
  EXPECT_EQ(fills[1]["taker"], accepted[1]["id"]);
  EXPECT_EQ(fills[1]["price"], "100.85");
  EXPECT_EQ(fills[1]["seq"], 8);
  EXPECT_EQ(s["trades_closed"], 1);
}

TEST(ExamplesBacktest, TimerStopRefusesParametersOutsideItsRules) {
  TempDir d("examples_ts_params");
  for (const std::string bad : {"lookback=0", "breakout_ticks=-1", "stop_ticks=0", "qty=0"}) {
    auto r = run_tape("backtest " + config_of("timer_stop") + " --set strategies.0.params." +
                      bad + " --out " + d.path() + "/run");
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.err.find(bad.substr(0, bad.find('='))), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace tape
