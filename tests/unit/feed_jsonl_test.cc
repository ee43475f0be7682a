// JSONL reader and format_jsonl: every input type round-trips, prices stay exact whether strings
// or numbers, and every bad-row kind names its line, column, field and reason.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "feed/jsonl_reader.h"
#include "tests/cli_util.h"

namespace tape {
namespace {

using testing_util::TempDir;

struct Drained {
  std::vector<FeedRecord> records;
  std::vector<BadRow> bad;
};

std::string write_file(const TempDir& dir, const std::string& body) {
  std::filesystem::create_directories(dir.path());
  const std::string path = dir.path() + "/in.jsonl";
  std::ofstream(path, std::ios::binary) << body;
  return path;
}

Drained drain(const std::string& path, TickConverter& ticks, const JsonlOptions& options = {}) {
  Drained d;
  auto opened = open_jsonl_reader(path, options, ticks);
  EXPECT_TRUE(opened.is_ok()) << opened.status().message();
  if (!opened.is_ok()) return d;
  FeedRecord rec;
  BadRow bad;
  for (;;) {
    auto step = opened.value()->next(rec, bad);
    EXPECT_TRUE(step.is_ok()) << step.status().message();
    if (!step.is_ok() || step.value() == RecordReader::Step::kEnd) break;
    if (step.value() == RecordReader::Step::kRecord) d.records.push_back(rec);
    else d.bad.push_back(bad);
  }
  return d;
}

TickConverter micro() { return TickConverter(Decimal{1, 6}, Rounding::kReject); }

// One input of every type, on instrument 0 (tick 0.000001) or 1 (tick 0.25).
std::vector<Input> every_type() {
  const InstrumentId a(0), b(1);
  std::vector<InputBody> bodies = {
      QuoteIn{a, Price(45'660'000), Qty(10), Price(45'670'000), Qty(20)},
      TradeIn{b, Price(17), Qty(3), Side::kSell},
      NewOrderIn{OrderId(7), AccountId(1001), a, Side::kSell, OrderType::kLimit, TimeInForce::kIoc,
                 Price(45'000'001), Qty(5)},
      NewOrderIn{OrderId(uint64_t{1} << 63), AccountId(4'000'000'000u), b, Side::kBuy,
                 OrderType::kMarket, TimeInForce::kFok, Price(0), Qty(1)},
      CancelIn{OrderId(7), AccountId(1001), a},
      ReplaceIn{OrderId(8), AccountId(3), b, Price(-4), Qty(9)},
      ControlIn{ControlKind::kKillSwitchOff, b},
      HeartbeatIn{},
      BarIn{a, Price(1), Price(4), Price(1), Price(2), Qty(0), 60'000'000'000},
      BookMessageIn{b, BookAction::kHiddenExecute, 15'818'974, Side::kSell, Price(23'160), Qty(4)},
      BookMessageIn{a, BookAction::kTradeResume, 0, Side::kSell, Price(0), Qty(0)},
  };
  std::vector<Input> inputs;
  for (size_t i = 0; i < bodies.size(); ++i) {
    inputs.push_back(Input{Seq(i + 1), Timestamp(1'340'285'400'015'105'074 + int64_t(i / 2)), bodies[i]});
  }
  return inputs;
}

InputBody with_instrument(InputBody body, InstrumentId id) {
  std::visit([&](auto& b) {
    if constexpr (requires { b.instrument; }) b.instrument = id;
  }, body);
  return body;
}

TEST(FeedJsonl, EveryInputTypeRoundTripsThroughFormatAndReader) {
  const InstrumentTable table = {{"AAA", Decimal{1, 6}, 1}, {"B\"B", Decimal{25, 2}, 1}};
  const std::vector<Input> inputs = every_type();
  std::string text;
  for (const Input& in : inputs) text += format_jsonl(in, table) + "\n";
  EXPECT_EQ(format_jsonl(inputs[0], table),
            "{\"seq\":1,\"ts_ns\":1340285400015105074,\"type\":\"quote\",\"symbol\":\"AAA\","
            "\"bid\":\"45.660000\",\"bid_qty\":10,\"ask\":\"45.670000\",\"ask_qty\":20}");
  EXPECT_EQ(format_jsonl(inputs[7], table),
            "{\"seq\":8,\"ts_ns\":1340285400015105077,\"type\":\"heartbeat\"}");
  TempDir dir("jsonl_roundtrip");
  const std::string path = write_file(dir, text);
  TickConverter ticks = micro();
  ticks.set_tick("B\"B", Decimal{25, 2});
  Drained d = drain(path, ticks);
  ASSERT_TRUE(d.bad.empty()) << d.bad[0].message();
  ASSERT_EQ(d.records.size(), inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const FeedRecord& r = d.records[i];
    EXPECT_EQ(r.ts_ns, inputs[i].ts.value()) << i;
    EXPECT_EQ(r.line, i + 1);
    const std::optional<InstrumentId> id = instrument_of(inputs[i].body);
    const bool heartbeat = std::holds_alternative<HeartbeatIn>(inputs[i].body);
    EXPECT_EQ(r.symbol, heartbeat ? "" : table[id->value()].symbol) << i;
    // The reader leaves instruments at 0 for the pipeline to fill in.
    EXPECT_EQ(r.body, with_instrument(inputs[i].body, InstrumentId(0))) << i;
  }
}

// An export writes every price at its tick's full scale, so a re-import with tick "auto" finds
// the exported tick (0.000001), not the coarser one the digits would allow (0.01).
TEST(FeedJsonl, AutoTickScanMeasuresTheWrittenScaleSoAnExportReimportsToItsTick) {
  const InstrumentTable table = {{"AAA", Decimal{1, 6}, 1}};
  TempDir dir("jsonl_scan");
  const std::string path = write_file(
      dir, format_jsonl(Input{Seq(1), Timestamp(5), TradeIn{InstrumentId(0), Price(45'660'000), Qty(1)}},
                        table) + "\n");
  TickConverter scan = TickConverter::scanner();
  EXPECT_EQ(drain(path, scan).records.size(), 1u);
  EXPECT_EQ(scan.scales().at("AAA"), 6);
}

TEST(FeedJsonl, PricesAreExactAsStringsAndAsNumbersWithFractionsOrExponents) {
  TempDir dir("jsonl_numbers");
  const std::string path = write_file(
      dir,
      "{\"ts_ns\":1,\"type\":\"trade\",\"symbol\":\"X\",\"price\":\"2.179013\",\"qty\":1}\n"
      "{\"ts_ns\":2,\"type\":\"trade\",\"symbol\":\"X\",\"price\":2.179013,\"qty\":1}\n"
      "{\"ts_ns\":3,\"type\":\"trade\",\"symbol\":\"X\",\"price\":2179013e-6,\"qty\":1}\n"
      "{\"ts_ns\":4,\"type\":\"trade\",\"symbol\":\"X\",\"price\":0.1E1,\"qty\":1}\n"
      "{\"ts_ns\":5,\"type\":\"trade\",\"symbol\":\"X\",\"price\":3,\"qty\":1}\n"
      "{\"ts_ns\":6,\"type\":\"trade\",\"symbol\":\"X\",\"price\":-0.000001,\"qty\":1,\"aggressor\":\"sell\"}\n");
  TickConverter ticks = micro();
  Drained d = drain(path, ticks);
  ASSERT_TRUE(d.bad.empty()) << d.bad[0].message();
  ASSERT_EQ(d.records.size(), 6u);
  const int64_t expected[] = {2'179'013, 2'179'013, 2'179'013, 1'000'000, 3'000'000, -1};
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(std::get<TradeIn>(d.records[i].body).price, Price(expected[i]));
  EXPECT_EQ(std::get<TradeIn>(d.records[0].body).aggressor, Side::kBuy);  // the default
  EXPECT_EQ(std::get<TradeIn>(d.records[5].body).aggressor, Side::kSell);
}

TEST(FeedJsonl, IsoTimestampsWithFractionAndOffsetAreExact) {
  TempDir dir("jsonl_iso");
  const std::string path = write_file(
      dir,
      "{\"ts\":\"2012-06-21T13:30:00.015105074Z\",\"type\":\"heartbeat\"}\n"
      "{\"ts\":\"2012-06-21T09:30:00.015105074-04:00\",\"type\":\"heartbeat\"}\n"
      "{\"ts\":\"2012-06-21 15:30:01.5+0200\",\"type\":\"heartbeat\"}\n");
  TickConverter ticks = micro();
  Drained d = drain(path, ticks);
  ASSERT_TRUE(d.bad.empty()) << d.bad[0].message();
  ASSERT_EQ(d.records.size(), 3u);
  EXPECT_EQ(d.records[0].ts_ns, 1'340'285'400'015'105'074);
  EXPECT_EQ(d.records[1].ts_ns, 1'340'285'400'015'105'074);
  EXPECT_EQ(d.records[2].ts_ns, 1'340'285'401'500'000'000);
}

TEST(FeedJsonl, DefaultSymbolFillsLinesWithoutOne) {
  TempDir dir("jsonl_default");
  const std::string path = write_file(
      dir, "{\"ts_ns\":1,\"type\":\"control\",\"kind\":\"halt\"}\n"
           "{\"ts_ns\":1,\"type\":\"control\",\"kind\":\"resume\",\"symbol\":\"Z\"}\n");
  TickConverter ticks = micro();
  JsonlOptions options;
  options.default_symbol = "ORCL";
  Drained d = drain(path, ticks, options);
  ASSERT_EQ(d.records.size(), 2u);
  EXPECT_EQ(d.records[0].symbol, "ORCL");
  EXPECT_EQ(d.records[1].symbol, "Z");
  Drained none = drain(path, ticks);
  ASSERT_EQ(none.bad.size(), 1u);
  EXPECT_EQ(none.bad[0].reason, "missing_field");
  EXPECT_EQ(none.bad[0].field, "symbol");
}

struct BadCase {
  const char* line;
  const char* expected;  // message() after "FILE:2:"
};

TEST(FeedJsonl, EveryBadRowKindNamesLineColumnFieldAndReason) {
  const BadCase cases[] = {
      {R"({"ts_ns":5,"type":"trade",)", "27: json: "},  // message text from nlohmann, checked below
      {R"([1,2])", "1: json: not a JSON object (bad_json)"},
      {R"({"ts_ns":5,"ts_ns":6,"type":"heartbeat"})", "20: json: duplicate key 'ts_ns' (bad_json)"},
      {R"({"seq":3,"k":0,"type":"fill"})", "14: k: an output of a run log (it has \"k\"), not an input (not_an_input)"},
      {R"({"ts_ns":5,"type":"order"})", "19: type: 'order' is not an input type (unknown_type)"},
      {R"({"ts_ns":5})", "1: type: missing (missing_field)"},
      {R"({"ts_ns":5,"type":7})", "19: type: a number, expected a string (bad_type)"},
      {R"({"ts_ns":5,"type":"heartbeat","price":"1"})", "39: price: 'price' is not a field of heartbeat (unknown_field)"},
      {R"({"ts_ns":5,"type":"trade","symbol":"X","qty":1})", "1: price: missing (missing_field)"},
      {R"({"type":"heartbeat"})", "1: ts_ns: missing (\"ts_ns\" or \"ts\") (missing_field)"},
      {R"({"ts_ns":"5","type":"heartbeat"})", "10: ts_ns: a string, expected an integer (bad_type)"},
      {R"({"ts_ns":5.5,"type":"heartbeat"})", "10: ts_ns: '5.5' is not an integer (bad_number)"},
      {R"({"ts":"2012-06-21T13:30:00","type":"heartbeat"})",
       "7: ts: '2012-06-21T13:30:00' is not YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM) (bad_time)"},
      {R"({"ts":"2012-06-21T13:30:00.1234567891Z","type":"heartbeat"})",
       "7: ts: '2012-06-21T13:30:00.1234567891Z' is not YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM) (bad_time)"},
      // Past 2262 the instant has no int64 nanosecond count (found by decimal_time_fuzz).
      {R"({"ts":"2263-01-01T00:00:00Z","type":"heartbeat"})",
       "7: ts: '2263-01-01T00:00:00Z' is not YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM) (bad_time)"},
      {R"({"ts_ns":5,"ts":"2012-06-21T13:30:00Z","type":"heartbeat"})",
       "17: ts: both \"ts_ns\" and \"ts\"; give one (bad_time)"},
      {R"({"ts_ns":5,"type":"trade","symbol":"X","price":"1.5x","qty":1})",
       "48: price: '1.5x': not a decimal number (bad_number)"},
      {R"({"ts_ns":5,"type":"trade","symbol":"X","price":1e400,"qty":1})",
       "52: json: number overflow parsing '1e400' (bad_json)"},
      {R"({"ts_ns":5,"type":"trade","symbol":"X","price":"1.0000001","qty":1})",
       "48: price: '1.0000001' is not a multiple of the tick 0.000001 (not_on_tick)"},
      {R"({"ts_ns":5,"type":"trade","symbol":"X","price":true,"qty":1})",
       "48: price: a boolean, expected a decimal string or number (bad_type)"},
      {R"({"ts_ns":5,"type":"trade","symbol":"X","price":1,"qty":-2})", "56: qty: -2 is negative (negative_size)"},
      {R"({"ts_ns":5,"type":"trade","symbol":"X","price":1,"qty":2.0})", "56: qty: '2.0' is not an integer (bad_number)"},
      {R"({"ts_ns":5,"type":"trade","symbol":"X","price":1,"qty":1,"aggressor":"up"})",
       "70: aggressor: 'up' is not one of buy, sell (bad_enum)"},
      {R"({"ts_ns":5,"type":"cancel","symbol":"X","id":1,"account":4294967296})",
       "58: account: 4294967296 is above 4294967295 (bad_number)"},
      {R"({"ts_ns":5,"type":"cancel","symbol":"X","id":-1,"account":1})", "46: id: -1 is below 0 (bad_number)"},
      {R"({"ts_ns":5,"type":"control","symbol":{"a":1},"kind":"halt"})",
       "38: symbol: an object or array, expected a string (bad_type)"},
      {R"({"ts_ns":3,"type":"heartbeat"})", "10: ts_ns: 3 ns is before the previous line's 4 (time_backwards)"},
      {R"({"seq":10,"ts_ns":5,"type":"heartbeat"})", "8: seq: 10 is not above the previous line's 10 (seq_not_increasing)"},
  };
  for (const BadCase& c : cases) {
    TempDir dir("jsonl_bad");
    const std::string path = write_file(dir, std::string("{\"seq\":10,\"ts_ns\":4,\"type\":\"heartbeat\"}\n") +
                                                 c.line + "\n{\"ts_ns\":9,\"type\":\"heartbeat\"}\n");
    TickConverter ticks = micro();
    Drained d = drain(path, ticks);
    ASSERT_EQ(d.bad.size(), 1u) << c.line;
    const std::string prefix = path + ":2:" + c.expected;
    if (prefix.back() == ' ') {  // nlohmann's own wording: check only position, field and reason
      EXPECT_EQ(d.bad[0].message().substr(0, prefix.size()), prefix) << c.line;
      EXPECT_EQ(d.bad[0].reason, "bad_json") << c.line;
    } else {
      EXPECT_EQ(d.bad[0].message(), prefix) << c.line;
    }
    EXPECT_EQ(d.records.size(), 2u) << c.line;  // the reader goes on after a bad row
  }
}

TEST(FeedJsonl, BlankLinesAndCrlfAreNotRows) {
  TempDir dir("jsonl_blank");
  const std::string path = write_file(dir, "\r\n{\"ts_ns\":1,\"type\":\"heartbeat\"}\r\n   \n\n"
                                           "{\"ts_ns\":2,\"type\":\"heartbeat\"}");
  TickConverter ticks = micro();
  Drained d = drain(path, ticks);
  EXPECT_TRUE(d.bad.empty());
  ASSERT_EQ(d.records.size(), 2u);
  EXPECT_EQ(d.records[0].line, 2u);
  EXPECT_EQ(d.records[1].line, 5u);
}

TEST(FeedJsonl, LineLongerThanTheReadBufferIsReadWhole) {
  TempDir dir("jsonl_long");
  const std::string symbol(3 << 20, 'S');  // 3 MiB: the reader's buffer starts at 1 MiB
  const std::string path = write_file(
      dir, "{\"ts_ns\":1,\"type\":\"heartbeat\"}\n{\"ts_ns\":2,\"type\":\"control\",\"kind\":\"halt\","
           "\"symbol\":\"" + symbol + "\"}\n{\"ts_ns\":3,\"type\":\"heartbeat\"}\n");
  TickConverter ticks = micro();
  Drained d = drain(path, ticks);
  EXPECT_TRUE(d.bad.empty());
  ASSERT_EQ(d.records.size(), 3u);
  EXPECT_EQ(d.records[1].symbol, symbol);
  EXPECT_EQ(d.records[2].ts_ns, 3);
}

TEST(FeedJsonl, MissingFileIsAnIoError) {
  TickConverter ticks = micro();
  EXPECT_EQ(open_jsonl_reader("/nonexistent/x.jsonl", {}, ticks).status().code(), StatusCode::kIo);
}

}  // namespace
}  // namespace tape
