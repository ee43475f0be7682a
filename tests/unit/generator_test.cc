// sim/generator.h: determinism per seed, ordering, exact phase tick counts, the flash crash
// path, control and heartbeat timing, well-formed orders that only cancel their own, stale
// windows (silent, then a gap in the mid) and flow over instrument sets.
#include "sim/generator.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "sim/scenario.h"

namespace tape {
namespace {

constexpr int64_t kMs = 1'000'000;

struct Event {
  Timestamp ts;
  InputBody body;
};

Scenario load(const std::string& name, const std::vector<std::string>& overrides = {}) {
  auto s = load_scenario_file(std::string(TAPE_SOURCE_DIR) + "/scenarios/" + name, overrides);
  EXPECT_TRUE(s.is_ok()) << s.status().message();
  return s.is_ok() ? s.value() : Scenario{};
}

Scenario parse(const std::string& text) {
  auto s = parse_scenario_text(text, "test.toml");
  EXPECT_TRUE(s.is_ok()) << s.status().message();
  return s.is_ok() ? s.value() : Scenario{};
}

std::vector<Event> run(const Scenario& s, uint64_t seed, const MarketView* view = nullptr) {
  Generator g(s, seed, view);
  std::vector<Event> out;
  Event e;
  while (g.next(e.ts, e.body)) out.push_back(e);
  return out;
}

// FNV-1a over every field of every event, in order.
uint64_t digest(const std::vector<Event>& events) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](uint64_t v) {
    for (int i = 0; i < 8; ++i) h = (h ^ ((v >> (8 * i)) & 0xff)) * 1099511628211ull;
  };
  for (const Event& e : events) {
    mix(static_cast<uint64_t>(e.ts.value()));
    mix(e.body.index());
    std::visit(
        [&](const auto& b) {
          using T = std::decay_t<decltype(b)>;
          if constexpr (std::is_same_v<T, QuoteIn>) {
            for (int64_t v : {b.bid.value(), b.bid_qty.value(), b.ask.value(), b.ask_qty.value()})
              mix(static_cast<uint64_t>(v));
            mix(b.instrument.value());
          } else if constexpr (std::is_same_v<T, TradeIn>) {
            mix(b.instrument.value()), mix(b.price.value()), mix(b.qty.value());
            mix(static_cast<uint64_t>(b.aggressor));
          } else if constexpr (std::is_same_v<T, NewOrderIn>) {
            mix(b.id.value()), mix(b.account.value()), mix(b.instrument.value());
            mix(static_cast<uint64_t>(b.side)), mix(static_cast<uint64_t>(b.type));
            mix(static_cast<uint64_t>(b.tif)), mix(b.price.value()), mix(b.qty.value());
          } else if constexpr (std::is_same_v<T, CancelIn>) {
            mix(b.id.value()), mix(b.account.value()), mix(b.instrument.value());
          } else if constexpr (std::is_same_v<T, ReplaceIn>) {
            mix(b.id.value()), mix(b.account.value()), mix(b.instrument.value());
            mix(b.price.value()), mix(b.qty.value());
          } else if constexpr (std::is_same_v<T, ControlIn>) {
            mix(static_cast<uint64_t>(b.kind)), mix(b.instrument.value());
          }
        },
        e.body);
  }
  return h;
}

bool is_heartbeat(const Event& e) { return std::holds_alternative<HeartbeatIn>(e.body); }

uint64_t ticks_in(const std::vector<Event>& events, int64_t from_ns, int64_t to_ns) {
  uint64_t n = 0;
  for (const Event& e : events) {
    n += !is_heartbeat(e) && e.ts.value() >= from_ns && e.ts.value() < to_ns;
  }
  return n;
}

// Answers is_resting() from a rule instead of a book; everything else is inert.
class FakeMarket : public MarketView {
 public:
  TopOfBook top(InstrumentId) const override { return {}; }
  size_t depth(InstrumentId, Side, std::span<LevelView>) const override { return 0; }
  bool halted(InstrumentId) const override { return false; }
  bool is_resting(OrderId id) const override { return id.value() % 3 != 0; }
};

// Proves the same (scenario, seed) gives the same sequence and another seed a different one.
TEST(Generator, SameSeedSameSequenceDifferentSeedDiffers) {
  const Scenario s = load("quickstart.toml");
  const auto a = run(s, 7);
  const auto b = run(s, 7);
  const auto c = run(s, 8);
  ASSERT_GT(a.size(), 1000u);
  EXPECT_EQ(a.size(), b.size());
  EXPECT_EQ(digest(a), digest(b));
  EXPECT_NE(digest(a), digest(c));
}

