// The tearsheet renders in a real headless browser (Debian's chromium) without errors and holds
// every section. The report comes from a run log written here: ORCL's daily bars (the shared
// data file, or a seeded random walk when it is missing) traded by an SMA(10/30) crossover
// worked out in this test with exact integers (long 100 at the next open, 0.1 % fees).
// TAPE_TEARSHEET_PNG=path keeps the screenshot (docs/tearsheet.png is made so).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/codec.h"
#include "core/core.h"
#include "core/portfolio.h"
#include "feed/data_log.h"
#include "feed/decimal.h"
#include "feed/time_parse.h"
#include "report/backtest_report.h"
#include "report/tearsheet.h"
#include "session/plugin.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kScale = 1'000'000;  // money units per currency unit: tick 0.000001 x 10^6 = 1
constexpr AccountId kAccount(1);

struct Bars {
  std::vector<int64_t> ts, open, close;
  std::vector<std::string> date, open_text;  // as the file wrote them (a real file only)
};

Bars read_bars(const std::string& path) {
  Bars b;
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);  // header
  while (std::getline(f, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cols.push_back(c);
    if (cols.size() < 5) continue;
    int64_t days = 0, o = 0, c = 0;
    if (!parse_date(cols[0], DateFormat::kYmd, days)) continue;
    auto od = parse_decimal(cols[1]);
    auto cd = parse_decimal(cols[4]);
    if (!od.is_ok() || !cd.is_ok()) continue;
    auto ot = to_ticks(od.value(), Decimal{1, 6}, Rounding::kReject);
    auto ct = to_ticks(cd.value(), Decimal{1, 6}, Rounding::kReject);
    if (!ot.is_ok() || !ct.is_ok()) continue;
    o = ot.value();
    c = ct.value();
    b.ts.push_back((days + 1) * kNsPerDay);  // stamped at the end of the date, as imported
    b.open.push_back(o);
    b.close.push_back(c);
    b.date.push_back(cols[0]);
    b.open_text.push_back(cols[1]);
  }
  return b;
}

