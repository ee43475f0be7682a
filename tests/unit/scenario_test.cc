// sim/scenario.h: shipped scenarios parse and round-trip through canonical_toml; includes and
// --set overrides merge as documented; every kind of bad file is an kInvalidInput Status that
// names the file, the line and the key. (scenario_keys_test.cc: the keys of the scenario
// library; scenario_library_test.cc: the library scenarios themselves.)
#include "sim/scenario.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "scenario_util.h"
#include "unit/scenario_fixture.h"
#include "sim/generator.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

using testing_util::expect_invalid;
const std::string& kMinimal = testing_util::kMinimalScenario;

class ScenarioFiles : public testing_util::ScenarioDirTest {};


// Proves every shipped scenario loads and its canonical text rebuilds an equal scenario.
TEST(Scenario, ShippedScenariosParseAndRoundTrip) {
  const auto files = testing_util::shipped_scenarios();
  ASSERT_GE(files.size(), 3u);
  for (const std::string& rel : files) {
    const std::string path = std::string(TAPE_SOURCE_DIR) + "/" + rel;
    auto s = load_scenario_file(path);
    ASSERT_TRUE(s.is_ok()) << s.status().message();
    EXPECT_EQ(s->source, path);
    auto again = parse_scenario_text(s->canonical_toml, "canonical");
    ASSERT_TRUE(again.is_ok()) << again.status().message() << "\n" << s->canonical_toml;
    EXPECT_TRUE(same_scenario(s.value(), again.value())) << path;
    EXPECT_EQ(again->canonical_toml, s->canonical_toml) << path;
  }
}

