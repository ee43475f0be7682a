// The backtest report (report/backtest_report.h) from small hand-written run logs: round trips
// (including a flip and a fill split over two outputs), equity per bar close, the CSV texts
// exactly, times as the data file wrote them, sampling, and logs that contradict themselves.
#include "report/backtest_report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/codec.h"
#include "feed/data_log.h"
#include "feed/time_parse.h"
#include "report/json.h"
#include "report/svg_chart.h"
#include "report/tearsheet.h"

namespace tape {
namespace {

constexpr int64_t kCash = 1'000'000'000;  // 100,000.0000 at 10^4 minor units per unit
constexpr AccountId kA(1), kB(2), kExt(kExternalAccountBase);

class BacktestReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    root_ =
        std::filesystem::path(::testing::TempDir()) /
        ("tape_backtest_report_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // The daily bar of `date` (YYYY-MM-DD), stamped at the end of its date in UTC as the importer
  // stamps it. Prices in ticks of 0.01.
  void bar(const char* date, int64_t open, int64_t close, uint32_t instrument = 0) {
    int64_t days = 0;
    ASSERT_TRUE(parse_date(date, DateFormat::kYmd, days));
    at((days + 1) * kNsPerDay,
       BarIn{InstrumentId(instrument), Price(open), Price(std::max(open, close)),
             Price(std::min(open, close)), Price(close), Qty(1000), kNsPerDay});
  }
  void at(int64_t ts, InputBody body) {
    inputs_.push_back(Input{Seq(inputs_.size() + 1), Timestamp(ts), std::move(body)});
  }
  void out(OutputBody body) {
    uint32_t k = 0;
    for (const Output& o : outputs_) k += o.seq == inputs_.back().seq ? 1 : 0;
    outputs_.push_back(Output{inputs_.back().seq, k, std::move(body)});
  }
  // A data-venue fill of `account` as taker (maker = the venue, external).
  void fill(AccountId account, Side side, int64_t price, int64_t qty, uint64_t order = 7,
            AccountId maker = kExt, uint32_t instrument = 0) {
    out(Fill{InstrumentId(instrument), OrderId(0), maker, OrderId(order), account, Price(price),
             Qty(qty), side, Qty(0), Qty(0)});
  }
  void pu(AccountId account, int64_t position, int64_t cash, int64_t realized, int64_t fees,
          uint32_t instrument = 0) {
    out(PositionUpdate{account, InstrumentId(instrument), position, Money(cash), Money(realized),
                       Money(fees)});
  }

  std::string write_log(const std::string& instruments, const std::string& import_meta) {
    const std::string dir = (root_ / ("log" + std::to_string(logs_++))).string();
    auto log = EventLog::create(dir, LogOptions{}, false);
    EXPECT_TRUE(log.is_ok()) << log.status().message();
    EXPECT_TRUE(log.value()->put_meta(kMetaInstruments, instruments).is_ok());
    if (!import_meta.empty()) {
      EXPECT_TRUE(log.value()->put_meta(kMetaImport, import_meta).is_ok());
    }
    // Two batches, split between inputs, so the walk crosses a batch boundary.
    const size_t half = inputs_.size() > 1 ? inputs_.size() / 2 : inputs_.size();
    std::vector<Output> first, second;
    for (const Output& o : outputs_) (o.seq.value() <= half ? first : second).push_back(o);
    EXPECT_TRUE(log.value()
                    ->append(encode_batch(std::span<const Input>(inputs_.data(), half), first))
                    .is_ok());
    if (half < inputs_.size()) {
      const std::span<const Input> rest(inputs_.data() + half, inputs_.size() - half);
      EXPECT_TRUE(log.value()->append(encode_batch(rest, second)).is_ok());
    }
    EXPECT_TRUE(log.value()->flush().is_ok());
    return dir;
  }

  Result<BacktestReport> build(const std::string& dir, const BacktestReportSettings& s) {
    auto log = EventLog::open(dir, true);
    if (!log.is_ok()) return log.status();
    ReportOutput keep;
    keep.keep_csv_text = true;
    return build_backtest_report(*log.value(), s, keep);
  }

  static BacktestReportSettings one_strategy() {
    BacktestReportSettings s;
    s.money_scale = 10'000;
    s.strategies = {{"sma", kA, kCash, "libsma.so", "ab12", "", 0}};
    return s;
  }

  // One instrument, 0.1 % fees, eight daily bars: a long round trip that loses, a long one
  // built from two fills (the second split over two outputs) that flips short, and the short
  // one closed. Money in minor units (10^4 per unit), prices in ticks of 0.01; the unit is
  // tick x lot x scale = 0.01 x 1 x 10^4 = 100 minor units per tick per lot.
  void orcl_like_run() {
    bar("2020-01-02", 1000, 1000);
    bar("2020-01-03", 1010, 1050);
    // buy 100 @ 10.10: notional 100 x 1010 x 100 = 10,100,000; fee 10,100
    fill(kA, Side::kBuy, 1010, 100);
    pu(kA, 100, -10'110'100, 0, 10'100);
    bar("2020-01-06", 990, 980);
    bar("2020-01-07", 990, 995);
    // sell 100 @ 9.90: notional 9,900,000, fee 9,900; realized 9,900,000 - 10,100,000
    fill(kA, Side::kSell, 990, 100);
    pu(kA, 0, -220'000, -200'000, 20'000);
    bar("2020-01-08", 1000, 1000);
    // buy 50 @ 10.00: 5,000,000, fee 5,000
    fill(kA, Side::kBuy, 1000, 50);
    pu(kA, 50, -5'225'000, -200'000, 25'000);
    bar("2020-01-09", 1020, 1040);
    // buy 30 + 20 @ 10.20 in one step: both fills are recorded before both position updates
    fill(kA, Side::kBuy, 1020, 30, 8);
    fill(kA, Side::kBuy, 1020, 20, 8);
    pu(kA, 80, -8'288'060, -200'000, 28'060);    // 3,060,000 + fee 3,060
    pu(kA, 100, -10'330'100, -200'000, 30'100);  // 2,040,000 + fee 2,040
    bar("2020-01-10", 1060, 1000);
    // sell 150 @ 10.60 flips to -50: closes 100 (realized 10,600,000 - cost 10,100,000 =
    // 500,000), fee 15,900 split 10,600 (100/150) to the closing trade, 5,300 to the new one
    fill(kA, Side::kSell, 1060, 150, 9);
    pu(kA, -50, 5'554'000, 300'000, 46'000);
    bar("2020-01-13", 1005, 1000);
    // buy 50 @ 10.05 closes the short: realized 5,300,000 - 5,025,000 = 275,000, fee 5,025
    fill(kA, Side::kBuy, 1005, 50, 10);
    pu(kA, 0, 523'975, 575'000, 51'025);
  }

  static constexpr const char* kOneInstrument =
      R"([{"symbol":"ORCL","tick_size":"0.01","lot_size":1}])";
  static constexpr const char* kUtcDaily =
      R"({"format":"bars","options":{"tz":"UTC","daily_close_ns":-1}})";

  std::filesystem::path root_;
  int logs_ = 0;
  std::vector<Input> inputs_;
  std::vector<Output> outputs_;
};

TEST_F(BacktestReportTest, RoundTripsOfAFlippingPositionAreExact) {
  orcl_like_run();
  auto r = build(write_log(kOneInstrument, kUtcDaily), one_strategy());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  // Trade 2: entry (50 x 10.00 + 30 x 10.20 + 20 x 10.20) / 100 = 10.10; fees 5,000 + 3,060 +
  // 2,040 + 10,600 = 20,700. Trade 3 (short): fees 5,300 + 5,025 = 10,325; pnl 275,000.
  EXPECT_EQ(r.value().trades_csv(),
            "entry_time,entry_price,exit_time,exit_price,qty,pnl,fees\n"
            "2020-01-03,10.10,2020-01-07,9.90,100,-20.00,2.00\n"
            "2020-01-08,10.10,2020-01-10,10.60,100,50.00,2.07\n"
            "2020-01-10,10.60,2020-01-13,10.05,-50,27.50,1.0325\n");
}

TEST_F(BacktestReportTest, EquityIsSampledAtEveryBarClose) {
  orcl_like_run();
  auto r = build(write_log(kOneInstrument, kUtcDaily), one_strategy());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  // starting cash + cash + position x mark x 100. A fill is a trade: as in the portfolio, the
  // next-open fill recorded after a bar's close is the instrument's last price at that close.
  //   01-03: 1e9 - 10,110,100 + 100 x 1010 x 100 = 999,989,900 (mark: the fill at 10.10)
  //   01-06: 1e9 - 10,110,100 + 100 x 980 x 100 = 999,689,900
  //   01-07: 1e9 - 220,000; 01-08: 1e9 - 5,225,000 + 50 x 1000 x 100 = 999,775,000
  //   01-09: 1e9 - 10,330,100 + 100 x 1020 x 100 = 999,869,900
  //   01-10: 1e9 + 5,554,000 - 50 x 1060 x 100 = 1,000,254,000 (a new peak)
  //   01-13: 1e9 + 523,975
  // drawdown from the first sample's 1e9: 10,100 / 1e9 = 0.000010 (6 places), 310,100 / 1e9...
  EXPECT_EQ(r.value().equity_csv(),
            "time,sma,total,drawdown\n"
            "2020-01-02,100000.00,100000.00,0.000000\n"
            "2020-01-03,99998.99,99998.99,0.000010\n"
            "2020-01-06,99968.99,99968.99,0.000310\n"
            "2020-01-07,99978.00,99978.00,0.000220\n"
            "2020-01-08,99977.50,99977.50,0.000225\n"
            "2020-01-09,99986.99,99986.99,0.000130\n"
            "2020-01-10,100025.40,100025.40,0.000000\n"
            "2020-01-13,100052.3975,100052.3975,0.000000\n");
  EXPECT_EQ(r.value().bars, 8u);
  EXPECT_EQ(r.value().strategies[0].figures.trade_count, 3u);
  EXPECT_EQ(r.value().total.max_drawdown_money, 310'100);
}

TEST_F(BacktestReportTest, FillsCsvNamesEachSide) {
  orcl_like_run();
  auto r = build(write_log(kOneInstrument, kUtcDaily), one_strategy());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().fills_csv(),
            "time,strategy,instrument,side,price,qty,fee,liquidity,order_id\n"
            "2020-01-03,sma,ORCL,buy,10.10,100,1.01,taker,7\n"
            "2020-01-07,sma,ORCL,sell,9.90,100,0.99,taker,7\n"
            "2020-01-08,sma,ORCL,buy,10.00,50,0.50,taker,7\n"
            "2020-01-09,sma,ORCL,buy,10.20,30,0.306,taker,8\n"
            "2020-01-09,sma,ORCL,buy,10.20,20,0.204,taker,8\n"
            "2020-01-10,sma,ORCL,sell,10.60,150,1.59,taker,9\n"
            "2020-01-13,sma,ORCL,buy,10.05,50,0.5025,taker,10\n");
}

TEST_F(BacktestReportTest, WritesTheThreeCsvFiles) {
  orcl_like_run();
  auto r = build(write_log(kOneInstrument, kUtcDaily), one_strategy());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const std::string out = (root_ / "out").string();
  ASSERT_TRUE(r.value().write_csvs(out).is_ok());
  for (const auto& [name, text] : {std::pair{"trades.csv", r.value().trades_csv()},
                                   {"fills.csv", r.value().fills_csv()},
                                   {"equity.csv", r.value().equity_csv()}}) {
    std::ifstream f(std::filesystem::path(out) / name);
    std::stringstream ss;
    ss << f.rdbuf();
    EXPECT_EQ(ss.str(), text) << name;
  }
}

TEST_F(BacktestReportTest, FiguresJsonHasEveryFigureAndNoNaN) {
  orcl_like_run();
  auto r = build(write_log(kOneInstrument, kUtcDaily), one_strategy());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const Json j = r.value().figures_json();
  const Json& s = j["strategies"][0];
  EXPECT_EQ(s["name"], "sma");
  EXPECT_EQ(s["plugin_sha256"], "ab12");
  EXPECT_EQ(s["final_equity"], "100052.3975");
  EXPECT_EQ(s["fees"], "5.1025");  // 51,025 minor units
  EXPECT_EQ(s["figures"]["trade_count"], 3);
  EXPECT_EQ(s["figures"]["wins"], 2);  // nets 47.93 and 26.4675; -22.00 is the loss
  // winning nets (479,300 + 264,675) / |-220,000|
  EXPECT_DOUBLE_EQ(s["figures"]["profit_factor"].get<double>(), round_to(743'975.0 / 220'000, 10));
  EXPECT_EQ(s["figures"]["max_drawdown_peak"], "2020-01-02");
  EXPECT_EQ(s["figures"]["max_drawdown_trough"], "2020-01-06");
  const std::string text = dump_json(j);
  EXPECT_EQ(text.find("NaN"), std::string::npos);
  EXPECT_EQ(text.find("nan"), std::string::npos);
  EXPECT_EQ(text.find("inf"), std::string::npos);
}

TEST_F(BacktestReportTest, FlatRunReportsNullRatios) {
  bar("2020-01-02", 1000, 1000);
  bar("2020-01-03", 1000, 1000);
  bar("2020-01-06", 1000, 1000);
  auto r = build(write_log(kOneInstrument, kUtcDaily), one_strategy());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const Json j = r.value().figures_json();
  EXPECT_TRUE(j["total"]["figures"]["sharpe"].is_null());
  EXPECT_TRUE(j["total"]["figures"]["win_rate"].is_null());
  EXPECT_EQ(j["total"]["figures"]["volatility"], 0.0);
  EXPECT_EQ(r.value().trades_csv(), "entry_time,entry_price,exit_time,exit_price,qty,pnl,fees\n");
}

TEST_F(BacktestReportTest, SeveralStrategiesLeadTradesWithStrategyAndInstrument) {
  bar("2020-01-02", 1000, 1000);
  // One fill between two managed accounts: maker (B, sells) first, then taker (A, buys).
  fill(kA, Side::kBuy, 1000, 10, 21, kB);
  pu(kB, -10, 1'000'000, 0, 0);
  pu(kA, 10, -1'000'000, 0, 0);
  bar("2020-01-03", 1010, 1010);
  fill(kA, Side::kSell, 1010, 10, 22, kB);
  pu(kB, 0, -10'000, -10'000, 0);
  pu(kA, 0, 10'000, 10'000, 0);
  BacktestReportSettings s = one_strategy();
  s.strategies = {{"buyer", kA, kCash, "", "", "", 0}, {"seller", kB, kCash, "", "", "", 0}};
  auto r = build(write_log(kOneInstrument, kUtcDaily), s);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().trades_csv(),
            "strategy,instrument,entry_time,entry_price,exit_time,exit_price,qty,pnl,fees\n"
            "seller,ORCL,2020-01-02,10.00,2020-01-03,10.10,-10,-1.00,0.00\n"
            "buyer,ORCL,2020-01-02,10.00,2020-01-03,10.10,10,1.00,0.00\n");
  EXPECT_NE(r.value().fills_csv().find(",seller,ORCL,sell,10.00,10,0.00,maker,0\n"),
            std::string::npos);
  EXPECT_EQ(r.value().equity_csv(),
            "time,buyer,seller,total,drawdown\n"
            "2020-01-02,100000.00,100000.00,200000.00,0.000000\n"
            "2020-01-03,100001.00,99999.00,200000.00,0.000000\n");
}

TEST_F(BacktestReportTest, AccountsAreFoundInTheLogWithoutSettings) {
  bar("2020-01-02", 1000, 1000);
  fill(kA, Side::kBuy, 1000, 10, 21, kB);
  pu(kB, -10, 1'000'000, 0, 0);
  pu(kA, 10, -1'000'000, 0, 0);
  BacktestReportSettings s;
  auto r = build(write_log(kOneInstrument, kUtcDaily), s);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_EQ(r.value().strategies.size(), 2u);
  EXPECT_EQ(r.value().strategies[0].settings.name, "account 1");  // by account id
  EXPECT_EQ(r.value().strategies[1].settings.name, "account 2");
  // The maker (account 2) comes first in the log; its row names it.
  EXPECT_EQ(r.value().fills_csv(),
            "time,strategy,instrument,side,price,qty,fee,liquidity,order_id\n"
            "2020-01-02,account 2,ORCL,sell,10.00,10,0.00,maker,0\n"
            "2020-01-02,account 1,ORCL,buy,10.00,10,0.00,taker,21\n");
  EXPECT_EQ(r.value().equity_csv().substr(0, 35), "time,account 1,account 2,total,draw");
}

TEST_F(BacktestReportTest, IntradayTimesAreLocalToTheImportZone) {
  // 2006-01-03 14:35:00Z is 09:35 in New York (EST, -5).
  const int64_t t0 = 1'136'298'900LL * kNsPerSecond;
  at(t0, BarIn{InstrumentId(0), Price(1000), Price(1000), Price(1000), Price(1000), Qty(1),
               300 * kNsPerSecond});
  at(t0 + 300 * kNsPerSecond, BarIn{InstrumentId(0), Price(1010), Price(1010), Price(1010),
                                    Price(1010), Qty(1), 300 * kNsPerSecond});
  fill(kA, Side::kBuy, 1010, 1);
  pu(kA, 1, -101'000, 0, 0);
  auto r = build(
      write_log(kOneInstrument, R"({"options":{"tz":"America/New_York","daily_close_ns":-1}})"),
      one_strategy());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().fills_csv(),
            "time,strategy,instrument,side,price,qty,fee,liquidity,order_id\n"
            "2006-01-03 09:40:00,sma,ORCL,buy,10.10,1,0.00,taker,7\n");
  EXPECT_EQ(r.value().time(Stamp{t0, false}), "2006-01-03 09:35:00");
  // A daily bar stamped at New York's midnight ending 2006-07-04 (EDT, 04:00Z) is that date.
  EXPECT_EQ(r.value().time_style.render(1'152'072'000LL * kNsPerSecond, true), "2006-07-04");
}

TEST_F(BacktestReportTest, FixedOffsetZoneShiftsIntradayTimes) {
  Result<TimeStyle> s = TimeStyle::from_import_meta(R"({"options":{"tz":"+05:30"}})");
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  // 2006-01-03T04:05:00.25Z is 09:35:00.25 at +05:30.
  EXPECT_EQ(s.value().render(1'136'261'100LL * kNsPerSecond + 250'000'000, false),
            "2006-01-03 09:35:00.25");
  EXPECT_FALSE(TimeStyle::from_import_meta(R"({"options":{"tz":"Nowhere/Atlantis"}})").is_ok());
  EXPECT_FALSE(TimeStyle::from_import_meta("not json").is_ok());
}

TEST_F(BacktestReportTest, DailyCloseStampsAreTheirOwnDate) {
  Result<TimeStyle> s =
      TimeStyle::from_import_meta(R"({"options":{"tz":"UTC","daily_close_ns":57600000000000}})");
  ASSERT_TRUE(s.is_ok());
  // 2020-01-02T00:00:00Z: with --daily-close a daily stamp lies in its own date; without, it is
  // the end of the date before.
  EXPECT_EQ(s.value().render(1'577'923'200LL * kNsPerSecond, true), "2020-01-02");
  EXPECT_EQ(TimeStyle().render(1'577'923'200LL * kNsPerSecond, true), "2020-01-01");
  int y = 0, m = 0;
  TimeStyle().year_month(1'577'836'800LL * kNsPerSecond, true, y, m);  // 2020-01-01T00:00Z
  EXPECT_EQ(y * 100 + m, 201912);  // the daily bar of 2019-12-31
  TimeStyle().year_month(1'577'836'800LL * kNsPerSecond, false, y, m);
  EXPECT_EQ(y * 100 + m, 202001);
  TimeStyle().year_month(-1, false, y, m);
  EXPECT_EQ(y * 100 + m, 196912);
}

TEST_F(BacktestReportTest, GridSamplingTakesOneSamplePerBusyInterval) {
  // Inputs at 1, 5, 10 (grid 10 => one sample at 10), 25 (=> 30); nothing in (10, 20].
  for (int64_t t : {1, 5, 10, 25}) at(t, TradeIn{InstrumentId(0), Price(1000), Qty(1)});
  BacktestReportSettings s = one_strategy();
  s.equity_sample_ns = 10;
  auto r = build(write_log(kOneInstrument, ""), s);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_EQ(r.value().samples, 2u);
  const std::vector<ChartPoint> pts = r.value().total_chart.points();
  ASSERT_EQ(pts.size(), 2u);
  EXPECT_EQ(pts[0].time.ts_ns, 10);
  EXPECT_EQ(pts[1].time.ts_ns, 30);
}

TEST_F(BacktestReportTest, TwoBarsOfOneCloseAreOneSample) {
  bar("2020-01-02", 1000, 1000, 0);
  bar("2020-01-02", 2000, 2000, 1);
  bar("2020-01-03", 1000, 1000, 0);
  auto r = build(write_log(R"([{"symbol":"A","tick_size":"0.01","lot_size":1},)"
                           R"({"symbol":"B","tick_size":"0.01","lot_size":1}])",
                           kUtcDaily),
                 one_strategy());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().samples, 2u);
  const std::vector<ChartPoint> b = r.value().mark_charts[1].points();
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].y, 2000);
}

TEST_F(BacktestReportTest, VwapIsExactOrRoundedAtFourMoreDigits) {
  orcl_like_run();
  auto r = build(write_log(kOneInstrument, kUtcDaily), one_strategy());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const InstrumentId i(0);
  EXPECT_EQ(r.value().vwap(i, 3000, 3), "10.00");
  // (1000 + 1000 + 1001) / 3 ticks = 10.003333... -> 10.003333
  EXPECT_EQ(r.value().vwap(i, 3001, 3), "10.003333");
  // 2001 / 2 = 1000.5 ticks = 10.005 exactly: trailing zeros go, down to the tick's scale
  EXPECT_EQ(r.value().vwap(i, 2001, 2), "10.005");
  // 2 / 3 ticks = 0.006666.. -> 0.006667 (half away from zero)
  EXPECT_EQ(r.value().vwap(i, 2, 3), "0.006667");
}

TEST_F(BacktestReportTest, PositionUpdateThatDoesNotAddUpIsAMismatch) {
  bar("2020-01-02", 1000, 1000);
  fill(kA, Side::kBuy, 1000, 10);
  pu(kA, 11, -1'000'000, 0, 0);
  auto r = build(write_log(kOneInstrument, kUtcDaily), one_strategy());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kMismatch);
  EXPECT_NE(r.status().message().find("seq 1"), std::string::npos) << r.status().message();
}

TEST_F(BacktestReportTest, PositionUpdateWithoutFillIsAMismatch) {
  bar("2020-01-02", 1000, 1000);
  pu(kA, 10, -1'000'000, 0, 0);
  auto r = build(write_log(kOneInstrument, kUtcDaily), one_strategy());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kMismatch);
}

TEST_F(BacktestReportTest, FillWithoutPositionUpdateIsAMismatch) {
  bar("2020-01-02", 1000, 1000);
  fill(kA, Side::kBuy, 1000, 10);
  bar("2020-01-03", 1000, 1000);
  auto r = build(write_log(kOneInstrument, kUtcDaily), one_strategy());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kMismatch);
  EXPECT_NE(r.status().message().find("seq 1:"), std::string::npos) << r.status().message();
}

TEST_F(BacktestReportTest, MoneyUnitMustBeWhole) {
  bar("2020-01-02", 1000, 1000);
  BacktestReportSettings s = one_strategy();
  // tick 0.000001 x lot 1 at 10^4 units is 0.01 of a money unit
  auto r =
      build(write_log(R"([{"symbol":"ORCL","tick_size":"0.000001","lot_size":1}])", kUtcDaily), s);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(r.status().message().find("ORCL"), std::string::npos);
  s.money_scale = 1'000'000;
  s.strategies[0].starting_cash = 100'000'000'000;
  EXPECT_TRUE(
      build(write_log(R"([{"symbol":"ORCL","tick_size":"0.000001","lot_size":1}])", kUtcDaily), s)
          .is_ok());
}

TEST_F(BacktestReportTest, TearsheetHasEverySectionAndEscapesNames) {
  orcl_like_run();
  BacktestReportSettings s = one_strategy();
  s.strategies[0].name = "<b>sma</b> & 'co'";
  s.facts.config_name = "cfg<script>";
  auto r =
      build(write_log(R"([{"symbol":"OR<CL","tick_size":"0.01","lot_size":1}])", kUtcDaily), s);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const std::string html = render_tearsheet(r.value());
  for (const char* id :
       {"facts", "figures", "equity", "drawdown", "monthly", "trade-pnl", "prices"}) {
    EXPECT_NE(html.find(std::string("id='") + id + "'"), std::string::npos) << id;
  }
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>sma</b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;sma&lt;/b&gt; &amp; &#39;co&#39;"), std::string::npos);
  EXPECT_NE(html.find("OR&lt;CL"), std::string::npos);
  EXPECT_EQ(html.find("OR<CL"), std::string::npos);
  EXPECT_EQ(html.find("nan"), std::string::npos);
  // January 2020 of the total equity: 100052.3975 / 100000 - 1 = 0.05 %.
  ASSERT_EQ(r.value().months.size(), 1u);
  EXPECT_NEAR(*r.value().months[0].ret, 0.000523975, 1e-12);
}

TEST(BacktestReportSettingsJson, RoundTripsAndRefusesUnknownKeys) {
  BacktestReportSettings s;
  s.money_scale = 1'000'000;
  s.strategies = {{"a", AccountId(3), 5, "p.so", "ff", "", 0},
                  {"b", AccountId(4), 6, "", "", "momentum", 2}};
  s.analytics.periods_per_year = 52;
  s.analytics.risk_free_rate = 0.015;
  s.equity_sample_ns = 60;
  s.facts = {"c.toml", "d", "h1", "h2"};
  Result<BacktestReportSettings> back =
      settings_from_json(parse_json(dump_json(settings_json(s))).value());
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(dump_json(settings_json(back.value())), dump_json(settings_json(s)));
  EXPECT_EQ(back.value().strategies[1].account, AccountId(4));
  EXPECT_EQ(back.value().strategies[1].builtin, "momentum");
  EXPECT_EQ(back.value().strategies[1].builtin_version, 2u);
  Json bad = settings_json(s);
  bad["strategies"][0]["acount"] = 1;
  Result<BacktestReportSettings> r = settings_from_json(bad);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("strategies[0]: unknown key 'acount'"), std::string::npos)
      << r.status().message();
  Json wrong = settings_json(s);
  wrong["money_scale"] = "10";
  EXPECT_FALSE(settings_from_json(wrong).is_ok());
}

TEST(SvgChart, DownsampleKeepsExtremesInOrder) {
  std::vector<double> y(10'000);
  for (size_t i = 0; i < y.size(); ++i) y[i] = static_cast<double>(i % 97);
  y[5'000] = 1e6;
  y[7'000] = -1e6;
  const std::vector<size_t> idx = svg::downsample(y, 400);
  EXPECT_LE(idx.size(), 400u);
  EXPECT_TRUE(std::is_sorted(idx.begin(), idx.end()));
  EXPECT_NE(std::find(idx.begin(), idx.end(), 5'000u), idx.end());
  EXPECT_NE(std::find(idx.begin(), idx.end(), 7'000u), idx.end());
  EXPECT_EQ(idx.front(), 0u);
  EXPECT_EQ(idx.back(), y.size() - 1);
}

}  // namespace
}  // namespace tape