Bars random_walk() {
  Bars b;
  uint64_t x = 42;
  int64_t price = 20'000'000;
  for (int i = 0; i < 2500; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const int64_t step = static_cast<int64_t>((x >> 33) % 801) - 398;
    const int64_t open = price;
    price = std::max<int64_t>(1'000'000, price + step * 1'000);
    b.ts.push_back((9'000 + i * 7 / 5) * kNsPerDay);
    b.open.push_back(open);
    b.close.push_back(price);
  }
  return b;
}

// The round trips of the SMA(10/30) rules over `b`, worked out here with exact integers: long
// 100 at the next bar's open, fee = 0.1 % of each fill's notional rounded half away from zero.
struct Expected {
  std::vector<size_t> entry, exit;  // bar index of each fill
  std::vector<int64_t> pnl, fees;   // money units (10^6 per currency unit)
};

Expected sma_trades(const Bars& b) {
  Expected e;
  int64_t nzd = 0, entry_fee = 0;
  bool long_pos = false, pending = false;
  for (size_t t = 0; t < b.ts.size(); ++t) {
    if (pending) {
      const int64_t fee =
          div_round_half_away(static_cast<__int128>(b.open[t]) * 100 * 1000, 1'000'000);
      if (!long_pos) {
        e.entry.push_back(t);
        entry_fee = fee;
      } else {
        e.exit.push_back(t);
        e.pnl.push_back((b.open[t] - b.open[e.entry.back()]) * 100);
        e.fees.push_back(entry_fee + fee);
      }
      long_pos = !long_pos;
      pending = false;
    }
    if (t < 29) continue;
    int64_t sum10 = 0, sum30 = 0;
    for (size_t j = t - 29; j <= t; ++j) sum30 += b.close[j];
    for (size_t j = t - 9; j <= t; ++j) sum10 += b.close[j];
    const int64_t d = 30 * sum10 - 10 * sum30;
    const bool up = t >= 30 && nzd < 0 && d > 0;
    const bool down = t >= 30 && nzd > 0 && d < 0;
    if (t == 29 || d != 0) nzd = d;
    pending = (!long_pos && up) || (long_pos && down);
  }
  return e;
}

// Backtests the sma_cross plugin over `b` on the bar venue (next_open, 0.1 % taker fee) into a
// run log in `dir`, as `tape backtest` does: the real core, recorder and event log.
std::string run_backtest(const Bars& b, const LoadedPlugin& plugin, const std::string& dir) {
  CoreConfig c;
  InstrumentConfig inst;
  inst.symbol = "ORCL";
  inst.tick_value = 1;  // 0.000001 x 10^6 money units
  inst.initial_mid = Price(b.close.front());
  c.instruments.push_back(inst);
  c.money_scale = kScale;
  c.venue.model = VenueModel::kBars;
  c.fees.taker_ppm = 1000;
  c.risk.max_order_qty = Qty(1000);
  StrategyConfig s;
  s.name = "sma_cross";
  s.account = kAccount;
  set_plugin(s, plugin);
  s.params = {{"fast", "10"}, {"slow", "30"}, {"qty", "100"}};
  c.strategies.push_back(s);
  auto log = EventLog::create(dir, LogOptions{}, false);
  EXPECT_TRUE(log.is_ok()) << log.status().message();
  EXPECT_TRUE(
      log.value()
          ->put_meta(kMetaInstruments, R"([{"symbol":"ORCL","tick_size":"0.000001","lot_size":1}])")
          .is_ok());
  EXPECT_TRUE(
      log.value()
          ->put_meta(kMetaImport, R"({"format":"bars","options":{"tz":"UTC","daily_close_ns":-1}})")
          .is_ok());
  {
    Core core(c, Recorder::Mode::kSink, log.value().get());
    for (size_t t = 0; t < b.ts.size(); ++t) {
      const Status st = core.process(
          Input{Seq(t + 1), Timestamp(b.ts[t]),
                BarIn{InstrumentId(0), Price(b.open[t]), Price(std::max(b.open[t], b.close[t])),
                      Price(std::min(b.open[t], b.close[t])), Price(b.close[t]), Qty(1'000'000),
                      kNsPerDay}});
      EXPECT_TRUE(st.is_ok()) << st.message();
      if (!st.is_ok()) break;
    }
    EXPECT_TRUE(core.finish().is_ok());
    // The report's last equity is the portfolio's own valuation.
    const Portfolio& p = core.portfolio();
    const int64_t value = 100'000 * kScale + p.cash(kAccount).value() +
                          p.position(kAccount, InstrumentId(0)) * p.mark(InstrumentId(0)).value();
    EXPECT_TRUE(log.value()->put_meta("test_final_value", std::to_string(value)).is_ok());
  }
  EXPECT_TRUE(log.value()->flush().is_ok());
  return log.value()->chain_head();
}

// Runs `cmd` through the shell; its exit status, with stdout and stderr in files.
int run(const std::string& cmd) {
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A temp dir with the backtest's run log and the report built from it.
class TearsheetBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) / ("tape_tearsheet_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    const std::string data = std::string(TAPE_SHARED_DATA) + "/orcl-1995-2014.txt";
    real_ = fs::exists(data);
    bars_ = real_ ? read_bars(data) : random_walk();
    Result<LoadedPlugin> plugin = load_plugin(TAPE_PLUGIN_SMA_CROSS);
    ASSERT_TRUE(plugin.is_ok()) << plugin.status().message();
    const std::string head = run_backtest(bars_, plugin.value(), (root_ / "log").string());
    BacktestReportSettings s;
    s.money_scale = kScale;
    s.strategies = {{"sma_cross", kAccount, 100'000 * kScale, "examples/sma_cross/libsma_cross.so",
                     plugin.value().sha256, "", 0}};
    s.facts = {"examples/sma_cross/sma_cross.toml",
               real_ ? "orcl-1995-2014.txt (Yahoo daily bars)" : "a seeded random walk",
               "61bb82e3e9ba9b3ed71e9410b27aff34468ce7d7c7dcd2eb4d2c2ebfeb133325", head};
    auto log = EventLog::open((root_ / "log").string(), true);
    ASSERT_TRUE(log.is_ok()) << log.status().message();
    auto meta = log.value()->get_meta("test_final_value");
    ASSERT_TRUE(meta.is_ok() && meta.value());
    final_value_ = std::stoll(*meta.value());
    ReportOutput keep;
    keep.keep_csv_text = true;
    auto report = build_backtest_report(*log.value(), s, keep);
    ASSERT_TRUE(report.is_ok()) << report.status().message();
    report_ = std::move(report).value();
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
  bool real_ = false;
  Bars bars_;
  int64_t final_value_ = 0;
  BacktestReport report_;
};

TEST_F(TearsheetBrowser, ReportOfAPluginBacktestMatchesTheRulesTradeForTrade) {
  const Expected e = sma_trades(bars_);
  ASSERT_EQ(report_.trade_count, e.exit.size());
  ASSERT_GT(e.exit.size(), 10u);
  // The report keeps the first kMarkersMax trades (the price chart's markers).
  ASSERT_EQ(report_.marked_trades.size(), std::min(e.exit.size(), kMarkersMax));
  for (size_t i = 0; i < report_.marked_trades.size(); ++i) {
    const TradeRow& t = report_.marked_trades[i];
    EXPECT_EQ(t.entry.ts_ns, bars_.ts[e.entry[i]]) << i;
    EXPECT_EQ(t.exit.ts_ns, bars_.ts[e.exit[i]]) << i;
    EXPECT_EQ(t.entry_qty, 100) << i;
    EXPECT_EQ(t.entry_ticks_x_qty, static_cast<__int128>(bars_.open[e.entry[i]]) * 100) << i;
    EXPECT_EQ(t.exit_ticks_x_qty, static_cast<__int128>(bars_.open[e.exit[i]]) * 100) << i;
    EXPECT_EQ(t.pnl, e.pnl[i]) << i;
    EXPECT_EQ(t.fees, e.fees[i]) << i;
  }
  EXPECT_EQ(report_.strategies[0].final_equity, final_value_);
  EXPECT_EQ(report_.samples, bars_.ts.size());
  if (real_) {
    // Every row of trades.csv writes the dates and prices as the data file wrote them.
    std::istringstream csv(report_.trades_csv());
    std::string line;
    std::getline(csv, line);
    for (size_t i = 0; i < e.exit.size() && std::getline(csv, line); ++i) {
      const std::string want = bars_.date[e.entry[i]] + "," + bars_.open_text[e.entry[i]] + "," +
                               bars_.date[e.exit[i]] + "," + bars_.open_text[e.exit[i]] + ",100,";
      EXPECT_EQ(line.substr(0, want.size()), want) << i;
    }
  }
}

TEST_F(TearsheetBrowser, RendersEverySectionWithoutErrors) {
  if (run("command -v chromium >/dev/null 2>&1") != 0) GTEST_SKIP() << "chromium not installed";
  const fs::path root = root_;
  const std::string html = render_tearsheet(report_);

  // Self-contained: no script, no URL but the SVG namespace (escaping: backtest_report_test).
  EXPECT_EQ(html.find("<script"), std::string::npos);
  std::string rest = html;
  for (size_t p; (p = rest.find("http://www.w3.org/2000/svg")) != std::string::npos;)
    rest.erase(p, 26);
  EXPECT_EQ(rest.find("http"), std::string::npos);
  EXPECT_EQ(rest.find("url("), std::string::npos);

  const fs::path page = root / "tearsheet.html";
  std::ofstream(page) << html;
  const fs::path png = root / "tearsheet.png";
  const std::string flags =
      "chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "
      "--enable-logging=stderr --v=0 --window-size=1280,2400 ";
  const std::string url = "file://" + page.string();
  ASSERT_EQ(run(flags + "--screenshot=" + png.string() + " " + url + " >" +
                (root / "shot.out").string() + " 2>" + (root / "shot.err").string()),
            0)
      << slurp(root / "shot.err");
  ASSERT_EQ(run(flags + "--dump-dom " + url + " >" + (root / "dom.html").string() + " 2>" +
                (root / "dom.err").string()),
            0)
      << slurp(root / "dom.err");
  EXPECT_GT(fs::file_size(png), 10'000u);
  for (const fs::path& err : {root / "shot.err", root / "dom.err"}) {
    std::istringstream lines(slurp(err));
    for (std::string line; std::getline(lines, line);) {
      EXPECT_EQ(line.find("CONSOLE"), std::string::npos) << line;
      EXPECT_EQ(line.find("Uncaught"), std::string::npos) << line;
      EXPECT_EQ(line.find("net::ERR"), std::string::npos) << line;
    }
  }
  const std::string dom = slurp(root / "dom.html");
  for (const char* id :
       {"facts", "figures", "equity", "drawdown", "monthly", "trade-pnl", "prices"}) {
    EXPECT_NE(dom.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_NE(dom.find("<svg"), std::string::npos);
  if (const char* keep = std::getenv("TAPE_TEARSHEET_PNG")) {
    fs::copy_file(png, keep, fs::copy_options::overwrite_existing);
    std::ofstream(std::string(keep) + ".html") << html;
  }
}

}  // namespace
}  // namespace tape
