// `tape backtest --features FILE` end to end on the shipped data: the quotes file's OFI read
// back from the CSV's own bid/ask columns, the LOBSTER GOOG sample's Hawkes and VPIN recomputed
// from the message file itself (so the aggressor and print mapping is checked, not just the
// arithmetic), the automatic bucket volume on trade ticks, byte-identical files from two runs,
// and every kind of bad features setting refused before the run.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli_util.h"
#include "tape/microstructure.h"

namespace tape {
namespace {

using nlohmann::json;
using testing_util::run_tape;
using testing_util::slurp;
using testing_util::TempDir;

const std::string kGoog = std::string(TAPE_SHARED_DATA) +
                          "/lobster/GOOG_2012-06-21_34200000_57600000_message_1.csv";

std::string example(const std::string& name) {
  return std::string(TAPE_SOURCE_DIR) + "/examples/" + name + "/" + name + ".toml";
}

struct Csv {
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::stringstream ss(line);
  while (std::getline(ss, field, ',')) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

Csv read_csv(const std::string& path) {
  Csv c;
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  c.header = split(line);
  while (std::getline(f, line)) {
    const std::vector<std::string> v = split(line);
    EXPECT_EQ(v.size(), c.header.size()) << line;
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < v.size() && i < c.header.size(); ++i) row[c.header[i]] = v[i];
    c.rows.push_back(std::move(row));
  }
  return c;
}

int64_t digits(std::string s) {  // "0.5346" -> 5346: a decimal's digits as ticks
  s.erase(std::remove(s.begin(), s.end(), '.'), s.end());
  return std::stoll(s);
}

double number(const std::string& s) {
  double d = 0;
  std::from_chars(s.data(), s.data() + s.size(), d);
  return d;
}

json backtest(const std::string& args) {
  auto r = run_tape("backtest " + args + " --json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? json::parse(r.out) : json::object();
}

TEST(FeaturesExport, QuotesOfiMatchesTheCsvOwnQuotes) {
  TempDir dir("features_quotes");
  std::filesystem::create_directories(dir.path());
  const std::string csv = dir.path() + "/f.csv";
  const json s = backtest(example("mean_reversion") + " --out " + dir.path() + "/run --features " +
                          csv + " --features-set ofi.window=3");
  ASSERT_TRUE(s.contains("features"));
  EXPECT_EQ(s["features"]["rows"], 10);
  const Csv c = read_csv(csv);
  ASSERT_EQ(c.rows.size(), 10u);
  EXPECT_EQ(c.header, s["features"]["columns"].get<std::vector<std::string>>());
  micro::Ofi ofi(3);
  for (const auto& row : c.rows) {
    ASSERT_EQ(row.at("event"), "quote");
    ofi.update(digits(row.at("bid")), std::stoll(row.at("bid_qty")), digits(row.at("ask")),
               std::stoll(row.at("ask_qty")));
    EXPECT_EQ(std::stoll(row.at("ofi")), ofi.last()) << row.at("seq");
    EXPECT_EQ(std::stoll(row.at("ofi_window")), ofi.window_sum());
    EXPECT_EQ(std::stoll(row.at("ofi_cum")), ofi.cumulative());
    EXPECT_EQ(row.at("vpin"), "");  // no print: no bucket
    EXPECT_EQ(row.at("hawkes_buy"), "0");
  }
  // Hand check: the bid falls 0.5346 -> 0.5343 (1 lot left), the ask stays: OFI -1.
  EXPECT_EQ(c.rows[1].at("ofi"), "-1");
}

TEST(FeaturesExport, LobsterPrintsFeedHawkesAndVpinAsTheMessageFileSays) {
  TempDir dir("features_goog");
  std::filesystem::create_directories(dir.path());
  const std::string csv = dir.path() + "/goog.csv";
  const json s = backtest(example("sma_cross") + " --set data.file=" + kGoog +
                          " --set data.format=lobster --out " + dir.path() + "/run --features " +
                          csv + " --features-set hawkes.beta=2 --features-set hawkes.alpha=0.5" +
                          " --features-set hawkes.mu=0.1 --features-set vpin.window=20");
  ASSERT_TRUE(s.contains("features"));
  const json& inst = s["features"]["instruments"][0];
  EXPECT_EQ(inst["symbol"], "GOOG");
  const int64_t bucket = inst["vpin_bucket_volume"].get<int64_t>();

  // The reference: the message file read here, executions (4, 5) as prints whose aggressor is
  // the other side of the resting order, crosses (6) as volume only.
  micro::HawkesOptions ho;
  ho.mu_per_s = 0.1, ho.alpha_per_s = 0.5, ho.beta_per_s = 2;
  micro::Hawkes hawkes(ho);
  micro::VpinOptions vo;
  vo.bucket_volume = bucket, vo.window_buckets = 20;
  micro::Vpin vpin(vo);
  std::ifstream f(kGoog);
  std::string line;
  int64_t volume = 0, last_ns = 0;
  uint64_t prints = 0, messages = 0;
  while (std::getline(f, line)) {
    ++messages;
    const std::vector<std::string> v = split(line);
    const std::string& t = v[0];
    const size_t dot = t.find('.');
    std::string frac = t.substr(dot + 1);
    frac.resize(9, '0');
    const int64_t ns = std::stoll(t.substr(0, dot)) * 1'000'000'000 + std::stoll(frac);
    last_ns = ns;
    const int type = std::stoi(v[1]);
    const int64_t qty = std::stoll(v[3]), price = std::stoll(v[4]);
    if (type == 4 || type == 5) {
      hawkes.add(ns, std::stoi(v[5]) == 1 ? micro::Hawkes::kSell : micro::Hawkes::kBuy);
      ++prints;
    }
    if (type >= 4 && type <= 6) {
      vpin.add(ns, price, qty);
      volume += qty;
    }
  }
  EXPECT_EQ(bucket, volume / 50);  // one trading day
  const Csv c = read_csv(csv);
  EXPECT_EQ(inst["book_messages"].get<uint64_t>(), messages);
  ASSERT_EQ(c.rows.size(), messages);
  const auto& last = c.rows.back();
  // Times differ from the file's by the day's midnight only: Hawkes depends on differences.
  EXPECT_EQ(number(last.at("hawkes_buy")), hawkes.intensity_at(last_ns, micro::Hawkes::kBuy));
  EXPECT_EQ(number(last.at("hawkes_sell")), hawkes.intensity_at(last_ns, micro::Hawkes::kSell));
  EXPECT_EQ(hawkes.events(micro::Hawkes::kBuy) + hawkes.events(micro::Hawkes::kSell), prints);
  // LOBSTER's prices are the import's ticks (0.0001), so VPIN sees the same numbers.
  EXPECT_EQ(number(last.at("vpin")), vpin.value());
  EXPECT_EQ(std::stoull(last.at("vpin_buckets")), vpin.buckets());
  EXPECT_EQ(inst["vpin_buckets"].get<uint64_t>(), vpin.buckets());
  EXPECT_GT(vpin.buckets(), 40u);
  // The first message executes a resting buy: a sell-initiated print.
  EXPECT_EQ(c.rows[0].at("event"), "book_execute");
  EXPECT_EQ(c.rows[0].at("hawkes_sell"), "0.6");
  EXPECT_EQ(c.rows[0].at("hawkes_buy"), "0.1");
}

TEST(FeaturesExport, BarsGetAnAutomaticBucketAndTwoRunsWriteTheSameBytes) {
  TempDir dir("features_bars");
  std::filesystem::create_directories(dir.path());
  const std::string args = example("sma_cross") + " --set data.file=" +
                           std::string(TAPE_SHARED_DATA) + "/ticksample.csv --features ";
  const json a = backtest(args + dir.path() + "/a.csv --out " + dir.path() + "/a");
  const json b = backtest(args + dir.path() + "/b.csv --out " + dir.path() + "/b");
  const std::string bytes = slurp(dir.path() + "/a.csv");
  EXPECT_FALSE(bytes.empty());
  EXPECT_EQ(bytes, slurp(dir.path() + "/b.csv"));
  ASSERT_TRUE(a.contains("features"));
  EXPECT_EQ(a["features"]["instruments"][0]["vpin_bucket_volume"], 2599 / 50);  // the file's
  EXPECT_EQ(a["features"]["instruments"][0]["bars"], 135);
  EXPECT_EQ(a["features"]["instruments"], b["features"]["instruments"]);
  const json summary = json::parse(slurp(dir.path() + "/a/summary.json"));
  EXPECT_EQ(summary["features"]["rows"], 135);
  const Csv c = read_csv(dir.path() + "/a.csv");
  EXPECT_EQ(c.rows[0].at("ofi"), "");  // bars carry no top of book
  EXPECT_EQ(c.rows[0].at("event"), "bar");
}

TEST(FeaturesExport, OnlyTheChosenIndicatorsHaveColumns) {
  TempDir dir("features_choose");
  std::filesystem::create_directories(dir.path());
  const json s = backtest(example("mean_reversion") + " --out " + dir.path() + "/run --features " +
                          dir.path() + "/f.csv --features-set indicators=ofi");
  const std::vector<std::string> want = {"seq", "ts_ns", "time", "symbol", "event", "price",
                                         "qty", "bid", "bid_qty", "ask", "ask_qty", "ofi",
                                         "ofi_window", "ofi_cum"};
  EXPECT_EQ(read_csv(dir.path() + "/f.csv").header, want);
}

TEST(FeaturesExport, BadSettingsAreRefusedBeforeTheRun) {
  TempDir dir("features_bad");
  std::filesystem::create_directories(dir.path());
  const std::string base = "backtest " + example("mean_reversion") + " --out " + dir.path() + "/run";
  auto unknown = run_tape(base + " --features f.csv --features-set vpin.windw=5");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown key 'vpin.windw'"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("vpin.window"), std::string::npos) << unknown.err;
  auto value = run_tape(base + " --features f.csv --features-set vpin.bucket_volume=0");
  EXPECT_EQ(value.exit_code, 2);
  EXPECT_NE(value.err.find("vpin.bucket_volume=0"), std::string::npos) << value.err;
  auto beta = run_tape(base + " --features f.csv --features-set hawkes.beta=0");
  EXPECT_EQ(beta.exit_code, 2);
  auto none = run_tape(base + " --features f.csv --features-set indicators=ofi,vpn");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("unknown indicator 'vpn'"), std::string::npos) << none.err;
  auto no_file = run_tape(base + " --features-set ofi.window=5");
  EXPECT_EQ(no_file.exit_code, 1);
  auto bad_path = run_tape(base + " --features " + dir.path() + "/no/such/dir/f.csv");
  EXPECT_EQ(bad_path.exit_code, 2) << bad_path.err;
  EXPECT_NE(bad_path.err.find("--features"), std::string::npos) << bad_path.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/run"));  // nothing ran
}

}  // namespace
}  // namespace tape
