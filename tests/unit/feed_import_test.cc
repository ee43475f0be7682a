// `tape import` end to end: every shipped data file imports with default options into a data
// log that inspect reads, audit passes and a JSONL export re-imports into; exact prices; the merge order of several files and its
// tie rule; time zones; determinism; the data log's meta.
#include <gtest/gtest.h>

#include "feed/data_log.h"
#include "feed/instruments.h"
#include "feed_import_util.h"
#include "store/event_log.h"

namespace tape {
namespace {

using import_test::import;
using import_test::inspect_values;
using import_test::Scratch;
using testing_util::json_number;
using testing_util::json_string;
using testing_util::run_tape;

const std::string kData = TAPE_SHARED_DATA;

struct Shipped {
  const char* file;
  const char* format;
  const char* symbol;
  double rows;
  const char* tick;
};

const Shipped kShipped[] = {
    {"orcl-1995-2014.txt", "bars", "ORCL", 5036, "0.000001"},
    {"2006-min-005.txt", "bars", "2006-MIN-005", 2142, "0.01"},
    {"ticksample.csv", "bars", "TICKSAMPLE", 135, "0.01"},
    {"bidask.csv", "quotes", "BIDASK", 10, "0.0001"},
    {"lobster/GOOG_2012-06-21_34200000_57600000_message_1.csv", "lobster", "GOOG", 49482,
     "0.0001"},
};

TEST(FeedImportTest, EveryShippedFileImportsWithDefaultOptions) {
  for (const Shipped& f : kShipped) {
    SCOPED_TRACE(f.file);
    Scratch s("shipped");
    const auto r = import(kData + "/" + f.file, f.format, s.path("log"), "--json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json_number(r.out, "imported"), f.rows) << r.out;
    EXPECT_EQ(json_number(r.out, "skipped"), 0);
    EXPECT_EQ(json_number(r.out, "seq_last"), f.rows);
    EXPECT_EQ(json_string(r.out, "chain_head").size(), 64u);
    EXPECT_NE(r.out.find("{\"symbol\":\"" + std::string(f.symbol) + "\",\"tick_size\":\"" +
                         f.tick + "\""),
              std::string::npos)
        << r.out;
    const auto inspect = run_tape("inspect --data-dir " + s.path("log"));
    EXPECT_EQ(inspect.exit_code, 0) << inspect.err;
    EXPECT_NE(inspect.out.find("symbol=" + std::string(f.symbol)), std::string::npos);
  }
}

TEST(FeedImportTest, EveryShippedFileRoundTripsThroughJsonl) {
  for (const Shipped& f : kShipped) {
    SCOPED_TRACE(f.file);
    Scratch s("jsonl");
    const auto a = import(kData + "/" + f.file, f.format, s.path("a"), "--json");
    ASSERT_EQ(a.exit_code, 0) << a.err;
    const auto exported = run_tape("inspect --data-dir " + s.path("a") + " --jsonl");
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    const std::string jsonl = s.file("a.jsonl", exported.out);
    const auto b = import(jsonl, "jsonl", s.path("b"), "--json");
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_EQ(json_string(a.out, "chain_head"), json_string(b.out, "chain_head"));
  }
}

TEST(FeedImportTest, EveryImportedShippedFileAuditsClean) {
  for (const Shipped& f : kShipped) {
    SCOPED_TRACE(f.file);
    Scratch s("audit");
    const auto r = import(kData + "/" + f.file, f.format, s.path("log"), "--json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto audit = run_tape("audit --data-dir " + s.path("log") + " --expect-head " +
                                json_string(r.out, "chain_head"));
    EXPECT_EQ(audit.exit_code, 0) << audit.err << audit.out;
  }
}

TEST(FeedImportTest, OrclPricesAreExactAndDailyBarsCloseAtTheEndOfTheirDate) {
  Scratch s("orcl");
  ASSERT_EQ(import(kData + "/orcl-1995-2014.txt", "bars", s.path("log")).exit_code, 0);
  const auto r = run_tape("inspect --data-dir " + s.path("log") + " --to 1");
  // 1995-01-03,2.179012,2.191358,2.117284,2.117284,1.883304,36301200: stamped 1995-01-04 00:00Z.
  EXPECT_NE(r.out.find("seq=1 ts_ns=789177600000000000 ts=1995-01-04T00:00:00Z type=bar "
                       "symbol=ORCL open=2.179012 high=2.191358 low=2.117284 close=2.117284 volume=36301200 "
                       "period_ns=86400000000000"),
            std::string::npos)
      << r.out;
}

TEST(FeedImportTest, AdjustedBarsScaleOpenHighLowByAdjCloseOverClose) {
  Scratch s("adjusted");
  ASSERT_EQ(import(kData + "/orcl-1995-2014.txt", "bars", s.path("log"), "--adjusted").exit_code,
            0);
  const auto r = run_tape("inspect --data-dir " + s.path("log") + " --from 5036");
  // 2014-12-31,45.450001,45.560001,44.970001,44.970001,42.303135: x 42.303135/44.970001, to
  // the nearest 0.000001.
  EXPECT_NE(r.out.find("open=42.754669 high=42.858146 low=42.303135 close=42.303135"),
            std::string::npos)
      << r.out;
}

TEST(FeedImportTest, IntradayBarsTakeTheSmallestRegularGapAsTheirPeriod) {
  Scratch s("intraday");
  ASSERT_EQ(import(kData + "/2006-min-005.txt", "bars", s.path("log")).exit_code, 0);
  const auto periods = inspect_values(s.path("log"), "period_ns");
  ASSERT_EQ(periods.size(), 2142u);
  EXPECT_EQ(periods.front(), "300000000000");
  const auto ts = inspect_values(s.path("log"), "ts_ns");
  EXPECT_EQ(ts.front(), "1136192700000000000");  // 2006-01-02 09:05 UTC, the bar's close
  // --bar-period overrides; none = 0.
  ASSERT_EQ(import(kData + "/2006-min-005.txt", "bars", s.path("log"), "--overwrite --bar-period 1h")
                .exit_code,
            0);
  EXPECT_EQ(inspect_values(s.path("log"), "period_ns").front(), "3600000000000");
}

TEST(FeedImportTest, FilesMergeByTimeThenCommandLinePositionThenLine) {
  Scratch s("merge");
  const std::string a = s.file("aaa.csv",
                               "TIMESTAMP,BID,ASK\n"
                               "2020-01-01T10:00:00Z,1.0,1.1\n"
                               "2020-01-01T10:00:02Z,1.0,1.2\n"
                               "2020-01-01T10:00:02Z,1.0,1.3\n");
  const std::string b = s.file("bbb.csv",
                               "TIMESTAMP,BID,ASK\n"
                               "2020-01-01T10:00:01Z,2.0,2.1\n"
                               "2020-01-01T10:00:02Z,2.0,2.2\n"
                               "2020-01-01T10:00:03Z,2.0,2.3\n");
  // b first on the command line: at 10:00:02, b's row comes before a's two (in their order).
  ASSERT_EQ(import(b + " " + a, "quotes", s.path("log")).exit_code, 0);
  EXPECT_EQ(inspect_values(s.path("log"), "ask"),
            (std::vector<std::string>{"1.1", "2.1", "2.2", "1.2", "1.3", "2.3"}));
  // Symbols are numbered in order of first appearance in the merged stream: AAA (10:00:00) is 0.
  auto log = EventLog::open(s.path("log"), /*read_only=*/true);
  ASSERT_TRUE(log.is_ok());
  auto table = data_log_instruments(*log.value());
  ASSERT_TRUE(table.is_ok()) << table.status().message();
  ASSERT_EQ(table.value().size(), 2u);
  EXPECT_EQ(table.value()[0].symbol, "AAA");
  EXPECT_EQ(table.value()[1].symbol, "BBB");
  auto kind = log.value()->get_meta(kMetaLogKind);
  ASSERT_TRUE(kind.is_ok() && kind.value().has_value());
  EXPECT_EQ(*kind.value(), kLogKindData);
}

TEST(FeedImportTest, SymbolColumnSplitsOneFileIntoInstruments) {
  Scratch s("symcol");
  const std::string f = s.file("multi.csv",
                               "time,symbol,price,size,side\n"
                               "2020-01-01T10:00:00Z,XYZ,10.5,100,B\n"
                               "2020-01-01T10:00:00Z,ABC,2.25,5,S\n"
                               "2020-01-01T10:00:01Z,XYZ,10.55,100,buy\n");
  const auto r = import(f, "trades", s.path("log"), "--json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(inspect_values(s.path("log"), "symbol"), (std::vector<std::string>{"XYZ", "ABC", "XYZ"}));
  EXPECT_EQ(inspect_values(s.path("log"), "aggressor"),
            (std::vector<std::string>{"buy", "sell", "buy"}));
  // Auto tick is per symbol: XYZ 0.01, ABC 0.01 (2.25).
  EXPECT_NE(r.out.find("{\"symbol\":\"XYZ\",\"tick_size\":\"0.01\""), std::string::npos) << r.out;
}

TEST(FeedImportTest, QuotesWithoutSizesGetOneLotAndWithSizesKeepThem) {
  Scratch s("quotes");
  ASSERT_EQ(import(kData + "/bidask.csv", "quotes", s.path("log")).exit_code, 0);
  EXPECT_EQ(inspect_values(s.path("log"), "bid_qty").front(), "1");
  const std::string f = s.file("sized.csv",
                               "Timestamp,Bid,Ask,Bid Size,Ask Size\n"
                               "2020-01-01 10:00:00,1.5,1.6,300,200\n");
  ASSERT_EQ(import(f, "quotes", s.path("log2"), "--lot-size 100").exit_code, 0);
  EXPECT_EQ(inspect_values(s.path("log2"), "bid_qty"), std::vector<std::string>{"3"});
  EXPECT_EQ(inspect_values(s.path("log2"), "ask_qty"), std::vector<std::string>{"2"});
}

TEST(FeedImportTest, DailyBarsCloseAtLocalMidnightAcrossADstChange) {
  Scratch s("dst");
  const std::string f = s.file("dst.csv",
                               "Date,Open,High,Low,Close\n"
                               "2021-03-12,1,1,1,1\n"    // ends 2021-03-13 00:00 EST = 05:00Z
                               "2021-03-14,1,1,1,1\n");  // ends 2021-03-15 00:00 EDT = 04:00Z
  ASSERT_EQ(import(f, "bars", s.path("log"), "--tz America/New_York").exit_code, 0);
  EXPECT_EQ(inspect_values(s.path("log"), "ts_ns"),
            (std::vector<std::string>{"1615611600000000000", "1615780800000000000"}));
  // --daily-close 16:00 stamps at the local close instead: 21:00Z, then 20:00Z.
  ASSERT_EQ(import(f, "bars", s.path("log2"), "--tz America/New_York --daily-close 16:00").exit_code,
            0);
  EXPECT_EQ(inspect_values(s.path("log2"), "ts_ns"),
            (std::vector<std::string>{"1615582800000000000", "1615752000000000000"}));
}

TEST(FeedImportTest, SameFilesTwiceGiveTheSameChainHead) {
  Scratch s("determinism");
  const std::string files = kData + "/orcl-1995-2014.txt " + kData + "/2006-min-005.txt";
  const auto a = import(files, "bars", s.path("a"), "--json");
  const auto b = import(files, "bars", s.path("b"), "--json");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(json_string(a.out, "chain_head"), json_string(b.out, "chain_head"));
  EXPECT_EQ(json_number(a.out, "seq_last"), 5036 + 2142);
  // The command line's order only breaks ties: these files share no timestamp, so swapping
  // them gives the same log (ids follow first appearance in time, not the command line).
  const auto c = import(kData + "/2006-min-005.txt " + kData + "/orcl-1995-2014.txt", "bars",
                        s.path("c"), "--json");
  ASSERT_EQ(c.exit_code, 0);
  EXPECT_EQ(json_string(a.out, "chain_head"), json_string(c.out, "chain_head"));
}

TEST(FeedImportTest, MetaNamesFilesHashesAndResolvedOptions) {
  Scratch s("meta");
  ASSERT_EQ(import(kData + "/bidask.csv", "quotes", s.path("log")).exit_code, 0);
  auto log = EventLog::open(s.path("log"), /*read_only=*/true);
  ASSERT_TRUE(log.is_ok());
  auto meta = log.value()->get_meta(kMetaImport);
  ASSERT_TRUE(meta.is_ok() && meta.value().has_value());
  const std::string& m = *meta.value();
  EXPECT_NE(m.find("\"sha256\":\"49d0180310b3fa48a28d7dd8c6412c0e667fa3c91aa1468d3480585e192a31ae\""),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("\"format\":\"quotes\""), std::string::npos);
  EXPECT_NE(m.find("\"tick_size\":\"auto\""), std::string::npos);
  EXPECT_NE(m.find("\"round\":\"reject\""), std::string::npos);
  EXPECT_NE(m.find("\"quote_size_default_lots\":1"), std::string::npos);
  EXPECT_NE(m.find("\"first_ts_ns\":1265216030000000000"), std::string::npos) << m;
}

TEST(FeedImportTest, ExplicitTickRoundsOnlyWhenAsked) {
  Scratch s("round");
  const std::string f = s.file("r.csv", "time,price,size\n2020-01-01T10:00:00Z,10.005,1\n");
  EXPECT_EQ(import(f, "trades", s.path("log"), "--tick-size 0.01").exit_code, 2);
  ASSERT_EQ(import(f, "trades", s.path("log"), "--tick-size 0.01 --round down").exit_code, 0);
  EXPECT_EQ(inspect_values(s.path("log"), "price"), std::vector<std::string>{"10.00"});
  ASSERT_EQ(import(f, "trades", s.path("log2"), "--tick-size 0.01 --round nearest").exit_code, 0);
  EXPECT_EQ(inspect_values(s.path("log2"), "price"), std::vector<std::string>{"10.01"});
}

TEST(FeedImportTest, HeaderlessFilesMapColumnsByIndex) {
  Scratch s("noheader");
  const std::string f = s.file("raw.txt",
                               "XYZ;1577872800;10.5;100\n"
                               "ABC;1577872801;2.25;5\n");
  const auto r = import(f, "trades", s.path("log"),
                        "--no-header --delimiter ';' --time-format unix_s --symbol-column 1 "
                        "--columns datetime=2,price=3,size=4");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(inspect_values(s.path("log"), "symbol"), (std::vector<std::string>{"XYZ", "ABC"}));
  EXPECT_EQ(inspect_values(s.path("log"), "ts_ns"),
            (std::vector<std::string>{"1577872800000000000", "1577872801000000000"}));
  EXPECT_EQ(inspect_values(s.path("log"), "price"), (std::vector<std::string>{"10.5", "2.25"}));
}

TEST(FeedImportTest, UsageErrorsExitOne) {
  Scratch s("usage");
  const std::string f = s.file("f.csv", "time,price,size\n2020-01-01T10:00:00Z,1,1\n");
  EXPECT_EQ(import(f, "candles", s.path("log")).exit_code, 1);
  EXPECT_EQ(import(f, "trades", s.path("log"), "--round sideways").exit_code, 1);
  EXPECT_EQ(import(f, "trades", s.path("log"), "--tz Mars/Base").exit_code, 1);
  EXPECT_EQ(import(f, "trades", s.path("log"), "--columns wat=1").exit_code, 1);
  EXPECT_EQ(run_tape("import --format bars --data-dir " + s.path("log")).exit_code, 1);
}

}  // namespace
}  // namespace tape
