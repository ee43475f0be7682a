// core/ring.h: FIFO order across wrap-around and growth, ordered insert, clear.
#include "core/ring.h"

#include <gtest/gtest.h>

#include <deque>

namespace tape {
namespace {

TEST(Ring, KeepsFifoOrderAcrossWrapAndGrowth) {
  Ring<int> r;
  std::deque<int> ref;
  int next = 0;
  // Pushes two, pops one, so the head walks around the array while it doubles (16, 32, ...).
  for (int step = 0; step < 200; ++step) {
    r.push_back(next), ref.push_back(next++);
    r.push_back(next), ref.push_back(next++);
    ASSERT_EQ(r.front(), ref.front());
    r.pop_front(), ref.pop_front();
    ASSERT_EQ(r.size(), ref.size());
    ASSERT_EQ(r.back(), ref.back());
  }
  for (size_t i = 0; i < ref.size(); ++i) ASSERT_EQ(r[i], ref[i]) << i;
  while (!ref.empty()) {
    ASSERT_EQ(r.front(), ref.front());
    r.pop_front(), ref.pop_front();
  }
  EXPECT_TRUE(r.empty());
}

TEST(Ring, InsertPlacesTheItemAtItsIndex) {
  Ring<int> r;
  for (int i = 0; i < 20; ++i) r.push_back(i * 10);
  for (int i = 0; i < 5; ++i) r.pop_front();  // wrapped head
  r.insert(3, 77);
  r.insert(0, -1);
  r.insert(r.size(), 999);
  ASSERT_EQ(r.size(), 18u);
  EXPECT_EQ(r[0], -1);
  EXPECT_EQ(r[1], 50);
  EXPECT_EQ(r[4], 77);
  EXPECT_EQ(r[5], 80);
  EXPECT_EQ(r.back(), 999);
  r.clear();
  EXPECT_TRUE(r.empty());
  r.push_back(5);
  EXPECT_EQ(r.front(), 5);
}

}  // namespace
}  // namespace tape