// Proves the shipped scenarios configure what their names promise.
TEST(Scenario, ShippedScenarioContents) {
  const std::string dir = std::string(TAPE_SOURCE_DIR) + "/scenarios/";
  auto quick = load_scenario_file(dir + "quickstart.toml");
  ASSERT_TRUE(quick.is_ok()) << quick.status().message();
  EXPECT_EQ(quick->core.instruments.size(), 2u);
  bool mm = false, momentum = false;
  for (const auto& sc : quick->core.strategies) {
    mm |= sc.kind == StrategyKind::kMarketMaker;
    momentum |= sc.kind == StrategyKind::kMomentum;
  }
  EXPECT_TRUE(mm && momentum);
  for (PhaseKind k : {PhaseKind::kBurst, PhaseKind::kFlashCrash, PhaseKind::kHalt,
                      PhaseKind::kKillSwitch}) {
    EXPECT_TRUE(std::any_of(quick->phases.begin(), quick->phases.end(),
                            [k](const Phase& p) { return p.kind == k; }))
        << phase_kind_name(k);
  }
  EXPECT_NE(quick->core.fees.maker_ppm, 0);
  const RiskLimits& r = quick->core.risk;
  EXPECT_TRUE(r.max_order_qty.value() > 0 && r.max_notional.value() > 0 && r.position_limit > 0 &&
              r.price_band_bps > 0 && r.rate_limit_per_s > 0);

  auto burst = load_scenario_file(dir + "burst_10k.toml");
  ASSERT_TRUE(burst.is_ok()) << burst.status().message();
  ASSERT_EQ(burst->phases.size(), 1u);
  EXPECT_EQ(burst->phases[0].ticks, 10'000u);
  EXPECT_EQ(burst->phases[0].duration_ms, 1000);

  auto sustained = load_scenario_file(dir + "sustained_1k.toml");
  ASSERT_TRUE(sustained.is_ok()) << sustained.status().message();
  EXPECT_EQ(sustained->duration_ms, 600'000);
  ASSERT_EQ(sustained->phases.size(), 1u);
  EXPECT_EQ(phase_extra_ticks(sustained->phases[0]), 600'000u);
}

// Proves decimals in currency and bps become exact integer units.
TEST(Scenario, DecimalsConvertExactly) {
  auto s = parse_scenario_text(
      "[scenario]\nduration_s = 1.5\n"
      "[[instruments]]\nsymbol = \"A\"\ntick_size = 0.05\ninitial_price = 250.35\n"
      "[fees]\nmaker_bps = -0.25\ntaker_bps = 1\n[risk]\nmax_notional = 1234.5678\n",
      "dec.toml");
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(s->name, "dec");
  EXPECT_EQ(s->duration_ms, 1500);
  EXPECT_EQ(s->core.instruments[0].tick_value, 500);
  EXPECT_EQ(s->core.instruments[0].initial_mid, Price(5007));
  EXPECT_EQ(s->core.fees.maker_ppm, -25);
  EXPECT_EQ(s->core.fees.taker_ppm, 100);
  EXPECT_EQ(s->core.risk.max_notional, Money(12'345'678));
}

// Proves a key left out keeps the default of core/config.h and sim/scenario.h.
TEST(Scenario, DefaultsApply) {
  auto s = parse_scenario_text(kMinimal, "min.toml");
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(s->seed, 1u);
  EXPECT_EQ(s->core.instruments[0].tick_value, 100);
  EXPECT_EQ(s->core.risk.max_order_qty, RiskLimits{}.max_order_qty);
  EXPECT_EQ(s->core.engine.order_pool_capacity, EngineOptions{}.order_pool_capacity);
  EXPECT_EQ(s->market, MarketModel{});
  EXPECT_TRUE(s->phases.empty());
}

// Proves includes merge under the including file, whose keys win, and nest relative paths.
TEST_F(ScenarioFiles, IncludesMergeAndIncluderWins) {
  write("configs/base.toml", "include = [\"deeper/risk.toml\"]\n[recorder]\nsync = \"batch\"\n");
  write("configs/deeper/risk.toml", "[risk]\nmax_order_qty = 77\nposition_limit = 9\n");
  const std::string main =
      write("s/main.toml", "include = [\"../configs/base.toml\"]\n" + kMinimal +
                               "[risk]\nposition_limit = 5\n");
  auto s = load_scenario_file(main);
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(s->core.risk.max_order_qty, Qty(77));
  EXPECT_EQ(s->core.risk.position_limit, 5);
  EXPECT_EQ(s->core.recorder.sync, RecorderOptions::Sync::kBatch);
  EXPECT_EQ(s->canonical_toml.find("include ="), std::string::npos);
}

// Proves --set reaches nested keys, overrides an included value, indexes arrays, creates
// missing tables, and reads a bare word as a string.
TEST_F(ScenarioFiles, OverridesApply) {
  write("risk.toml", "[risk]\nmax_order_qty = 77\n");
  const std::string main = write("main.toml", "include = [\"risk.toml\"]\n" + kMinimal);
  auto s = load_scenario_file(main, {"risk.max_order_qty=500", "recorder.sync=batch",
                                     "instruments[0].initial_price=12.5",
                                     "instruments.0.lot_size=3", "market.mix.quote=7",
                                     "scenario.name=\"renamed\""});
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(s->core.risk.max_order_qty, Qty(500));
  EXPECT_EQ(s->core.recorder.sync, RecorderOptions::Sync::kBatch);
  EXPECT_EQ(s->core.instruments[0].initial_mid, Price(1250));
  EXPECT_EQ(s->core.instruments[0].lot_size, 3);
  EXPECT_EQ(s->market.mix.quote, 7u);
  EXPECT_EQ(s->name, "renamed");
  auto again = parse_scenario_text(s->canonical_toml, "canonical");
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_TRUE(same_scenario(s.value(), again.value()));
}

// Proves a sustained phase without duration_ms follows a shortened scenario.
TEST(Scenario, OpenEndedSustainedFollowsDuration) {
  const std::string path = std::string(TAPE_SOURCE_DIR) + "/scenarios/sustained_1k.toml";
  auto s = load_scenario_file(path, {"scenario.duration_s=60"});
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(s->phases[0].duration_ms, 60'000);
  EXPECT_EQ(phase_extra_ticks(s->phases[0]), 60'000u);
}

// Proves quickstart keeps every phase inside 2 s, so the README's shortened run stays valid.
TEST(Scenario, QuickstartShortensToTwoSeconds) {
  const std::string path = std::string(TAPE_SOURCE_DIR) + "/scenarios/quickstart.toml";
  auto s = load_scenario_file(path, {"scenario.duration_s=2", "risk.max_order_qty=500"});
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(s->duration_ms, 2000);
  EXPECT_EQ(s->core.risk.max_order_qty, Qty(500));
}

TEST(Scenario, UnknownKeySuggestsClosest) {
  auto r = parse_scenario_text(kMinimal + "[risk]\nmax_ordr_qty = 5\n", "bad.toml");
  expect_invalid(r, {"bad.toml:8:1", "unknown key 'risk.max_ordr_qty'",
                     "did you mean 'max_order_qty'?"});
}

TEST(Scenario, UnknownTopLevelKey) {
  auto r = parse_scenario_text(kMinimal + "[rsik]\nmax_order_qty = 5\n", "bad.toml");
  expect_invalid(r, {"bad.toml:7", "unknown key 'rsik'", "did you mean 'risk'?"});
}

TEST(Scenario, WrongType) {
  auto r = parse_scenario_text(kMinimal + "[risk]\nmax_order_qty = \"lots\"\n", "bad.toml");
  expect_invalid(r, {"bad.toml:8:17", "'risk.max_order_qty' must be an integer", "string"});
}

TEST(Scenario, FloatWhereIntegerExpected) {
  auto r = parse_scenario_text(kMinimal + "[engine]\norder_pool_capacity = 1.5\n", "bad.toml");
  expect_invalid(r, {"bad.toml:8", "'engine.order_pool_capacity' must be an integer"});
}

TEST(Scenario, OutOfRange) {
  auto r = parse_scenario_text(kMinimal + "[risk]\nposition_limit = -1\n", "bad.toml");
  expect_invalid(r, {"bad.toml:8", "'risk.position_limit' = -1 is out of range [0, "});
}

TEST(Scenario, MissingRequired) {
  auto r = parse_scenario_text(
      "[scenario]\nduration_s = 1.0\n[[instruments]]\ninitial_price = 1.0\n", "bad.toml");
  expect_invalid(r, {"bad.toml:3", "missing required key 'instruments[0].symbol'"});
}

TEST(Scenario, MissingDuration) {
  auto r = parse_scenario_text("[scenario]\nname = \"x\"\n", "bad.toml");
  expect_invalid(r, {"bad.toml:1", "missing required key 'scenario.duration_s'"});
}

TEST(Scenario, NoInstruments) {
  auto r = parse_scenario_text("[scenario]\nduration_s = 1.0\n", "bad.toml");
  expect_invalid(r, {"bad.toml", "at least one [[instruments]]"});
}

TEST(Scenario, SyntaxError) {
  auto r = parse_scenario_text(kMinimal + "[risk]\nmax_order_qty = = 5\n", "bad.toml");
  expect_invalid(r, {"bad.toml:8:", "TOML syntax error"});
}

TEST_F(ScenarioFiles, MissingFile) {
  const std::string path = (dir_ / "nope.toml").string();
  expect_invalid(load_scenario_file(path), {path, "cannot read"});
}

TEST_F(ScenarioFiles, MissingIncludeNamesTheIncludingLine) {
  const std::string main = write("main.toml", "include = [\"gone.toml\"]\n" + kMinimal);
  expect_invalid(load_scenario_file(main), {"main.toml:1:", "include 'gone.toml'", "cannot read"});
}

TEST_F(ScenarioFiles, SyntaxErrorInIncludeNamesTheIncludedFile) {
  write("inc.toml", "[risk\n");
  const std::string main = write("main.toml", "include = [\"inc.toml\"]\n" + kMinimal);
  expect_invalid(load_scenario_file(main), {"inc.toml:1:", "TOML syntax error"});
}

TEST_F(ScenarioFiles, UnknownKeyInIncludeNamesTheIncludedFile) {
  write("inc.toml", "[risk]\nmax_order_qty = 5\nrate_limt_per_s = 3\n");
  const std::string main = write("main.toml", "include = [\"inc.toml\"]\n" + kMinimal);
  expect_invalid(load_scenario_file(main),
                 {"inc.toml:3:1", "'risk.rate_limt_per_s'", "did you mean 'rate_limit_per_s'"});
}

TEST_F(ScenarioFiles, IncludeCycle) {
  write("a.toml", "include = [\"b.toml\"]\n");
  write("b.toml", "include = [\"a.toml\"]\n");
  const std::string main = write("main.toml", "include = [\"a.toml\"]\n" + kMinimal);
  expect_invalid(load_scenario_file(main), {"include cycle", "a.toml -> ", "b.toml -> "});
}

TEST_F(ScenarioFiles, SelfInclude) {
  const std::string main = write("main.toml", "include = [\"main.toml\"]\n" + kMinimal);
  expect_invalid(load_scenario_file(main), {"include cycle", "main.toml"});
}

TEST(Scenario, IncludeMustBeStrings) {
  auto r = parse_scenario_text("include = [1]\n" + kMinimal, "bad.toml");
  expect_invalid(r, {"bad.toml:1", "'include' must be an array of strings"});
}

TEST(Scenario, UnknownStrategyKind) {
  auto r = parse_scenario_text(kMinimal + "[[strategies]]\nkind = \"arbitrage\"\n", "bad.toml");
  expect_invalid(r, {"bad.toml:8", "'strategies[0].kind' = \"arbitrage\"", "\"market_maker\"",
                     "\"momentum\""});
}

TEST(Scenario, KeyOfOtherStrategyKindIsUnknown) {
  auto r = parse_scenario_text(
      kMinimal + "[[strategies]]\nkind = \"momentum\"\nhalf_spread_ticks = 2\n", "bad.toml");
  expect_invalid(r, {"bad.toml:9", "unknown key 'strategies[0].half_spread_ticks'"});
}

// The scenario parser's built-in ranges are the built-ins' own table (BuiltinSpec::ranges), with
// the same message as before; a value at the bound still loads.
TEST(Scenario, BuiltinStrategyKeyOutOfRangeNamesTheRange) {
  auto r = parse_scenario_text(
      kMinimal + "[[strategies]]\nkind = \"market_maker\"\nhalf_spread_ticks = 0\n", "bad.toml");
  expect_invalid(
      r, {"bad.toml:9", "'strategies[0].half_spread_ticks' = 0 is out of range [1, 1000000]"});
  auto m = parse_scenario_text(
      kMinimal + "[[strategies]]\nkind = \"momentum\"\nentry_threshold = 1.5\n", "bad.toml");
  expect_invalid(
      m, {"bad.toml:9", "'strategies[0].entry_threshold' = 1.5 is out of range [0.0, 1.0]"});
  auto ok = parse_scenario_text(
      kMinimal + "[[strategies]]\nkind = \"market_maker\"\nhalf_spread_ticks = 1\n", "ok.toml");
  ASSERT_TRUE(ok.is_ok()) << ok.status().message();
}

TEST(Scenario, UnknownSymbolInStrategy) {
  auto r = parse_scenario_text(
      kMinimal + "[[strategies]]\nkind = \"momentum\"\ninstruments = [\"AAA\", \"ZZZ\"]\n",
      "bad.toml");
  expect_invalid(r, {"bad.toml:9:23", "'strategies[0].instruments'", "unknown symbol \"ZZZ\""});
}

TEST(Scenario, StrategyAccountMustBeManaged) {
  auto r = parse_scenario_text(kMinimal + "[[strategies]]\nkind = \"momentum\"\naccount = 1000\n",
                               "bad.toml");
  expect_invalid(r, {"bad.toml:9", "'strategies[0].account' = 1000 is out of range [1, 999]"});
}

TEST(Scenario, DuplicateStrategyAccount) {
  auto r = parse_scenario_text(kMinimal +
                                   "[[strategies]]\nkind = \"momentum\"\naccount = 4\n"
                                   "[[strategies]]\nkind = \"market_maker\"\naccount = 4\n",
                               "bad.toml");
  expect_invalid(r, {"bad.toml:12", "'strategies[1].account' = 4 is already the account of"});
}

TEST(Scenario, DuplicateSymbol) {
  auto r = parse_scenario_text(kMinimal + "[[instruments]]\nsymbol = \"AAA\"\ninitial_price = 1\n",
                               "bad.toml");
  expect_invalid(r, {"bad.toml:8", "'instruments[1].symbol' = \"AAA\" is already used"});
}

TEST(Scenario, PriceNotOnTick) {
  auto r = parse_scenario_text(
      "[scenario]\nduration_s = 1.0\n"
      "[[instruments]]\nsymbol = \"A\"\ntick_size = 0.05\ninitial_price = 100.01\n",
      "bad.toml");
  expect_invalid(r, {"bad.toml:6", "'instruments[0].initial_price' = 100.01",
                     "not a multiple of tick_size 0.05"});
}

TEST(Scenario, TickSizeBelowMinorUnit) {
  auto r = parse_scenario_text(
      "[scenario]\nduration_s = 1.0\n"
      "[[instruments]]\nsymbol = \"A\"\ntick_size = 0.00001\ninitial_price = 1\n",
      "bad.toml");
  expect_invalid(r, {"bad.toml:5", "'instruments[0].tick_size'", "not a multiple of 0.0001"});
}

TEST(Scenario, BadSyncValue) {
  auto r = parse_scenario_text(kMinimal + "[recorder]\nsync = \"always\"\n", "bad.toml");
  expect_invalid(r, {"bad.toml:8", "'recorder.sync' = \"always\" is not one of \"none\", \"batch\""});
}

TEST(Scenario, RateLimitNeedsBurst) {
  auto r = parse_scenario_text(kMinimal + "[risk]\nrate_limit_per_s = 10\n", "bad.toml");
  expect_invalid(r, {"bad.toml", "'risk.rate_limit_burst' must be at least 1"});
}

TEST(Scenario, PhaseOutsideDuration) {
  auto r = parse_scenario_text(
      kMinimal + "[[phases]]\nkind = \"halt\"\nat_ms = 1500\nduration_ms = 600\n", "bad.toml");
  expect_invalid(r, {"bad.toml:7", "'phases[0]' ends at 2100 ms", "duration of 2000 ms"});
}

TEST(Scenario, FlashCrashRecoveryOutsideDuration) {
  auto r = parse_scenario_text(kMinimal +
                                   "[[phases]]\nkind = \"flash_crash\"\nat_ms = 1000\n"
                                   "duration_ms = 500\ndrop_pct = 10\nrecover_ms = 501\n",
                               "bad.toml");
  expect_invalid(r, {"bad.toml:7", "'phases[0]' ends at 2001 ms"});
}

TEST(Scenario, UnknownPhaseKind) {
  auto r = parse_scenario_text(kMinimal + "[[phases]]\nkind = \"earthquake\"\nat_ms = 0\n",
                               "bad.toml");
  expect_invalid(r, {"bad.toml:8", "'phases[0].kind' = \"earthquake\"", "\"flash_crash\""});
}

TEST(Scenario, UnknownSymbolInPhase) {
  auto r = parse_scenario_text(
      kMinimal + "[[phases]]\nkind = \"halt\"\nat_ms = 0\nduration_ms = 5\ninstrument = \"Q\"\n",
      "bad.toml");
  expect_invalid(r, {"bad.toml:11", "'phases[0].instrument' names unknown symbol \"Q\""});
}

TEST(Scenario, PhaseMissingItsKindKey) {
  auto r = parse_scenario_text(
      kMinimal + "[[phases]]\nkind = \"burst\"\nat_ms = 0\nduration_ms = 5\n", "bad.toml");
  expect_invalid(r, {"bad.toml:7", "missing required key 'phases[0].ticks'"});
}

TEST(Scenario, DropPctMustBeBelowHundred) {
  auto r = parse_scenario_text(kMinimal +
                                   "[[phases]]\nkind = \"flash_crash\"\nat_ms = 0\n"
                                   "duration_ms = 5\ndrop_pct = 100\n",
                               "bad.toml");
  expect_invalid(r, {"bad.toml:11", "'phases[0].drop_pct' must be in (0, 100)"});
}

TEST(Scenario, BadOverride) {
  const std::string path = std::string(TAPE_SOURCE_DIR) + "/scenarios/quickstart.toml";
  expect_invalid(load_scenario_file(path, {"risk.max_ordr_qty=5"}),
                 {"--set risk.max_ordr_qty=5", "unknown key 'risk.max_ordr_qty'",
                  "did you mean 'max_order_qty'?"});
  expect_invalid(load_scenario_file(path, {"risk.max_order_qty=lots"}),
                 {"--set risk.max_order_qty=lots", "must be an integer"});
  expect_invalid(load_scenario_file(path, {"risk.max_order_qty"}),
                 {"--set risk.max_order_qty", "expected dotted.key=value"});
  expect_invalid(load_scenario_file(path, {"instruments.5.lot_size=2"}),
                 {"--set instruments.5.lot_size=2", "no table at index 5"});
  expect_invalid(load_scenario_file(path, {"scenario.name.x=2"}),
                 {"--set scenario.name.x=2", "'name' is a string, not a table"});
}

}  // namespace
}  // namespace tape
