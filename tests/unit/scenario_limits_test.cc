// The scenario loader's guards: text toml++ would choke on (keys of thousands of dotted parts,
// deep nesting, huge files), files that are not regular files (a FIFO, /dev/zero), and scenarios
// whose keys are each in range but whose combination cannot run (notional beyond int64, memory
// beyond scenario.max_memory_mb, inputs beyond scenario.max_inputs) are refused at load with
// kInvalidInput naming the file, line or keys; shipped scenarios pass with room to spare.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "scenario_util.h"
#include "sim/scenario.h"
#include "unit/scenario_fixture.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

using testing_util::expect_invalid;
const std::string& kMinimal = testing_util::kMinimalScenario;

std::string dotted(size_t parts) {
  std::string key = "a";
  for (size_t i = 1; i < parts; ++i) key += ".a";
  return key;
}

class LimitFiles : public testing_util::ScenarioDirTest {};

// Item 5: 50,000 dotted parts overflowed toml++'s stack; the pre-scan refuses the key first,
// naming the file, the line and the limit, in a key, a table header, an inline table and --set.
TEST(ScenarioLimits, DeepDottedKeyIsRefusedBeforeParsing) {
  expect_invalid(parse_scenario_text(kMinimal + dotted(50'000) + " = 1\n", "deep.toml"),
                 {"deep.toml:7:", "more than 32 dotted parts"});
  expect_invalid(parse_scenario_text(kMinimal + "[" + dotted(50'000) + "]\n", "deep.toml"),
                 {"deep.toml:7:", "dotted parts"});
  expect_invalid(parse_scenario_text(kMinimal + "x = { " + dotted(40) + " = 1 }\n", "deep.toml"),
                 {"deep.toml:7:", "dotted parts"});
  expect_invalid(parse_scenario_text(dotted(50'000) + " = 1\n", "meta scenario"),
                 {"meta scenario:1:", "dotted parts"});
  const std::string path = std::string(TAPE_SOURCE_DIR) + "/scenarios/quickstart.toml";
  expect_invalid(load_scenario_file(path, {dotted(50'000) + "=1"}), {"--set", "dotted parts"});
  expect_invalid(load_scenario_file(path, {"risk.max_order_qty={" + dotted(50'000) + "=1}"}),
                 {"--set", "dotted parts"});
  // At the limit the key reaches the schema, which names it as unknown.
  expect_invalid(parse_scenario_text(kMinimal + dotted(32) + " = 1\n", "ok.toml"),
                 {"unknown key 'instruments[0].a'"});
}

// Item 5: arrays and inline tables nested past the limit are refused the same way.
TEST(ScenarioLimits, DeepNestingIsRefusedBeforeParsing) {
  const std::string arrays = "x = " + std::string(10'000, '[') + std::string(10'000, ']') + "\n";
  expect_invalid(parse_scenario_text(kMinimal + arrays, "nest.toml"),
                 {"nest.toml:7:", "nested more than 32 deep"});
  std::string tables = "x = ";
  for (int i = 0; i < 100; ++i) tables += "{a = ";
  tables += "1" + std::string(100, '}') + "\n";
  expect_invalid(parse_scenario_text(kMinimal + tables, "nest.toml"), {"nested more than 32"});
}

// The pre-scan reads strings and comments as TOML does: dots and brackets inside them, and
// multi-line strings, count for nothing, so valid files are not refused.
TEST(ScenarioLimits, PrescanIgnoresDotsAndBracketsInStringsAndComments) {
  const std::string dots(200, '.');
  const std::string brackets(200, '[');
  const std::string text =
      "# " + dots + brackets + "\n[scenario]\nname = \"a" + dots + brackets + "\" # " + dots +
      "\nduration_s = 2.0\n[[instruments]]\nsymbol = 'x" + dots.substr(0, 20) +
      "'\ninitial_price = 10.0\n[[strategies]]\nkind = \"momentum\"\nname = \"\"\"m\n" +
      brackets + "\n" + dots + "\\\"\"\"\"\n";
  auto s = parse_scenario_text(text, "strings.toml");
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(s->core.strategies[0].name, "m\n" + brackets + "\n" + dots + "\"");
  // A quoted key part's dots are not parts: this reaches the schema.
  expect_invalid(parse_scenario_text(text + "\"" + dots + "\".c = 1\n", "strings.toml"),
                 {"unknown key 'strategies[0].", dots + "'"});
}

// Item 6: a FIFO include used to block forever; now it is refused without reading it.
TEST_F(LimitFiles, IncludeOfFifoIsRefused) {
  const std::string fifo = (dir_ / "pipe.toml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string main = write("main.toml", "include = [\"pipe.toml\"]\n" + kMinimal);
  expect_invalid(load_scenario_file(main), {"main.toml:1:", "pipe.toml", "a FIFO",
                                            "not a regular file"});
  expect_invalid(load_scenario_file(fifo), {"pipe.toml", "a FIFO"});
}

// Item 6: /dev/zero used to be read until memory ran out.
TEST_F(LimitFiles, IncludeOfDevZeroIsRefused) {
  const std::string main = write("main.toml", "include = [\"/dev/zero\"]\n" + kMinimal);
  expect_invalid(load_scenario_file(main),
                 {"main.toml:1:", "/dev/zero", "a character device", "not a regular file"});
  expect_invalid(load_scenario_file("/dev/zero"), {"/dev/zero", "character device"});
}

// Item 6: a regular file over the size limit is refused from its size, before it is read (a
// sparse file, so the test costs no disk).
TEST_F(LimitFiles, OversizeScenarioFileIsRefused) {
  const std::string big = write("big.toml", kMinimal);
  fs::resize_file(big, (size_t{16} << 20) + 1);
  const std::string main = write("main.toml", "include = [\"big.toml\"]\n" + kMinimal);
  expect_invalid(load_scenario_file(main), {"main.toml:1:", "big.toml", "16777217 bytes",
                                            "more than the limit of 16777216"});
  expect_invalid(parse_scenario_text(std::string((size_t{16} << 20) + 1, '#'), "meta"),
                 {"meta is 16777217 bytes"});
}

const std::string kBigLot =
    "[scenario]\nname = \"big\"\nduration_s = 2.0\n"
    "[[instruments]]\nsymbol = \"BIG\"\nlot_size = 1000000000\ninitial_price = 100000.00\n";

// Item 3: lot_size 1e9 x 100000.00 with a market maker aborted in core/portfolio.cc on the first
// fill; it is refused at load naming the instrument and the keys of the product (the rule is the
// core's, core/bounds.h), with or without a strategy, and so is --resume, which loads the same.
TEST(ScenarioLimits, NotionalOverflowIsRefusedAtLoadNamingKeys) {
  for (const std::string& tail : {std::string("[[strategies]]\nkind = \"market_maker\"\n"),
                                  std::string()}) {
    expect_invalid(parse_scenario_text(kBigLot + tail, "b.toml"),
                   {"b.toml: instruments[0] (\"BIG\")", "max_order_qty", "lot_size",
                    "initial_price", "int64"});
  }
  // The same price with lot_size 1 is far inside the bound.
  std::string small = kBigLot;
  small.replace(small.find("1000000000"), 10, "1");
  EXPECT_TRUE(parse_scenario_text(small + "[[strategies]]\nkind = \"market_maker\"\n", "s").is_ok());
}

// Item 4 (load side): a queue smaller than what one input can publish is refused at load by the
// core's rule, naming the key.
TEST(ScenarioLimits, EventQueueBelowOneInputsBoundIsRefusedAtLoad) {
  expect_invalid(parse_scenario_text(kMinimal + "[engine]\nevent_queue_capacity = 16\n", "q.toml"),
                 {"q.toml: engine.event_queue_capacity = 16", "fills_per_order_max"});
}

// Resting totals that could leave int64 lots (core/bounds.h check_book_bounds) stop at load too.
TEST(ScenarioLimits, BookTotalsBeyondInt64AreRefusedAtLoad) {
  expect_invalid(parse_scenario_text("[scenario]\nname = \"t\"\nduration_s = 2.0\n"
                                     "[[instruments]]\nsymbol = \"AAA\"\ninitial_price = 0.01\n"
                                     "max_order_qty = 1000000000000\n"
                                     "[engine]\norder_pool_capacity = 268435456\n",
                                     "t.toml"),
                 {"t.toml: instruments[0] (AAA)", "engine.order_pool_capacity"});
}

// Item 7: 4096 books x 2^20 initial levels (96 GiB) died on bad_alloc under ulimit -v; it is
// refused at load naming the keys and the estimate, unless scenario.max_memory_mb is raised.
TEST(ScenarioLimits, MemoryBudgetRefusesHugeLadders) {
  const std::string text = "[scenario]\nname = \"huge\"\nduration_s = 1.0\n"
                           "[[instrument_sets]]\nprefix = \"S\"\ncount = 4096\n"
                           "initial_price = 10.0\n[engine]\nladder_levels_initial = 1048576\n";
  expect_invalid(parse_scenario_text(text, "huge.toml"),
                 {"huge.toml: the core would reserve about", "MiB",
                  "engine.ladder_levels_initial (1048576) x 4096 instruments",
                  "scenario.max_memory_mb = 4096"});
  // Raised, it loads (256 books of 2^24 levels: the same 96 GiB, and a quicker test).
  auto s = parse_scenario_text(
      "[scenario]\nname = \"huge\"\nduration_s = 1.0\nmax_memory_mb = 200000\n"
      "[[instrument_sets]]\nprefix = \"S\"\ncount = 256\ninitial_price = 10.0\n"
      "[engine]\nladder_levels_initial = 16777216\nladder_levels_max = 16777216\n",
      "huge.toml");
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(s->max_memory_mb, 200000u);
  EXPECT_GT(estimate_resources(s.value()).memory_bytes, 96.0 * (1ull << 30));
  // The raised budget is part of the canonical text, so the log's copy re-reads.
  auto again = parse_scenario_text(s->canonical_toml, "canonical");
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_TRUE(same_scenario(s.value(), again.value()));
}

// Item 26: 4096 instruments x 1e8 events/s x 30 days was accepted and filled the disk; a run
// expected to exceed scenario.max_inputs is refused naming the keys and the estimate.
TEST(ScenarioLimits, InputEstimateRefusesRunawayScenario) {
  const std::string sets = "[[instrument_sets]]\nprefix = \"S\"\ncount = 4096\n"
                           "initial_price = 10.0\n[engine]\nladder_levels_initial = 16\n"
                           "[market]\nrate_per_s = 1e8\n";
  expect_invalid(
      parse_scenario_text("[scenario]\nname = \"r\"\nduration_s = 2592000\n" + sets, "r.toml"),
      {"r.toml: the run would generate about 1.06e+18 inputs", "of log",
       "market.rate_per_s (100000000) x 4096 instruments x scenario.duration_s (2592000)",
       "scenario.max_inputs = 1000000000"});
  // Phases count too: a sustained phase of 1e7/s for 30 days.
  expect_invalid(parse_scenario_text("[scenario]\nname = \"p\"\nduration_s = 2592000\n"
                                     "[[instruments]]\nsymbol = \"A\"\ninitial_price = 1.0\n"
                                     "[market]\nrate_per_s = 0\n[[phases]]\nkind = \"sustained\"\n"
                                     "at_ms = 0\nrate_per_s = 1e7\n",
                                     "p.toml"),
                 {"p.toml: the run would generate about 2.59e+13 inputs", "[[phases]]"});
  // Raised, a 1e10-input run loads and keeps its limit through the canonical text.
  const std::string ten_g = "[scenario]\nname = \"t\"\nduration_s = 1000000\nmax_inputs = "
                            "20000000000\n[[instruments]]\nsymbol = \"A\"\ninitial_price = 1.0\n"
                            "[market]\nrate_per_s = 10000\n";
  auto s = parse_scenario_text(ten_g, "t.toml");
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  auto again = parse_scenario_text(s->canonical_toml, "canonical");
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_EQ(again->max_inputs, 20'000'000'000u);
  std::string lowered = ten_g;
  lowered.replace(lowered.find("20000000000"), 11, "1000000");
  expect_invalid(parse_scenario_text(lowered, "t.toml"), {"scenario.max_inputs = 1000000"});
}

// The guards leave every shipped scenario far inside them, and keep their canonical text free of
// guard keys (so older logs still resume against the same text).
TEST(ScenarioLimits, ShippedScenariosAreFarInsideTheGuards) {
  for (const std::string& path : testing_util::shipped_scenarios()) {
    auto s = load_scenario_file(std::string(TAPE_SOURCE_DIR) + "/" + path);
    ASSERT_TRUE(s.is_ok()) << path << ": " << s.status().message();
    const ResourceEstimate e = estimate_resources(s.value());
    EXPECT_LT(e.inputs, 0.05 * static_cast<double>(kDefaultMaxInputs)) << path;
    EXPECT_LT(e.memory_bytes, 0.1 * static_cast<double>(kDefaultMaxMemoryMb << 20)) << path;
    EXPECT_EQ(s->canonical_toml.find("max_inputs"), std::string::npos) << path;
    EXPECT_EQ(s->canonical_toml.find("max_memory_mb"), std::string::npos) << path;
  }
  auto sustained = load_scenario_file(std::string(TAPE_SOURCE_DIR) + "/scenarios/sustained_1k.toml");
  ASSERT_TRUE(sustained.is_ok());
  // 600,000 phase ticks and a heartbeat every 100 ms for 600 s.
  EXPECT_DOUBLE_EQ(estimate_resources(sustained.value()).inputs, 600'000 + 6'000);
}

}  // namespace
}  // namespace tape
