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
    return rec.begin_input(in);
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

}  // namespace
}  // namespace tape
