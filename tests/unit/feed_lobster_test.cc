// LOBSTER message reader: the shipped GOOG sample end to end, and every bad-row kind on small
// hand-written files.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "feed/lobster_reader.h"
#include "tests/cli_util.h"

namespace tape {
namespace {

using testing_util::TempDir;

const std::string kGoog = std::string(TAPE_SHARED_DATA) +
                          "/lobster/GOOG_2012-06-21_34200000_57600000_message_1.csv";

TickConverter cents() { return TickConverter(Decimal{1, 2}, Rounding::kReject); }
TickConverter tenth_mils() { return TickConverter(Decimal{1, 4}, Rounding::kReject); }

struct Drained {
  std::vector<FeedRecord> records;
  std::vector<BadRow> bad;
  LobsterStats stats;  // a copy: the reader's own ends with it
};

Drained drain(const std::string& path, TickConverter& ticks, const LobsterOptions& options = {}) {
  Drained d;
  const LobsterStats* stats = nullptr;
  auto opened = open_lobster_reader(path, options, ticks, &stats);
  EXPECT_TRUE(opened.is_ok()) << opened.status().message();
  if (!opened.is_ok()) return d;
  RecordReader& r = *opened.value();
  FeedRecord rec;
  BadRow bad;
  for (;;) {
    auto step = r.next(rec, bad);
    EXPECT_TRUE(step.is_ok()) << step.status().message();
    if (!step.is_ok() || step.value() == RecordReader::Step::kEnd) break;
    if (step.value() == RecordReader::Step::kRecord) d.records.push_back(rec);
    else d.bad.push_back(bad);
  }
  d.stats = *stats;
  return d;
}

// A LOBSTER-named file in `dir` holding `body`.
std::string write_file(const TempDir& dir, const std::string& body,
                       const std::string& name = "TEST_2012-06-21_34200000_57600000_message_1.csv") {
  std::filesystem::create_directories(dir.path());
  const std::string path = dir.path() + "/" + name;
  std::ofstream(path, std::ios::binary) << body;
  return path;
}

const BookMessageIn& msg(const FeedRecord& r) { return std::get<BookMessageIn>(r.body); }

TEST(FeedLobster, GoogSampleReadsEveryRowWithExactTimesAndCountsNeverAddedOrders) {
  TickConverter ticks = tenth_mils();
  Drained d = drain(kGoog, ticks);
  // The shared README says 49,481; the file has 49,482 lines, every one a message.
  ASSERT_EQ(d.records.size(), 49'482u);
  EXPECT_TRUE(d.bad.empty());
  EXPECT_EQ(d.stats.messages, 49'482u);
  // 09:30:00.015105074 EDT and 15:59:59.320718269 EDT on 2012-06-21.
  EXPECT_EQ(d.records.front().ts_ns, 1'340'285'400'015'105'074);
  EXPECT_EQ(d.records.back().ts_ns, 1'340'308'799'320'718'269);
  EXPECT_EQ(d.records.front().symbol, "GOOG");
  EXPECT_EQ(d.records.front().line, 1u);
  EXPECT_EQ(msg(d.records.front()).action, BookAction::kExecute);
  EXPECT_EQ(msg(d.records.front()).order_id, 15'818'974u);
  EXPECT_EQ(msg(d.records.front()).price, Price(5'794'000));
  EXPECT_EQ(msg(d.records.front()).side, Side::kBuy);
  EXPECT_EQ(msg(d.records.back()).side, Side::kSell);
  EXPECT_EQ(msg(d.records.back()).qty, Qty(42));

  std::map<BookAction, uint64_t> by_action;
  for (const FeedRecord& r : d.records) ++by_action[msg(r).action];
  EXPECT_EQ(by_action[BookAction::kAdd], 24'368u);
  EXPECT_EQ(by_action[BookAction::kReduce], 7u);
  EXPECT_EQ(by_action[BookAction::kDelete], 13'429u);
  EXPECT_EQ(by_action[BookAction::kExecute], 7'765u);
  EXPECT_EQ(by_action[BookAction::kHiddenExecute], 3'913u);

  const auto& unknown = d.stats.unknown_order_by_action;
  EXPECT_EQ(unknown.at("reduce"), 1u);
  EXPECT_EQ(unknown.at("delete"), 2'166u);
  EXPECT_EQ(unknown.at("execute"), 2'309u);
  const uint64_t named = by_action[BookAction::kReduce] + by_action[BookAction::kDelete] +
                         by_action[BookAction::kExecute];
  const double share = double(unknown.at("reduce") + unknown.at("delete") + unknown.at("execute")) / named;
  EXPECT_GT(share, 0.18);  // "about a fifth": 4,476 of 21,201
  EXPECT_LT(share, 0.24);
}

TEST(FeedLobster, GoogHiddenExecutionsAtHalfCentsAreNotOnACentTick) {
  TickConverter ticks = cents();
  Drained d = drain(kGoog, ticks);
  // 50 hidden executions (type 5) print at a half cent (e.g. 577.7750): off a 0.01 tick.
  ASSERT_EQ(d.bad.size(), 50u);
  std::set<std::string> reasons;
  for (const BadRow& b : d.bad) reasons.insert(b.reason + "/" + b.field);
  EXPECT_EQ(reasons, std::set<std::string>{"not_on_tick/price"});
  EXPECT_EQ(d.bad.front().message(),
            kGoog + ":862:24: price: '577.7750' is not a multiple of the tick 0.01 (not_on_tick)");
  TickConverter half = TickConverter(Decimal{5, 3}, Rounding::kReject);
  EXPECT_TRUE(drain(kGoog, half).bad.empty());
}

// LOBSTER writes prices as dollars x 10^4: tick "auto" takes that resolution (0.0001), which
// also holds GOOG's half-cent hidden executions exactly.
TEST(FeedLobster, AutoTickScanTakesLobsterPriceResolution) {
  TickConverter scan = TickConverter::scanner();
  drain(kGoog, scan);
  EXPECT_EQ(scan.scales().at("GOOG"), 4);
}

TEST(FeedLobster, TypeSevenSplitsByPriceIntoHaltQuoteResumeAndTradeResume) {
  TempDir dir("lobster_halt");
  const std::string path = write_file(dir,
                                      "36023,7,0,0,-1,-1\n"
                                      "36323,7,0,0,0,-1\n"
                                      "36723.5,7,0,0,1,-1\n"
                                      "36723.5,1,7,100,5794000,-1\n"
                                      "36724,6,0,50,5794000,1\n");
  TickConverter ticks = cents();
  Drained d = drain(path, ticks);
  ASSERT_EQ(d.records.size(), 5u);
  EXPECT_EQ(msg(d.records[0]).action, BookAction::kHalt);
  EXPECT_EQ(msg(d.records[1]).action, BookAction::kQuoteResume);
  EXPECT_EQ(msg(d.records[2]).action, BookAction::kTradeResume);
  EXPECT_EQ(msg(d.records[2]).price, Price(0));
  EXPECT_EQ(msg(d.records[3]).price, Price(57'940));  // 579.40 at tick 0.01
  EXPECT_EQ(msg(d.records[3]).side, Side::kSell);
  EXPECT_EQ(msg(d.records[4]).action, BookAction::kCross);
  EXPECT_EQ(d.records[2].ts_ns - d.records[1].ts_ns, 400'500'000'000);
}

TEST(FeedLobster, OrderRemovedByReduceToZeroIsUnknownAfterwards) {
  TempDir dir("lobster_live");
  const std::string path = write_file(dir,
                                      "1,1,5,100,10000,1\n"   // add 100
                                      "2,2,5,40,10000,1\n"    // reduce to 60
                                      "3,4,5,60,10000,1\n"    // executed to 0: gone
                                      "4,3,5,10,10000,1\n"    // delete of a gone order
                                      "5,2,9,1,10000,1\n"     // never added
                                      "6,4,9,1,10000,1\n");
  TickConverter ticks = cents();
  Drained d = drain(path, ticks);
  EXPECT_EQ(d.records.size(), 6u);
  EXPECT_EQ(d.stats.unknown_order_by_action,
            (std::map<std::string, uint64_t>{{"delete", 1}, {"execute", 1}, {"reduce", 1}}));
}

struct BadCase {
  const char* row;
  const char* expected;  // message() after the file name
};

TEST(FeedLobster, EveryBadRowKindNamesLineColumnFieldAndReason) {
  const BadCase cases[] = {
      {"34200.1,1,5,100,10000", ":2:1: row: 5 fields, expected 6 (wrong_field_count)"},
      {"34200.1,1,5,100,10000,1,0", ":2:1: row: 7 fields, expected 6 (wrong_field_count)"},
      {"34200.x,1,5,100,10000,1", ":2:1: time: '34200.x' is not seconds.fraction (bad_number)"},
      {"34200.1234567891,1,5,100,10000,1",
       ":2:1: time: '34200.1234567891' is not seconds.fraction (bad_number)"},
      {"34200.1,1,5,1e2,10000,1", ":2:13: size: '1e2' is not an integer (bad_number)"},
      {"34200.1,1,5,100,100.5,1", ":2:17: price: '100.5' is not an integer (bad_number)"},
      {"34200.1,8,5,100,10000,1", ":2:9: type: type 8 is not 1..7 (unknown_type)"},
      {"34200.1,0,5,100,10000,1", ":2:9: type: type 0 is not 1..7 (unknown_type)"},
      {"34200.1,7,0,0,2,-1", ":2:15: price: type 7 price 2 is not -1, 0 or 1 (bad_enum)"},
      {"34200.1,1,5,100,10000,0", ":2:23: direction: '0' is not 1 or -1 (bad_enum)"},
      {"34200.1,1,5,0,10000,1", ":2:13: size: size 0 on type 1 (non_positive_size)"},
      {"34200.1,4,5,-3,10000,1", ":2:13: size: size -3 on type 4 (non_positive_size)"},
      {"34200.1,1,5,100,10050,1",
       ":2:17: price: '1.0050' is not a multiple of the tick 0.01 (not_on_tick)"},
      {"34199.9,1,5,100,10000,1",
       ":2:1: time: '34199.9' is before the previous row's time (time_backwards)"},
  };
  for (const BadCase& c : cases) {
    TempDir dir("lobster_bad");
    const std::string path =
        write_file(dir, std::string("34200.1,1,4,100,10000,1\n") + c.row + "\n34200.2,3,4,100,10000,1\n");
    TickConverter ticks = cents();
    Drained d = drain(path, ticks);
    ASSERT_EQ(d.bad.size(), 1u) << c.row;
    EXPECT_EQ(d.bad[0].message(), path + c.expected) << c.row;
    EXPECT_EQ(d.records.size(), 2u) << c.row;  // the reader goes on after a bad row
  }
}

TEST(FeedLobster, SameNanosecondIsNotBackwards) {
  TempDir dir("lobster_same");
  const std::string path = write_file(dir, "34200.100,1,4,100,10000,1\n34200.1,3,4,100,10000,1\n");
  TickConverter ticks = cents();
  Drained d = drain(path, ticks);
  EXPECT_TRUE(d.bad.empty());
  ASSERT_EQ(d.records.size(), 2u);
  EXPECT_EQ(d.records[0].ts_ns, d.records[1].ts_ns);
}

TEST(FeedLobster, FileNameWithoutSymbolAndDateNeedsTheOptions) {
  TempDir dir("lobster_name");
  const std::string path = write_file(dir, "34200.1,1,4,100,10000,1\n", "messages.csv");
  TickConverter ticks = cents();
  const LobsterStats* stats = nullptr;
  auto r = open_lobster_reader(path, {}, ticks, &stats);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUsage);
  EXPECT_NE(r.status().message().find(path), std::string::npos);
  EXPECT_NE(r.status().message().find("--symbol and --date"), std::string::npos);
  LobsterOptions options;
  options.symbol = "XYZ";
  options.date = "2012-01-03";  // EST: midnight is 05:00 UTC
  Drained d = drain(path, ticks, options);
  ASSERT_EQ(d.records.size(), 1u);
  EXPECT_EQ(d.records[0].symbol, "XYZ");
  EXPECT_EQ(d.records[0].ts_ns, 1'325'566'800'000'000'000 + 34'200'100'000'000);
}

TEST(FeedLobster, UnknownZoneBadDateAndMissingFileAreErrors) {
  TickConverter ticks = cents();
  LobsterOptions options;
  options.tz = "Mars/Olympus";
  EXPECT_EQ(open_lobster_reader(kGoog, options, ticks, nullptr).status().code(), StatusCode::kUsage);
  options = {};
  options.date = "2012-02-30";
  EXPECT_EQ(open_lobster_reader(kGoog, options, ticks, nullptr).status().code(), StatusCode::kUsage);
  EXPECT_EQ(open_lobster_reader("/nonexistent/GOOG_2012-06-21_1_2_message_1.csv", {}, ticks, nullptr)
                .status()
                .code(),
            StatusCode::kIo);
}

}  // namespace
}  // namespace tape
