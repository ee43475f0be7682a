#include "replay/invariants.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

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

// An order of managed account 1 (its fills move a position and cash the checker follows).
Input managed_order(uint64_t seq, uint64_t id, Side side, int64_t price, int64_t qty) {
  Input in = order(seq, id, side, price, qty);
  std::get<NewOrderIn>(in.body).account = AccountId(1);
  return in;
}

// A real core seen through a view whose parts a test corrupts one at a time: a real core's
// restore refuses such states, so this is how each invariant is shown to fire.
class CorruptedView final : public CheckedState {
 public:
  explicit CorruptedView(const Core& core) : real_(core) {}
  std::span<const Output> last_outputs() const override {
    return outputs ? std::span<const Output>(*outputs) : real_.last_outputs();
  }
  uint64_t inputs_recorded() const override { return real_.inputs_recorded(); }
  TopOfBook top(InstrumentId i) const override {
    return top_override ? *top_override : real_.top(i);
  }
  int64_t position(AccountId a, InstrumentId i) const override {
    return real_.position(a, i) + position_delta;
  }
  Money cash(AccountId a) const override { return real_.cash(a) + Money(cash_delta); }
  Money fees(AccountId a) const override { return real_.fees(a); }
  std::string book_check() const override {
    return book_error.empty() ? real_.book_check() : book_error;
  }
  uint64_t resting_orders() const override { return real_.resting_orders() + resting_delta; }

  std::optional<std::vector<Output>> outputs;
  std::optional<TopOfBook> top_override;
  int64_t position_delta = 0;
  int64_t cash_delta = 0;
  std::string book_error;
  uint64_t resting_delta = 0;

 private:
  CoreView real_;
};

// Feeds `inputs` to a fresh core and checker; the last one is shown through `view` as the test
// corrupted it (via `corrupt`, which sees the real outputs). Returns the checker's verdict on it.
template <typename Corrupt>
std::optional<InvariantBreach> breach_after(std::vector<Input> inputs, Corrupt corrupt) {
  const CoreConfig config = one_instrument();
  auto core = std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr);
  InvariantChecker checker(config, 1);
  for (size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_TRUE(core->process(inputs[i]).is_ok());
    CorruptedView view(*core);
    if (i + 1 == inputs.size()) {
      view.outputs.emplace(core->last_outputs().begin(), core->last_outputs().end());
      corrupt(view);
    }
    auto b = checker.after_input(inputs[i], view);
    if (i + 1 == inputs.size()) return b;
    EXPECT_FALSE(b) << b->invariant << ": " << b->detail;
  }
  return std::nullopt;
}

Fill& first_fill(CorruptedView& v) {
  for (Output& o : *v.outputs) {
    if (auto* f = std::get_if<Fill>(&o.body)) return *f;
  }
  ADD_FAILURE() << "no fill among the outputs";
  static Fill none;
  return none;
}

TEST(InvariantChecker, HoldsOnAConsistentRun) {
  const CoreConfig config = one_instrument();
  auto core = std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr);
  InvariantChecker checker(config, 1);
  const Input inputs[] = {
      order(1, 1, Side::kBuy, 9'999, 10), order(2, 2, Side::kSell, 10'001, 5),
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

Input bar_input(uint64_t seq, int64_t open, int64_t high, int64_t low, int64_t close) {
  return Input{Seq(seq), Timestamp(static_cast<int64_t>(seq) * 1000),
               BarIn{InstrumentId(0), Price(open), Price(high), Price(low), Price(close), Qty(1), 0}};
}

TEST(InvariantChecker, InconsistentBarTakenAsGoodDataIsReported) {
  // The core rejects the bar; a view that hides the rejection shows it accepted.
  auto b = breach_after({bar_input(1, 120, 110, 90, 100)}, [](CorruptedView& v) { v.outputs->clear(); });
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->invariant, "bar_consistent");
}

