// The bus queue cannot be overflowed by config values in range (issue 7 item 4): a fat finger
// burst sends its orders one at a time within its instant, so the queue holds one order's
// events whatever burst_orders is; what a config can still need is checked at load
// (check_event_queue_capacity) with a message naming the real key.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/bounds.h"
#include "core/core.h"

namespace tape {
namespace {

constexpr int64_t kMs = 1'000'000;

CoreConfig fat_finger_config(int64_t burst_orders) {
  CoreConfig c;
  for (const char* symbol : {"AAA", "BBB"}) {
    InstrumentConfig ic;
    ic.symbol = symbol;
    c.instruments.push_back(ic);
  }
  c.engine.order_pool_capacity = 1024;
  c.engine.ladder_levels_initial = 256;
  c.risk = RiskLimits{Qty(0), Money(0), 0, 0, 20, 20};  // a token bucket of 20, as shipped
  StrategyConfig s;
  s.kind = StrategyKind::kFatFinger;
  s.name = "ff";
  s.account = AccountId(7);
  s.fat_finger.oversize_orders = 0;
  s.fat_finger.burst_at_ms = 10;
  s.fat_finger.burst_orders = burst_orders;
  c.strategies.push_back(s);
  return c;
}

Input quote(uint64_t seq, int64_t ms, uint32_t instrument) {
  return Input{Seq(seq), Timestamp(ms * kMs),
               QuoteIn{InstrumentId(instrument), Price(9'999), Qty(5), Price(10'001), Qty(5)}};
}

// Proves the reproducer (burst_orders = 100000 against the default 65536-event queue,
// which aborted on "event queue full") runs, every order gets its answer within the input, and
// the queue never held more than a handful of events.
TEST(EventQueueBound, HundredThousandOrderBurstNeedsOnlyOneOrdersWorthOfQueue) {
  const CoreConfig config = fat_finger_config(100'000);
  ASSERT_EQ(config.event_queue_capacity, 65'536u);
  auto core = std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(core->process(quote(1, 1, 0)).is_ok());
  ASSERT_TRUE(core->process(quote(2, 2, 1)).is_ok());
  ASSERT_TRUE(core->process(quote(3, 10, 0)).is_ok());  // burst time: all 100,000 go out
  EXPECT_EQ(core->risk().counters().checked, 100'000u);
  EXPECT_EQ(core->risk().counters().approved, 20u);  // the bucket; the rest rate-limited
  EXPECT_EQ(core->risk().counters().rejects_by_reason[static_cast<size_t>(RejectReason::kRateLimit)],
            100'000u - 20u);
  EXPECT_LE(core->queue().high_water(), 16u);
  EXPECT_TRUE(core->queue().empty());
}

// Proves the burst ends inside the input that starts it (nothing in flight between inputs, so
// the pacing needs no place in the state) and restores byte for byte after it.
TEST(EventQueueBound, BurstIsOverBetweenInputsAndTheStateRoundTrips) {
  const CoreConfig config = fat_finger_config(50);
  auto core = std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(core->process(quote(1, 1, 0)).is_ok());
  ASSERT_TRUE(core->process(quote(2, 10, 1)).is_ok());
  EXPECT_EQ(core->risk().counters().checked, 50u);
  StateHasher h;
  core->save_state(h);
  auto fresh = std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr);
  const Status st = fresh->restore_state(h.bytes());
  EXPECT_TRUE(st.is_ok()) << st.message();
  EXPECT_EQ(fresh->state_hash(), core->state_hash());
}

TEST(EventQueueBound, LoadCheckNamesTheEngineKeyAndTheBound) {
  CoreConfig c = fat_finger_config(100);
  EXPECT_TRUE(check_event_queue_capacity(c).is_ok());  // the defaults fit
  // 3 x 4096 fills + 5, plus 2 x 4 intents per instrument of the strategy's 2.
  EXPECT_EQ(events_per_input_bound(c), 3u * 4096 + 5 + 2 * kIntentsPerInstrumentMax * 2);
  c.event_queue_capacity = 16;
  const Status st = check_event_queue_capacity(c);
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("engine.event_queue_capacity = 16"), std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("engine.fills_per_order_max"), std::string::npos);
  EXPECT_EQ(st.message().find("core.event_queue_capacity"), std::string::npos);
  c.engine.fills_per_order_max = 1;
  c.strategies.clear();
  EXPECT_TRUE(check_event_queue_capacity(c).is_ok());  // 3 + 5 <= 16
}

// Proves the overflow message (a bug if ever reached) names the key a user can set.
TEST(EventQueueBoundDeathTest, FullQueueNamesEngineEventQueueCapacity) {
  EventQueue q(16);
  EXPECT_DEATH(
      {
        for (int i = 0; i < 17; ++i) q.publish(BookChanged{InstrumentId(0)});
      },
      "raise engine\\.event_queue_capacity");
}

}  // namespace
}  // namespace tape
