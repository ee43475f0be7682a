// Ack latency (core/strategy.h) and feed latency on the bar and quote venues (core/data_venue.h):
// when a strategy hears of its orders' outcomes and of the data, the tie rule at one instant
// (core/core.h), and the held events as core state across a snapshot.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli_util.h"
#include "core/core.h"
#include "data_venue_fixture.h"
#include "session/plugin.h"

namespace tape {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kSec = 1'000 * kMs;

// One instrument, bars, one probe plugin that sends a market buy of 1 on its first bar.
CoreConfig probe_config(int64_t ack_ns, int64_t feed_ns, BarFill fill = BarFill::kNextOpen) {
  Result<LoadedPlugin> p = load_plugin(TAPE_PLUGIN_PROBE);
  EXPECT_TRUE(p.is_ok()) << p.status().message();
  CoreConfig c;
  InstrumentConfig inst;
  inst.symbol = "TEST";
  c.instruments.push_back(inst);
  c.venue.model = VenueModel::kBars;
  c.venue.bar_fill = fill;
  StrategyConfig s;
  s.name = "probe";
  s.account = AccountId(1);
  if (p.is_ok()) set_plugin(s, p.value());
  s.params = {{"buy_on_bar", "0"}};
  c.strategies.push_back(s);
  c.latency.ack_ns = ack_ns;
  c.latency.feed_ns = feed_ns;
  return c;
}

Input bar_at(uint64_t seq, int64_t ts, int64_t open, int64_t close) {
  const int64_t high = std::max(open, close) + 1, low = std::min(open, close) - 1;
  return Input{Seq(seq), Timestamp(ts),
               BarIn{InstrumentId(0), Price(open), Price(high), Price(low), Price(close),
                     Qty(1'000), 60 * kSec}};
}
Input heartbeat_at(uint64_t seq, int64_t ts) {
  return Input{Seq(seq), Timestamp(ts), HeartbeatIn{}};
}

// What the probe saw (its saved state, tests/plugins/probe_plugin.cc).
struct Probe {
  int64_t bars = 0, filled = 0, order_events = 0;
  int64_t pos_at_bar = 0, bar_ns = 0, fill_ns = 0, fill_price = 0, pos_at_fill = 0;
};

Probe probe_of(const Core& core) {
  StateHasher h;
  core.strategies().strategy(0).hash_state(h);
  StateReader outer(h.bytes());
  const std::string bytes = outer.str();
  StateReader r(bytes);
  std::vector<int64_t> v;
  for (int i = 0; i < 11; ++i) v.push_back(r.i64());
  for (int text = 0; text < 2; ++text) {
    const uint64_t n = r.u64();
    for (uint64_t k = 0; k < n; ++k) r.u8();
  }
  Probe p{v[1], v[4], v[5]};
  for (int64_t* f : {&p.pos_at_bar, &p.bar_ns, &p.fill_ns, &p.fill_price, &p.pos_at_fill}) {
    *f = r.i64();
  }
  EXPECT_TRUE(r.ok());
  return p;
}

int64_t venue_position(const Core& core) {
  return core.portfolio().position(AccountId(1), InstrumentId(0));
}

TEST(AckLatency, FillAtTReachesOnFillAtTPlusAckBeforeAnInputStampedThen) {
  Core core(probe_config(5 * kMs, 0), Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(core.process(bar_at(1, 60 * kSec, 100, 105)).is_ok());  // on_bar: market buy
  EXPECT_EQ(probe_of(core).order_events, 0);                          // the accept is held
  // The next bar fills the buy at its open (venue time 120 s): booked at once, heard 5 ms later.
  ASSERT_TRUE(core.process(bar_at(2, 120 * kSec, 110, 115)).is_ok());
  EXPECT_EQ(venue_position(core), 1);
  Probe p = probe_of(core);
  EXPECT_EQ(p.order_events, 1);  // the accept, due at 60 s + 5 ms
  EXPECT_EQ(p.filled, 0);
  EXPECT_EQ(p.pos_at_bar, 0);  // on_bar of the fill's own bar: the fill is not heard of yet
  EXPECT_EQ(core.strategies().context(0).position(InstrumentId(0)), 0);
  EXPECT_EQ(core.strategies().context(0).cash(), Money(0));
  EXPECT_EQ(core.strategies().acks_held(), 1u);
  ASSERT_TRUE(core.process(heartbeat_at(3, 120 * kSec + 5 * kMs - 1)).is_ok());
  EXPECT_EQ(probe_of(core).filled, 0);
  // An input stamped exactly t + 5 ms: the fill is heard first, so its on_bar sees position 1.
  ASSERT_TRUE(core.process(bar_at(4, 120 * kSec + 5 * kMs, 115, 116)).is_ok());
  p = probe_of(core);
  EXPECT_EQ(p.filled, 1);
  EXPECT_EQ(p.fill_price, 110);
  EXPECT_EQ(p.fill_ns, 120 * kSec + 5 * kMs);
  EXPECT_EQ(p.pos_at_fill, 1);
  EXPECT_EQ(p.pos_at_bar, 1);
  EXPECT_EQ(core.strategies().context(0).position(InstrumentId(0)), 1);
  EXPECT_EQ(core.strategies().context(0).cash(), core.portfolio().cash(AccountId(1)));
  EXPECT_EQ(core.strategies().acks_held(), 0u);
}

TEST(AckLatency, WithoutItTheFillIsHeardBeforeTheBarItHappenedIn) {
  Core core(probe_config(0, 0), Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(core.process(bar_at(1, 60 * kSec, 100, 105)).is_ok());
  EXPECT_EQ(probe_of(core).order_events, 1);
  ASSERT_TRUE(core.process(bar_at(2, 120 * kSec, 110, 115)).is_ok());
  const Probe p = probe_of(core);
  EXPECT_EQ(p.filled, 1);
  EXPECT_EQ(p.fill_ns, 120 * kSec);
  EXPECT_EQ(p.pos_at_bar, 1);
}

TEST(FeedLatency, BarStampedTReachesOnBarAtTPlusFeedAndItsOrderWorksAgainstLaterBars) {
  // Close fills: without feed latency the buy sent on bar 1 fills at once at bar 1's close.
  Core straight(probe_config(0, 0, BarFill::kClose), Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(straight.process(bar_at(1, 60 * kSec, 100, 105)).is_ok());
  EXPECT_EQ(probe_of(straight).fill_price, 105);

  Core core(probe_config(0, 2 * kMs, BarFill::kClose), Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(core.process(bar_at(1, 60 * kSec, 100, 105)).is_ok());
  EXPECT_EQ(probe_of(core).bars, 0);  // held
  EXPECT_EQ(core.venue().feed_held(), 1u);
  ASSERT_TRUE(core.process(heartbeat_at(2, 60 * kSec + 2 * kMs - 1)).is_ok());
  EXPECT_EQ(probe_of(core).bars, 0);
  ASSERT_TRUE(core.process(heartbeat_at(3, 60 * kSec + 2 * kMs)).is_ok());
  Probe p = probe_of(core);
  EXPECT_EQ(p.bars, 1);
  EXPECT_EQ(p.bar_ns, 60 * kSec + 2 * kMs);
  EXPECT_EQ(p.filled, 0);  // its buy arrived after bar 1: it waits for the next bar
  EXPECT_EQ(venue_position(core), 0);
  // Bar 2 fills it at its close when the venue works it (at 120 s, no ack latency), before
  // the strategy sees bar 2 (2 ms later).
  ASSERT_TRUE(core.process(bar_at(4, 120 * kSec, 110, 115)).is_ok());
  p = probe_of(core);
  EXPECT_EQ(p.filled, 1);
  EXPECT_EQ(p.fill_price, 115);
  EXPECT_EQ(p.fill_ns, 120 * kSec);
  EXPECT_EQ(p.bars, 1);
}

TEST(FeedLatency, AnAckAndABarDueAtOneInstantReachTheStrategyAckFirst) {
  Core core(probe_config(5 * kMs, 5 * kMs), Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(core.process(bar_at(1, 60 * kSec, 100, 105)).is_ok());
  ASSERT_TRUE(core.process(bar_at(2, 120 * kSec, 110, 115)).is_ok());  // fills the buy
  ASSERT_TRUE(core.process(heartbeat_at(3, 120 * kSec + 5 * kMs)).is_ok());
  const Probe p = probe_of(core);
  EXPECT_EQ(p.bars, 2);
  EXPECT_EQ(p.filled, 1);
  EXPECT_EQ(p.fill_ns, p.bar_ns);
  EXPECT_EQ(p.pos_at_bar, 1);  // bar 2's on_bar came after the fill it happened in
}

std::vector<Input> workload() {
  return {bar_at(1, 60 * kSec, 100, 105),
          heartbeat_at(2, 60 * kSec + 1 * kMs),
          bar_at(3, 120 * kSec, 110, 115),
          heartbeat_at(4, 120 * kSec + 1 * kMs),
          heartbeat_at(5, 120 * kSec + 3 * kMs),
          bar_at(6, 180 * kSec, 116, 118),
          heartbeat_at(7, 181 * kSec)};
}

TEST(AckFeedLatency, SnapshotWithAcksAndDataHeldResumesToTheSameRun) {
  CoreConfig config = probe_config(3 * kMs, 2 * kMs);
  config.latency.order_ns = 1 * kMs;
  const std::vector<Input> inputs = workload();
  Core straight(config, Recorder::Mode::kCollect, nullptr);
  for (const Input& in : inputs) ASSERT_TRUE(straight.process(in).is_ok());
  EXPECT_EQ(probe_of(straight).filled, 1);

  Core first(config, Recorder::Mode::kCollect, nullptr);
  for (size_t i = 0; i < 4; ++i) ASSERT_TRUE(first.process(inputs[i]).is_ok());
  // At 120 s + 1 ms: the fill's ack (due 120 s + 3 ms) and bar 2 (due 120 s + 2 ms) are held.
  ASSERT_EQ(first.strategies().acks_held(), 1u);
  ASSERT_EQ(first.venue().feed_held(), 1u);
  const SnapshotData snap = first.snapshot();
  Core resumed(config, Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(resumed.restore_state(snap.core_state).is_ok());
  EXPECT_EQ(resumed.state_hash(), snap.state_hash);
  for (size_t i = 4; i < inputs.size(); ++i) {
    ASSERT_TRUE(resumed.process(inputs[i]).is_ok());
    ASSERT_TRUE(first.process(inputs[i]).is_ok());
    EXPECT_EQ(std::vector<Output>(resumed.last_outputs().begin(), resumed.last_outputs().end()),
              std::vector<Output>(first.last_outputs().begin(), first.last_outputs().end()));
  }
  EXPECT_EQ(resumed.state_hash(), straight.state_hash());
  EXPECT_EQ(first.state_hash(), straight.state_hash());
  EXPECT_EQ(probe_of(resumed).filled, 1);
}

TEST(AckFeedLatency, OnlyARunWithTheLatencyCarriesItsSection) {
  for (const int64_t ack : {int64_t{0}, 3 * kMs}) {
    for (const int64_t feed : {int64_t{0}, 2 * kMs}) {
      Core core(probe_config(ack, feed), Recorder::Mode::kCollect, nullptr);
      ASSERT_TRUE(core.process(bar_at(1, 60 * kSec, 100, 105)).is_ok());
      const std::string bytes = core.snapshot().core_state;
      EXPECT_EQ(bytes.find("acks") != std::string::npos, ack > 0) << ack << " " << feed;
      EXPECT_EQ(bytes.find("venue_feed") != std::string::npos, feed > 0) << ack << " " << feed;
    }
  }
}

TEST(AckFeedLatency, ARestoreRefusesAHeldEventOutOfRange) {
  Core core(probe_config(3 * kMs, 0), Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(core.process(bar_at(1, 60 * kSec, 100, 105)).is_ok());
  std::string bytes = core.snapshot().core_state;
  Core copy(probe_config(3 * kMs, 0), Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(copy.restore_state(bytes).is_ok());
  // The held accept is the state's last event; after it only the early count (8 bytes). Its
  // last fields: tif (u32), price, qty, stop price (8 each), post-only (1), expire (8).
  ASSERT_EQ(core.strategies().acks_held(), 1u);
  const size_t tif = bytes.size() - 8 - 8 - 1 - 8 - 8 - 8 - 4;
  ASSERT_EQ(bytes[tif], static_cast<char>(TimeInForce::kIoc));  // the probe's market buy
  bytes[tif] = 9;                                               // no tif has it
  Core bad(probe_config(3 * kMs, 0), Recorder::Mode::kCollect, nullptr);
  const Status st = bad.restore_state(bytes);
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("held event"), std::string::npos) << st.message();
}

// ---- Config ----

TEST(LatencyConfig, NegativeOrNonNumericLatencyIsExit2NamingTheKey) {
  const std::string config = std::string(TAPE_SOURCE_DIR) + "/examples/sma_cross/sma_cross.toml";
  for (const char* key : {"latency.order_ms", "latency.feed_ms", "latency.ack_ms"}) {
    for (const char* value : {"-1", "abc", "'\"5\"'"}) {
      const auto r = testing_util::run_tape("backtest " + config + " --set " + key + "=" + value +
                                            " --out /nonexistent/never-written");
      EXPECT_EQ(r.exit_code, 2) << key << "=" << value << ": " << r.err;
      EXPECT_NE(r.err.find(std::string("'") + key + "'"), std::string::npos) << r.err;
    }
  }
}

// ---- The quote venue ----

using testing_util::VenueTest;

TEST_F(VenueTest, QuoteFeedLatencyWorksOrdersAtOnceButStrategiesReadTheLastQuoteGiven) {
  CoreConfig c = testing_util::venue_config(VenueModel::kQuotes);
  c.latency.feed_ns = 2 * kMs;
  make(c);
  at(0);
  EXPECT_TRUE(venue_->on_market(QuoteIn{InstrumentId(0), Price(99), Qty(10), Price(101), Qty(10)}));
  EXPECT_TRUE(drain().empty());  // held, not on the bus
  EXPECT_FALSE(venue_->top(InstrumentId(0)).has_bid);
  // An order arriving now takes the venue's current quote.
  const auto filled = send(1 * kMs, testing_util::market_order(1, Side::kBuy, 3));
  EXPECT_EQ(testing_util::fills(filled), (testing_util::Fills{{101, 3}}));
  EXPECT_FALSE(venue_->has_due(Timestamp(2 * kMs - 1)));
  ASSERT_TRUE(venue_->has_due(Timestamp(2 * kMs)));
  venue_->deliver_due(Timestamp(2 * kMs));
  const auto delivered = drain();
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<QuoteIn>(delivered[0]));
  EXPECT_EQ(venue_->top(InstrumentId(0)).ask, Price(101));
  EXPECT_EQ(venue_->top(InstrumentId(0)).ask_qty, Qty(10));  // as the data shows it
}

TEST_F(VenueTest, WithoutFeedLatencyTheVenueHoldsNothing) {
  make(testing_util::venue_config(VenueModel::kQuotes));
  at(0);
  EXPECT_FALSE(
      venue_->on_market(QuoteIn{InstrumentId(0), Price(99), Qty(10), Price(101), Qty(10)}));
  EXPECT_EQ(venue_->feed_held(), 0u);
  EXPECT_EQ(venue_->top(InstrumentId(0)).bid, Price(99));
}

}  // namespace
}  // namespace tape
