// Snapshot restore of Risk, Portfolio and StrategyHost: a component restored from the bytes its
// hash_state wrote re-hashes to the same bytes, and carries on a mixed workload (quotes, trades,
// external orders, cancels, replaces, halts, kill switch, timers, both built-in strategies)
// publishing exactly what the original publishes; truncated or corrupt bytes fail the restore
// with a Status instead of crashing.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/bus.h"
#include "core/engine.h"
#include "core/portfolio.h"
#include "core/risk.h"
#include "core/rng.h"
#include "core/state_reader.h"
#include "core/strategy.h"
#include "unit/restore_pipeline.h"

namespace tape {
namespace {

using testing_util::make_config;
using testing_util::Pipeline;

constexpr int64_t kMs = 1'000'000;
constexpr int kWorkloadInputs = 4000;

// A seeded mixed input stream: drifting mids, quotes, prints, external limit and market orders
// that trade against the strategies, cancels and replaces of them, heartbeats, a halt window
// and a kill-switch window every few hundred inputs.
class Workload {
 public:
  std::vector<Input> make(uint64_t seed, int n) {
    Rng rng(seed, 7);
    std::vector<Input> out;
    int64_t ts = 0;
    for (int k = 0; k < n; ++k) {
      ts += rng.uniform_int(1, 15) * kMs;
      out.push_back(Input{Seq(uint64_t(k) + 1), Timestamp(ts), next(rng, k)});
    }
    return out;
  }

 private:
  struct Live {
    OrderId id;
    AccountId account;
    InstrumentId instrument;
  };

  InputBody next(Rng& rng, int k) {
    if (k % 700 == 350) return ControlIn{ControlKind::kKillSwitchOn, InstrumentId(0)};
    if (k % 700 == 420) return ControlIn{ControlKind::kKillSwitchOff, InstrumentId(0)};
    const InstrumentId halted(uint32_t(k / 500 % 2));
    if (k % 500 == 100) return ControlIn{ControlKind::kHalt, halted};
    if (k % 500 == 140) return ControlIn{ControlKind::kResume, halted};
    const uint32_t i = uint32_t(rng.uniform_below(2));
    if (k % 150 == 0) drift_[i] = rng.uniform_int(-1, 1);
    mid_[i] += rng.uniform_int(-1, 1) + (rng.bernoulli(0.4) ? drift_[i] : 0);
    const InstrumentId inst(i);
    const uint64_t roll = rng.uniform_below(100);
    if (roll < 25) {
      const int64_t half = rng.uniform_int(1, 3);
      return QuoteIn{inst, Price(mid_[i] - half), Qty(rng.uniform_int(1, 50)),
                     Price(mid_[i] + half), Qty(rng.uniform_int(1, 50))};
    }
    if (roll < 42) {
      const Side aggressor =
          rng.bernoulli(0.5 + 0.35 * double(drift_[i])) ? Side::kBuy : Side::kSell;
      return TradeIn{inst, Price(mid_[i]), Qty(rng.uniform_int(1, 20)), aggressor};
    }
    if (roll < 80) return new_order(rng, inst);
    if (roll < 92 && !live_.empty()) {
      const Live l = live_[rng.uniform_below(live_.size())];
      if (roll < 88) return CancelIn{l.id, l.account, l.instrument};
      const int64_t m = mid_[l.instrument.value()];
      return ReplaceIn{l.id, l.account, l.instrument, Price(m + rng.uniform_int(-4, 4)),
                       Qty(rng.uniform_int(1, 30))};
    }
    return HeartbeatIn{};
  }

  InputBody new_order(Rng& rng, InstrumentId inst) {
    NewOrderIn o;
    o.id = OrderId(next_id_++);
    o.account = AccountId(kExternalAccountBase + uint32_t(rng.uniform_below(5)));
    o.instrument = inst;
    o.side = rng.bernoulli(0.5) ? Side::kBuy : Side::kSell;
    o.qty = Qty(rng.uniform_int(1, 30));
    if (rng.bernoulli(0.1)) {
      o.type = OrderType::kMarket;
      o.tif = TimeInForce::kIoc;
      return o;
    }
    // Mostly passive, sometimes through the mid: those trade with the makers' quotes.
    const int64_t offset = rng.uniform_int(-3, 6);
    o.price = Price(mid_[inst.value()] + (o.side == Side::kBuy ? -offset : offset));
    live_.push_back(Live{o.id, o.account, o.instrument});
    return o;
  }

