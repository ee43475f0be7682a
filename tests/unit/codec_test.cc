#include "core/codec.h"

#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include "feed/event_format.h"

namespace tape {
namespace {

std::vector<Input> every_input() {
  return {
      {Seq(1), Timestamp(10), QuoteIn{InstrumentId(1), Price(99), Qty(5), Price(101), Qty(7)}},
      {Seq(2), Timestamp(11), TradeIn{InstrumentId(0), Price(100), Qty(3), Side::kSell}},
      {Seq(3), Timestamp(12),
       NewOrderIn{OrderId(42), AccountId(1003), InstrumentId(1), Side::kSell, OrderType::kMarket,
                  TimeInForce::kFok, Price(0), Qty(9)}},
      {Seq(4), Timestamp(12), CancelIn{OrderId(42), AccountId(1003), InstrumentId(1)}},
      {Seq(5), Timestamp(13), ReplaceIn{OrderId(7), AccountId(1001), InstrumentId(0), Price(98), Qty(2)}},
      {Seq(6), Timestamp(14), ControlIn{ControlKind::kKillSwitchOn, InstrumentId(0)}},
      {Seq(7), Timestamp(15), HeartbeatIn{}},
      {Seq(8), Timestamp(16),
       BarIn{InstrumentId(1), Price(100), Price(104), Price(98), Price(101), Qty(5000),
             86'400'000'000'000}},
      {Seq(9), Timestamp(17),
       BookMessageIn{InstrumentId(0), BookAction::kExecute, 15818974, Side::kSell, Price(579400),
                     Qty(300)}},
      {Seq(10), Timestamp(17),
       BookMessageIn{InstrumentId(0), BookAction::kTradeResume, 0, Side::kBuy, Price(0), Qty(0)}},
  };
}

std::vector<Output> every_output() {
  OrderIntent intent{IntentKind::kReplace, OrderId(kStrategyOrderIdBase + 1), AccountId(1),
                     InstrumentId(0), Side::kBuy, OrderType::kLimit, TimeInForce::kIoc,
                     Price(100), Qty(4)};
  return {
      {Seq(1), 0, OrderAccepted{OrderId(1), AccountId(2), InstrumentId(0), Side::kBuy,
                                OrderType::kLimit, TimeInForce::kGtc, Price(100), Qty(10)}},
      {Seq(1), 1, OrderRejected{OrderId(2), AccountId(2), InstrumentId(0), RejectReason::kPriceBand}},
      {Seq(1), 2, Fill{InstrumentId(0), OrderId(1), AccountId(2), OrderId(3), AccountId(1004),
                       Price(100), Qty(4), Side::kSell, Qty(6), Qty(0)}},
      {Seq(2), 0, OrderCancelled{OrderId(1), AccountId(2), InstrumentId(0), Qty(6),
                                 CancelReason::kKillSwitch}},
      {Seq(2), 1, OrderReplaced{OrderId(5), AccountId(2), InstrumentId(0), Price(99), Qty(1), true}},
      {Seq(3), 0, intent},
      {Seq(3), 1, RiskDecision{intent, false, RejectReason::kRateLimit}},
      {Seq(3), 2, PositionUpdate{AccountId(1), InstrumentId(0), -7, Money(-123), Money(55), Money(3)}},
  };
}

TEST(Codec, EveryInputTypeRoundTripsThroughABlock) {
  const auto inputs = every_input();
  std::vector<Input> back;
  ASSERT_TRUE(decode_input_block(encode_input_block(inputs), "test", back).is_ok());
  EXPECT_EQ(back, inputs);
}

TEST(Codec, EveryOutputTypeRoundTripsThroughABlock) {
  const auto outputs = every_output();
  std::vector<Output> back;
  ASSERT_TRUE(
      decode_output_block(encode_output_block(Seq(1), Seq(3), outputs), "test", back).is_ok());
  EXPECT_EQ(back, outputs);
}

TEST(Codec, EncodingIsByteStable) {
  EXPECT_EQ(encode_input_block(every_input()), encode_input_block(every_input()));
}

TEST(Codec, MisalignedBytesDecode) {
  const std::string bytes = encode_input_block(every_input());
  std::string shifted = "x" + bytes;  // data() + 1 is not 8-byte aligned
  std::vector<Input> back;
  ASSERT_TRUE(decode_input_block(std::string_view(shifted).substr(1), "test", back).is_ok());
  EXPECT_EQ(back, every_input());
}

TEST(Codec, TruncatedRecordIsAnErrorNotACrash) {
  const std::string bytes = encode_input_block(every_input());
  std::vector<Input> back;
  Status st = decode_input_block(std::string_view(bytes).substr(0, bytes.size() / 2 & ~size_t{7}),
                                 "events block at seq 1", back);
  EXPECT_EQ(st.code(), StatusCode::kMismatch);
  EXPECT_NE(st.message().find("seq 1"), std::string::npos) << st.message();
}

TEST(Codec, OddSizedRecordIsAnError) {
  std::vector<Input> back;
  Status st = decode_input_block("abc", "events block at seq 9", back);
  EXPECT_EQ(st.code(), StatusCode::kMismatch);
  EXPECT_NE(st.message().find("seq 9"), std::string::npos);
}

TEST(Codec, EveryFlippedByteIsDecodedOrRejectedNeverCrashes) {
  const std::string bytes = encode_output_block(Seq(1), Seq(3), every_output());
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0xA5);
    std::vector<Output> back;
    Status st = decode_output_block(bad, "test", back);
    EXPECT_TRUE(st.is_ok() || st.code() == StatusCode::kMismatch);
  }
}

