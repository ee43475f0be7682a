// The reference example held to its rules trade for trade: examples/sma_cross run by
// `tape backtest` on the shipped ORCL daily file, against an independent implementation of the
// rules (the exact statement) written here in integer arithmetic, with and without a
// 0.1% commission. Then the run log is what every log command reads: replay --verify, audit
// --expect-head, diff against a second run, and tape report.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_util.h"

namespace tape {
namespace {

using testing_util::run_tape;
using testing_util::TempDir;

const std::string kOrcl = std::string(TAPE_SHARED_DATA) + "/orcl-1995-2014.txt";
const std::string kConfig = std::string(TAPE_SOURCE_DIR) + "/examples/sma_cross/sma_cross.toml";

struct Bar {
  std::string date;
  int64_t open = 0;   // micro-dollars: the file's 6 decimals exactly
  int64_t close = 0;
};

// "2.179012" -> 2179012 (the file writes 6 decimals, or fewer).
int64_t micros(const std::string& text) {
  const size_t dot = text.find('.');
  std::string whole = text.substr(0, dot), frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  frac.resize(6, '0');
  return std::stoll(whole) * 1'000'000 + std::stoll(frac);
}

std::vector<Bar> read_yahoo(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  std::vector<Bar> bars;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream row(line);
    std::string f[7];
    for (std::string& field : f) std::getline(row, field, ',');
    bars.push_back(Bar{f[0], micros(f[1]), micros(f[4])});
  }
  return bars;
}

// Money in micro-dollars as the report writes it: exact, trailing zeros trimmed, at least 2
// decimals.
std::string money(int64_t v) {
  const bool neg = v < 0;
  const uint64_t a = neg ? static_cast<uint64_t>(-v) : static_cast<uint64_t>(v);
  std::string frac = std::to_string(a % 1'000'000);
  frac.insert(0, 6 - frac.size(), '0');
  while (frac.size() > 2 && frac.back() == '0') frac.pop_back();
  return (neg ? "-" : "") + std::to_string(a / 1'000'000) + "." + frac;
}

// A price at the file's tick (0.000001): always 6 decimals.
std::string price(int64_t v) {
  std::string frac = std::to_string(v % 1'000'000);
  frac.insert(0, 6 - frac.size(), '0');
  return std::to_string(v / 1'000'000) + "." + frac;
}

// round(x / d) with halves away from zero, x >= 0.
int64_t round_half_up(int64_t x, int64_t d) { return (x + d / 2) / d; }

struct Expected {
  std::vector<std::string> trades;  // trades.csv rows
  int64_t final_value = 0;          // micro-dollars
};

// The rules, independently: sign of 30*sum10 - 10*sum30, the last non-zero difference, long
// only 100 shares, the order at bar t's close filling at Open[t+1], fee = 0.1% (`fee_ppm`) of
// each fill's notional rounded half away from zero to the money unit (10^-6).
Expected reference(const std::vector<Bar>& bars, int64_t fee_ppm) {
  Expected e;
  constexpr int64_t kQty = 100;
  int64_t cash = 100'000 * int64_t{1'000'000};
  int64_t position = 0;
  int nzd = 0;
  int pending = 0;  // +1 buy / -1 sell sent at the previous close
  Bar entry{};
  int64_t entry_fee = 0;
  for (size_t t = 0; t < bars.size(); ++t) {
    if (pending != 0) {  // fills at this bar's open
      const int64_t notional = bars[t].open * kQty;
      const int64_t fee = round_half_up(notional * fee_ppm, 1'000'000);
      if (pending > 0) {
        cash -= notional + fee;
        position = kQty;
        entry = bars[t];
        entry_fee = fee;
      } else {
        cash += notional - fee;
        position = 0;
        e.trades.push_back(entry.date + "," + price(entry.open) + "," + bars[t].date + "," +
                           price(bars[t].open) + ",100," +
                           money((bars[t].open - entry.open) * kQty) + "," +
                           money(entry_fee + fee));
      }
      pending = 0;
    }
    if (t < 29) continue;
    int64_t sum10 = 0, sum30 = 0;
    for (size_t i = t - 9; i <= t; ++i) sum10 += bars[i].close;
    for (size_t i = t - 29; i <= t; ++i) sum30 += bars[i].close;
    const int64_t diff = 30 * sum10 - 10 * sum30;
    const int d = diff > 0 ? 1 : diff < 0 ? -1 : 0;
    if (t >= 30) {
      if (position == 0 && nzd < 0 && d > 0) pending = 1;
      if (position > 0 && nzd > 0 && d < 0) pending = -1;
    }
    if (t == 29 || d != 0) nzd = d;
  }
  e.final_value = cash + position * bars.back().close;
  return e;
}

std::vector<std::string> csv_rows(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> rows;
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "entry_time,entry_price,exit_time,exit_price,qty,pnl,fees");
  while (std::getline(in, line)) rows.push_back(line);
  return rows;
}

