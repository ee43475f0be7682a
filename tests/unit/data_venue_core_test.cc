// The data venue inside the core: with venue.model = quotes, strategy orders go to the data
// venue (the engine's book never sees them), fill from the data, are booked by the portfolio,
// and the venue's state survives a snapshot; with order latency they reach the venue late.
#include <gtest/gtest.h>

#include <vector>

#include "core/core.h"

namespace tape {
namespace {

constexpr int64_t kMs = 1'000'000;

CoreConfig quotes_config(int64_t order_ns = 0) {
  CoreConfig c;
  c.instruments.push_back(InstrumentConfig{"AAA", 100, 1, Price(100), Qty(1'000'000)});
  c.engine.order_pool_capacity = 1024;
  c.engine.ladder_levels_initial = 256;
  c.venue.model = VenueModel::kQuotes;
  c.latency.order_ns = order_ns;
  StrategyConfig s;
  s.kind = StrategyKind::kFatFinger;  // one limit buy at mid - 1 = 99 on its first timer
  s.name = "ff";
  s.account = AccountId(1);
  s.timer_ms = 10;
  s.fat_finger.oversize_orders = 0;
  s.fat_finger.burst_orders = 0;
  c.strategies.push_back(s);
  return c;
}

std::vector<Input> inputs() {
  const QuoteIn q{InstrumentId(0), Price(99), Qty(10), Price(101), Qty(10)};
  return {Input{Seq(1), Timestamp(0), q},
          Input{Seq(2), Timestamp(10 * kMs), HeartbeatIn{}},  // the buy at 99 joins behind 10
          Input{Seq(3), Timestamp(12 * kMs), TradeIn{InstrumentId(0), Price(99), Qty(10), Side::kSell}},
          Input{Seq(4), Timestamp(13 * kMs), TradeIn{InstrumentId(0), Price(99), Qty(4), Side::kSell}}};
}

template <typename T>
std::vector<T> outputs_of(const Core& core) {
  std::vector<T> out;
  for (const Output& o : core.last_outputs()) {
    if (const T* t = std::get_if<T>(&o.body)) out.push_back(*t);
  }
  return out;
}

TEST(DataVenueCore, StrategyOrdersGoToTheDataVenueAndFillFromTheData) {
  Core core(quotes_config(), Recorder::Mode::kCollect, nullptr);
  const auto in = inputs();
  ASSERT_TRUE(core.process(in[0]).is_ok());
  ASSERT_TRUE(core.process(in[1]).is_ok());
  ASSERT_EQ(outputs_of<OrderAccepted>(core).size(), 1u);
  EXPECT_EQ(core.venue().working(), 1u);
  EXPECT_EQ(core.engine().counters().orders, 0u);  // the book never saw it
  ASSERT_TRUE(core.process(in[2]).is_ok());         // the 10 ahead trade: nothing for us
  EXPECT_TRUE(outputs_of<Fill>(core).empty());
  ASSERT_TRUE(core.process(in[3]).is_ok());
  const auto fills = outputs_of<Fill>(core);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].maker, OrderId(0));
  EXPECT_EQ(fills[0].qty, Qty(4));
  EXPECT_EQ(fills[0].price, Price(99));
  // The fill comes before the print's own effects reach the strategy: booked at once.
  EXPECT_EQ(core.portfolio().position(AccountId(1), InstrumentId(0)), 4);
  EXPECT_EQ(outputs_of<PositionUpdate>(core).size(), 1u);
}

TEST(DataVenueCore, VenueStateIsHashedAndSurvivesASnapshot) {
  const auto in = inputs();
  Core straight(quotes_config(), Recorder::Mode::kCollect, nullptr);
  for (const Input& i : in) ASSERT_TRUE(straight.process(i).is_ok());
  Core first(quotes_config(), Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(first.process(in[0]).is_ok());
  ASSERT_TRUE(first.process(in[1]).is_ok());
  ASSERT_TRUE(first.process(in[2]).is_ok());  // queue ahead now 0
  const SnapshotData snap = first.snapshot();
  EXPECT_NE(snap.core_state.find("venue"), std::string::npos);
  Core resumed(quotes_config(), Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(resumed.restore_state(snap.core_state).is_ok());
  ASSERT_TRUE(resumed.process(in[3]).is_ok());
  EXPECT_EQ(resumed.state_hash(), straight.state_hash());
}

TEST(DataVenueCore, WithOrderLatencyTheOrderJoinsTheQueueWhenItArrives) {
  // Sent at 10 ms, it reaches the venue at 15 ms: the prints at 12 and 13 ms happened before
  // it joined, so the queue it joins at 15 ms is the 10 lots then shown.
  Core core(quotes_config(5 * kMs), Recorder::Mode::kCollect, nullptr);
  auto in = inputs();
  for (const Input& i : in) ASSERT_TRUE(core.process(i).is_ok());
  EXPECT_EQ(core.venue().working(), 0u);
  EXPECT_EQ(core.in_flight().size(), 1u);
  ASSERT_TRUE(core.process(Input{Seq(5), Timestamp(15 * kMs),
                                 TradeIn{InstrumentId(0), Price(99), Qty(12), Side::kSell}})
                  .is_ok());
  ASSERT_EQ(outputs_of<OrderAccepted>(core).size(), 1u);
  // Accepted first (queue 10, from the last quote), then the print: 10 to the queue, 2 to us.
  const auto fills = outputs_of<Fill>(core);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].qty, Qty(2));
}

}  // namespace
}  // namespace tape
