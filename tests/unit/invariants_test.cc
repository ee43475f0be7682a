#include "replay/invariants.h"

#include <gtest/gtest.h>

#include <memory>

namespace tape {
namespace {

CoreConfig one_instrument() {
  CoreConfig c;
  c.instruments.push_back(InstrumentConfig{"AAA", 100, 1, Price(10'000), Qty(1'000'000)});
  c.engine.order_pool_capacity = 1024;
  c.engine.ladder_levels_initial = 256;
  return c;
}

Input order(uint64_t seq, uint64_t id, Side side, int64_t price, int64_t qty) {
  return Input{Seq(seq), Timestamp(static_cast<int64_t>(seq) * 1000),
               NewOrderIn{OrderId(id), AccountId(1000 + static_cast<uint32_t>(id)), InstrumentId(0),
                          side, OrderType::kLimit, TimeInForce::kGtc, Price(price), Qty(qty)}};
}

TEST(InvariantChecker, HoldsOnAConsistentRun) {
  const CoreConfig config = one_instrument();
  auto core = std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr);
  InvariantChecker checker(config, 1);
  const Input inputs[] = {order(1, 1, Side::kBuy, 9'999, 10), order(2, 2, Side::kSell, 10'001, 5),
                          order(3, 3, Side::kSell, 9'999, 4), order(4, 4, Side::kBuy, 10'001, 20),
                          Input{Seq(5), Timestamp(5000), CancelIn{OrderId(1), AccountId(1001), InstrumentId(0)}}};
  for (const Input& in : inputs) {
    ASSERT_TRUE(core->process(in).is_ok());
    auto breach = checker.after_input(in, *core);
    ASSERT_FALSE(breach) << breach->invariant << ": " << breach->detail;
  }
  EXPECT_FALSE(checker.at_end(*core));
  EXPECT_EQ(checker.checked(), 5u);
}

TEST(InvariantChecker, SeqGapIsABreach) {
  const CoreConfig config = one_instrument();
  auto core = std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr);
  InvariantChecker checker(config);
  Input in = order(1, 1, Side::kBuy, 9'999, 10);
  ASSERT_TRUE(core->process(in).is_ok());
  in.seq = Seq(2);  // the checker is told of seq 2 first
  auto breach = checker.after_input(in, *core);
  ASSERT_TRUE(breach);
  EXPECT_EQ(breach->invariant, "seq_contiguous");
  EXPECT_EQ(breach->seq, 2u);
}

TEST(InvariantChecker, AnInputMissingFromTheRecordIsReportedAsDropped) {
  const CoreConfig config = one_instrument();
  auto core = std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr);
  InvariantChecker checker(config);
  ASSERT_TRUE(core->process(order(1, 1, Side::kBuy, 10'000, 10)).is_ok());
  ASSERT_TRUE(core->process(order(2, 2, Side::kSell, 10'000, 10)).is_ok());
  // The checker is shown one input where the recorder holds two.
  Input shown = order(1, 2, Side::kSell, 10'000, 10);
  auto breach = checker.after_input(shown, *core);
  ASSERT_TRUE(breach);
  EXPECT_EQ(breach->invariant, "nothing_dropped");
}

}  // namespace
}  // namespace tape