struct BacktestRun {
  nlohmann::json summary;
  std::string dir;
};

BacktestRun backtest(const TempDir& d, const std::string& name, const std::string& extra) {
  BacktestRun run;
  run.dir = d.path() + "/" + name;
  auto r = run_tape("backtest " + kConfig + " --set data.file=" + kOrcl + " --out " + run.dir +
                    " --json" + extra);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  run.summary = nlohmann::json::parse(r.out);
  return run;
}

void expect_matches(const BacktestRun& run, const Expected& want) {
  const std::vector<std::string> got = csv_rows(run.dir + "/trades.csv");
  ASSERT_EQ(got.size(), want.trades.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want.trades[i]) << "trade " << i;
  EXPECT_EQ(run.summary["trades_closed"], want.trades.size());
  EXPECT_EQ(run.summary["final_value_exact"], money(want.final_value));
  EXPECT_EQ(run.summary["bars"], 5036);
  for (const char* key : {"elapsed_s", "bars_per_s", "chain_head", "final_value"}) {
    EXPECT_TRUE(run.summary.contains(key)) << key;
  }
}

TEST(SmaCrossBacktest, MatchesTheRulesTradeForTradeWithoutCommission) {
  TempDir d("sma_cross_zero");
  const std::vector<Bar> bars = read_yahoo(kOrcl);
  ASSERT_EQ(bars.size(), 5036u);
  const Expected want = reference(bars, 0);
  ASSERT_GT(want.trades.size(), 50u);
  expect_matches(backtest(d, "run", ""), want);
}

TEST(SmaCrossBacktest, MatchesTheRulesTradeForTradeWithATenthOfAPercentCommission) {
  TempDir d("sma_cross_fee");
  const Expected want = reference(read_yahoo(kOrcl), 1000);
  const BacktestRun run = backtest(d, "run", " --set fees.commission_bps=10");
  expect_matches(run, want);
}

TEST(SmaCrossBacktest, TheRunLogReplaysAuditsDiffsAndReports) {
  TempDir d("sma_cross_log");
  const BacktestRun a = backtest(d, "a", "");
  const BacktestRun b = backtest(d, "b", "");
  const std::string head = a.summary["chain_head"];
  EXPECT_EQ(b.summary["chain_head"], head) << "same config and data, same log";
  EXPECT_EQ(a.summary["data_chain_head"].get<std::string>().size(), 64u);

  auto replay = run_tape("replay --verify --json --data-dir " + a.dir);
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  const auto rj = nlohmann::json::parse(replay.out);
  EXPECT_EQ(rj["verified"], true);
  EXPECT_EQ(rj["state_hash_verified"], true);
  EXPECT_EQ(rj["state_hash"], a.summary["state_hash"]);

  auto audit = run_tape("audit --json --expect-head " + head + " --data-dir " + a.dir);
  ASSERT_EQ(audit.exit_code, 0) << audit.out << audit.err;
  EXPECT_EQ(run_tape("diff " + a.dir + " " + b.dir).exit_code, 0);

  auto inspect = run_tape("inspect --type fill --data-dir " + a.dir);
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_NE(inspect.out.find("symbol=ORCL"), std::string::npos);

  const std::string html = d.path() + "/again.html";
  auto report = run_tape("report --data-dir " + a.dir + " --out " + html);
  ASSERT_EQ(report.exit_code, 0) << report.err;
  std::ifstream again(html), first(a.dir + "/tearsheet.html");
  std::stringstream x, y;
  x << again.rdbuf();
  y << first.rdbuf();
  EXPECT_EQ(x.str(), y.str()) << "tape report rebuilds the same tearsheet from the log";
}

