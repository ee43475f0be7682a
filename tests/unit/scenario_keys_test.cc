// The scenario parser's keys for the scenario library (sim/scenario.h): [[instrument_sets]]
// expand to zero-padded symbols, the stale and bad_data phases and the fat_finger strategy read
// every key with its default, round-trip through canonical_toml, and every bad value is an
// kInvalidInput Status naming the file, line:column and full dotted key.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/generator.h"
#include "sim/scenario.h"
#include "unit/scenario_fixture.h"

namespace tape {
namespace {

using testing_util::expect_invalid;
const std::string& kMinimal = testing_util::kMinimalScenario;


// Proves [[instrument_sets]] expand to zero-padded symbols after [[instruments]], in file order,
// each with the set's fields, and that the canonical text rebuilds them.
TEST(Scenario, InstrumentSetsExpand) {
  auto s = parse_scenario_text(
      "[scenario]\nduration_s = 1.0\n"
      "[[instruments]]\nsymbol = \"IDX\"\ninitial_price = 10.0\n"
      "[[instrument_sets]]\nprefix = \"SYM\"\ncount = 1000\ntick_size = 0.05\nlot_size = 10\n"
      "initial_price = 20.0\nmax_order_qty = 77\n"
      "[[instrument_sets]]\nprefix = \"F\"\ncount = 3\nwidth = 2\ninitial_price = 1.0\n",
      "sets.toml");
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  const auto& inst = s->core.instruments;
  ASSERT_EQ(inst.size(), 1004u);
  EXPECT_EQ(inst[0].symbol, "IDX");
  EXPECT_EQ(inst[1].symbol, "SYM0000");
  EXPECT_EQ(inst[1000].symbol, "SYM0999");
  EXPECT_EQ(inst[500].tick_value, 500);
  EXPECT_EQ(inst[500].lot_size, 10);
  EXPECT_EQ(inst[500].initial_mid, Price(400));
  EXPECT_EQ(inst[500].max_order_qty, Qty(77));
  EXPECT_EQ(inst[1001].symbol, "F00");
  EXPECT_EQ(inst[1003].symbol, "F02");
  EXPECT_EQ(inst[1003].tick_value, InstrumentConfig{}.tick_value);
  auto again = parse_scenario_text(s->canonical_toml, "canonical");
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_TRUE(same_scenario(s.value(), again.value()));
}

TEST(Scenario, InstrumentSetErrorsNameTheKey) {
  const std::string head = "[scenario]\nduration_s = 1.0\n";
  expect_invalid(
      parse_scenario_text(head + "[[instrument_sets]]\ncount = 3\ninitial_price = 1\n", "bad.toml"),
      {"bad.toml:3", "missing required key 'instrument_sets[0].prefix'"});
  expect_invalid(
      parse_scenario_text(
          head + "[[instrument_sets]]\nprefix = \"S\"\ncount = 0\ninitial_price = 1\n", "bad.toml"),
      {"bad.toml:5:9", "'instrument_sets[0].count' = 0 is out of range [1, 4096]"});
  expect_invalid(
      parse_scenario_text(head + "[[instrument_sets]]\nprefix = \"S\"\ncount = 4000\n"
                                 "initial_price = 1\n[[instrument_sets]]\nprefix = \"T\"\n"
                                 "count = 100\ninitial_price = 1\n",
                          "bad.toml"),
      {"bad.toml:9:9", "'instrument_sets[1].count' = 100 takes the instruments past 4096"});
  expect_invalid(
      parse_scenario_text(head + "[[instruments]]\nsymbol = \"S1\"\ninitial_price = 1\n"
                                 "[[instrument_sets]]\nprefix = \"S\"\ncount = 3\n"
                                 "width = 1\ninitial_price = 1\n",
                          "bad.toml"),
      {"bad.toml:7", "'instrument_sets[0].prefix'", "symbol \"S1\", which is already used"});
  expect_invalid(
      parse_scenario_text(head + "[[instrument_sets]]\nprefix = \"S\"\ncount = 3\n"
                                 "initial_price = 1\ntick_sise = 0.01\n",
                          "bad.toml"),
      {"bad.toml:7:1", "unknown key 'instrument_sets[0].tick_sise'", "did you mean 'tick_size'?"});
  expect_invalid(
      parse_scenario_text(head + "[[instrument_sets]]\nprefix = \"" + std::string(30, 'X') +
                              "\"\ncount = 1000\n"
                              "initial_price = 1\n",
                          "bad.toml"),
      {"bad.toml:4", "'instrument_sets[0].prefix' makes symbols longer than 32"});
}

// Proves the stale phase reads jump_pct (default 0) and the instrument, and refuses -100.
TEST(Scenario, StalePhaseKeys) {
  auto s = parse_scenario_text(kMinimal +
                                   "[[phases]]\nkind = \"stale\"\nat_ms = 100\nduration_ms = 900\n"
                                   "instrument = \"AAA\"\njump_pct = -2.5\n"
                                   "[[phases]]\nkind = \"stale\"\nat_ms = 1000\nduration_ms = 10\n",
                               "stale.toml");
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  ASSERT_EQ(s->phases.size(), 2u);
  EXPECT_EQ(s->phases[0].kind, PhaseKind::kStale);
  EXPECT_EQ(s->phases[0].jump_pct, -2.5);
  EXPECT_EQ(s->phases[0].instrument, 0);
  EXPECT_EQ(s->phases[1].jump_pct, 0.0);
  EXPECT_EQ(s->phases[1].instrument, -1);
  expect_invalid(parse_scenario_text(kMinimal + "[[phases]]\nkind = \"stale\"\nat_ms = 0\n"
                                                "duration_ms = 5\njump_pct = -100\n",
                                     "bad.toml"),
                 {"bad.toml:11:12", "'phases[0].jump_pct' must be greater than -100"});
  expect_invalid(parse_scenario_text(kMinimal + "[[phases]]\nkind = \"stale\"\nat_ms = 0\n"
                                                "duration_ms = 5\ndrop_pct = 3\n",
                                     "bad.toml"),
                 {"bad.toml:11:1", "unknown key 'phases[0].drop_pct'"});
}

// Proves bad_data reads count or rate_per_s, backwards_ms and every weight (default 1).
TEST(Scenario, BadDataPhaseKeys) {
  auto s = parse_scenario_text(kMinimal +
                                   "[[phases]]\nkind = \"bad_data\"\nat_ms = 100\n"
                                   "duration_ms = 1000\ncount = 42\nbackwards_ms = 9\n"
                                   "[phases.weights]\ncrossed_quote = 5\nunknown_id = 0\n"
                                   "[[phases]]\nkind = \"bad_data\"\nat_ms = 0\n"
                                   "duration_ms = 500\nrate_per_s = 30\ninstrument = \"AAA\"\n",
                               "bad_data.toml");
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  const Phase& p = s->phases[0];
  EXPECT_EQ(p.kind, PhaseKind::kBadData);
  EXPECT_EQ(p.count, 42u);
  EXPECT_EQ(p.backwards_ms, 9);
  EXPECT_EQ(p.bad_weights[static_cast<size_t>(BadKind::kCrossedQuote)], 5u);
  EXPECT_EQ(p.bad_weights[static_cast<size_t>(BadKind::kUnknownId)], 0u);
  EXPECT_EQ(p.bad_weights[static_cast<size_t>(BadKind::kDuplicateId)], 1u);
  EXPECT_EQ(phase_injections(p), 42u);
  EXPECT_EQ(s->phases[1].count, 0u);
  EXPECT_EQ(s->phases[1].backwards_ms, 100);
  EXPECT_EQ(phase_injections(s->phases[1]), 15u);
  auto again = parse_scenario_text(s->canonical_toml, "canonical");
  ASSERT_TRUE(again.is_ok()) << again.status().message() << "\n" << s->canonical_toml;
  EXPECT_TRUE(same_scenario(s.value(), again.value()));
}

TEST(Scenario, BadDataPhaseErrorsNameTheKey) {
  const std::string phase = "[[phases]]\nkind = \"bad_data\"\nat_ms = 0\nduration_ms = 500\n";
  expect_invalid(parse_scenario_text(kMinimal + phase, "bad.toml"),
                 {"bad.toml:7", "'phases[0]' needs exactly one of 'count' and 'rate_per_s'"});
  expect_invalid(parse_scenario_text(kMinimal + phase + "count = 3\nrate_per_s = 2\n", "bad.toml"),
                 {"bad.toml:7", "needs exactly one of 'count' and 'rate_per_s'"});
  expect_invalid(parse_scenario_text(kMinimal + phase + "count = 0\n", "bad.toml"),
                 {"bad.toml:11:9", "'phases[0].count' = 0 is out of range"});
  expect_invalid(
      parse_scenario_text(kMinimal + phase + "count = 3\nbackwards_ms = 0\n", "bad.toml"),
      {"bad.toml:12:16", "'phases[0].backwards_ms' = 0 is out of range"});
  expect_invalid(parse_scenario_text(kMinimal + phase +
                                         "count = 3\n[phases.weights]\n"
                                         "crosed_quote = 2\n",
                                     "bad.toml"),
                 {"bad.toml:13:1", "unknown key 'phases[0].weights.crosed_quote'",
                  "did you mean 'crossed_quote'?"});
  expect_invalid(parse_scenario_text(kMinimal + phase +
                                         "count = 3\n[phases.weights]\n"
                                         "zero_price = -1\n",
                                     "bad.toml"),
                 {"bad.toml:13:14", "'phases[0].weights.zero_price' = -1 is out of range"});
  std::string all_zero = kMinimal + phase + "count = 3\n[phases.weights]\n";
  for (size_t k = 0; k < kBadKinds; ++k) {
    all_zero += std::string(bad_kind_name(static_cast<BadKind>(k))) + " = 0\n";
  }
  expect_invalid(parse_scenario_text(all_zero, "bad.toml"),
                 {"bad.toml:12", "'phases[0].weights' are all 0"});
}

// Proves the fat_finger strategy reads every key, and rejects keys of other kinds.
TEST(Scenario, FatFingerStrategyKeys) {
  auto s = parse_scenario_text(kMinimal +
                                   "[[strategies]]\nkind = \"fat_finger\"\ntimer_ms = 50\n"
                                   "order_qty = 3\noffset_ticks = 2\nmax_position = 30\n"
                                   "at_ms = 700\noversize_orders = 2\nsize_multiplier = 1000\n"
                                   "burst_at_ms = 900\nburst_orders = 40\n",
                               "ff.toml");
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  const StrategyConfig& sc = s->core.strategies[0];
  EXPECT_EQ(sc.kind, StrategyKind::kFatFinger);
  EXPECT_EQ(sc.name, "fat_finger_0");
  const FatFingerParams& f = sc.fat_finger;
  EXPECT_EQ(f.order_qty, Qty(3));
  EXPECT_EQ(f.offset_ticks, 2);
  EXPECT_EQ(f.max_position, 30);
  EXPECT_EQ(f.at_ms, 700);
  EXPECT_EQ(f.oversize_orders, 2);
  EXPECT_EQ(f.size_multiplier, 1000);
  EXPECT_EQ(f.burst_at_ms, 900);
  EXPECT_EQ(f.burst_orders, 40);
  auto again = parse_scenario_text(s->canonical_toml, "canonical");
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_TRUE(same_scenario(s.value(), again.value()));

  auto defaults = parse_scenario_text(kMinimal + "[[strategies]]\nkind = \"fat_finger\"\n", "d");
  ASSERT_TRUE(defaults.is_ok()) << defaults.status().message();
  EXPECT_EQ(defaults->core.strategies[0].fat_finger.size_multiplier,
            FatFingerParams{}.size_multiplier);

  expect_invalid(parse_scenario_text(kMinimal + "[[strategies]]\nkind = \"fat_finger\"\n"
                                                "size_multiplier = 0\n",
                                     "bad.toml"),
                 {"bad.toml:9:19", "'strategies[0].size_multiplier' = 0 is out of range [1, "});
  expect_invalid(parse_scenario_text(kMinimal + "[[strategies]]\nkind = \"fat_finger\"\n"
                                                "quote_qty = 5\n",
                                     "bad.toml"),
                 {"bad.toml:9:1", "unknown key 'strategies[0].quote_qty'"});
  expect_invalid(
      parse_scenario_text(kMinimal + "[[strategies]]\nkind = \"fat_fingers\"\n", "bad.toml"),
      {"bad.toml:8", "\"fat_finger\""});
}

}  // namespace
}  // namespace tape
