// The L3 venue test fixture: a venue over one instrument, hand-written data messages and strategy
// intents, everything it publishes drained into a vector (tests/unit/l3_venue*_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/l3_venue.h"
#include "tests/unit/data_venue_fixture.h"

namespace tape {

inline constexpr int64_t kP = 10'000;  // a bid price
inline constexpr int64_t kA = 10'100;  // an ask price

class L3VenueTest : public ::testing::Test {
 protected:
  void make(int64_t feed_ns = 0, BookSeed seed = {}, bool level1 = true) {
    config_ = testing_util::venue_config(VenueModel::kL3);
    config_.venue.l3_level1 = level1;
    config_.latency.feed_ns = feed_ns;
    if (seed.present) config_.venue.book_seeds = {seed};
    queue_.clear();
    venue_ = std::make_unique<L3Venue>(config_, clock_, queue_);
  }
  void SetUp() override { make(); }
  void at(int64_t ts) {
    clock_.advance(Seq(++seq_), Timestamp(ts));
    venue_->advance_time(Timestamp(ts));
  }
  std::vector<BusEvent> msg(int64_t ts, BookAction a, uint64_t id, Side side, int64_t price,
                            int64_t qty) {
    at(ts);
    venue_->on_market(BookMessageIn{InstrumentId(0), a, id, side, Price(price), Qty(qty)});
    return drain();
  }
  std::vector<BusEvent> add(uint64_t id, Side s, int64_t p, int64_t q) {
    return msg(ts_ += 10, BookAction::kAdd, id, s, p, q);
  }
  std::vector<BusEvent> exec(uint64_t id, Side s, int64_t p, int64_t q) {
    return msg(ts_ += 10, BookAction::kExecute, id, s, p, q);
  }
  std::vector<BusEvent> send(const OrderIntent& it) {
    at(ts_ += 10);
    venue_->execute(RiskDecision{it, true, RejectReason::kNone});
    return drain();
  }
  std::vector<BusEvent> drain() {
    std::vector<BusEvent> out;
    while (!queue_.empty()) {
      out.push_back(queue_.front());
      queue_.pop();
    }
    return out;
  }
  const L3Book& book() const { return venue_->book(InstrumentId(0)); }
  std::string state() const {
    StateHasher h;
    venue_->hash_state(h);
    return h.bytes();
  }

  CoreConfig config_;
  SimClock clock_;
  EventQueue queue_{4096};
  std::unique_ptr<L3Venue> venue_;
  uint64_t seq_ = 0;
  int64_t ts_ = 1'000;
};

}  // namespace tape
