// The tearsheet renders in a real headless browser (Debian's chromium) without errors and holds
// every section. The report comes from a run log written here: ORCL's daily bars (the shared
// data file, or a seeded random walk when it is missing) traded by an SMA(10/30) crossover
// worked out in this test with exact integers (long 100 at the next open, 0.1 % fees).
// TAPE_TEARSHEET_PNG=path keeps the screenshot (docs/tearsheet.png is made so).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/codec.h"
#include "core/portfolio.h"
#include "feed/data_log.h"
#include "feed/decimal.h"
#include "feed/time_parse.h"
#include "report/backtest_report.h"
#include "report/tearsheet.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kScale = 1'000'000;  // money units per currency unit: tick 0.000001 x 10^6 = 1
constexpr AccountId kAccount(1);

struct Bars {
  std::vector<int64_t> ts, open, close;
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

// The log of an SMA(10/30) crossover run over `b`, as a backtest records it.
std::string write_run_log(const Bars& b, const std::string& dir) {
  std::vector<Input> inputs;
  std::vector<Output> outputs;
  int64_t cash = 0, realized = 0, fees = 0, position = 0, cost = 0;
  int64_t nzd = 0;
  bool pending_buy = false, pending_sell = false;
  uint64_t order = kStrategyOrderIdBase;
  for (size_t t = 0; t < b.ts.size(); ++t) {
    const Seq seq(t + 1);
    inputs.push_back(Input{
        seq, Timestamp(b.ts[t]),
        BarIn{InstrumentId(0), Price(b.open[t]), Price(std::max(b.open[t], b.close[t])),
              Price(std::min(b.open[t], b.close[t])), Price(b.close[t]), Qty(1000), kNsPerDay}});
    uint32_t k = 0;
    if (pending_buy || pending_sell) {
      const Side side = pending_buy ? Side::kBuy : Side::kSell;
      const int64_t notional = b.open[t] * 100;
      const int64_t fee = div_round_half_away(static_cast<__int128>(notional) * 1000, 1'000'000);
      outputs.push_back(
          Output{seq, k++,
                 Fill{InstrumentId(0), OrderId(0), AccountId(kExternalAccountBase), OrderId(order),
                      kAccount, Price(b.open[t]), Qty(100), side, Qty(0), Qty(0)}});
      if (pending_buy) {
        cash -= notional + fee;
        cost = notional;
        position = 100;
      } else {
        cash += notional - fee;
        realized += notional - cost;
        cost = 0;
        position = 0;
      }
      fees += fee;
      outputs.push_back(Output{seq, k++,
                               PositionUpdate{kAccount, InstrumentId(0), position, Money(cash),
                                              Money(realized), Money(fees)}});
      pending_buy = pending_sell = false;
    }
    if (t < 29) continue;
    int64_t sum10 = 0, sum30 = 0;
    for (size_t j = t - 29; j <= t; ++j) sum30 += b.close[j];
    for (size_t j = t - 9; j <= t; ++j) sum10 += b.close[j];
    const int64_t d = 30 * sum10 - 10 * sum30;
    const bool up = t >= 30 && nzd < 0 && d > 0;
    const bool down = t >= 30 && nzd > 0 && d < 0;
    if (t == 29 || d != 0) nzd = d;
    pending_buy = position == 0 && up;
    pending_sell = position > 0 && down;
    if (pending_buy || pending_sell) ++order;
  }
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
  for (size_t at = 0; at < inputs.size(); at += 4096) {
    const size_t n = std::min<size_t>(4096, inputs.size() - at);
    std::vector<Output> outs;
    for (const Output& o : outputs) {
      if (o.seq.value() > at && o.seq.value() <= at + n) outs.push_back(o);
    }
    EXPECT_TRUE(log.value()
                    ->append(encode_batch(std::span<const Input>(inputs.data() + at, n), outs))
                    .is_ok());
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

TEST(TearsheetBrowser, RendersEverySectionWithoutErrors) {
  if (run("command -v chromium >/dev/null 2>&1") != 0) GTEST_SKIP() << "chromium not installed";
  const fs::path root =
      fs::path(::testing::TempDir()) / ("tape_tearsheet_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  const std::string data = std::string(TAPE_SHARED_DATA) + "/orcl-1995-2014.txt";
  const bool real = fs::exists(data);
  const std::string head =
      write_run_log(real ? read_bars(data) : random_walk(), (root / "log").string());

  BacktestReportSettings s;
  s.money_scale = kScale;
  s.strategies = {{"sma_cross", kAccount, 100'000 * kScale, "examples/sma_cross/libsma_cross.so",
                   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}};
  s.facts = {"examples/sma_cross/sma_cross.toml",
             real ? "orcl-1995-2014.txt (Yahoo daily bars)" : "random walk",
             "61bb82e3e9ba9b3ed71e9410b27aff34468ce7d7c7dcd2eb4d2c2ebfeb133325", head};
  auto log = EventLog::open((root / "log").string(), true);
  ASSERT_TRUE(log.is_ok()) << log.status().message();
  auto report = build_backtest_report(*log.value(), s);
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  ASSERT_GT(report.value().trades.size(), 10u);
  const std::string html = render_tearsheet(report.value());

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
  fs::remove_all(root);
}

}  // namespace
}  // namespace tape
