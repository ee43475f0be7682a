// The order-type fields of schema revision 2 (stop_price, post_only, expire; OrderType kStop and
// kStopLimit; TimeInForce kDay and kGtd; cancel reason kExpired) through the codec, the text and
// JSON renderings, and the JSON-lines import; and a revision-1 record reading as defaults.
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>
#include <fstream>

#include "core/codec.h"
#include "feed/event_format.h"
#include "feed/jsonl_reader.h"

namespace tape {
namespace {

NewOrderIn stop_limit_order() {
  return NewOrderIn{OrderId(42), AccountId(1003), InstrumentId(1), Side::kSell,
                    OrderType::kStopLimit, TimeInForce::kGtd, Price(95), Qty(9),
                    Price(97), true, Timestamp(1'700'000'000'000'000'001)};
}

OrderIntent stop_intent() {
  return OrderIntent{IntentKind::kNew, OrderId(kStrategyOrderIdBase + 3), AccountId(1),
                     InstrumentId(0), Side::kBuy, OrderType::kStop, TimeInForce::kDay,
                     Price(0), Qty(4), Price(1'000'000'000'000), false, Timestamp(-5)};
}

TEST(CodecOrderTypes, EveryNewInputFieldRoundTrips) {
  std::vector<Input> inputs;
  for (OrderType type : {OrderType::kStop, OrderType::kStopLimit}) {
    for (TimeInForce tif : {TimeInForce::kDay, TimeInForce::kGtd}) {
      NewOrderIn o = stop_limit_order();
      o.type = type;
      o.tif = tif;
      inputs.push_back(Input{Seq(inputs.size() + 1), Timestamp(10), o});
    }
  }
  NewOrderIn extremes = stop_limit_order();
  extremes.stop_price = Price(INT64_MIN);
  extremes.expire = Timestamp(INT64_MAX);
  extremes.post_only = false;
  inputs.push_back(Input{Seq(inputs.size() + 1), Timestamp(11), extremes});
  std::vector<Input> back;
  ASSERT_TRUE(decode_input_block(encode_input_block(inputs), "test", back).is_ok());
  EXPECT_EQ(back, inputs);
}

TEST(CodecOrderTypes, EveryNewOutputFieldRoundTrips) {
  const NewOrderIn o = stop_limit_order();
  const std::vector<Output> outputs = {
      {Seq(1), 0, OrderAccepted{o.id, o.account, o.instrument, o.side, o.type, o.tif, o.price,
                                o.qty, o.stop_price, o.post_only, o.expire}},
      {Seq(1), 1, stop_intent()},
      {Seq(1), 2, RiskDecision{stop_intent(), false, RejectReason::kInvalidStopPrice}},
      {Seq(1), 3, OrderRejected{o.id, o.account, o.instrument, RejectReason::kWouldTake}},
      {Seq(1), 4, OrderRejected{o.id, o.account, o.instrument, RejectReason::kInvalidExpiry}},
      {Seq(1), 5, OrderCancelled{o.id, o.account, o.instrument, Qty(9), CancelReason::kExpired}},
      {Seq(1), 6, OrderCancelled{o.id, o.account, o.instrument, Qty(9), CancelReason::kEndOfData}},
  };
  std::vector<Output> back;
  ASSERT_TRUE(
      decode_output_block(encode_output_block(Seq(1), Seq(1), outputs), "test", back).is_ok());
  EXPECT_EQ(back, outputs);
}

// A record written before revision 2 lacks the new words: Cap'n Proto reads the defaults. The
// schema is the same one, so the old record is simulated by a NewOrder struct cut to the five
// data words revision 1 had.
TEST(CodecOrderTypes, RevisionOneRecordReadsAsDefaults) {
  capnp::MallocMessageBuilder msg;
  auto block = msg.initRoot<schema::InputBlock>();
  block.setFirstSeq(1);
  auto list = block.initInputs(1);
  list[0].setSeq(1);
  auto o = list[0].initNewOrder();
  o.setId(7); o.setAccount(1001); o.setInstrument(0);
  o.setSide(schema::Side::SELL); o.setType(schema::OrderType::LIMIT);
  o.setTif(schema::TimeInForce::IOC); o.setPrice(100); o.setQty(3);
  auto words = capnp::messageToFlatArray(msg);
  std::vector<uint64_t> w(words.size());
  std::memcpy(w.data(), words.begin(), words.size() * 8);
  // Find the NewOrder struct pointer (the Input's one pointer) and shrink its data section from 7
  // words to 5. The trailing two words become unreachable padding: a valid message.
  bool cut = false;
  for (uint64_t& word : w) {
    const uint64_t kind = word & 3;
    const uint16_t data_words = static_cast<uint16_t>(word >> 32);
    const uint16_t pointers = static_cast<uint16_t>(word >> 48);
    if (kind == 0 && data_words == 7 && pointers == 0 && word != 0) {
      word = (word & 0xFFFF0000FFFFFFFFull) | (uint64_t{5} << 32);
      cut = true;
      break;
    }
  }
  ASSERT_TRUE(cut) << "NewOrder is expected to hold 7 data words in revision 2";
  std::string bytes(reinterpret_cast<const char*>(w.data()), w.size() * 8);
  std::vector<Input> back;
  ASSERT_TRUE(decode_input_block(bytes, "test", back).is_ok());
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(std::get<NewOrderIn>(back[0].body),
            (NewOrderIn{OrderId(7), AccountId(1001), InstrumentId(0), Side::kSell,
                        OrderType::kLimit, TimeInForce::kIoc, Price(100), Qty(3)}));
}

TEST(CodecOrderTypes, EnumsPastTheNewLastValuesAreCorruption) {
  for (int which = 0; which < 3; ++which) {
    capnp::MallocMessageBuilder msg;
    auto block = msg.initRoot<schema::InputBlock>();
    auto list = block.initInputs(1);
    list[0].setSeq(6);
    auto o = list[0].initNewOrder();
    if (which == 0) o.setType(static_cast<schema::OrderType>(4));
    if (which == 1) o.setTif(static_cast<schema::TimeInForce>(5));
    if (which == 2) o.setSide(static_cast<schema::Side>(2));
    auto words = capnp::messageToFlatArray(msg);
    std::string bytes(reinterpret_cast<const char*>(words.asBytes().begin()),
                      words.asBytes().size());
    std::vector<Input> back;
    const Status st = decode_input_block(bytes, "test", back);
    EXPECT_EQ(st.code(), StatusCode::kMismatch) << which;
    EXPECT_NE(st.message().find("seq 6"), std::string::npos) << st.message();
  }
  capnp::MallocMessageBuilder msg;
  auto block = msg.initRoot<schema::OutputBlock>();
  auto list = block.initOutputs(1);
  list[0].setSeq(2);
  list[0].initCancelled().setReason(8);  // one past kEndOfData
  auto words = capnp::messageToFlatArray(msg);
  std::string bytes(reinterpret_cast<const char*>(words.asBytes().begin()), words.asBytes().size());
  std::vector<Output> back;
  EXPECT_EQ(decode_output_block(bytes, "test", back).code(), StatusCode::kMismatch);
}

TEST(CodecOrderTypes, DescribeShowsNewFieldsOnlyWhenSet) {
  const Input plain{Seq(3), Timestamp(12),
                    NewOrderIn{OrderId(42), AccountId(1003), InstrumentId(1), Side::kSell,
                               OrderType::kMarket, TimeInForce::kFok, Price(0), Qty(9)}};
  EXPECT_EQ(describe(plain),
            "seq=3 ts_ns=12 type=new_order id=42 account=1003 instrument=1 side=sell "
            "order_type=market tif=fok price=0 qty=9");
  const Input full{Seq(3), Timestamp(12), stop_limit_order()};
  EXPECT_EQ(describe(full),
            "seq=3 ts_ns=12 type=new_order id=42 account=1003 instrument=1 side=sell "
            "order_type=stop_limit tif=gtd price=95 qty=9 stop_price=97 post_only=true "
            "expire=1700000000000000001");
  const Output intent{Seq(1), 0, stop_intent()};
  EXPECT_NE(describe(intent).find("order_type=stop tif=day price=0 qty=4 stop_price=1000000000000 "
                                  "expire=-5"),
            std::string::npos)
      << describe(intent);
  EXPECT_EQ(describe(intent).find("post_only"), std::string::npos);
  const Output expired{Seq(2), 0,
                       OrderCancelled{OrderId(1), AccountId(2), InstrumentId(0), Qty(3),
                                      CancelReason::kExpired}};
  EXPECT_EQ(describe(expired),
            "seq=2 k=0 type=cancelled id=1 account=2 instrument=0 qty=3 reason=expired");
}

TEST(CodecOrderTypes, JsonRendersNewFieldsAsTheirTypes) {
  const Input full{Seq(3), Timestamp(12), stop_limit_order()};
  const Json j = event_json(fields_of(full));
  EXPECT_EQ(j["order_type"], "stop_limit");
  EXPECT_EQ(j["tif"], "gtd");
  EXPECT_EQ(j["stop_price"], 97);
  EXPECT_EQ(j["post_only"], true);
  EXPECT_EQ(j["expire"], 1'700'000'000'000'000'001);
}

class TempFile {
 public:
  explicit TempFile(const std::string& text)
      // The pid keeps two test processes (ctest -j) off each other's files.
      : path_(testing::TempDir() + "codec_order_types_" + std::to_string(::getpid()) + "_" +
              std::to_string(++n_) + ".jsonl") {
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  static inline int n_ = 0;
  std::string path_;
};

// Reads every record of `text` (one symbol, tick 0.01); the first bad row's reason in *bad.
std::vector<FeedRecord> read_jsonl(const std::string& text, std::string* bad_reason) {
  TempFile file(text);
  TickConverter ticks(Decimal{1, 2}, Rounding::kReject);
  JsonlOptions options;
  auto reader = open_jsonl_reader(file.path(), options, ticks);
  EXPECT_TRUE(reader.is_ok());
  std::vector<FeedRecord> out;
  for (;;) {
    FeedRecord r;
    BadRow bad;
    auto step = reader.value()->next(r, bad);
    EXPECT_TRUE(step.is_ok());
    if (!step.is_ok() || step.value() == RecordReader::Step::kEnd) break;
    if (step.value() == RecordReader::Step::kBadRow) {
      if (bad_reason != nullptr && bad_reason->empty()) *bad_reason = bad.reason + ":" + bad.field;
      continue;
    }
    out.push_back(r);
  }
  return out;
}

TEST(CodecOrderTypes, JsonLinesImportReadsNewFieldsAndTheirDefaults) {
  std::string bad;
  const auto records = read_jsonl(
      R"({"ts_ns":5,"type":"new_order","symbol":"X","id":1,"account":1001,"side":"buy","order_type":"stop_limit","tif":"gtd","price":"1.05","qty":3,"stop_price":"1.02","post_only":true,"expire":1700000000000000001})"
      "\n"
      R"({"ts_ns":6,"type":"new_order","symbol":"X","id":2,"account":1001,"side":"sell","order_type":"stop","tif":"day","price":0,"qty":3,"stop_price":0.98,"expire":"2023-11-14T22:13:20.5Z"})"
      "\n"
      R"({"ts_ns":7,"type":"new_order","symbol":"X","id":3,"account":1001,"side":"sell","order_type":"limit","tif":"gtc","price":"1.00","qty":1})"
      "\n",
      &bad);
  EXPECT_EQ(bad, "");
  ASSERT_EQ(records.size(), 3u);
  const auto& a = std::get<NewOrderIn>(records[0].body);
  EXPECT_EQ(a.type, OrderType::kStopLimit);
  EXPECT_EQ(a.tif, TimeInForce::kGtd);
  EXPECT_EQ(a.price, Price(105));
  EXPECT_EQ(a.stop_price, Price(102));
  EXPECT_TRUE(a.post_only);
  EXPECT_EQ(a.expire, Timestamp(1'700'000'000'000'000'001));
  const auto& b = std::get<NewOrderIn>(records[1].body);
  EXPECT_EQ(b.type, OrderType::kStop);
  EXPECT_EQ(b.tif, TimeInForce::kDay);
  EXPECT_EQ(b.stop_price, Price(98));
  EXPECT_FALSE(b.post_only);
  EXPECT_EQ(b.expire, Timestamp(1'700'000'000'500'000'000));
  const auto& c = std::get<NewOrderIn>(records[2].body);
  EXPECT_EQ(c.stop_price, Price(0));
  EXPECT_FALSE(c.post_only);
  EXPECT_EQ(c.expire, Timestamp(0));
}

TEST(CodecOrderTypes, JsonLinesImportNamesBadNewFields) {
  const std::string head =
      R"({"ts_ns":5,"type":"new_order","symbol":"X","id":1,"account":1001,"side":"buy","order_type":"stop","tif":"gtc","price":0,"qty":3,)";
  const std::pair<std::string, std::string> cases[] = {
      {R"("post_only":1})", "bad_type:post_only"},
      {R"("expire":"tomorrow"})", "bad_time:expire"},
      {R"("expire":1.5})", "bad_number:expire"},
      {R"("stop_price":"1.005"})", "not_on_tick:stop_price"},
      {R"("stop_price":true})", "bad_type:stop_price"},
  };
  for (const auto& [tail, want] : cases) {
    std::string bad;
    EXPECT_TRUE(read_jsonl(head + tail + "\n", &bad).empty()) << tail;
    EXPECT_EQ(bad, want) << tail;
  }
  std::string bad;
  read_jsonl(R"({"ts_ns":5,"type":"new_order","symbol":"X","id":1,"account":1001,"side":"buy","order_type":"trailing","tif":"gtc","price":0,"qty":3})"
             "\n",
             &bad);
  EXPECT_EQ(bad, "bad_enum:order_type");
}

// What inspect --json writes for a new order imports back to the same event.
TEST(CodecOrderTypes, ExportedNewOrderImportsBackEqual) {
  const NewOrderIn o{OrderId(9), AccountId(1001), InstrumentId(0), Side::kBuy,
                     OrderType::kStopLimit, TimeInForce::kGtd, Price(105), Qty(3),
                     Price(102), true, Timestamp(1'700'000'000'000'000'001)};
  const Input in{Seq(1), Timestamp(5), o};
  const InstrumentTable table = {InstrumentSpec{"X", Decimal{1, 2}, 1}};
  const std::string line = format_jsonl(in, table);
  std::string bad;
  const auto records = read_jsonl(line + "\n", &bad);
  EXPECT_EQ(bad, "") << line;
  ASSERT_EQ(records.size(), 1u) << line;
  EXPECT_EQ(std::get<NewOrderIn>(records[0].body), o) << line;
}

}  // namespace
}  // namespace tape
