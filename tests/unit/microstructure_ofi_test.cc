// OFI and multi-level OFI (tape/microstructure_ofi.h) against a reference written from Cont,
// Kukanov and Stoikov's definition case by case, on short series with empty sides, a single
// update, window roll-over and a state round trip.
#include "tape/microstructure_ofi.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace {

using tape::micro::Level;
using tape::micro::MultiLevelOfi;
using tape::micro::Ofi;

struct Side {
  std::optional<int64_t> price;  // nullopt = the side is empty
  int64_t qty = 0;
};
struct Top {
  Side bid, ask;
};

// The definition read literally: the bid term by how the best bid moved, the ask term by how
// the best ask moved, an empty side handled as its own cases.
int64_t reference_e(const Top& p, const Top& n) {
  int64_t bid = 0;
  if (!p.bid.price && n.bid.price) bid = n.bid.qty;          // a bid appeared: it is an increase
  else if (p.bid.price && !n.bid.price) bid = -p.bid.qty;    // the bids emptied
  else if (p.bid.price && n.bid.price) {
    if (*n.bid.price > *p.bid.price) bid = n.bid.qty;
    else if (*n.bid.price < *p.bid.price) bid = -p.bid.qty;
    else bid = n.bid.qty - p.bid.qty;
  }
  int64_t ask = 0;
  if (!p.ask.price && n.ask.price) ask = n.ask.qty;
  else if (p.ask.price && !n.ask.price) ask = -p.ask.qty;
  else if (p.ask.price && n.ask.price) {
    if (*n.ask.price < *p.ask.price) ask = n.ask.qty;
    else if (*n.ask.price > *p.ask.price) ask = -p.ask.qty;
    else ask = n.ask.qty - p.ask.qty;
  }
  return bid - ask;
}

int64_t feed(Ofi& ofi, const Top& t) {
  return ofi.update(t.bid.price.value_or(0), t.bid.price ? t.bid.qty : 0, t.ask.price.value_or(0),
                    t.ask.price ? t.ask.qty : 0);
}

Top top(int64_t b, int64_t bq, int64_t a, int64_t aq) { return Top{{b, bq}, {a, aq}}; }

// A series touching every case: size changes at the same price, moves up and down on both
// sides, a side that empties and comes back, no change at all.
std::vector<Top> series() {
  std::vector<Top> s = {top(100, 10, 102, 10), top(100, 15, 102, 10), top(101, 3, 102, 10),
                        top(101, 3, 101, 4),   top(100, 7, 101, 4),   top(100, 7, 103, 2),
                        top(100, 7, 103, 2),   top(99, 1, 103, 9)};
  s.push_back(Top{{std::nullopt, 0}, {103, 9}});   // the bids empty
  s.push_back(Top{{std::nullopt, 0}, {std::nullopt, 0}});
  s.push_back(Top{{98, 5}, {std::nullopt, 0}});
  s.push_back(top(98, 5, 104, 6));
  return s;
}

TEST(MicrostructureOfi, MatchesTheDefinitionStepByStep) {
  const std::vector<Top> s = series();
  Ofi ofi(3);
  EXPECT_EQ(feed(ofi, s[0]), 0);  // the baseline
  std::vector<int64_t> es;
  int64_t cum = 0;
  for (size_t n = 1; n < s.size(); ++n) {
    const int64_t want = reference_e(s[n - 1], s[n]);
    ASSERT_EQ(feed(ofi, s[n]), want) << "update " << n;
    es.push_back(want);
    cum += want;
    int64_t window = 0;
    for (size_t i = es.size() >= 3 ? es.size() - 3 : 0; i < es.size(); ++i) window += es[i];
    EXPECT_EQ(ofi.window_sum(), window) << "update " << n;
    EXPECT_EQ(ofi.cumulative(), cum);
    EXPECT_EQ(ofi.last(), want);
  }
  EXPECT_EQ(ofi.updates(), s.size() - 1);
  EXPECT_EQ(ofi.window_count(), 3u);
}

TEST(MicrostructureOfi, HandComputedCases) {
  Ofi ofi;
  ofi.update(100, 10, 102, 10);
  EXPECT_EQ(ofi.update(100, 15, 102, 10), 5);   // bid size +5
  EXPECT_EQ(ofi.update(101, 3, 102, 10), 3);    // a better bid of 3
  EXPECT_EQ(ofi.update(101, 3, 101, 4), -4);    // a better ask of 4
  EXPECT_EQ(ofi.update(101, 3, 102, 8), 4);     // the ask of 4 left
  EXPECT_EQ(ofi.update(0, 0, 102, 8), -3);      // the bids emptied
  EXPECT_EQ(ofi.update(0, 0, 0, 0), 8);         // the asks emptied
  EXPECT_EQ(ofi.update(0, 0, 0, 0), 0);         // nothing on either side, still nothing
  EXPECT_EQ(ofi.cumulative(), 5 + 3 - 4 + 4 - 3 + 8);
}

TEST(MicrostructureOfi, SingleUpdateIsOnlyTheBaseline) {
  Ofi ofi(5);
  EXPECT_EQ(ofi.update(100, 10, 101, 10), 0);
  EXPECT_EQ(ofi.updates(), 0u);
  EXPECT_EQ(ofi.window_count(), 0u);
  EXPECT_EQ(ofi.window_sum(), 0);
  EXPECT_EQ(ofi.cumulative(), 0);
}