// Proves timestamps never go back, stay inside [0, duration], and ticks() counts non-heartbeats.
TEST(Generator, TimestampsNonDecreasingInsideDuration) {
  for (const char* name : {"quickstart.toml", "burst_10k.toml"}) {
    const Scenario s = load(name);
    Generator g(s, 3, nullptr);
    Timestamp ts, prev(0);
    InputBody body;
    uint64_t non_heartbeats = 0;
    while (g.next(ts, body)) {
      ASSERT_GE(ts, prev) << name;
      ASSERT_LE(ts.value(), s.duration_ms * kMs) << name;
      non_heartbeats += !std::holds_alternative<HeartbeatIn>(body);
      prev = ts;
    }
    EXPECT_EQ(g.ticks(), non_heartbeats) << name;
    EXPECT_FALSE(g.next(ts, body));
  }
}

// Proves burst_10k adds exactly 10,000 ticks inside [2 s, 3 s) and leaves other times alone.
TEST(Generator, BurstAddsExactlyItsTicksInsideItsWindow) {
  const Scenario with = load("burst_10k.toml");
  Scenario without = with;
  without.phases.clear();
  const auto a = run(with, 5);
  const auto b = run(without, 5);
  EXPECT_EQ(ticks_in(a, 2000 * kMs, 3000 * kMs) - ticks_in(b, 2000 * kMs, 3000 * kMs), 10'000u);
  EXPECT_EQ(ticks_in(a, 0, 2000 * kMs), ticks_in(b, 0, 2000 * kMs));
  EXPECT_EQ(ticks_in(a, 3000 * kMs, 5001 * kMs), ticks_in(b, 3000 * kMs, 5001 * kMs));
}

// Proves sustained_1k gives exactly 1,000 ticks in every simulated second, 600,000 in all.
TEST(Generator, SustainedRateCountIsExact) {
  const Scenario s = load("sustained_1k.toml");
  Generator g(s, 1, nullptr);
  std::vector<uint64_t> per_second(601, 0);
  Timestamp ts;
  InputBody body;
  while (g.next(ts, body)) {
    if (!std::holds_alternative<HeartbeatIn>(body)) ++per_second[ts.value() / (1000 * kMs)];
  }
  EXPECT_EQ(g.ticks(), 600'000u);
  for (size_t sec = 0; sec < 600; ++sec) ASSERT_EQ(per_second[sec], 1000u) << "second " << sec;
}

// Proves the flash crash takes the mid down drop_pct by the end of its fall and back after the
// recovery, and thins liquidity (passive orders further away) meanwhile.
TEST(Generator, FlashCrashMovesMidDownThenBack) {
  const Scenario s = parse(
      "[scenario]\nduration_s = 3.0\n[[instruments]]\nsymbol = \"A\"\ninitial_price = 100.0\n"
      "[market]\nvolatility_ticks_per_sqrt_s = 0.0\nrate_per_s = 5000\nmarketable_pct = 0\n"
      "[[phases]]\nkind = \"flash_crash\"\nat_ms = 1000\nduration_ms = 500\ndrop_pct = 10\n"
      "recover_ms = 500\n");
  Generator g(s, 9, nullptr);
  Timestamp ts;
  InputBody body;
  int64_t lowest = INT64_MAX, lowest_ns = 0;
  double far_calm = 0, far_crash = 0;
  int n_calm = 0, n_crash = 0;
  while (g.next(ts, body)) {
    const int64_t mid = g.mid_ticks(InstrumentId(0));
    const int64_t t = ts.value();
    if (t < 1000 * kMs || t >= 2000 * kMs) {
      ASSERT_EQ(mid, 10'000) << t;
    }
    if (mid < lowest) lowest = mid, lowest_ns = t;
    const auto* o = std::get_if<NewOrderIn>(&body);
    if (o == nullptr || o->type != OrderType::kLimit) continue;
    const double d = static_cast<double>(std::llabs(o->price.value() - mid));
    if (t < 1000 * kMs) far_calm += d, ++n_calm;
    if (t >= 1400 * kMs && t < 1600 * kMs) far_crash += d, ++n_crash;
  }
  EXPECT_NEAR(lowest, 9'000, 5);
  EXPECT_NEAR(static_cast<double>(lowest_ns), 1500.0 * kMs, 2.0 * kMs);
  ASSERT_GT(n_calm, 0);
  ASSERT_GT(n_crash, 0);
  EXPECT_GT(far_crash / n_crash, 2.0 * far_calm / n_calm);
}

// Proves halt / kill switch phases emit their ControlIn at at_ms and at_ms + duration_ms.
TEST(Generator, ControlsAtTheirTimes) {
  const Scenario s = load("quickstart.toml");
  std::vector<std::tuple<int64_t, ControlKind, uint32_t>> controls;
  for (const Event& e : run(s, 1)) {
    if (const auto* c = std::get_if<ControlIn>(&e.body)) {
      controls.emplace_back(e.ts.value(), c->kind, c->instrument.value());
    }
  }
  const std::vector<std::tuple<int64_t, ControlKind, uint32_t>> expected = {
      {1400 * kMs, ControlKind::kHalt, 1},
      {1550 * kMs, ControlKind::kResume, 1},
      {1650 * kMs, ControlKind::kKillSwitchOn, 0},
      {1850 * kMs, ControlKind::kKillSwitchOff, 0}};
  EXPECT_EQ(controls, expected);
}

// Proves a halt of all instruments halts each, in instrument order, before other streams.
TEST(Generator, HaltOfAllInstrumentsComesFirstAtItsTime) {
  const Scenario s = parse(
      "[scenario]\nduration_s = 1.0\nheartbeat_ms = 100\n"
      "[[instruments]]\nsymbol = \"A\"\ninitial_price = 1.0\n"
      "[[instruments]]\nsymbol = \"B\"\ninitial_price = 1.0\n"
      "[[phases]]\nkind = \"halt\"\nat_ms = 200\nduration_ms = 100\n");
  const auto events = run(s, 1);
  std::vector<std::pair<ControlKind, uint32_t>> at_200;
  for (const Event& e : events) {
    if (e.ts.value() != 200 * kMs) continue;
    const auto* c = std::get_if<ControlIn>(&e.body);
    if (c == nullptr) break;  // the controls stream is first among equal timestamps
    at_200.emplace_back(c->kind, c->instrument.value());
  }
  const std::vector<std::pair<ControlKind, uint32_t>> expected = {{ControlKind::kHalt, 0},
                                                                  {ControlKind::kHalt, 1}};
  EXPECT_EQ(at_200, expected);
}

// Proves a heartbeat arrives every heartbeat_ms of simulated time, through the last instant.
TEST(Generator, HeartbeatsEveryInterval) {
  const Scenario s = load("quickstart.toml");
  std::vector<int64_t> beats;
  for (const Event& e : run(s, 1)) {
    if (is_heartbeat(e)) beats.push_back(e.ts.value());
  }
  ASSERT_EQ(beats.size(), static_cast<size_t>(s.duration_ms / s.market.heartbeat_ms));
  for (size_t k = 0; k < beats.size(); ++k) {
    EXPECT_EQ(beats[k], static_cast<int64_t>(k + 1) * s.market.heartbeat_ms * kMs);
  }
}

// Proves orders are well formed: ids 1, 2, 3..., external accounts, positive prices, market
// orders IOC, quotes not crossed, quantities inside the configured range.
TEST(Generator, EventsAreWellFormed) {
  const Scenario s = load("quickstart.toml");
  uint64_t expected_id = 1;
  std::map<std::string, int> kinds;
  for (const Event& e : run(s, 2)) {
    if (const auto* o = std::get_if<NewOrderIn>(&e.body)) {
      ASSERT_EQ(o->id.value(), expected_id++);
      ASSERT_GE(o->account.value(), kExternalAccountBase);
      ASSERT_LT(o->account.value(), kExternalAccountBase + s.market.participants);
      ASSERT_TRUE(o->qty.value() >= s.market.qty_min && o->qty.value() <= s.market.qty_max);
      if (o->type == OrderType::kMarket) {
        ASSERT_EQ(o->tif, TimeInForce::kIoc);
        ++kinds["market"];
      } else {
        ASSERT_GT(o->price.value(), 0);
        ++kinds["limit"];
      }
    } else if (const auto* q = std::get_if<QuoteIn>(&e.body)) {
      ASSERT_GT(q->bid.value(), 0);
      ASSERT_EQ(q->ask.value() - q->bid.value(), s.market.spread_ticks);
      ++kinds["quote"];
    } else if (const auto* t = std::get_if<TradeIn>(&e.body)) {
      ASSERT_GT(t->price.value(), 0);
      ++kinds["trade"];
    } else if (std::holds_alternative<CancelIn>(e.body)) {
      ++kinds["cancel"];
    } else if (std::holds_alternative<ReplaceIn>(e.body)) {
      ++kinds["replace"];
    }
  }
  for (const char* k : {"quote", "trade", "limit", "market", "cancel", "replace"}) {
    EXPECT_GT(kinds[k], 0) << k;
  }
}

// Proves cancels and replaces only name the flow's own orders, from the owning account, on the
// order's instrument, never an order the market says is no longer resting, and each id is
// cancelled at most once.
TEST(Generator, CancelsOnlyOwnRestingOrders) {
  const Scenario s = load("quickstart.toml");
  FakeMarket market;
  std::map<uint64_t, std::pair<uint32_t, uint32_t>> owner;  // id -> (account, instrument)
  std::set<uint64_t> cancelled;
  uint64_t cancels = 0;
  for (const Event& e : run(s, 4, &market)) {
    if (const auto* o = std::get_if<NewOrderIn>(&e.body)) {
      owner[o->id.value()] = {o->account.value(), o->instrument.value()};
      continue;
    }
    OrderId id;
    AccountId account;
    InstrumentId instrument;
    if (const auto* c = std::get_if<CancelIn>(&e.body)) {
      id = c->id, account = c->account, instrument = c->instrument;
      ASSERT_TRUE(cancelled.insert(id.value()).second) << "cancelled twice: " << id.value();
      ++cancels;
    } else if (const auto* r = std::get_if<ReplaceIn>(&e.body)) {
      id = r->id, account = r->account, instrument = r->instrument;
      ASSERT_EQ(cancelled.count(id.value()), 0u);
    } else {
      continue;
    }
    ASSERT_TRUE(market.is_resting(id)) << id.value();
    ASSERT_EQ(owner.count(id.value()), 1u) << id.value();
    ASSERT_EQ(owner[id.value()], std::make_pair(account.value(), instrument.value()));
  }
  EXPECT_GT(cancels, 100u);
}

// Proves a scenario without background flow emits only its phases' ticks and heartbeats.
TEST(Generator, NoBackgroundFlowWhenRateIsZero) {
  const Scenario s = parse(
      "[scenario]\nduration_s = 2.0\n[[instruments]]\nsymbol = \"A\"\ninitial_price = 1.0\n"
      "[market]\nrate_per_s = 0\n"
      "[[phases]]\nkind = \"burst\"\nat_ms = 500\nduration_ms = 10\nticks = 37\n");
  const auto events = run(s, 1);
  EXPECT_EQ(ticks_in(events, 0, 3000 * kMs), 37u);
  EXPECT_EQ(ticks_in(events, 500 * kMs, 510 * kMs), 37u);
}


// Instrument index of a market event; -1 for controls and heartbeats.
int64_t instrument_of(const Event& e) {
  return std::visit(
      [](const auto& b) -> int64_t {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, HeartbeatIn> || std::is_same_v<T, ControlIn>) {
          return -1;
        } else {
          return b.instrument.value();
        }
      },
      e.body);
}

// A stale window on B, with background flow and burst / sustained phases aimed at it (and at
// every instrument) across the window; A is untouched.
const char* kStaleScenario =
    "[scenario]\nduration_s = 3.0\nheartbeat_ms = 50\n"
    "[[instruments]]\nsymbol = \"A\"\ninitial_price = 100.0\n"
    "[[instruments]]\nsymbol = \"B\"\ninitial_price = 100.0\n"
    "[market]\nvolatility_ticks_per_sqrt_s = 0.0\nrate_per_s = 2000\n"
    "[[phases]]\nkind = \"stale\"\ninstrument = \"B\"\nat_ms = 1000\nduration_ms = 1000\n"
    "jump_pct = 5.0\n"
    "[[phases]]\nkind = \"burst\"\ninstrument = \"B\"\nat_ms = 900\nduration_ms = 200\n"
    "ticks = 400\n"
    "[[phases]]\nkind = \"sustained\"\nat_ms = 500\nduration_ms = 2000\nrate_per_s = 500\n"
    "[[phases]]\nkind = \"halt\"\ninstrument = \"B\"\nat_ms = 1200\nduration_ms = 100\n";

// Proves a stale window has no market event of its instrument (background, burst or sustained),
// while heartbeats, controls and the other instrument carry on, and the flow comes back after.
TEST(Generator, StaleWindowHasNoMarketEvents) {
  const Scenario s = parse(kStaleScenario);
  const auto events = run(s, 3);
  uint64_t b_inside = 0, b_after = 0, a_inside = 0, beats_inside = 0, controls_inside = 0;
  for (const Event& e : events) {
    const int64_t t = e.ts.value();
    const bool inside = t >= 1000 * kMs && t < 2000 * kMs;
    const int64_t i = instrument_of(e);
    if (inside && is_heartbeat(e)) ++beats_inside;
    if (inside && std::holds_alternative<ControlIn>(e.body)) ++controls_inside;
    if (i == 1 && inside) ++b_inside;
    if (i == 1 && t >= 2000 * kMs && t < 2100 * kMs) ++b_after;
    if (i == 0 && inside) ++a_inside;
  }
  EXPECT_EQ(b_inside, 0u);
  EXPECT_EQ(beats_inside, 20u);
  EXPECT_EQ(controls_inside, 2u);  // the halt and resume of B still arrive
  EXPECT_GT(a_inside, 1500u);      // A: 2000/s background + about half of 500/s sustained
  EXPECT_GT(b_after, 100u);        // B's background resumes at the window's end
}

// Proves B's mid jumps by jump_pct when its feed resumes, and A's does not.
TEST(Generator, StaleWindowResumesWithAJumpInTheMid) {
  const Scenario s = parse(kStaleScenario);
  Generator g(s, 3, nullptr);
  Timestamp ts;
  InputBody body;
  int64_t b_before = 0, b_after = 0;
  while (g.next(ts, body)) {
    const int64_t i = instrument_of(Event{ts, body});
    if (i != 1) continue;
    if (ts.value() < 1000 * kMs) b_before = g.mid_ticks(InstrumentId(1));
    if (ts.value() >= 2000 * kMs && b_after == 0) b_after = g.mid_ticks(InstrumentId(1));
  }
  EXPECT_EQ(b_before, 10'000);  // no volatility: only the jump moves it
  EXPECT_EQ(b_after, 10'500);
  EXPECT_EQ(g.mid_ticks(InstrumentId(0)), 10'000);
}

// Proves a stale phase without an instrument silences every instrument: only heartbeats (and
// controls) inside the window.
TEST(Generator, StaleOfAllInstrumentsLeavesOnlyHeartbeats) {
  const Scenario s = parse(
      "[scenario]\nduration_s = 2.0\nheartbeat_ms = 100\n"
      "[[instruments]]\nsymbol = \"A\"\ninitial_price = 1.0\n"
      "[[instruments]]\nsymbol = \"B\"\ninitial_price = 1.0\n"
      "[[phases]]\nkind = \"stale\"\nat_ms = 500\nduration_ms = 1000\n"
      "[[phases]]\nkind = \"burst\"\nat_ms = 400\nduration_ms = 1200\nticks = 1200\n");
  const auto events = run(s, 5);
  uint64_t inside = 0, beats = 0;
  for (const Event& e : events) {
    if (e.ts.value() < 500 * kMs || e.ts.value() >= 1500 * kMs) continue;
    is_heartbeat(e) ? ++beats : ++inside;
  }
  EXPECT_EQ(inside, 0u);
  EXPECT_EQ(beats, 10u);
  EXPECT_GT(ticks_in(events, 0, 500 * kMs), 500u);
}

// Proves flow over an instrument set reaches every one of its instruments, with their own
// initial mids, and never an id past the set.
TEST(Generator, FlowCoversEveryInstrumentOfASet) {
  const Scenario s = parse(
      "[scenario]\nduration_s = 1.0\n"
      "[[instruments]]\nsymbol = \"IDX\"\ninitial_price = 10.0\n"
      "[[instrument_sets]]\nprefix = \"S\"\ncount = 300\ninitial_price = 20.0\n"
      "[market]\nrate_per_s = 50\nvolatility_ticks_per_sqrt_s = 0.0\n");
  ASSERT_EQ(s.core.instruments.size(), 301u);
  std::vector<uint64_t> per_instrument(301, 0);
  for (const Event& e : run(s, 1)) {
    const int64_t i = instrument_of(e);
    if (i < 0) continue;
    ASSERT_LT(i, 301);
    ++per_instrument[static_cast<size_t>(i)];
    if (const auto* q = std::get_if<QuoteIn>(&e.body)) {
      ASSERT_EQ(q->bid.value() + 1, i == 0 ? 1'000 : 2'000);  // spread 2 around the mid
    }
  }
  for (size_t i = 0; i < per_instrument.size(); ++i) EXPECT_GT(per_instrument[i], 10u) << i;
}

}  // namespace
}  // namespace tape
