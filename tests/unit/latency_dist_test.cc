// Drawn latencies in the core (core/latency_draw.h, core/venue_router.h, core/strategy.h,
// core/core.h): one draw per held event, each account's orders FIFO however they are drawn,
// the RNG states as core state (same seed: the same run; another seed: other arrivals;
// snapshot + resume = the straight run), and a constant latency's state unchanged by them.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/core.h"
#include "core/latency_draw.h"
#include "data_venue_fixture.h"
#include "session/plugin.h"

namespace tape {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kSec = 1'000 * kMs;

LatencyDist uniform(int64_t min_ns, int64_t max_ns) {
  return LatencyDist{LatencyDistKind::kUniform, min_ns, max_ns, 0, 0};
}
LatencyDist lognormal(int64_t min_ns, int64_t median_ns, int64_t max_ns, int64_t sigma_ppm) {
  return LatencyDist{LatencyDistKind::kLognormal, min_ns, max_ns, median_ns, sigma_ppm};
}

// One instrument on the book venue, one fat-finger strategy: every timer (1 ms) cancels its
// resting order and sends a new one, so two decisions are made at each instant.
CoreConfig book_config(uint64_t seed, LatencyDist order, LatencyDist ack = {}) {
  CoreConfig c;
  c.instruments.push_back(InstrumentConfig{"AAA", 100, 1, Price(100), Qty(1'000'000)});
  c.engine.order_pool_capacity = 1024;
  c.engine.ladder_levels_initial = 256;
  StrategyConfig s;
  s.kind = StrategyKind::kFatFinger;
  s.name = "ff";
  s.account = AccountId(1);
  s.timer_ms = 1;
  s.fat_finger.oversize_orders = 0;
  s.fat_finger.burst_orders = 0;
  s.fat_finger.max_position = 0;
  c.strategies.push_back(s);
  c.latency.order_dist = order;
  c.latency.ack_dist = ack;
  c.latency.seed = seed;
  return c;
}

// A quote at 0, then a heartbeat every ms up to `ms`.
std::vector<Input> book_inputs(int64_t ms) {
  std::vector<Input> in;
  in.push_back(Input{Seq(1), Timestamp(0),
                     QuoteIn{InstrumentId(0), Price(99), Qty(10), Price(101), Qty(10)}});
  for (int64_t t = 1; t <= ms; ++t) {
    in.push_back(Input{Seq(static_cast<uint64_t>(t + 1)), Timestamp(t * kMs), HeartbeatIn{}});
  }
  return in;
}

struct RunResult {
  std::vector<Output> outputs;
  std::string state_hash;
};

RunResult run_core(const CoreConfig& config, const std::vector<Input>& inputs) {
  Core core(config, Recorder::Mode::kCollect, nullptr);
  RunResult r;
  for (const Input& in : inputs) {
    EXPECT_TRUE(core.process(in).is_ok());
    r.outputs.insert(r.outputs.end(), core.last_outputs().begin(), core.last_outputs().end());
  }
  r.state_hash = core.state_hash();
  return r;
}

// (new?, order id) of each decision in the order made, and of each venue answer in arrival order.
using Key = std::pair<bool, uint64_t>;
void decisions_and_answers(const std::vector<Output>& outs, std::vector<Key>* made,
                           std::vector<Key>* answered, int* rejects) {
  for (const Output& o : outs) {
    if (const auto* d = std::get_if<RiskDecision>(&o.body)) {
      made->push_back({d->intent.kind == IntentKind::kNew, d->intent.id.value()});
    } else if (const auto* a = std::get_if<OrderAccepted>(&o.body)) {
      answered->push_back({true, a->id.value()});
    } else if (const auto* c = std::get_if<OrderCancelled>(&o.body)) {
      answered->push_back({false, c->id.value()});
    } else if (std::holds_alternative<OrderRejected>(o.body)) {
      ++*rejects;
    }
  }
}

TEST(LatencyDist, AnAccountsOrdersReachTheVenueInTheOrderMadeThoughDrawsWouldReorderThem) {
  const CoreConfig config = book_config(11, uniform(0, 5 * kMs));
  const std::vector<Input> inputs = book_inputs(200);
  const RunResult r = run_core(config, inputs);
  std::vector<Key> made, answered;
  int rejects = 0;
  decisions_and_answers(r.outputs, &made, &answered, &rejects);
  ASSERT_GT(made.size(), 300u);
  // Every cancel found its order (none overtook it) and every answer came in the order made.
  EXPECT_EQ(rejects, 0);
  made.resize(answered.size());  // the last few are still in flight
  EXPECT_EQ(answered, made);
  // The draws alone (the same stream, one per decision, two per instant from 1 ms) would have
  // reordered them: a later decision drawn earlier than one before it is held behind it.
  LatencyDraw draw(0, config.latency.order_dist, 11, LatencyKind::kOrder);
  int overtakes = 0;
  int64_t latest = 0;
  for (size_t i = 0; i < made.size(); ++i) {
    const int64_t made_at = static_cast<int64_t>(1 + i / 2) * kMs;
    const int64_t arrives = made_at + draw.next_ns();
    if (arrives < latest) ++overtakes;
    latest = std::max(latest, arrives);
  }
  EXPECT_GT(overtakes, 50);
}

TEST(LatencyDist, TheSameSeedRunsTheSameAnotherSeedDrawsOtherArrivals) {
  const std::vector<Input> inputs = book_inputs(100);
  const LatencyDist order = lognormal(kMs / 2, 2 * kMs, 10 * kMs, 600'000);
  const RunResult a = run_core(book_config(5, order, uniform(0, 3 * kMs)), inputs);
  const RunResult b = run_core(book_config(5, order, uniform(0, 3 * kMs)), inputs);
  EXPECT_EQ(a.outputs, b.outputs);
  EXPECT_EQ(a.state_hash, b.state_hash);
  const RunResult c = run_core(book_config(6, order, uniform(0, 3 * kMs)), inputs);
  EXPECT_NE(a.outputs, c.outputs);  // the answers are numbered under other inputs
  EXPECT_NE(a.state_hash, c.state_hash);
}

TEST(LatencyDist, SnapshotAndResumeReachTheStraightRunsStateHashAtEveryPoint) {
  const CoreConfig config =
      book_config(9, lognormal(kMs / 2, 2 * kMs, 10 * kMs, 600'000), uniform(kMs, 4 * kMs));
  const std::vector<Input> inputs = book_inputs(40);
  const RunResult straight = run_core(config, inputs);
  for (size_t cut = 1; cut < inputs.size(); ++cut) {
    Core first(config, Recorder::Mode::kCollect, nullptr);
    for (size_t i = 0; i < cut; ++i) ASSERT_TRUE(first.process(inputs[i]).is_ok());
    const SnapshotData snap = first.snapshot();
    ASSERT_NE(snap.core_state.find("latency_rng"), std::string::npos);
    Core resumed(config, Recorder::Mode::kCollect, nullptr);
    ASSERT_TRUE(resumed.restore_state(snap.core_state).is_ok()) << cut;
    EXPECT_EQ(resumed.state_hash(), snap.state_hash);
    for (size_t i = cut; i < inputs.size(); ++i) ASSERT_TRUE(resumed.process(inputs[i]).is_ok());
    EXPECT_EQ(resumed.state_hash(), straight.state_hash) << "cut after input " << cut;
  }
}

TEST(LatencyDist, ARestoreRefusesAnAllZeroRngState) {
  const CoreConfig config = book_config(9, uniform(0, kMs));
  Core core(config, Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(core.process(book_inputs(1)[0]).is_ok());
  std::string bytes = core.snapshot().core_state;
  ASSERT_GE(bytes.size(), 32u);
  bytes.replace(bytes.size() - 32, 32, std::string(32, '\0'));  // the order stream's 4 words
  Core bad(config, Recorder::Mode::kCollect, nullptr);
  const Status st = bad.restore_state(bytes);
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("latency rng"), std::string::npos) << st.message();
}

TEST(LatencyDist, AConstantLatencyKeepsItsStateWithoutTheRngSection) {
  CoreConfig constant = book_config(9, LatencyDist{});
  constant.latency.order_ns = 2 * kMs;
  const RunResult a = run_core(constant, book_inputs(20));
  constant.latency.seed = 12345;  // the seed draws nothing for a constant
  const RunResult b = run_core(constant, book_inputs(20));
  EXPECT_EQ(a.state_hash, b.state_hash);
  EXPECT_EQ(a.outputs, b.outputs);
  Core core(constant, Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(core.process(book_inputs(1)[0]).is_ok());
  EXPECT_EQ(core.snapshot().core_state.find("latency_rng"), std::string::npos);
}

// ---- Every latency drawn, on the bar venue (feed latency holds the bars) ----

CoreConfig bars_config(uint64_t seed) {
  Result<LoadedPlugin> p = load_plugin(TAPE_PLUGIN_PROBE);
  EXPECT_TRUE(p.is_ok()) << p.status().message();
  CoreConfig c;
  InstrumentConfig inst;
  inst.symbol = "TEST";
  c.instruments.push_back(inst);
  c.venue.model = VenueModel::kBars;
  StrategyConfig s;
  s.name = "probe";
  s.account = AccountId(1);
  if (p.is_ok()) set_plugin(s, p.value());
  s.params = {{"buy_on_bar", "1"}};
  c.strategies.push_back(s);
  c.latency.feed_dist = uniform(10 * kMs, 30 * kSec);
  c.latency.order_dist = lognormal(kMs, 5 * kMs, 20 * kSec, 1'000'000);
  c.latency.ack_dist = uniform(0, 10 * kSec);
  c.latency.seed = seed;
  return c;
}

std::vector<Input> bar_inputs() {
  std::vector<Input> in;
  for (uint64_t i = 1; i <= 12; ++i) {
    const int64_t p = 100 + static_cast<int64_t>(i % 4);
    in.push_back(Input{Seq(i), Timestamp(static_cast<int64_t>(i) * 20 * kSec),
                       BarIn{InstrumentId(0), Price(p), Price(p + 2), Price(p - 2), Price(p + 1),
                             Qty(1'000), 20 * kSec}});
  }
  return in;
}

TEST(LatencyDist, AllThreeDrawnOnTheBarVenueResumeToTheStraightRunsStateHash) {
  const CoreConfig config = bars_config(3);
  const std::vector<Input> inputs = bar_inputs();
  const RunResult straight = run_core(config, inputs);
  EXPECT_EQ(run_core(config, inputs).state_hash, straight.state_hash);
  EXPECT_NE(run_core(bars_config(4), inputs).state_hash, straight.state_hash);
  for (size_t cut = 1; cut < inputs.size(); ++cut) {
    Core first(config, Recorder::Mode::kCollect, nullptr);
    for (size_t i = 0; i < cut; ++i) ASSERT_TRUE(first.process(inputs[i]).is_ok());
    const SnapshotData snap = first.snapshot();
    Core resumed(config, Recorder::Mode::kCollect, nullptr);
    ASSERT_TRUE(resumed.restore_state(snap.core_state).is_ok()) << cut;
    for (size_t i = cut; i < inputs.size(); ++i) ASSERT_TRUE(resumed.process(inputs[i]).is_ok());
    EXPECT_EQ(resumed.state_hash(), straight.state_hash) << "cut after input " << cut;
  }
}

// ---- The feed stays FIFO ----

using testing_util::VenueTest;

TEST_F(VenueTest, DrawnFeedLatencyHoldsALaterQuoteDrawnShorterBehindTheOneBefore) {
  CoreConfig c = testing_util::venue_config(VenueModel::kQuotes);
  c.latency.feed_dist = uniform(1 * kMs, 10 * kMs);
  // A seed whose second feed draw, 1 ms later, would arrive before the first.
  int64_t first = 0, second = 0;
  for (uint64_t seed = 1;; ++seed) {
    LatencyDraw d(0, c.latency.feed_dist, seed, LatencyKind::kFeed);
    first = d.next_ns();
    second = d.next_ns();
    if (1 * kMs + second < first) {
      c.latency.seed = seed;
      break;
    }
  }
  make(c);
  at(0);
  EXPECT_TRUE(venue_->on_market(QuoteIn{InstrumentId(0), Price(99), Qty(10), Price(101), Qty(10)}));
  at(1 * kMs);
  EXPECT_TRUE(venue_->on_market(QuoteIn{InstrumentId(0), Price(98), Qty(10), Price(100), Qty(10)}));
  EXPECT_TRUE(drain().empty());
  // The second's own draw would deliver it at 1 ms + `second`, before the first: it waits.
  EXPECT_FALSE(venue_->has_due(Timestamp(first - 1)));
  ASSERT_TRUE(venue_->has_due(Timestamp(first)));
  venue_->deliver_due(Timestamp(first));
  const auto delivered = drain();
  ASSERT_EQ(delivered.size(), 2u);  // both at `first`, in the data's order
  EXPECT_EQ(std::get<QuoteIn>(delivered[0]).bid, Price(99));
  EXPECT_EQ(std::get<QuoteIn>(delivered[1]).bid, Price(98));
  EXPECT_EQ(venue_->top(InstrumentId(0)).bid, Price(98));
}

}  // namespace
}  // namespace tape
