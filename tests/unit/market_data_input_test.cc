// Bars and order-level book messages are market data: the core takes a good one silently (it
// moves marks and risk references) and answers a bad one with one InputRejected naming why.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "core/core.h"
#include "replay/invariants.h"

namespace tape {
namespace {

CoreConfig one_instrument() {
  CoreConfig c;
  c.instruments.push_back(InstrumentConfig{"AAA", 100, 1, Price(10'000), Qty(1'000'000)});
  c.engine.order_pool_capacity = 1024;
  c.engine.ladder_levels_initial = 256;
  return c;
}

BarIn bar(int64_t open, int64_t high, int64_t low, int64_t close, int64_t volume = 10) {
  return BarIn{InstrumentId(0), Price(open), Price(high), Price(low), Price(close), Qty(volume),
               60'000'000'000};
}

// The reason of the one InputRejected `body` got, or kNone when it got no output at all.
RejectReason answer(const InputBody& body) {
  const CoreConfig config = one_instrument();
  auto core = std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr);
  EXPECT_TRUE(core->process(Input{Seq(1), Timestamp(1000), body}).is_ok());
  const auto outputs = core->last_outputs();
  if (outputs.empty()) return RejectReason::kNone;
  EXPECT_EQ(outputs.size(), 1u);
  const auto* r = std::get_if<InputRejected>(&outputs[0].body);
  EXPECT_NE(r, nullptr);
  return r ? r->reason : RejectReason::kNone;
}

TEST(MarketDataInput, GoodBarIsTakenSilently) {
  EXPECT_EQ(answer(bar(100, 104, 98, 101)), RejectReason::kNone);
  EXPECT_EQ(answer(bar(100, 100, 100, 100, 0)), RejectReason::kNone);  // flat, no volume
}

TEST(MarketDataInput, BarWithHighBelowLowIsInvalidBar) {
  EXPECT_EQ(answer(bar(100, 98, 104, 100)), RejectReason::kInvalidBar);
}

TEST(MarketDataInput, BarWhoseOpenOrCloseLeavesTheRangeIsInvalidBar) {
  EXPECT_EQ(answer(bar(105, 104, 98, 101)), RejectReason::kInvalidBar);
  EXPECT_EQ(answer(bar(100, 104, 98, 97)), RejectReason::kInvalidBar);
}

TEST(MarketDataInput, BarWithNonPositivePriceOrNegativeVolumeIsRejected) {
  EXPECT_EQ(answer(bar(0, 104, 98, 101)), RejectReason::kInvalidPrice);
  EXPECT_EQ(answer(bar(100, 104, -1, 101)), RejectReason::kInvalidPrice);
  EXPECT_EQ(answer(bar(100, 104, 98, 101, -5)), RejectReason::kInvalidQty);
  BarIn negative_period = bar(100, 104, 98, 101);
  negative_period.period_ns = -1;
  EXPECT_EQ(answer(negative_period), RejectReason::kInvalidQty);
}

TEST(MarketDataInput, BarOfUnknownInstrumentIsRejected) {
  BarIn b = bar(100, 104, 98, 101);
  b.instrument = InstrumentId(7);
  EXPECT_EQ(answer(b), RejectReason::kUnknownInstrument);
}

TEST(MarketDataInput, BookMessagesAreValidatedByKind) {
  auto msg = [](BookAction a, int64_t price, int64_t qty) {
    return BookMessageIn{InstrumentId(0), a, 77, Side::kBuy, Price(price), Qty(qty)};
  };
  EXPECT_EQ(answer(msg(BookAction::kAdd, 10'000, 5)), RejectReason::kNone);
  EXPECT_EQ(answer(msg(BookAction::kExecute, 0, 5)), RejectReason::kInvalidPrice);
  EXPECT_EQ(answer(msg(BookAction::kDelete, 10'000, 0)), RejectReason::kInvalidQty);
  // Halts carry no order: price and size are not looked at.
  EXPECT_EQ(answer(msg(BookAction::kHalt, -1, 0)), RejectReason::kNone);
  BookMessageIn unknown = msg(BookAction::kAdd, 10'000, 5);
  unknown.instrument = InstrumentId(3);
  EXPECT_EQ(answer(unknown), RejectReason::kUnknownInstrument);
}

TEST(MarketDataInput, InvariantCheckerAcceptsBarsAndBookMessages) {
  const CoreConfig config = one_instrument();
  auto core = std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr);
  InvariantChecker checker(config, 1);
  const std::vector<Input> inputs = {
      {Seq(1), Timestamp(10), bar(100, 104, 98, 101)},
      {Seq(2), Timestamp(20), bar(100, 98, 104, 100)},  // rejected, still answered correctly
      {Seq(3), Timestamp(30),
       BookMessageIn{InstrumentId(0), BookAction::kAdd, 1, Side::kSell, Price(10'100), Qty(4)}},
  };
  for (const Input& in : inputs) {
    ASSERT_TRUE(core->process(in).is_ok());
    auto breach = checker.after_input(in, CoreView(*core));
    EXPECT_FALSE(breach.has_value()) << breach->invariant << ": " << breach->detail;
  }
}

}  // namespace
}  // namespace tape
