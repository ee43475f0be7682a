// sim/generator_state.cc: a generator restored from a saved state continues the exact sequence
// the saved one would have produced; bad, truncated or foreign states fail without side effects.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "sim/generator.h"
#include "sim/scenario.h"

namespace tape {
namespace {

struct Event {
  Timestamp ts;
  InputBody body;
  bool operator==(const Event&) const = default;
};

Scenario load(const std::string& name) {
  auto s = load_scenario_file(std::string(TAPE_SOURCE_DIR) + "/scenarios/" + name);
  EXPECT_TRUE(s.is_ok()) << s.status().message();
  return s.is_ok() ? s.value() : Scenario{};
}

Scenario parse(const std::string& text) {
  auto s = parse_scenario_text(text, "test.toml");
  EXPECT_TRUE(s.is_ok()) << s.status().message();
  return s.is_ok() ? s.value() : Scenario{};
}

// Every phase kind, a flow over all instruments (drawn per tick), a walk with volatility, and a
// small live set so that it fills and the dead-order pruning runs often.
Scenario mixed_scenario() {
  return parse(
      "[scenario]\nduration_s = 2.0\nheartbeat_ms = 50\n"
      "[[instruments]]\nsymbol = \"A\"\ninitial_price = 100.0\n"
      "[[instruments]]\nsymbol = \"B\"\ninitial_price = 20.0\n"
      "[[instruments]]\nsymbol = \"C\"\ninitial_price = 5.0\n"
      "[market]\nvolatility_ticks_per_sqrt_s = 6.0\nrate_per_s = 1500\nlive_orders_max = 16\n"
      "[[phases]]\nkind = \"flash_crash\"\nat_ms = 400\nduration_ms = 300\ndrop_pct = 8\n"
      "recover_ms = 200\n"
      "[[phases]]\nkind = \"sustained\"\nat_ms = 200\nduration_ms = 1500\nrate_per_s = 900\n"
      "[[phases]]\nkind = \"burst\"\ninstrument = \"B\"\nat_ms = 1000\nduration_ms = 50\n"
      "ticks = 700\n"
      "[[phases]]\nkind = \"halt\"\nat_ms = 1200\nduration_ms = 100\n"
      "[[phases]]\nkind = \"kill_switch\"\nat_ms = 1500\nduration_ms = 100\n");
}

// is_resting answers as a pure function of the id, so two generators asking about the same id
// get the same answer, whatever they asked before.
class FakeMarket : public MarketView {
 public:
  TopOfBook top(InstrumentId) const override { return {}; }
  size_t depth(InstrumentId, Side, std::span<LevelView>) const override { return 0; }
  bool halted(InstrumentId) const override { return false; }
  bool is_resting(OrderId id) const override {
    uint64_t x = id.value() * 0x9E3779B97F4A7C15ull;
    return ((x ^ (x >> 29)) & 3) != 0;  // about a quarter of the orders are gone
  }
};

std::string saved(const Generator& g) {
  StateHasher h;
  g.save_state(h);
  return h.bytes();
}

std::vector<Event> take(Generator& g, size_t n) {
  std::vector<Event> out;
  Event e;
  while (out.size() < n && g.next(e.ts, e.body)) out.push_back(e);
  return out;
}

std::vector<Event> drain(Generator& g) { return take(g, std::numeric_limits<size_t>::max()); }

void put_u64(std::string& bytes, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) bytes[at + i] = static_cast<char>(v >> (8 * i));
}

// Restores `bytes` into a fresh generator; the generator must be unchanged when it fails.
Status restore_fresh(const Scenario& s, const std::string& bytes, const MarketView* view) {
  Generator g(s, 11, view);
  const std::string before = saved(g);
  StateReader r(bytes);
  Status st = g.restore_state(r);
  EXPECT_TRUE(st.is_ok() || saved(g) == before) << "failed restore changed the generator";
  return st;
}

// Proves that save at event k, restore into a fresh generator and continue gives exactly the
// events k+1.. of an uninterrupted run, with equal state bytes before and after, at many k.
TEST(GeneratorRestore, ResumedGeneratorContinuesTheSameSequence) {
  const FakeMarket market;
  const std::vector<std::pair<const char*, Scenario>> cases = {
      {"quickstart", load("quickstart.toml")},
      {"burst_10k", load("burst_10k.toml")},
      {"mixed", mixed_scenario()}};
  for (const auto& [name, s] : cases) {
    Generator reference_gen(s, 11, &market);
    const std::vector<Event> reference = drain(reference_gen);
    const size_t total = reference.size();
    ASSERT_GT(total, 5000u) << name;
    for (size_t cut : {size_t{0}, size_t{1}, total / 7, total / 3, total / 2 + 1,
                       2 * total / 3, total - 1, total}) {
      Generator original(s, 11, &market);
      ASSERT_EQ(take(original, cut).size(), cut);
      const std::string state = saved(original);
      Generator resumed(s, 11, &market);
      if (cut > 0) {
        EXPECT_NE(saved(resumed), state) << name << " @" << cut;
      }
      StateReader r(state);
      ASSERT_TRUE(resumed.restore_state(r).is_ok()) << name << " @" << cut;
      EXPECT_TRUE(r.at_end()) << name << " @" << cut;
      EXPECT_EQ(saved(resumed), state) << name << " @" << cut;
      EXPECT_EQ(resumed.ticks(), original.ticks());
      for (uint32_t i = 0; i < s.core.instruments.size(); ++i) {
        EXPECT_EQ(resumed.mid_ticks(InstrumentId(i)), original.mid_ticks(InstrumentId(i)));
      }
      const std::vector<Event> rest = drain(resumed);
      ASSERT_EQ(rest.size(), total - cut) << name << " @" << cut;
      for (size_t k = 0; k < rest.size(); ++k) {
        ASSERT_EQ(rest[k], reference[cut + k]) << name << " @" << cut << " event " << cut + k;
      }
      EXPECT_EQ(drain(original).size(), total - cut);
      EXPECT_EQ(saved(resumed), saved(original)) << name << " @" << cut;
      EXPECT_EQ(resumed.ticks(), reference_gen.ticks());
    }
  }
}

// Proves a state restored and saved again at several points gives the same bytes, and that a
// restore reads only its own part of a longer snapshot.
TEST(GeneratorRestore, RoundTripIsByteIdenticalAndStopsAtItsEnd) {
  const FakeMarket market;
  const Scenario s = mixed_scenario();
  Generator g(s, 3, &market);
  for (int step = 0; step < 6; ++step) {
    take(g, 1777);
    const std::string state = saved(g);
    const std::string snapshot = state + "next component";
    Generator fresh(s, 3, &market);
    StateReader r(snapshot);
    ASSERT_TRUE(fresh.restore_state(r).is_ok()) << r.status().message();
    EXPECT_EQ(r.position(), state.size());
    EXPECT_EQ(saved(fresh), state) << "step " << step;
  }
}

// Proves every truncation of a saved state fails with a status (no crash) and changes nothing.
TEST(GeneratorRestore, TruncatedStateFailsCleanly) {
  const FakeMarket market;
  const Scenario s = load("quickstart.toml");
  Generator g(s, 11, &market);
  take(g, 4000);
  const std::string state = saved(g);
  for (size_t len = 0; len < state.size(); ++len) {
    const Status st = restore_fresh(s, state.substr(0, len), &market);
    ASSERT_FALSE(st.is_ok()) << "restored from " << len << " of " << state.size() << " bytes";
  }
  EXPECT_TRUE(restore_fresh(s, state, &market).is_ok());
}

// Proves a state saved from another scenario (other shape, other duration) is refused.
TEST(GeneratorRestore, ForeignScenarioStateIsRefused) {
  const Scenario quick = load("quickstart.toml");
  Scenario shorter = quick;
  shorter.duration_ms = 2000;
  Generator g(quick, 11, nullptr);
  take(g, 100);
  const std::string state = saved(g);
  EXPECT_FALSE(restore_fresh(load("burst_10k.toml"), state, nullptr).is_ok());
  EXPECT_FALSE(restore_fresh(shorter, state, nullptr).is_ok());
  EXPECT_FALSE(restore_fresh(mixed_scenario(), state, nullptr).is_ok());
  EXPECT_TRUE(restore_fresh(quick, state, nullptr).is_ok());
}

// Proves out-of-range fields are refused: each mutation below breaks one documented field.
TEST(GeneratorRestore, CorruptFieldsAreRefused) {
  const FakeMarket market;
  const Scenario s = load("quickstart.toml");  // 2 instruments, 1 burst flow, 4 controls
  Generator g(s, 11, &market);
  take(g, 3000);
  const std::string state = saved(g);
  ASSERT_TRUE(restore_fresh(s, state, &market).is_ok());
  // Offsets from the layout in sim/generator_state.cc.
  const size_t next_order_id = 8 + 9 + 5 * 8;
  const size_t next_control = next_order_id + 16;
  const size_t due = next_control + 8;  // controls, heartbeat, A, B, burst
  const size_t inst0 = due + 5 * 8;
  const size_t has_spare = inst0 + 24 + 32;
  const size_t live_count = inst0 + 105 + 8 + 32;  // ACME has one flash crash window
  const double nan = std::numeric_limits<double>::quiet_NaN();
  uint64_t nan_bits;
  std::memcpy(&nan_bits, &nan, 8);
  const std::vector<std::pair<const char*, std::function<void(std::string&)>>> mutations = {
      {"next order id 0", [&](std::string& b) { put_u64(b, next_order_id, 0); }},
      {"control cursor past the end", [&](std::string& b) { put_u64(b, next_control, 99); }},
      {"control due moved", [&](std::string& b) { put_u64(b, due, 5); }},
      {"heartbeat off grid", [&](std::string& b) { put_u64(b, due + 8, 12345); }},
      {"background due moved", [&](std::string& b) { put_u64(b, due + 16, 7); }},
      {"walk NaN", [&](std::string& b) { put_u64(b, inst0, nan_bits); }},
      {"rng all zero",
       [&](std::string& b) {
         for (size_t w = 0; w < 4; ++w) put_u64(b, inst0 + 24 + 8 * w, 0);
       }},
      {"has_spare 2", [&](std::string& b) { b[has_spare] = 2; }},
      {"live count over max", [&](std::string& b) { put_u64(b, live_count, 257); }},
      {"live id from the future", [&](std::string& b) { put_u64(b, live_count + 8, 1u << 30); }},
      {"live side 7", [&](std::string& b) { b[live_count + 8 + 16] = 7; }},
      {"live account foreign", [&](std::string& b) { put_u64(b, live_count + 16, 1); }},
      {"duplicate live id",
       [&](std::string& b) { b.replace(live_count + 8 + 17, 8, b.substr(live_count + 8, 8)); }},
  };
  for (const auto& [what, mutate] : mutations) {
    std::string bad = state;
    mutate(bad);
    ASSERT_NE(bad, state) << what;
    EXPECT_FALSE(restore_fresh(s, bad, &market).is_ok()) << what;
  }
}

}  // namespace
}  // namespace tape
