// Order latency (core/core.h, core/latency_queue.h): an approved order reaches the venue
// order_ns after it was decided, before any input stamped at that instant; in-flight orders are
// core state that a snapshot carries across a resume.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "core/core.h"

namespace tape {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr uint32_t kExt = 1000;

// One instrument, one fat-finger strategy whose only activity is a limit order per timer.
CoreConfig latency_config(int64_t order_ns, int64_t timer_ms = 10) {
  CoreConfig c;
  c.instruments.push_back(InstrumentConfig{"AAA", 100, 1, Price(100), Qty(1'000'000)});
  c.engine.order_pool_capacity = 1024;
  c.engine.ladder_levels_initial = 256;
  StrategyConfig s;
  s.kind = StrategyKind::kFatFinger;
  s.name = "ff";
  s.account = AccountId(1);
  s.timer_ms = timer_ms;
  s.fat_finger.oversize_orders = 0;
  s.fat_finger.burst_orders = 0;
  s.fat_finger.offset_ticks = 1;
  c.strategies.push_back(s);
  c.latency.order_ns = order_ns;
  return c;
}

Input quote_at(uint64_t seq, int64_t ts) {
  return Input{Seq(seq), Timestamp(ts),
               QuoteIn{InstrumentId(0), Price(99), Qty(10), Price(101), Qty(10)}};
}
Input heartbeat_at(uint64_t seq, int64_t ts) { return Input{Seq(seq), Timestamp(ts), HeartbeatIn{}}; }
// An external sell at 99 that trades with the strategy's buy at 99 if that rests.
Input sell_at(uint64_t seq, int64_t ts) {
  return Input{Seq(seq), Timestamp(ts),
               NewOrderIn{OrderId(77), AccountId(kExt), InstrumentId(0), Side::kSell,
                          OrderType::kLimit, TimeInForce::kGtc, Price(99), Qty(10)}};
}

template <typename T>
std::vector<T> outputs_of(const Core& core) {
  std::vector<T> out;
  for (const Output& o : core.last_outputs()) {
    if (const T* t = std::get_if<T>(&o.body)) out.push_back(*t);
  }
  return out;
}

TEST(Latency, OrderSentAtTIsAcceptedAtTPlusLatencyBeforeAnInputStampedThen) {
  const CoreConfig config = latency_config(5 * kMs);
  Core core(config, Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(core.process(quote_at(1, 0)).is_ok());
  ASSERT_TRUE(core.process(heartbeat_at(2, 10 * kMs)).is_ok());  // the timer sends a buy at 99
  ASSERT_EQ(outputs_of<RiskDecision>(core).size(), 1u);
  const OrderId ours = outputs_of<RiskDecision>(core).front().intent.id;
  EXPECT_EQ(outputs_of<RiskDecision>(core).front().intent.price, Price(99));
  EXPECT_TRUE(outputs_of<OrderAccepted>(core).empty());  // still in flight
  EXPECT_EQ(core.in_flight().size(), 1u);
  ASSERT_TRUE(core.process(heartbeat_at(3, 15 * kMs - 1)).is_ok());
  EXPECT_TRUE(outputs_of<OrderAccepted>(core).empty());
  // The input stamped exactly t + 5 ms: our order is accepted first, so the sell trades with it.
  ASSERT_TRUE(core.process(sell_at(4, 15 * kMs)).is_ok());
  const auto outs = core.last_outputs();
  ASSERT_FALSE(outs.empty());
  const auto* first = std::get_if<OrderAccepted>(&outs[0].body);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->id, ours);
  EXPECT_EQ(outs[0].seq, Seq(4));  // numbered under the input that delivered it
  ASSERT_EQ(outputs_of<Fill>(core).size(), 1u);
  EXPECT_EQ(outputs_of<Fill>(core).front().maker, ours);
  EXPECT_EQ(core.in_flight().size(), 0u);
}

TEST(Latency, WithoutLatencyTheSameOrderIsAcceptedAtOnce) {
  const CoreConfig config = latency_config(0);
  Core core(config, Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(core.process(quote_at(1, 0)).is_ok());
  ASSERT_TRUE(core.process(heartbeat_at(2, 10 * kMs)).is_ok());
  EXPECT_EQ(outputs_of<OrderAccepted>(core).size(), 1u);
}

TEST(Latency, DelayedOrderDueWithATimerIsDeliveredBeforeTheTimerFires) {
  // Timer every 5 ms, latency 5 ms: the order the 5 ms timer sends is due at 10 ms, with the
  // next timer. The delivery comes first, then that timer's cancel and next order.
  const CoreConfig config = latency_config(5 * kMs, 5);
  Core core(config, Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(core.process(quote_at(1, 0)).is_ok());
  ASSERT_TRUE(core.process(heartbeat_at(2, 12 * kMs)).is_ok());
  std::vector<std::string> order;
  for (const Output& o : core.last_outputs()) {
    if (std::holds_alternative<OrderAccepted>(o.body)) order.push_back("accepted");
    if (const auto* i = std::get_if<OrderIntent>(&o.body)) {
      order.push_back(i->kind == IntentKind::kNew ? "new" : "cancel");
    }
  }
  // 5 ms timer: new; 10 ms: the delivery, then the timer's cancel and new.
  EXPECT_EQ(order, (std::vector<std::string>{"new", "accepted", "cancel", "new"}));
  // Those two are due at 15 ms.
  EXPECT_EQ(core.in_flight().size(), 2u);
  EXPECT_EQ(core.in_flight().next_due(), Timestamp(15 * kMs));
}

std::vector<Input> workload() {
  return {quote_at(1, 0),         heartbeat_at(2, 10 * kMs), heartbeat_at(3, 12 * kMs),
          sell_at(4, 15 * kMs),   heartbeat_at(5, 21 * kMs), quote_at(6, 26 * kMs),
          heartbeat_at(7, 40 * kMs)};
}

TEST(Latency, SnapshotWithAnOrderInFlightResumesToTheSameStateHash) {
  const CoreConfig config = latency_config(5 * kMs);
  const std::vector<Input> inputs = workload();
  Core straight(config, Recorder::Mode::kCollect, nullptr);
  for (const Input& in : inputs) ASSERT_TRUE(straight.process(in).is_ok());

  Core first(config, Recorder::Mode::kCollect, nullptr);
  for (size_t i = 0; i < 3; ++i) ASSERT_TRUE(first.process(inputs[i]).is_ok());
  ASSERT_EQ(first.in_flight().size(), 1u);  // the 10 ms order, due at 15 ms
  const SnapshotData snap = first.snapshot();
  Core resumed(config, Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(resumed.restore_state(snap.core_state).is_ok());
  EXPECT_EQ(resumed.state_hash(), snap.state_hash);
  EXPECT_EQ(resumed.in_flight().size(), 1u);
  for (size_t i = 3; i < inputs.size(); ++i) {
    ASSERT_TRUE(resumed.process(inputs[i]).is_ok());
    ASSERT_TRUE(first.process(inputs[i]).is_ok());
    EXPECT_EQ(std::vector<Output>(resumed.last_outputs().begin(), resumed.last_outputs().end()),
              std::vector<Output>(first.last_outputs().begin(), first.last_outputs().end()));
  }
  EXPECT_EQ(resumed.state_hash(), straight.state_hash());
  EXPECT_EQ(first.state_hash(), straight.state_hash());
}

TEST(Latency, OnlyARunWithLatencyCarriesTheInFlightSection) {
  for (const int64_t order_ns : {int64_t{0}, 5 * kMs}) {
    Core core(latency_config(order_ns), Recorder::Mode::kCollect, nullptr);
    ASSERT_TRUE(core.process(quote_at(1, 0)).is_ok());
    ASSERT_TRUE(core.process(heartbeat_at(2, 10 * kMs)).is_ok());
    const std::string bytes = core.snapshot().core_state;
    EXPECT_EQ(bytes.find("in_flight") != std::string::npos, order_ns > 0) << order_ns;
    EXPECT_EQ(bytes.find("venue"), std::string::npos);  // the book model adds no venue section
  }
}

TEST(LatencyQueue, KeepsDueTimeThenCreationOrderAndRefusesBeyondItsBound) {
  LatencyQueue q(3);
  RiskDecision d{OrderIntent{}, true, RejectReason::kNone};
  d.intent.id = OrderId(1);
  ASSERT_TRUE(q.push(Timestamp(20), d));
  d.intent.id = OrderId(2);
  ASSERT_TRUE(q.push(Timestamp(10), d));
  d.intent.id = OrderId(3);
  ASSERT_TRUE(q.push(Timestamp(10), d));
  d.intent.id = OrderId(4);
  EXPECT_FALSE(q.push(Timestamp(5), d));  // at its bound
  StateHasher h;
  q.hash_state(h);
  LatencyQueue copy(3);
  StateReader r(h.bytes());
  ASSERT_TRUE(copy.restore_state(r).is_ok());
  EXPECT_FALSE(copy.has_due(Timestamp(9)));
  ASSERT_TRUE(copy.has_due(Timestamp(10)));
  EXPECT_EQ(copy.pop().intent.id, OrderId(2));
  EXPECT_EQ(copy.pop().intent.id, OrderId(3));
  EXPECT_EQ(copy.next_due(), Timestamp(20));
  EXPECT_EQ(copy.pop().intent.id, OrderId(1));
  EXPECT_TRUE(copy.empty());
  LatencyQueue small(2);
  StateReader r2(h.bytes());
  EXPECT_FALSE(small.restore_state(r2).is_ok());  // three in flight do not fit a bound of 2
}

}  // namespace
}  // namespace tape