  int64_t mid_[2] = {10'000, 10'000};
  int64_t drift_[2] = {0, 0};
  uint64_t next_id_ = 1;
  std::vector<Live> live_;
};

// Index of the first event that differs (or the shorter length), -1 if equal.
int64_t first_difference(const std::vector<BusEvent>& a, const std::vector<BusEvent>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (!(a[i] == b[i])) return int64_t(i);
  }
  return a.size() == b.size() ? -1 : int64_t(std::min(a.size(), b.size()));
}

template <typename T, typename Pred>
size_t count_events(const std::vector<BusEvent>& events, Pred pred) {
  size_t n = 0;
  for (const BusEvent& e : events) {
    if (const T* t = std::get_if<T>(&e)) n += pred(*t) ? 1 : 0;
  }
  return n;
}

// One uninterrupted run of the workload, with the state at chosen points.
struct Reference {
  struct Point {
    std::string sections[3];  // risk, portfolio, host bytes
    std::string engine_hash;
    size_t events_before = 0;  // events delivered before this point
  };
  std::vector<Input> inputs;
  std::vector<BusEvent> events;
  std::vector<std::pair<size_t, Point>> points;  // (inputs processed, state then)
  std::string final_bytes;

  const Point& at(size_t split) const {
    for (const auto& [k, point] : points) {
      if (k == split) return point;
    }
    ADD_FAILURE() << "no reference point at " << split;
    return points.front().second;
  }
};

constexpr Pipeline::Part kParts[3] = {Pipeline::kRisk, Pipeline::kPortfolio, Pipeline::kHost};
const std::vector<size_t> kSplits = {1, 333, 1500, 2750, kWorkloadInputs - 1};

Reference run_reference() {
  Reference ref;
  ref.inputs = Workload().make(42, kWorkloadInputs);
  Pipeline p(make_config());
  for (size_t k = 0; k <= ref.inputs.size(); ++k) {
    if (std::find(kSplits.begin(), kSplits.end(), k) != kSplits.end()) {
      Reference::Point point;
      for (int i = 0; i < 3; ++i) point.sections[i] = p.bytes(kParts[i]);
      point.engine_hash = p.engine_hash();
      point.events_before = p.events().size();
      ref.points.emplace_back(k, std::move(point));
    }
    if (k < ref.inputs.size()) p.process(ref.inputs[k]);
  }
  ref.events = p.events();
  ref.final_bytes = p.bytes(Pipeline::kAll);
  return ref;
}

struct Resumed {
  std::vector<BusEvent> tail;  // events after the split
  std::string final_bytes;
};

// Replays inputs [0, split) on a second pipeline (its engine then equals the reference's), swaps
// in fresh `parts` and restores them from the reference's bytes at `split` (unless `restore` is
// false), then runs the remaining inputs.
Resumed resume(const Reference& ref, size_t split, unsigned parts, bool restore) {
  const Reference::Point& point = ref.at(split);
  Pipeline p(make_config());
  for (size_t k = 0; k < split; ++k) p.process(ref.inputs[k]);
  EXPECT_EQ(p.engine_hash(), point.engine_hash);
  p.fresh(parts);
  if (restore) {
    std::string snapshot;
    for (int i = 0; i < 3; ++i) {
      if (parts & kParts[i]) snapshot += point.sections[i];
    }
    const Status st = p.restore(parts, snapshot);
    EXPECT_TRUE(st.is_ok()) << st.message();
    EXPECT_EQ(p.bytes(parts), snapshot);
  }
  p.events().clear();
  for (size_t k = split; k < ref.inputs.size(); ++k) p.process(ref.inputs[k]);
  return Resumed{p.events(), p.bytes(Pipeline::kAll)};
}

class RestoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ref_ = new Reference(run_reference()); }
  static void TearDownTestSuite() {
    delete ref_;
    ref_ = nullptr;
  }
  static const Reference& ref() { return *ref_; }
  static std::vector<BusEvent> tail_after(size_t split) {
    const auto& ev = ref().events;
    return {ev.begin() + int64_t(ref().at(split).events_before), ev.end()};
  }

 private:
  static Reference* ref_;
};
Reference* RestoreTest::ref_ = nullptr;

TEST_F(RestoreTest, WorkloadExercisesStrategiesRiskAndPortfolio) {
  const std::vector<BusEvent> ev = tail_after(1500);
  auto intents_of = [&](uint32_t account) {
    return count_events<OrderIntent>(
        ev, [&](const OrderIntent& i) { return i.account == AccountId(account); });
  };
  EXPECT_GT(intents_of(1), 50u);
  EXPECT_GT(intents_of(2), 20u);
  EXPECT_GT(intents_of(3), 3u);
  EXPECT_GT(count_events<Fill>(ev, [](const Fill& f) { return is_managed(f.maker_account); }), 20u);
  EXPECT_GT(count_events<Fill>(ev, [](const Fill& f) { return is_managed(f.taker_account); }), 0u);
  for (RejectReason r :
       {RejectReason::kRateLimit, RejectReason::kKillSwitch, RejectReason::kPositionLimit}) {
    EXPECT_GT(count_events<RiskDecision>(ev, [&](const RiskDecision& d) { return d.reason == r; }),
              0u)
        << reject_reason_name(r);
  }
}