TEST(InvariantChecker, RejectedDataWithFurtherOutputsIsReported) {
  auto b = breach_after({bar_input(1, 120, 110, 90, 100)}, [](CorruptedView& v) {
    v.outputs->push_back(Output{Seq(1), 1, OrderRejected{OrderId(9), AccountId(1), InstrumentId(0),
                                                         RejectReason::kHalted}});
  });
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->invariant, "rejected_data_isolated");
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

TEST(InvariantChecker, CrossedBookAtRestIsReported) {
  auto b = breach_after({order(1, 1, Side::kBuy, 9'999, 10)}, [](CorruptedView& v) {
    v.top_override = TopOfBook{true, true, Price(10'000), Qty(1), Price(9'999), Qty(1)};
  });
  ASSERT_TRUE(b);
  EXPECT_EQ(b->invariant, "book_not_crossed");
  EXPECT_EQ(b->seq, 1u);
}

TEST(InvariantChecker, FillWhoseLeavesDisagreeWithTheOpenQuantityIsReported) {
  auto b = breach_after({order(1, 1, Side::kBuy, 10'000, 10), order(2, 2, Side::kSell, 10'000, 4)},
                        [](CorruptedView& v) { first_fill(v).maker_leaves = Qty(7); });
  ASSERT_TRUE(b);
  EXPECT_EQ(b->invariant, "quantity_conserved");
  EXPECT_EQ(b->seq, 2u);
}

TEST(InvariantChecker, CancelOfMoreThanTheOpenQuantityIsReported) {
  const Input cancel{Seq(2), Timestamp(2000),
                     CancelIn{OrderId(1), AccountId(1001), InstrumentId(0)}};
  auto b = breach_after({order(1, 1, Side::kBuy, 9'999, 10), cancel}, [](CorruptedView& v) {
    std::get<OrderCancelled>(v.outputs->back().body).qty = Qty(11);
  });
  ASSERT_TRUE(b);
  EXPECT_EQ(b->invariant, "quantity_conserved");
}

TEST(InvariantChecker, OrderAcceptedTwiceIsReported) {
  auto b = breach_after({order(1, 1, Side::kBuy, 9'999, 10)},
                        [](CorruptedView& v) { v.outputs->push_back(v.outputs->front()); });
  ASSERT_TRUE(b);
  EXPECT_EQ(b->invariant, "one_terminal_state");
}

TEST(InvariantChecker, NewOrderWithNoResponseIsReported) {
  auto b = breach_after({order(1, 1, Side::kBuy, 9'999, 10)},
                        [](CorruptedView& v) { v.outputs->clear(); });
  ASSERT_TRUE(b);
  EXPECT_EQ(b->invariant, "one_terminal_state");
}

TEST(InvariantChecker, FillOnAFilledOrderIsReported) {
  auto b = breach_after({order(1, 1, Side::kBuy, 10'000, 4), order(2, 2, Side::kSell, 10'000, 4)},
                        [](CorruptedView& v) { v.outputs->push_back(Output{v.outputs->back()}); });
  ASSERT_TRUE(b);
  EXPECT_EQ(b->invariant, "one_terminal_state");
}

TEST(InvariantChecker, LiveOrdersDifferingFromTheBooksAtTheEndIsReported) {
  const CoreConfig config = one_instrument();
  auto core = std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr);
  InvariantChecker checker(config, 1);
  ASSERT_TRUE(core->process(order(1, 1, Side::kBuy, 9'999, 10)).is_ok());
  ASSERT_FALSE(checker.after_input(order(1, 1, Side::kBuy, 9'999, 10), *core));
  CorruptedView view(*core);
  view.resting_delta = 1;
  auto b = checker.at_end(view);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->invariant, "one_terminal_state");
}

TEST(InvariantChecker, PositionDifferentFromTheFillsIsReported) {
  auto b = breach_after(
      {managed_order(1, 1, Side::kBuy, 10'000, 10), order(2, 2, Side::kSell, 10'000, 4)},
      [](CorruptedView& v) { v.position_delta = 1; });
  ASSERT_TRUE(b);
  EXPECT_EQ(b->invariant, "position_equals_fills");
  EXPECT_EQ(b->seq, 2u);
}

TEST(InvariantChecker, CashMovedOtherThanByFillsAndFeesIsReported) {
  auto b = breach_after(
      {managed_order(1, 1, Side::kBuy, 10'000, 10), order(2, 2, Side::kSell, 10'000, 4)},
      [](CorruptedView& v) { v.cash_delta = -1; });
  ASSERT_TRUE(b);
  EXPECT_EQ(b->invariant, "cash_moves_by_fills_and_fees");
  EXPECT_EQ(b->seq, 2u);
}

TEST(InvariantChecker, InconsistentBookIsReportedAfterAnInputAndAtTheEnd) {
  auto b = breach_after({order(1, 1, Side::kBuy, 9'999, 10)},
                        [](CorruptedView& v) { v.book_error = "level 9999 total differs"; });
  ASSERT_TRUE(b);
  EXPECT_EQ(b->invariant, "book_consistent");
  EXPECT_EQ(b->detail, "level 9999 total differs");
  const CoreConfig config = one_instrument();
  auto core = std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr);
  CorruptedView view(*core);
  view.book_error = "id map size differs";
  auto end = InvariantChecker(config).at_end(view);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->invariant, "book_consistent");
}

// A core restored from a snapshot gets a checker rebuilt from it: checking goes on at the next
// seq, knows the orders resting before the snapshot (a fill or cancel of one is fine) and the
// managed account's position and cash, and still catches a breach after the restore.
TEST(InvariantChecker, CheckerResumedAtARestoredCoreContinuesFromIt) {
  const CoreConfig config = one_instrument();
  auto original = std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr);
  for (const Input& in :
       {managed_order(1, 1, Side::kBuy, 10'000, 10), order(2, 2, Side::kSell, 10'000, 4),
        order(3, 3, Side::kSell, 10'001, 5)}) {
    ASSERT_TRUE(original->process(in).is_ok());
  }
  auto restored = std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(restored->restore_state(original->snapshot().core_state).is_ok());
  // A checker that starts from nothing is wrong about a restored core from its first input.
  const Input fill_pre_snapshot = order(4, 4, Side::kSell, 10'000, 6);
  {
    auto scratch = std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr);
    ASSERT_TRUE(scratch->restore_state(original->snapshot().core_state).is_ok());
    ASSERT_TRUE(scratch->process(fill_pre_snapshot).is_ok());
    EXPECT_TRUE(InvariantChecker(config).after_input(fill_pre_snapshot, *scratch));
  }
  auto resumed = InvariantChecker::resume_at(*restored, 1);
  ASSERT_TRUE(resumed.is_ok()) << resumed.status().message();
  InvariantChecker& checker = resumed.value();
  EXPECT_EQ(checker.live_orders(), 2u);
  const Input cancel{Seq(5), Timestamp(5000),
                     CancelIn{OrderId(3), AccountId(1003), InstrumentId(0)}};
  for (const Input& in : {fill_pre_snapshot, cancel}) {
    ASSERT_TRUE(restored->process(in).is_ok());
    auto b = checker.after_input(in, *restored);
    EXPECT_FALSE(b) << b->invariant << " at seq " << b->seq << ": " << b->detail;
  }
  EXPECT_FALSE(checker.at_end(*restored));
  EXPECT_EQ(checker.live_orders(), 0u);
  const Input buy = managed_order(6, 6, Side::kBuy, 10'000, 3);
  const Input sell = order(7, 7, Side::kSell, 10'000, 3);
  ASSERT_TRUE(restored->process(buy).is_ok());
  ASSERT_FALSE(checker.after_input(buy, *restored));
  ASSERT_TRUE(restored->process(sell).is_ok());
  CorruptedView view(*restored);
  view.cash_delta = 1;
  auto b = checker.after_input(sell, view);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->invariant, "cash_moves_by_fills_and_fees");
}

}  // namespace
}  // namespace tape
