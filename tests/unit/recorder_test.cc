#include "core/recorder.h"

#include <gtest/gtest.h>

#include "core/codec.h"

namespace tape {
namespace {

// In-memory sink: keeps every batch it is handed.
class MemorySink : public BatchSink {
 public:
  Status append(EncodedBatch&& b) override {
    batches.push_back(std::move(b));
    return Status::ok();
  }
  Status flush() override {
    ++flushes;
    return Status::ok();
  }
  std::vector<EncodedBatch> batches;
  int flushes = 0;
};

struct Harness {
  explicit Harness(RecorderOptions o) : rec(o, clock, Recorder::Mode::kSink, &sink) {}
  Status input(uint64_t seq, int64_t ts_ms) {
    Input in{Seq(seq), Timestamp(ts_ms * 1'000'000), HeartbeatIn{}};
    clock.advance(in.seq, in.ts);
    rec.begin_input(in);
    return rec.end_input();
  }
  SimClock clock;
  MemorySink sink;
  Recorder rec;
};

TEST(Recorder, BatchClosesOnSize) {
  RecorderOptions o;
  o.batch_events_max = 3;
  o.flush_interval_ms = 1'000'000;
  Harness h(o);
  for (uint64_t s = 1; s <= 7; ++s) ASSERT_TRUE(h.input(s, 0).is_ok());
  ASSERT_EQ(h.sink.batches.size(), 2u);
  EXPECT_EQ(h.sink.batches[0].first_seq, Seq(1));
  EXPECT_EQ(h.sink.batches[0].last_seq, Seq(3));
  EXPECT_EQ(h.sink.batches[1].first_seq, Seq(4));
  ASSERT_TRUE(h.rec.finish().is_ok());
  ASSERT_EQ(h.sink.batches.size(), 3u);
  EXPECT_EQ(h.sink.batches[2].input_count, 1u);
  EXPECT_EQ(h.sink.flushes, 1);
}

TEST(Recorder, BatchClosesOnSimulatedTime) {
  RecorderOptions o;
  o.batch_events_max = 1000;
  o.flush_interval_ms = 50;
  Harness h(o);
  ASSERT_TRUE(h.input(1, 0).is_ok());
  ASSERT_TRUE(h.input(2, 49).is_ok());
  EXPECT_TRUE(h.sink.batches.empty());
  ASSERT_TRUE(h.input(3, 50).is_ok());  // exactly the bound: closes [1, 2]
  ASSERT_EQ(h.sink.batches.size(), 1u);
  EXPECT_EQ(h.sink.batches[0].last_seq, Seq(2));
}

// The clean stop's question, "would this input end the open batch?", must answer exactly what
// begin_input then does, on size and on time, so a stop ends the log on a batch boundary the
// uninterrupted run has too.
TEST(Recorder, EndsBatchBeforeAnswersWhatBeginInputDoes) {
  RecorderOptions o;
  o.batch_events_max = 4;
  o.flush_interval_ms = 50;
  Harness h(o);
  EXPECT_FALSE(h.rec.batch_open());
  const int64_t ts_ms[] = {0, 10, 49, 50, 60, 61, 62, 63, 200, 200};
  for (uint64_t s = 1; s <= std::size(ts_ms); ++s) {
    const Input next{Seq(s), Timestamp(ts_ms[s - 1] * 1'000'000), HeartbeatIn{}};
    const bool predicted = h.rec.ends_batch_before(next);
    const size_t before = h.sink.batches.size();
    ASSERT_TRUE(h.input(s, ts_ms[s - 1]).is_ok());
    EXPECT_EQ(predicted, h.sink.batches.size() == before + 1) << "seq " << s;
    EXPECT_TRUE(h.rec.batch_open());
  }
  EXPECT_EQ(h.sink.batches.size(), 3u);  // [1,3] by time, [4,7] by size, [8] by time
}

TEST(Recorder, OutputsAreNumberedPerInputAndEncoded) {
  RecorderOptions o;
  o.batch_events_max = 2;
  Harness h(o);
  ASSERT_TRUE(h.input(1, 0).is_ok());
  h.rec.on(OrderRejected{OrderId(1), AccountId(1), InstrumentId(0), RejectReason::kHalted});
  h.rec.on(OrderRejected{OrderId(2), AccountId(1), InstrumentId(0), RejectReason::kHalted});
  ASSERT_TRUE(h.input(2, 0).is_ok());
  h.rec.on(OrderCancelled{OrderId(3), AccountId(1), InstrumentId(0), Qty(1), CancelReason::kUser});
  ASSERT_EQ(h.rec.current_outputs().size(), 1u);
  EXPECT_EQ(h.rec.current_outputs()[0].k, 0u);
  ASSERT_TRUE(h.rec.finish().is_ok());
  ASSERT_EQ(h.sink.batches.size(), 1u);
  std::vector<Output> outs;
  ASSERT_TRUE(decode_output_block(h.sink.batches[0].outputs, "t", outs).is_ok());
  ASSERT_EQ(outs.size(), 3u);
  EXPECT_EQ(outs[1].seq, Seq(1));
  EXPECT_EQ(outs[1].k, 1u);
  EXPECT_EQ(outs[2].seq, Seq(2));
  EXPECT_EQ(outs[2].k, 0u);
  EXPECT_EQ(h.rec.counters().rejects_by_reason[static_cast<size_t>(RejectReason::kHalted)], 2u);
}

// The batch an input ends is handed over only after that input's outputs, and holds none of
// them: the bytes are those of closing before the input, the hand-off comes after its decision.
TEST(Recorder, BatchEndedByAnInputIsHandedOverAfterItsOutputs) {
  RecorderOptions o;
  o.batch_events_max = 2;
  Harness h(o);
  ASSERT_TRUE(h.input(1, 0).is_ok());
  h.rec.on(OrderCancelled{OrderId(1), AccountId(1), InstrumentId(0), Qty(1), CancelReason::kUser});
  ASSERT_TRUE(h.input(2, 0).is_ok());
  const Input third{Seq(3), Timestamp(0), HeartbeatIn{}};
  h.clock.advance(third.seq, third.ts);
  h.rec.begin_input(third);  // the batch [1, 2] is full: it ends here...
  h.rec.on(OrderCancelled{OrderId(3), AccountId(1), InstrumentId(0), Qty(1), CancelReason::kUser});
  EXPECT_TRUE(h.sink.batches.empty());  // ...but is not handed over yet
  ASSERT_TRUE(h.rec.end_input().is_ok());
  ASSERT_EQ(h.sink.batches.size(), 1u);
  EXPECT_EQ(h.sink.batches[0].last_seq, Seq(2));
  EXPECT_EQ(h.sink.batches[0].output_count, 1u);
  ASSERT_EQ(h.rec.current_outputs().size(), 1u);
  EXPECT_EQ(h.rec.current_outputs()[0].seq, Seq(3));
  ASSERT_TRUE(h.rec.finish().is_ok());
  ASSERT_EQ(h.sink.batches.size(), 2u);
  EXPECT_EQ(h.sink.batches[1].first_seq, Seq(3));
  EXPECT_EQ(h.sink.batches[1].output_count, 1u);
  std::vector<Output> outs;
  ASSERT_TRUE(decode_output_block(h.sink.batches[1].outputs, "t", outs).is_ok());
  ASSERT_EQ(outs.size(), 1u);
  EXPECT_EQ(outs[0].seq, Seq(3));
}

// The decision probe hears of an input's first order intent once, whatever follows it.
TEST(Recorder, DecisionProbeFiresOnTheFirstIntentOfEachInput) {
  struct Counter final : DecisionProbe {
    void decided() override { ++n; }
    int n = 0;
  } probe;
  Harness h(RecorderOptions{});
  h.rec.set_decision_probe(&probe);
  const OrderIntent intent{};
  ASSERT_TRUE(h.input(1, 0).is_ok());
  EXPECT_EQ(probe.n, 0);
  h.rec.on(intent);
  h.rec.on(intent);
  EXPECT_EQ(probe.n, 1);
  ASSERT_TRUE(h.input(2, 0).is_ok());
  h.rec.on(OrderCancelled{OrderId(1), AccountId(1), InstrumentId(0), Qty(1), CancelReason::kUser});
  EXPECT_EQ(probe.n, 1);
  ASSERT_TRUE(h.input(3, 0).is_ok());
  h.rec.on(intent);
  EXPECT_EQ(probe.n, 2);
}

}  // namespace
}  // namespace tape
