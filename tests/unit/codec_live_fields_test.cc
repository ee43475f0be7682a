// The live inputs of schema revision 3 (Input.liveMessage: stream seq, reject) through the codec and
// the core: they round-trip, a rejected message's input is answered with an InputRejected, and
// a stored record that breaks their rules is corruption naming its seq.
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include "core/codec.h"
#include "core/core.h"

namespace tape {
namespace {

TEST(CodecLiveFields, StreamSeqAndRejectRoundTrip) {
  Input trade{Seq(1), Timestamp(10), TradeIn{InstrumentId(0), Price(100), Qty(1)}};
  trade.stream_seq = 41;
  Input bad{Seq(2), Timestamp(11), HeartbeatIn{}};
  bad.stream_seq = 42;
  bad.reject = RejectReason::kBadJson;
  Input heartbeat{Seq(3), Timestamp(12), HeartbeatIn{}};  // a wall-clock heartbeat: neither
  const std::vector<Input> inputs = {trade, bad, heartbeat};
  std::vector<Input> back;
  ASSERT_TRUE(decode_input_block(encode_input_block(inputs), "test", back).is_ok());
  EXPECT_EQ(back, inputs);
  EXPECT_NE(describe(bad).find("stream_seq=42 reject=bad_json"), std::string::npos);
}

std::string block_with(uint16_t reject, bool heartbeat) {
  capnp::MallocMessageBuilder msg;
  auto block = msg.initRoot<schema::InputBlock>();
  block.setFirstSeq(7);
  auto in = block.initInputs(1)[0];
  in.setSeq(7);
  in.setTsNs(1);
  auto live = in.initLiveMessage();
  live.setStreamSeq(3);
  live.setReject(reject);
  if (heartbeat) {
    live.initInput().setHeartbeat();
  } else {
    live.initInput().initTrade().setQty(1);
  }
  auto words = capnp::messageToFlatArray(msg);
  return std::string(reinterpret_cast<const char*>(words.begin()), words.asBytes().size());
}

// Every other input is written exactly as before revision 3 (shipped chain heads hold).
TEST(CodecLiveFields, NonLiveInputBytesAreUnchanged) {
  const Input plain{Seq(1), Timestamp(10), TradeIn{InstrumentId(0), Price(100), Qty(1)}};
  Input live = plain;
  live.stream_seq = 5;
  EXPECT_NE(encode_input_block({&plain, 1}), encode_input_block({&live, 1}));
  capnp::MallocMessageBuilder msg;
  auto in = msg.initRoot<schema::Input>();
  encode_input(plain, in);
  EXPECT_EQ(in.which(), schema::Input::TRADE);
}

TEST(CodecLiveFields, RejectReasonOutOfRangeIsCorrupt) {
  std::vector<Input> back;
  const Status st = decode_input_block(block_with(9999, true), "test", back);
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("7"), std::string::npos) << st.message();
}

TEST(CodecLiveFields, RejectedInputWithBodyIsCorrupt) {
  std::vector<Input> back;
  const Status st = decode_input_block(
      block_with(static_cast<uint16_t>(RejectReason::kUnknownType), false), "test", back);
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("body"), std::string::npos) << st.message();
}

TEST(CodecLiveFields, CoreAnswersRejectedMessageWithInputRejected) {
  CoreConfig config;
  config.instruments.push_back(InstrumentConfig{});
  Core core(config, Recorder::Mode::kCollect, nullptr);
  Input in{Seq(1), Timestamp(5), HeartbeatIn{}};
  in.stream_seq = 1;
  in.reject = RejectReason::kNotOnTick;
  ASSERT_TRUE(core.process(in).is_ok());
  const auto outputs = core.last_outputs();
  ASSERT_EQ(outputs.size(), 1u);
  const auto* r = std::get_if<InputRejected>(&outputs[0].body);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->reason, RejectReason::kNotOnTick);
}

}  // namespace
}  // namespace tape