TEST(MicrostructureOfi, RejectsAnEmptyWindow) { EXPECT_THROW(Ofi(0), std::invalid_argument); }

TEST(MicrostructureOfi, StateRoundTripContinuesBitForBit) {
  const std::vector<Top> s = series();
  Ofi a(4);
  for (size_t i = 0; i < 6; ++i) feed(a, s[i]);
  std::vector<uint8_t> bytes;
  a.save(bytes);
  Ofi b(4);
  std::span<const uint8_t> in(bytes);
  b.load(in);
  EXPECT_TRUE(in.empty());
  for (size_t i = 6; i < s.size(); ++i) {
    ASSERT_EQ(feed(a, s[i]), feed(b, s[i]));
    ASSERT_EQ(a.window_sum(), b.window_sum());
  }
  // Equal states write equal bytes although their rings now sit at different offsets.
  std::vector<uint8_t> ea, eb;
  a.save(ea);
  b.save(eb);
  EXPECT_EQ(ea, eb);
}

TEST(MicrostructureOfi, LoadRefusesOtherBytes) {
  Ofi a(4);
  a.update(100, 1, 101, 1);
  std::vector<uint8_t> bytes;
  a.save(bytes);
  Ofi other_window(5);
  std::span<const uint8_t> in(bytes);
  EXPECT_THROW(other_window.load(in), std::runtime_error);
  std::vector<uint8_t> cut(bytes.begin(), bytes.end() - 1);
  std::span<const uint8_t> short_in(cut);
  Ofi same(4);
  EXPECT_THROW(same.load(short_in), std::runtime_error);
  MultiLevelOfi ml(1, 4);
  std::span<const uint8_t> wrong_kind(bytes);
  EXPECT_THROW(ml.load(wrong_kind), std::runtime_error);
}

// ---- Multi-level ----

using Book = std::vector<std::vector<Level>>;  // {bids, asks}, best first

Top level_top(const Book& b, size_t m) {
  Top t;
  if (m < b[0].size() && b[0][m].qty > 0) t.bid = Side{b[0][m].price, b[0][m].qty};
  if (m < b[1].size() && b[1][m].qty > 0) t.ask = Side{b[1][m].price, b[1][m].qty};
  return t;
}

TEST(MicrostructureOfi, MultiLevelAppliesTheDefinitionPerLevel) {
  const std::vector<Book> books = {
      {{{100, 5}, {99, 7}, {98, 2}}, {{101, 4}, {102, 6}, {103, 1}}},
      {{{100, 8}, {99, 7}, {98, 2}}, {{101, 4}, {102, 6}, {103, 1}}},  // L1 bid grows
      {{{100, 8}, {99, 1}}, {{101, 4}, {102, 9}, {104, 3}}},           // L3 bid gone, L3 ask moved
      {{{101, 2}, {100, 8}, {99, 1}}, {{102, 9}, {104, 3}}},           // everything shifts
      {{}, {{102, 9}}},                                                // nearly empty book
      {{{97, 4}, {96, 4}, {95, 4}}, {{98, 1}, {99, 1}, {100, 1}}},
  };
  MultiLevelOfi ml(3, 2);
  Ofi l1(2);
  std::vector<int64_t> cum(3, 0);
  for (size_t n = 0; n < books.size(); ++n) {
    ml.update(books[n][0], books[n][1]);
    const Top t1 = level_top(books[n], 0);
    feed(l1, t1);
    if (n == 0) continue;
    for (uint32_t m = 0; m < 3; ++m) {
      const int64_t want = reference_e(level_top(books[n - 1], m), level_top(books[n], m));
      EXPECT_EQ(ml.last(m), want) << "book " << n << " level " << m;
      cum[m] += want;
      EXPECT_EQ(ml.cumulative(m), cum[m]);
    }
    EXPECT_EQ(ml.last(0), l1.last());  // level 0 is plain OFI
    EXPECT_EQ(ml.window_sum(0), l1.window_sum());
  }
  EXPECT_EQ(ml.updates(), books.size() - 1);
}

TEST(MicrostructureOfi, MultiLevelRoundTripAndLimits) {
  EXPECT_THROW(MultiLevelOfi(0), std::invalid_argument);
  EXPECT_THROW(MultiLevelOfi(65), std::invalid_argument);
  MultiLevelOfi a(2, 3), b(2, 3);
  const std::vector<Level> bids = {{100, 5}, {99, 2}}, asks = {{101, 5}};
  a.update(bids, asks);
  const std::vector<Level> bids2 = {{100, 1}};
  a.update(bids2, asks);
  std::vector<uint8_t> bytes;
  a.save(bytes);
  std::span<const uint8_t> in(bytes);
  b.load(in);
  EXPECT_TRUE(in.empty());
  a.update(bids, asks);
  b.update(bids, asks);
  for (uint32_t m = 0; m < 2; ++m) {
    EXPECT_EQ(a.last(m), b.last(m));
    EXPECT_EQ(a.cumulative(m), b.cumulative(m));
    EXPECT_EQ(a.window_sum(m), b.window_sum(m));
  }
  MultiLevelOfi three(3, 3);
  std::span<const uint8_t> again(bytes);
  EXPECT_THROW(three.load(again), std::runtime_error);
}

}  // namespace