// Determinism rule 8: the plugin is part of the run's identity. A log replays and audits only
// with the very library file it ran with.
TEST(SmaCrossBacktest, ADifferentPluginFileIsRefusedByReplayAndAuditNamingIt) {
  TempDir d("sma_cross_plugin");
  std::filesystem::create_directories(d.path());
  const std::string lib = d.path() + "/libmine.so";
  std::filesystem::copy_file(TAPE_PLUGIN_SMA_CROSS, lib);
  const BacktestRun run = backtest(d, "run", " --set strategies.0.plugin=" + lib);
  ASSERT_EQ(run_tape("replay --verify --data-dir " + run.dir).exit_code, 0);
  // Another library under the same path.
  std::filesystem::copy_file(TAPE_PLUGIN_PROBE, lib,
                             std::filesystem::copy_options::overwrite_existing);
  for (const std::string cmd : {"replay --verify --data-dir ", "audit --data-dir "}) {
    auto r = run_tape(cmd + run.dir);
    EXPECT_EQ(r.exit_code, 3) << cmd << r.err;
    EXPECT_NE(r.err.find("strategy sma_cross"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(lib), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(run.summary["plugins"][0]["sha256"].get<std::string>()),
              std::string::npos)
        << "names the recorded hash: " << r.err;
  }
}

TEST(SmaCrossBacktest, APinnedPluginHashThatDiffersIsExit2) {
  TempDir d("sma_cross_pin");
  auto r = run_tape("backtest " + kConfig + " --set data.file=" + kOrcl +
                    " --set strategies.0.plugin_sha256=" + std::string(64, '0') + " --out " +
                    d.path() + "/run");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("plugin_sha256"), std::string::npos) << r.err;
}

// Two instruments, two strategies, each its own account: the ORCL strategy's result is exactly
// the single-strategy run's, whatever the other one does on the other instrument.
TEST(SmaCrossBacktest, TwoStrategiesOnTwoInstrumentsKeepTheirOwnAccounts) {
  TempDir d("sma_cross_multi");
  std::filesystem::create_directories(d.path());
  const std::string config = d.path() + "/multi.toml";
  std::ofstream(config) << "[data]\nfiles = [\"" << kOrcl << "\", \"" << TAPE_SHARED_DATA
                        << "/2006-min-005.txt\"]\n[venue]\nmodel = \"bars\"\n"
                        << "[[strategies]]\nname = \"orcl\"\nplugin = \"" << TAPE_PLUGIN_SMA_CROSS
                        << "\"\ninstruments = [\"ORCL\"]\n"
                        << "[[strategies]]\nname = \"minute\"\nplugin = \"" << TAPE_PLUGIN_SMA_CROSS
                        << "\"\ninstruments = [\"2006-MIN-005\"]\nstarting_cash = 50000\n"
                        << "[strategies.params]\nfast = 5\nslow = 20\n";
  auto r = run_tape("backtest " + config + " --out " + d.path() + "/run --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& strategies = j["analytics"]["strategies"];
  ASSERT_EQ(strategies.size(), 2u);
  const Expected alone = reference(read_yahoo(kOrcl), 0);
  EXPECT_EQ(strategies[0]["name"], "orcl");
  EXPECT_EQ(strategies[0]["final_equity"], money(alone.final_value));
  EXPECT_EQ(strategies[0]["figures"]["trade_count"], alone.trades.size());
  EXPECT_EQ(strategies[1]["starting_cash"], "50000.00");
  EXPECT_GT(strategies[1]["figures"]["trade_count"].get<int>(), 0);
  std::ifstream trades(d.path() + "/run/trades.csv");
  std::string header;
  std::getline(trades, header);
  EXPECT_EQ(header, "strategy,instrument,entry_time,entry_price,exit_time,exit_price,qty,pnl,fees");
  EXPECT_EQ(run_tape("replay --verify --data-dir " + d.path() + "/run").exit_code, 0);
}

TEST(SmaCrossBacktest, AnUnknownParameterIsExit2NamingItAndTheClosestOne) {
  TempDir d("sma_cross_param");
  auto r = run_tape("backtest " + kConfig + " --set data.file=" + kOrcl +
                    " --set strategies.0.params.fsat=5 --out " + d.path() + "/run");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("fsat"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("fast"), std::string::npos) << r.err;
}

TEST(SmaCrossBacktest, AnUnknownConfigKeyIsExit2NamingIt) {
  TempDir d("sma_cross_key");
  auto r = run_tape("backtest " + kConfig + " --set data.file=" + kOrcl +
                    " --set venue.bar_fil=close --out " + d.path() + "/run");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("venue.bar_fil"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bar_fill"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tape