TEST_F(RestoreTest, RestoredComponentsContinueExactlyLikeTheOriginal) {
  for (size_t split : kSplits) {
    for (unsigned parts : {unsigned{Pipeline::kRisk}, unsigned{Pipeline::kPortfolio},
                           unsigned{Pipeline::kHost}, unsigned{Pipeline::kAll}}) {
      SCOPED_TRACE("split " + std::to_string(split) + " parts " + std::to_string(parts));
      const Resumed r = resume(ref(), split, parts, true);
      EXPECT_EQ(first_difference(r.tail, tail_after(split)), -1);
      EXPECT_EQ(r.final_bytes, ref().final_bytes);
    }
  }
}

// The control for the test above: without the restore, each component's missing state changes
// what the pipeline publishes, so the equality above is not vacuous.
TEST_F(RestoreTest, FreshComponentsWithoutRestoreDiverge) {
  for (Pipeline::Part part : kParts) {
    SCOPED_TRACE("part " + std::to_string(part));
    const Resumed r = resume(ref(), 1500, part, false);
    EXPECT_NE(first_difference(r.tail, tail_after(1500)), -1);
  }
}

TEST(RestoreRoundTrip, RestoreThenHashGivesTheSameBytesThroughoutTheWorkload) {
  const std::vector<Input> inputs = Workload().make(7, 1500);
  Pipeline p(make_config());
  Pipeline scratch(make_config());
  for (size_t k = 0; k < inputs.size(); ++k) {
    p.process(inputs[k]);
    if (k % 97 != 0) continue;
    for (Pipeline::Part part : kParts) {
      const std::string bytes = p.bytes(part);
      scratch.fresh(Pipeline::kAll);
      const Status st = scratch.restore(part, bytes);
      ASSERT_TRUE(st.is_ok()) << "input " << k << " part " << part << ": " << st.message();
      ASSERT_EQ(scratch.bytes(part), bytes) << "input " << k << " part " << part;
    }
  }
}

TEST_F(RestoreTest, TruncatedSnapshotFailsAtEveryLength) {
  Pipeline scratch(make_config());
  for (int i = 0; i < 3; ++i) {
    const std::string& bytes = ref().at(1500).sections[i];
    for (size_t n = 0; n < bytes.size(); ++n) {
      scratch.fresh(Pipeline::kAll);
      EXPECT_FALSE(scratch.restore(kParts[i], std::string_view(bytes).substr(0, n)).is_ok())
          << "part " << kParts[i] << " cut at " << n << " of " << bytes.size();
    }
  }
}

// Every single-byte corruption either fails the restore or is a state the component re-hashes
// to exactly those bytes: nothing is accepted half-read, and nothing crashes.
TEST_F(RestoreTest, CorruptByteFailsOrRoundTripsNeverCrashes) {
  Pipeline scratch(make_config());
  for (int i = 0; i < 3; ++i) {
    const std::string& bytes = ref().at(1500).sections[i];
    size_t failed = 0;
    for (size_t pos = 0; pos < bytes.size(); ++pos) {
      for (uint8_t flip : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
        std::string bad = bytes;
        bad[pos] = char(uint8_t(bad[pos]) ^ flip);
        scratch.fresh(Pipeline::kAll);
        if (!scratch.restore(kParts[i], bad).is_ok()) {
          ++failed;
          continue;
        }
        ASSERT_EQ(scratch.bytes(kParts[i]), bad) << "part " << kParts[i] << " byte " << pos;
      }
    }
    EXPECT_GT(failed, bytes.size() / 4) << "part " << kParts[i];
  }
}

TEST_F(RestoreTest, HostRestoreRejectsASnapshotOfAnotherConfig) {
  const std::string& bytes = ref().at(1500).sections[2];
  CoreConfig other = make_config();
  other.strategies[1].timer_ms = 41;
  Pipeline p(other);
  p.fresh(Pipeline::kAll);
  const Status st = p.restore(Pipeline::kHost, bytes);
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("differs from the config"), std::string::npos) << st.message();
}

TEST_F(RestoreTest, HostRestoreRejectsQuoteIdsTheStrategyNeverIssued) {
  std::string bytes = ref().at(1500).sections[2];
  // tag "strategies" (8 + 10), count (8), timers started (1); slot 0: kind (1), account (8),
  // then its orders-sent counter.
  const size_t sent_at = 18 + 8 + 1 + 1 + 8;
  StateReader peek(std::string_view(bytes).substr(sent_at, 8));
  ASSERT_GT(peek.u64(), 0u);
  for (size_t b = 0; b < 8; ++b) bytes[sent_at + b] = 0;
  Pipeline p(make_config());
  const Status st = p.restore(Pipeline::kHost, bytes);
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("market maker quote"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace tape
