// The scenario library (scenarios/*.toml) through the real core: each scenario configures what
// its name promises and, driven by its generator into a Core with the invariant checker, makes
// the core do what scenarios/README.md says: the flash crash trips the price band and the kill
// switch, a halt rejects orders and keeps resting ones, a stale feed still closes batches, every
// bad_data injection is rejected, flagged or clamped, the fat fingers are stopped by risk, and
// 1,000 instruments all trade.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/core.h"
#include "core/sequencer.h"
#include "replay/invariants.h"
#include "sim/generator.h"
#include "sim/scenario.h"

namespace tape {
namespace {

constexpr int64_t kMs = 1'000'000;

Scenario load(const std::string& name, const std::vector<std::string>& overrides = {}) {
  auto s = load_scenario_file(std::string(TAPE_SOURCE_DIR) + "/scenarios/" + name, overrides);
  EXPECT_TRUE(s.is_ok()) << s.status().message();
  return s.is_ok() ? s.value() : Scenario{};
}

// Runs the scenario as `tape run` does (generator -> sequencer -> core), checking invariants
// after every input; `each` sees every input with its outputs. Returns the finished core.
struct CoreRun {
  std::unique_ptr<Core> core;
  uint64_t ts_clamped = 0;
};
CoreRun run_core(const Scenario& s,
                 const std::function<void(const Input&, const Core&)>& each = {}) {
  CoreRun run{std::make_unique<Core>(s.core, Recorder::Mode::kEncodeOnly, nullptr), 0};
  Core& core = *run.core;
  InvariantChecker checker(s.core);
  Generator generator(s, s.seed, &core.engine());
  Sequencer sequencer;
  Timestamp ts;
  InputBody body;
  while (generator.next(ts, body)) {
    const Input in = sequencer.stamp(ts, body);
    const Status st = core.process(in);
    EXPECT_TRUE(st.is_ok()) << st.message();
    if (!st.is_ok()) break;
    const auto breach = checker.after_input(in, core);
    EXPECT_FALSE(breach.has_value())
        << "seq " << breach->seq << ": " << breach->invariant << " " << breach->detail;
    if (breach) break;
    if (each) each(in, core);
  }
  const auto breach = checker.at_end(core);
  EXPECT_FALSE(breach.has_value()) << breach->invariant << " " << breach->detail;
  EXPECT_TRUE(core.finish().is_ok());
  run.ts_clamped = sequencer.clamped();
  return run;
}

uint64_t risk_rejects(const Core& core, RejectReason r) {
  return core.risk().counters().rejects_by_reason[static_cast<size_t>(r)];
}

// Proves the library scenarios configure what their names promise.
TEST(ScenarioLibrary, ScenariosConfigureWhatTheirNamesPromise) {
  const std::string dir = std::string(TAPE_SOURCE_DIR) + "/scenarios/";
  auto has_phase = [](const Scenario& s, PhaseKind k) {
    return std::any_of(s.phases.begin(), s.phases.end(),
                       [k](const Phase& p) { return p.kind == k; });
  };
  auto crash = load_scenario_file(dir + "flash_crash.toml");
  ASSERT_TRUE(crash.is_ok()) << crash.status().message();
  for (PhaseKind k :
       {PhaseKind::kFlashCrash, PhaseKind::kKillSwitch, PhaseKind::kHalt, PhaseKind::kBurst}) {
    EXPECT_TRUE(has_phase(crash.value(), k)) << phase_kind_name(k);
  }
  const Phase& fall = crash->phases[0];
  EXPECT_EQ(fall.kind, PhaseKind::kFlashCrash);
  EXPECT_EQ(fall.drop_pct, 8.0);
  EXPECT_EQ(fall.duration_ms, 500);
  EXPECT_GT(crash->core.risk.price_band_bps, 0);

  auto halt = load_scenario_file(dir + "halt_resume.toml");
  ASSERT_TRUE(halt.is_ok()) << halt.status().message();
  EXPECT_TRUE(has_phase(halt.value(), PhaseKind::kHalt));

  auto stale = load_scenario_file(dir + "stale_feed.toml");
  ASSERT_TRUE(stale.is_ok()) << stale.status().message();
  ASSERT_TRUE(has_phase(stale.value(), PhaseKind::kStale));
  EXPECT_EQ(stale->phases[0].duration_ms, 30'000);
  EXPECT_EQ(stale->phases[0].instrument, -1);
  EXPECT_NE(stale->phases[0].jump_pct, 0.0);

  auto bad = load_scenario_file(dir + "bad_data.toml");
  ASSERT_TRUE(bad.is_ok()) << bad.status().message();
  ASSERT_TRUE(has_phase(bad.value(), PhaseKind::kBadData));
  for (uint32_t w : bad->phases[0].bad_weights) EXPECT_GT(w, 0u);  // every kind

  auto many = load_scenario_file(dir + "many_instruments.toml");
  ASSERT_TRUE(many.is_ok()) << many.status().message();
  EXPECT_EQ(many->core.instruments.size(), 1000u);
  EXPECT_EQ(many->duration_ms, 60'000);
  EXPECT_EQ(many->market.rate_per_s * 1000, 100'000.0);  // per instrument x instruments
  EXPECT_LE(many->core.engine.ladder_levels_initial, 1024u);

  auto ff = load_scenario_file(dir + "fat_finger.toml");
  ASSERT_TRUE(ff.is_ok()) << ff.status().message();
  ASSERT_FALSE(ff->core.strategies.empty());
  const StrategyConfig& sc = ff->core.strategies[0];
  EXPECT_EQ(sc.kind, StrategyKind::kFatFinger);
  EXPECT_GT(sc.fat_finger.order_qty.value() * sc.fat_finger.size_multiplier,
            ff->core.risk.max_order_qty.value());
  EXPECT_GT(sc.fat_finger.burst_orders, ff->core.risk.rate_limit_burst);

  // At least one shipped scenario chains three or more phase kinds.
  std::set<PhaseKind> kinds;
  for (const Phase& p : crash->phases) kinds.insert(p.kind);
  EXPECT_GE(kinds.size(), 3u);
}

// Proves the flash crash makes risk reject strategy orders on the price band during the fall
// and recovery, and on the kill switch at the bottom.
TEST(ScenarioLibrary, FlashCrashTripsPriceBandAndKillSwitch) {
  const Scenario s = load("flash_crash.toml");
  uint64_t band_in_crash = 0;
  const CoreRun run = run_core(s, [&](const Input& in, const Core& core) {
    for (const Output& o : core.last_outputs()) {
      const auto* r = std::get_if<OrderRejected>(&o.body);
      if (r == nullptr || r->reason != RejectReason::kPriceBand) continue;
      band_in_crash += in.ts.value() >= 2000 * kMs && in.ts.value() < 4500 * kMs;
    }
  });
  EXPECT_GT(band_in_crash, 0u);
  EXPECT_GT(risk_rejects(*run.core, RejectReason::kKillSwitch), 0u);
  EXPECT_GT(run.core->engine().counters().rejected, 0u);  // halted during the circuit breaker
}

// Proves that while an instrument is halted every new order and replace on it is rejected
// (halted), nothing trades on it, and every order resting on it when the halt began and not
// cancelled meanwhile still rests when it lifts.
TEST(ScenarioLibrary, HaltRejectsOrdersAndKeepsRestingOnes) {
  const Scenario s = load("halt_resume.toml");
  std::map<uint64_t, uint32_t> accepted_on;  // order id -> instrument, from OrderAccepted
  std::set<uint64_t> resting;  // ACME orders resting at the halt, minus those cancelled since
  bool halted = false;
  uint64_t halted_rejects = 0, checked_at_resume = 0;
  run_core(s, [&](const Input& in, const Core& core) {
    const auto* c = std::get_if<ControlIn>(&in.body);
    const bool acme_control = c != nullptr && c->instrument == InstrumentId(0);
    bool entry = false;  // a new order or replace on ACME
    if (const auto* o = std::get_if<NewOrderIn>(&in.body)) entry = o->instrument.value() == 0;
    if (const auto* r = std::get_if<ReplaceIn>(&in.body)) entry = r->instrument.value() == 0;
    bool rejected = false;
    for (const Output& o : core.last_outputs()) {
      if (const auto* a = std::get_if<OrderAccepted>(&o.body)) {
        accepted_on[a->id.value()] = a->instrument.value();
        if (halted) {
          EXPECT_NE(a->instrument.value(), 0u) << "seq " << in.seq.value();
        }
      }
      if (const auto* f = std::get_if<Fill>(&o.body); f && halted) {
        EXPECT_NE(f->instrument.value(), 0u) << "seq " << in.seq.value();
      }
      if (const auto* x = std::get_if<OrderCancelled>(&o.body)) resting.erase(x->id.value());
      const auto* r = std::get_if<OrderRejected>(&o.body);
      rejected |= r != nullptr;
      if (halted && r != nullptr && r->reason == RejectReason::kHalted) ++halted_rejects;
    }
    if (halted && entry) {
      EXPECT_TRUE(rejected) << "seq " << in.seq.value();
    }
    if (acme_control && c->kind == ControlKind::kHalt) {
      halted = true;
      resting.clear();
      for (const auto& [id, instrument] : accepted_on) {
        if (instrument == 0 && core.engine().is_resting(OrderId(id))) resting.insert(id);
      }
    }
    if (acme_control && c->kind == ControlKind::kResume) {
      halted = false;
      for (uint64_t id : resting) EXPECT_TRUE(core.engine().is_resting(OrderId(id))) << id;
      checked_at_resume += resting.size();
    }
  });
  EXPECT_GT(halted_rejects, 300u);
  EXPECT_GT(checked_at_resume, 20u);
}

// Proves the stale feed's quiet 30 s still close a batch per heartbeat (the time bound), and
// carry no market input.
TEST(ScenarioLibrary, StaleFeedStillClosesBatches) {
  const Scenario s = load("stale_feed.toml");
  uint64_t batches_at_start = 0, batches_at_end = 0, market_inside = 0;
  run_core(s, [&](const Input& in, const Core& core) {
    const int64_t t = in.ts.value();
    if (t < 10'000 * kMs) batches_at_start = core.recorder().counters().batches;
    if (t < 40'000 * kMs) batches_at_end = core.recorder().counters().batches;
    const bool quiet = std::holds_alternative<HeartbeatIn>(in.body);
    market_inside += !quiet && t >= 10'000 * kMs && t < 40'000 * kMs;
  });
  EXPECT_EQ(market_inside, 0u);
  EXPECT_GE(batches_at_end - batches_at_start, 290u);  // one per 100 ms heartbeat
}

// True if `in` is invalid in one of the ways bad_data injects (or a duplicate of `seen`).
bool invalid_input(const Input& in, const CoreConfig& c, std::set<uint64_t>& seen) {
  const auto bad_price = [](Price p) { return p.value() <= 0 || p.value() > kMaxFeedValue; };
  const auto bad_qty = [](Qty q) { return q.value() <= 0 || q.value() > kMaxFeedValue; };
  const auto unknown = [&](InstrumentId i) { return i.value() >= c.instruments.size(); };
  const auto over = [&](InstrumentId i, Qty q) {
    return q.value() > c.instruments[i.value()].max_order_qty.value();
  };
  constexpr uint64_t kNeverIssued = uint64_t{1} << 61;
  if (const auto* q = std::get_if<QuoteIn>(&in.body)) {
    return unknown(q->instrument) || bad_price(q->bid) || bad_price(q->ask) ||
           bad_qty(q->bid_qty) || bad_qty(q->ask_qty) || q->bid >= q->ask;
  }
  if (const auto* t = std::get_if<TradeIn>(&in.body)) {
    return unknown(t->instrument) || bad_price(t->price) || bad_qty(t->qty);
  }
  if (const auto* o = std::get_if<NewOrderIn>(&in.body)) {
    const bool dup = !seen.insert(o->id.value()).second;
    return dup || unknown(o->instrument) || (o->type == OrderType::kLimit && bad_price(o->price)) ||
           bad_qty(o->qty) || over(o->instrument, o->qty);
  }
  if (const auto* x = std::get_if<CancelIn>(&in.body)) {
    return unknown(x->instrument) || x->id.value() >= kNeverIssued;
  }
  if (const auto* r = std::get_if<ReplaceIn>(&in.body)) {
    return r->id.value() >= kNeverIssued || bad_price(r->price) || bad_qty(r->qty) ||
           over(r->instrument, r->qty);
  }
  return false;
}

// Proves every bad_data injection is answered: bad market data with an InputRejected, bad
// orders, cancels and replaces with an OrderRejected, backwards timestamps by the sequencer's
// clamp; that the counts add up to the injections; and that valid market data is never refused.
TEST(ScenarioLibrary, BadDataIsAllRejectedFlaggedOrClamped) {
  const Scenario s = load("bad_data.toml");
  uint64_t injected = 0;
  for (const Phase& p : s.phases) injected += phase_injections(p);
  ASSERT_EQ(injected, 4800u);
  std::set<uint64_t> seen;
  uint64_t bad = 0;
  const CoreRun run = run_core(s, [&](const Input& in, const Core& core) {
    const bool invalid = invalid_input(in, s.core, seen);
    bool refused = false;
    for (const Output& o : core.last_outputs()) {
      refused |= std::holds_alternative<InputRejected>(o.body);
      const auto* r = std::get_if<OrderRejected>(&o.body);
      refused |= r != nullptr && !is_managed(r->account);
    }
    bad += invalid;
    EXPECT_EQ(refused, invalid) << "seq " << in.seq.value();
  });
  EXPECT_GT(run.ts_clamped, 300u);
  EXPECT_EQ(bad + run.ts_clamped, injected);
}

// Proves risk stops every fat-finger mistake: 5 oversize orders on quantity, 4 on notional,
// and all but the bucket's worth of the 150-order burst on the rate limit.
TEST(ScenarioLibrary, FatFingersAreStoppedByRisk) {
  const Scenario s = load("fat_finger.toml");
  const CoreRun run = run_core(s);
  EXPECT_EQ(risk_rejects(*run.core, RejectReason::kMaxOrderQty), 5u);
  EXPECT_EQ(risk_rejects(*run.core, RejectReason::kMaxNotional), 4u);
  EXPECT_GE(risk_rejects(*run.core, RejectReason::kRateLimit), 130u);
  EXPECT_LT(risk_rejects(*run.core, RejectReason::kRateLimit), 150u);
}

// Proves many_instruments (shortened to 0.5 s) trades on every one of its 1,000 instruments.
TEST(ScenarioLibrary, ManyInstrumentsAllTrade) {
  const Scenario s = load("many_instruments.toml", {"scenario.duration_s=0.5"});
  ASSERT_EQ(s.core.instruments.size(), 1000u);
  std::vector<uint64_t> per_instrument(1000, 0);
  uint64_t inputs = 0;
  run_core(s, [&](const Input& in, const Core&) {
    ++inputs;
    std::visit(
        [&](const auto& b) {
          if constexpr (requires { b.instrument; }) ++per_instrument[b.instrument.value()];
        },
        in.body);
  });
  EXPECT_NEAR(static_cast<double>(inputs), 50'000.0, 1'500.0);
  for (size_t i = 0; i < per_instrument.size(); ++i) EXPECT_GT(per_instrument[i], 15u) << i;
}

}  // namespace
}  // namespace tape