// Found by input_block_fuzz: 40 bytes claiming 32 Mi zero-sized inputs. Cap'n Proto charges them
// one word each, which a fixed traversal limit allowed, and the decoder then allocated gigabytes.
// Each block's limit now follows its own size.
TEST(Codec, ZeroSizedListClaimingMillionsIsCorruptionWithoutAllocating) {
  const std::vector<uint64_t> words = {
      uint64_t{4} << 32,          // segment table: one segment of 4 words
      0x0001000100000000ull,      // root: struct, 1 data word, 1 pointer
      1,                          // firstSeq
      0x0000000700000001ull,      // inputs: composite list, tag next, no content words
      uint64_t{1} << 25 << 2};    // tag: 32 Mi elements of 0 data words and 0 pointers
  const std::string bytes(reinterpret_cast<const char*>(words.data()), words.size() * 8);
  for (const bool outputs : {false, true}) {
    std::vector<Input> inputs;
    std::vector<Output> outs;
    const Status st = outputs ? decode_output_block(bytes, "outputs block at seq 1", outs)
                              : decode_input_block(bytes, "events block at seq 1", inputs);
    EXPECT_EQ(st.code(), StatusCode::kMismatch) << st.message();
    EXPECT_NE(st.message().find("block at seq 1"), std::string::npos) << st.message();
    EXPECT_TRUE(inputs.empty() && outs.empty());
  }
}

TEST(Codec, OutOfRangeEnumIsCorruption) {
  capnp::MallocMessageBuilder msg;
  auto block = msg.initRoot<schema::InputBlock>();
  auto list = block.initInputs(1);
  list[0].setSeq(5);
  list[0].initControl().setKind(static_cast<schema::ControlKind>(9));
  auto words = capnp::messageToFlatArray(msg);
  std::string bytes(reinterpret_cast<const char*>(words.asBytes().begin()), words.asBytes().size());
  std::vector<Input> back;
  Status st = decode_input_block(bytes, "test", back);
  EXPECT_EQ(st.code(), StatusCode::kMismatch);
  EXPECT_NE(st.message().find("seq 5"), std::string::npos) << st.message();
}

TEST(Codec, BookActionOutsideItsRangeIsCorruption) {
  for (const uint16_t bad : {0, 10, 200}) {
    capnp::MallocMessageBuilder msg;
    auto block = msg.initRoot<schema::InputBlock>();
    auto list = block.initInputs(1);
    list[0].setSeq(3);
    list[0].initBookMessage().setAction(static_cast<schema::BookAction>(bad));
    auto words = capnp::messageToFlatArray(msg);
    std::string bytes(reinterpret_cast<const char*>(words.asBytes().begin()), words.asBytes().size());
    std::vector<Input> back;
    Status st = decode_input_block(bytes, "test", back);
    EXPECT_EQ(st.code(), StatusCode::kMismatch) << bad;
    EXPECT_NE(st.message().find("seq 3"), std::string::npos) << st.message();
  }
}

TEST(Codec, DescribeNamesBarAndBookMessageFields) {
  const auto inputs = every_input();
  EXPECT_EQ(describe(inputs[7]),
            "seq=8 ts_ns=16 type=bar instrument=1 open=100 high=104 low=98 close=101 volume=5000 "
            "period_ns=86400000000000");
  EXPECT_EQ(describe(inputs[8]),
            "seq=9 ts_ns=17 type=book_message instrument=0 action=execute order_id=15818974 "
            "side=sell price=579400 qty=300");
}

TEST(Codec, DescribeNamesTypeAndFields) {
  EXPECT_EQ(describe(every_input()[3]), "seq=4 ts_ns=12 type=cancel id=42 account=1003 instrument=1");
  EXPECT_EQ(event_json(fields_of(every_output()[1])).dump(),
            "{\"seq\":1,\"k\":1,\"type\":\"rejected\",\"id\":2,\"account\":2,\"instrument\":0,"
            "\"reason\":\"price_band\"}");
}

}  // namespace
}  // namespace tape
