// `tape backtest --features` on LOBSTER data: OFI and multi-level OFI from the order-level book
// the export rebuilds message by message, checked against a plain map-based book and the
// Cont-Kukanov-Stoikov formula written out here; and on the GOOG sample every row after the
// first carries OFI from the rebuilt top.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli_util.h"

namespace tape {
namespace {

using nlohmann::json;
using testing_util::run_tape;
using testing_util::TempDir;

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::stringstream ss(line);
  while (std::getline(ss, field, ',')) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
  std::vector<std::map<std::string, std::string>> rows;
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  const std::vector<std::string> header = split(line);
  while (std::getline(f, line)) {
    const std::vector<std::string> v = split(line);
    EXPECT_EQ(v.size(), header.size()) << line;
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < v.size() && i < header.size(); ++i) row[header[i]] = v[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

// The L3 example: its run records the books' seeds and level-1 setting the export rebuilds with.
std::string queue_maker() {
  return std::string(TAPE_SOURCE_DIR) + "/examples/queue_maker/queue_maker.toml";
}

// The straightforward reference: orders by id, size per price, and e_n per level pair.
struct Level {
  int64_t price, qty;
};
constexpr int64_t kLow = std::numeric_limits<int64_t>::min();
constexpr int64_t kHigh = std::numeric_limits<int64_t>::max();

struct RefBook {
  struct Order {
    int side;
    int64_t price, qty;
  };
  std::map<uint64_t, Order> orders;
  std::map<int64_t, int64_t> bids, asks;  // price -> size

  void apply(int type, uint64_t id, int64_t qty, int64_t price, int side) {
    auto& levels = side == 1 ? bids : asks;
    if (type == 1) {
      orders[id] = Order{side, price, qty};
      levels[price] += qty;
      return;
    }
    if (type < 2 || type > 4) return;  // 5: hidden, no book change
    Order& o = orders.at(id);
    const int64_t lots = type == 3 ? o.qty : qty;
    o.qty -= lots;
    auto& lv = o.side == 1 ? bids : asks;
    if ((lv[o.price] -= lots) == 0) lv.erase(o.price);
    if (o.qty == 0) orders.erase(id);
  }
  // The m-th best level (absent: -inf / +inf, size 0).
  Level bid(size_t m) const {
    auto it = bids.rbegin();
    for (size_t i = 0; i < m && it != bids.rend(); ++i) ++it;
    return it == bids.rend() ? Level{kLow, 0} : Level{it->first, it->second};
  }
  Level ask(size_t m) const {
    auto it = asks.begin();
    for (size_t i = 0; i < m && it != asks.end(); ++i) ++it;
    return it == asks.end() ? Level{kHigh, 0} : Level{it->first, it->second};
  }
};

int64_t e(Level pb, Level pa, Level b, Level a) {
  return (b.price >= pb.price ? b.qty : 0) - (b.price <= pb.price ? pb.qty : 0) -
         (a.price <= pa.price ? a.qty : 0) + (a.price >= pa.price ? pa.qty : 0);
}

// Adds, a partial cancel, deletes, visible and hidden executions, a better bid that trades
// away, deeper levels that change while the top does not.
const char* kMessages =
    "34200.000000001,1,1,100,1000000,1\n"
    "34200.1,1,2,50,1000100,-1\n"
    "34200.2,1,3,30,999900,1\n"
    "34200.3,1,4,20,1000000,1\n"
    "34200.4,2,1,40,1000000,1\n"
    "34200.5,1,5,70,1000200,-1\n"
    "34200.6,4,2,50,1000100,-1\n"
    "34200.7,5,0,10,1000050,1\n"
    "34200.8,3,4,20,1000000,1\n"
    "34200.9,1,6,25,1000050,1\n"
    "34201.0,4,6,25,1000050,1\n"
    "34201.1,3,1,60,1000000,1\n"
    "34201.2,1,7,10,999800,1\n"
    "34201.3,2,3,10,999900,1\n"
    "34201.4,1,8,5,1000300,-1\n";

TEST(FeaturesBook, LobsterOfiAndMultiLevelOfiFollowTheRebuiltBook) {
  TempDir dir("features_book");
  std::filesystem::create_directories(dir.path());
  // A LEVEL above 1 in the name: a plain rebuild (no level-1 inference), as the reference.
  const std::string file = dir.path() + "/TEST_2012-06-21_34200000_57600000_message_5.csv";
  std::ofstream(file) << kMessages;
  const std::string csv = dir.path() + "/f.csv";
  auto r = run_tape("backtest " + queue_maker() + " --set data.file=" + file +
                    " --set data.format=lobster --set 'data.book_seed=\"none\"' --out " +
                    dir.path() + "/run --features " + csv +
                    " --features-set ofi.levels=3 --features-set indicators=ofi --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = read_csv(csv);
  RefBook book;
  std::istringstream in(kMessages);
  std::string line;
  Level pb[3] = {}, pa[3] = {};
  int64_t cum = 0, cum_l[3] = {0, 0, 0};
  bool started = false;
  size_t n = 0;
  while (std::getline(in, line)) {
    const std::vector<std::string> v = split(line);
    book.apply(std::stoi(v[1]), std::stoull(v[2]), std::stoll(v[3]), std::stoll(v[4]),
               std::stoi(v[5]));
    ASSERT_LT(n, rows.size());
    const auto& row = rows[n++];
    int64_t en = 0;
    Level b[3] = {}, a[3] = {};
    for (size_t m = 0; m < 3; ++m) b[m] = book.bid(m), a[m] = book.ask(m);
    const bool top_changed = !started || b[0].price != pb[0].price || b[0].qty != pb[0].qty ||
                             a[0].price != pa[0].price || a[0].qty != pa[0].qty;
    bool depth_changed = !started;
    for (size_t m = 0; m < 3; ++m) {
      depth_changed = depth_changed || b[m].price != pb[m].price || b[m].qty != pb[m].qty ||
                      a[m].price != pa[m].price || a[m].qty != pa[m].qty;
    }
    if (started && top_changed) en = e(pb[0], pa[0], b[0], a[0]);
    if (started && depth_changed) {
      for (size_t m = 0; m < 3; ++m) cum_l[m] += e(pb[m], pa[m], b[m], a[m]);
    }
    cum += en;
    for (size_t m = 0; m < 3; ++m) pb[m] = b[m], pa[m] = a[m];
    started = true;
    SCOPED_TRACE(line);
    EXPECT_EQ(std::stoll(row.at("ofi")), en);
    EXPECT_EQ(std::stoll(row.at("ofi_cum")), cum);
    for (size_t m = 0; m < 3; ++m) {
      EXPECT_EQ(std::stoll(row.at("ofi_cum_l" + std::to_string(m + 1))), cum_l[m]) << m;
    }
    // The rebuilt top is in the row: "100.0000"-style prices in ticks of 0.0001.
    EXPECT_EQ(row.at("bid_qty"), b[0].qty > 0 ? std::to_string(b[0].qty) : "");
    EXPECT_EQ(row.at("ask_qty"), a[0].qty > 0 ? std::to_string(a[0].qty) : "");
  }
  EXPECT_EQ(n, rows.size());
  EXPECT_NE(cum_l[1], 0);  // the deeper levels moved: the check can see them
  const json s = json::parse(r.out);
  EXPECT_EQ(s["features"]["instruments"][0]["ofi_cum"].get<int64_t>(), cum);
}

TEST(FeaturesBook, GoogRowsCarryOfiFromTheSeededBook) {
  TempDir dir("features_goog_ofi");
  std::filesystem::create_directories(dir.path());
  const std::string goog = std::string(TAPE_SHARED_DATA) +
                           "/lobster/GOOG_2012-06-21_34200000_57600000_message_1.csv";
  const std::string csv = dir.path() + "/g.csv";
  auto r = run_tape("backtest " + queue_maker() + " --set data.file=" + goog +
                    " --set data.format=lobster --out " + dir.path() + "/run --features " + csv +
                    " --features-set indicators=ofi --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = read_csv(csv);
  ASSERT_EQ(rows.size(), 49482u);
  // The seed (row 1 of the orderbook file) is the book after message 1: 579.40 x 496 / 580.23.
  EXPECT_EQ(rows[0].at("bid"), "579.4000");
  EXPECT_EQ(rows[0].at("bid_qty"), "496");
  EXPECT_EQ(rows[0].at("ofi"), "0");  // the baseline
  int64_t cum = 0;
  size_t nonzero = 0;
  for (const auto& row : rows) {
    ASSERT_NE(row.at("ofi"), "") << row.at("seq");
    cum += std::stoll(row.at("ofi"));
    nonzero += row.at("ofi") != "0";
  }
  EXPECT_EQ(std::stoll(rows.back().at("ofi_cum")), cum);
  EXPECT_GT(nonzero, 20000u);
}

}  // namespace
}  // namespace tape
