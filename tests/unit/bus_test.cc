#include "core/bus.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tape {
namespace {

// Subscribers that log what they see and publish follow-ups, to observe delivery order.
struct First {
  EventQueue& q;
  std::vector<std::string>& log;
  void on(const HeartbeatIn&) {
    log.push_back("first:heartbeat");
    q.publish(BookChanged{InstrumentId(1)});
    q.publish(BookChanged{InstrumentId(2)});
  }
  void on(const BookChanged& b) {
    log.push_back("first:book" + std::to_string(b.instrument.value()));
    if (b.instrument.value() == 1) q.publish(BookChanged{InstrumentId(3)});
  }
};

struct Second {
  std::vector<std::string>& log;
  void on(const HeartbeatIn&) { log.push_back("second:heartbeat"); }
  void on(const BookChanged& b) { log.push_back("second:book" + std::to_string(b.instrument.value())); }
};

struct Deaf {};  // handles nothing: must compile and be skipped

TEST(Bus, DeliversBreadthFirstInSubscriberOrder) {
  EventQueue q(16);
  std::vector<std::string> log;
  First a{q, log};
  Second b{log};
  Deaf d;
  Bus<First, Deaf, Second> bus(q, a, d, b);
  bus.publish(HeartbeatIn{});
  bus.drain();
  const std::vector<std::string> expected = {
      "first:heartbeat", "second:heartbeat", "first:book1", "second:book1",
      "first:book2",     "second:book2",     "first:book3", "second:book3"};
  EXPECT_EQ(log, expected);
  EXPECT_TRUE(q.empty());
}

TEST(Bus, PublishManyKeepsOrder) {
  EventQueue q(8);
  std::vector<std::string> log;
  Second b{log};
  Bus<Second> bus(q, b);
  std::vector<BusEvent> batch = {BookChanged{InstrumentId(7)}, HeartbeatIn{}, BookChanged{InstrumentId(8)}};
  bus.publish_many(batch);
  EXPECT_EQ(log, (std::vector<std::string>{"second:book7", "second:heartbeat", "second:book8"}));
}

TEST(EventQueue, CapacityRoundsUpAndTracksHighWater) {
  EventQueue q(5);
  EXPECT_EQ(q.capacity(), 8u);
  for (int i = 0; i < 8; ++i) q.publish(HeartbeatIn{});
  EXPECT_EQ(q.high_water(), 8u);
  q.clear();
  EXPECT_TRUE(q.empty());
}

TEST(EventQueueDeathTest, OverflowStopsInsteadOfDropping) {
  EventQueue q(2);
  q.publish(HeartbeatIn{});
  q.publish(HeartbeatIn{});
  EXPECT_DEATH(q.publish(HeartbeatIn{}), "event queue full");
}

}  // namespace
}  // namespace tape
