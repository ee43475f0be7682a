// A backtest can name a built-in strategy (`[[strategies]] builtin = "..."`) instead of a plugin:
// it runs, records the built-in (name and version, no file hash) in the log's plugins meta,
// replays --verify and audits; an unknown built-in or parameter is exit 2 naming it and the
// closest declared name.
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

// A quote backtest of `strategy_lines` (the [[strategies]] body) on the shipped FX quotes.
std::string write_config(const TempDir& d, const std::string& strategy_lines) {
  const std::string path = d.path() + "/builtin.toml";
  std::ofstream(path) << "[backtest]\nname = \"builtin\"\n\n[data]\nfile = \""
                      << TAPE_SOURCE_DIR << "/../shared/data/bidask.csv\"\n\n"
                      << "[venue]\nmodel = \"quotes\"\n\n[[strategies]]\nname = \"b\"\n"
                      << strategy_lines;
  return path;
}

TEST(BuiltinBacktest, FatFingerRunsRecordsItselfReplaysAndAudits) {
  TempDir d("builtin_bt");
  std::filesystem::create_directories(d.path());
  const std::string config = write_config(
      d, "builtin = \"fat_finger\"\ntimer_ms = 1000\n[strategies.params]\nburst_orders = 3\n");
  auto r = run_tape("backtest " + config + " --out " + d.path() + "/a --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = json::parse(r.out);
  EXPECT_EQ(s["inputs"], 10) << "bidask.csv: ten quotes";
  ASSERT_EQ(s["plugins"].size(), 1u);
  EXPECT_GT(s["fills"].get<int>(), 0) << "its normal orders trade against the quotes";
  EXPECT_EQ(s["plugins"][0]["builtin"], "fat_finger");
  EXPECT_EQ(s["plugins"][0]["version"], 1);
  EXPECT_FALSE(s["plugins"][0].contains("sha256")) << "a built-in has no file to hash";

  // It traded on its timer: its orders are in the log.
  auto accepted = run_tape("inspect --type accepted --json --data-dir " + d.path() + "/a");
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  size_t n = 0;
  const json log = json::parse(accepted.out);
  for (const json& in : log["inputs"]) n += in["outputs"].size();
  EXPECT_GT(n, 0u);

  auto replay = run_tape("replay --verify --json --data-dir " + d.path() + "/a");
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  const json rj = json::parse(replay.out);
  EXPECT_EQ(rj["verified"], true);
  EXPECT_EQ(rj["state_hash"], s["state_hash"]);
  auto audit = run_tape("audit --data-dir " + d.path() + "/a");
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;

  // The parameters are the built-in's own: a different order size is a different run.
  const std::string other = write_config(
      d, "builtin = \"fat_finger\"\ntimer_ms = 1000\n[strategies.params]\nburst_orders = 3\n"
         "order_qty = 2\n");
  auto r2 = run_tape("backtest " + other + " --out " + d.path() + "/b --json");
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  EXPECT_NE(json::parse(r2.out)["state_hash"], s["state_hash"]);
}

// The tearsheet's run facts name a built-in and its version (as a plugin's show its path and
// hash), and `tape report` rebuilds the same page from the log.
TEST(BuiltinBacktest, TearsheetFactsNameTheBuiltinAndItsVersion) {
  TempDir d("builtin_tearsheet");
  std::filesystem::create_directories(d.path());
  const std::string config = write_config(d, "builtin = \"momentum\"\n");
  auto r = run_tape("backtest " + config + " --out " + d.path() + "/a");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto read = [](const std::string& path) {
    std::ifstream f(path);
    return std::string(std::istreambuf_iterator<char>(f), {});
  };
  const std::string html = read(d.path() + "/a/tearsheet.html");
  const size_t facts = html.find("<section id='facts'>");
  ASSERT_NE(facts, std::string::npos);
  const std::string section = html.substr(facts, html.find("</section>", facts) - facts);
  EXPECT_NE(section.find("<b>b</b>"), std::string::npos) << section;
  EXPECT_NE(section.find("built-in <code>momentum</code> version 1"), std::string::npos) << section;
  EXPECT_EQ(section.find("sha256"), std::string::npos) << "a built-in has no file hash";

  auto rebuilt = run_tape("report --data-dir " + d.path() + "/a --out " + d.path() + "/r.html");
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_EQ(read(d.path() + "/r.html"), html);
}

TEST(BuiltinBacktest, UnknownBuiltinNameIsExit2NamingItAndTheClosest) {
  TempDir d("builtin_bad_name");
  std::filesystem::create_directories(d.path());
  auto r = run_tape("backtest " + write_config(d, "builtin = \"momentun\"\n") + " --out " +
                    d.path() + "/a");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("momentun"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'momentum'"), std::string::npos) << r.err;
}

TEST(BuiltinBacktest, UnknownBuiltinParameterIsExit2NamingItAndTheClosest) {
  TempDir d("builtin_bad_param");
  std::filesystem::create_directories(d.path());
  auto r = run_tape("backtest " +
                    write_config(d, "builtin = \"momentum\"\n[strategies.params]\nwindow_trade = 5\n") +
                    " --out " + d.path() + "/a");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown parameter 'window_trade'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'window_trades'"), std::string::npos) << r.err;
}

TEST(BuiltinBacktest, BuiltinParameterOfTheWrongTypeIsExit2NamingIt) {
  TempDir d("builtin_bad_type");
  std::filesystem::create_directories(d.path());
  auto r = run_tape("backtest " +
                    write_config(d, "builtin = \"momentum\"\n[strategies.params]\norder_qty = 1.5\n") +
                    " --out " + d.path() + "/a");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("order_qty"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("expected int"), std::string::npos) << r.err;
}

// A built-in's parameter outside its range is refused, not clamped: exit 2 naming the key and
// the range (the scenario parser's, from the same table); the bounds themselves are accepted.
TEST(BuiltinBacktest, BuiltinParameterOutOfRangeIsExit2NamingTheKeyAndRange) {
  TempDir d("builtin_range");
  std::filesystem::create_directories(d.path());
  const struct {
    const char* lines;
    const char* expect;
  } cases[] = {
      {"builtin = \"market_maker\"\n[strategies.params]\nhalf_spread_ticks = 0\n",
       "'half_spread_ticks' = 0 is out of range [1, 1000000]"},
      {"builtin = \"market_maker\"\n[strategies.params]\nmax_position = -1\n",
       "'max_position' = -1 is out of range [0, 1000000000000]"},
      {"builtin = \"momentum\"\n[strategies.params]\nentry_threshold = 1.5\n",
       "'entry_threshold' = 1.5 is out of range [0, 1]"},
      {"builtin = \"fat_finger\"\n[strategies.params]\nburst_orders = 1000001\n",
       "'burst_orders' = 1000001 is out of range [0, 1000000]"},
  };
  for (const auto& c : cases) {
    auto r = run_tape("backtest " + write_config(d, c.lines) + " --out " + d.path() + "/a");
    EXPECT_EQ(r.exit_code, 2) << c.lines << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("strategies[0].params"), std::string::npos) << r.err;
  }
  auto edge = run_tape(
      "backtest " +
      write_config(d,
                   "builtin = \"market_maker\"\n[strategies.params]\nhalf_spread_ticks = 1\n"
                   "max_position = 0\n") +
      " --out " + d.path() + "/edge");
  EXPECT_EQ(edge.exit_code, 0) << edge.err;
  auto threshold = run_tape("backtest " +
                            write_config(d,
                                         "builtin = \"momentum\"\n[strategies.params]\n"
                                         "entry_threshold = 1.0\n") +
                            " --out " + d.path() + "/threshold");
  EXPECT_EQ(threshold.exit_code, 0) << threshold.err;
}

TEST(BuiltinBacktest, PluginAndBuiltinTogetherIsExit2) {
  TempDir d("builtin_both");
  std::filesystem::create_directories(d.path());
  auto r = run_tape("backtest " +
                    write_config(d, "builtin = \"momentum\"\nplugin = \"sma_cross\"\n") +
                    " --out " + d.path() + "/a");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("exactly one of 'plugin' and 'builtin'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tape
