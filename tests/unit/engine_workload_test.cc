// A long seeded random workload against the engine: invariants and quantity conservation hold
// after every input, every reject and cancel path is taken, and the same seed replays exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/engine.h"
#include "unit/book_test_util.h"

namespace tape {
namespace {

using testing_util::drain;
using testing_util::hash_of;
using testing_util::make_config;
using testing_util::TestRng;

// What the test knows about an order from the events alone.
struct Tracked {
  InstrumentId instrument;
  Side side = Side::kBuy;
  Price price;
  int64_t original = 0;
  int64_t replaced_delta = 0;  // sum of (new leaves - leaves before) over replaces
  int64_t filled = 0;
  int64_t cancelled = 0;
  int64_t open = 0;
  int terminal = 0;  // fully filled or cancelled events seen
  bool live = false;
};

class Workload {
 public:
  explicit Workload(uint64_t seed)
      : rng_(seed), config_(workload_config()), queue_(1 << 16), engine_(config_, queue_) {}

  // Runs `steps` random inputs; returns the concatenated event kinds and fields as text.
  std::string run(int steps) {
    std::string log;
    for (int step = 0; step < steps; ++step) {
      next_input();
      const std::vector<BusEvent> events = drain(queue_);
      for (const BusEvent& e : events) observe(e, &log);
      const std::string err = engine_.check_invariants();
      EXPECT_EQ(err, "") << "after step " << step;
      if (!err.empty()) break;
      if (step % 251 == 0) compare_depth(step);
    }
    compare_depth(steps);
    return log;
  }

  void check_conservation() const {
    for (const auto& [id, t] : orders_) {
      EXPECT_EQ(t.original + t.replaced_delta, t.filled + t.cancelled + t.open) << "order " << id;
      EXPECT_EQ(engine_.is_resting(OrderId(id)), t.live) << "order " << id;
      EXPECT_EQ(t.terminal, t.live ? 0 : 1) << "order " << id;
      EXPECT_EQ(t.live, t.open > 0) << "order " << id;
    }
  }
  const Engine& engine() const { return engine_; }
  size_t orders_seen() const { return orders_.size(); }
  uint64_t fills_seen() const { return fills_; }

 private:
  // Small bounds, so the pool, the fill limit and the ladder maximum are all reached.
  static CoreConfig workload_config() {
    CoreConfig c = make_config(2, 48, 64, 2048, /*fills_max=*/6);
    c.instruments[1].initial_mid = Price(5000);
    return c;
  }

  void next_input() {
    const int64_t roll = rng_.in(0, 999);
    const uint32_t instrument = static_cast<uint32_t>(rng_.in(0, 1));
    const int64_t mid = instrument == 0 ? 100 : 5000;
    const uint32_t account = rng_.in(0, 3) == 0 ? static_cast<uint32_t>(rng_.in(1, 3))
                                                : static_cast<uint32_t>(rng_.in(1000, 1003));
    if (roll < 600) {
      const Side side = rng_.in(0, 1) == 0 ? Side::kBuy : Side::kSell;
      const int64_t tif_roll = rng_.in(0, 9);
      const TimeInForce tif = tif_roll < 7   ? TimeInForce::kGtc
                              : tif_roll < 9 ? TimeInForce::kIoc
                                             : TimeInForce::kFok;
      const bool is_market = rng_.in(0, 19) == 0;
      // Mostly near the mid; now and then far out, to grow the ladder or hit its maximum.
      const int64_t spread = rng_.in(0, 49) == 0 ? 3000 : 12;
      NewOrderIn in{OrderId(next_id_++),
                    AccountId(account),
                    InstrumentId(instrument),
                    side,
                    is_market ? OrderType::kMarket : OrderType::kLimit,
                    tif,
                    Price(std::max<int64_t>(1, mid + rng_.in(-spread, spread))),
                    Qty(rng_.in(0, 9) == 0 ? rng_.in(100, 400) : rng_.in(1, 40))};
      if (rng_.in(0, 99) == 0) in.qty = Qty(rng_.in(-1, 0));  // invalid now and then
      send_new(in);
    } else if (roll < 720) {
      const uint64_t id = pick_id();
      const auto it = orders_.find(id);
      const uint32_t owner = it != orders_.end() && rng_.in(0, 9) != 0 ? account_of_[id] : account;
      const uint32_t inst = it != orders_.end() ? it->second.instrument.value() : instrument;
      send(CancelIn{OrderId(id), AccountId(owner), InstrumentId(inst)}, owner);
    } else if (roll < 970) {
      const uint64_t id = pick_id();
      const auto it = orders_.find(id);
      if (it == orders_.end()) return;
      const Tracked& t = it->second;
      const int64_t price = rng_.in(0, 2) == 0 ? t.price.value() : t.price.value() + rng_.in(-4, 4);
      const int64_t qty = rng_.in(0, 2) == 0 ? std::max<int64_t>(1, t.open - 1) : rng_.in(1, 40);
      const uint32_t owner = account_of_[id];
      send(ReplaceIn{OrderId(id), AccountId(owner), t.instrument, Price(price), Qty(qty)}, owner);
    } else if (roll < 998) {
      const ControlKind k = rng_.in(0, 9) == 0 ? ControlKind::kHalt : ControlKind::kResume;
      engine_.on(ControlIn{k, InstrumentId(instrument)});
    } else {
      engine_.on(ControlIn{ControlKind::kKillSwitchOn, InstrumentId(0)});
    }
  }

  // Managed accounts' orders come through risk, external ones directly.
  void send_new(const NewOrderIn& in) {
    account_of_[in.id.value()] = in.account.value();
    if (!is_managed(in.account)) return engine_.on(in);
    engine_.on(RiskDecision{OrderIntent{IntentKind::kNew, in.id, in.account, in.instrument, in.side,
                                        in.type, in.tif, in.price, in.qty},
                            true, RejectReason::kNone});
  }
  template <typename In>
  void send(const In& in, uint32_t account) {
    if (!is_managed(AccountId(account))) return engine_.on(in);
    OrderIntent intent{};
    intent.kind = std::is_same_v<In, CancelIn> ? IntentKind::kCancel : IntentKind::kReplace;
    intent.id = in.id;
    intent.account = in.account;
    intent.instrument = in.instrument;
    if constexpr (std::is_same_v<In, ReplaceIn>) {
      intent.price = in.price;
      intent.qty = in.qty;
    }
    engine_.on(RiskDecision{intent, true, RejectReason::kNone});
  }

  // Mostly a resting order (from the candidates, pruned lazily), sometimes any id ever issued.
  uint64_t pick_id() {
    while (!candidates_.empty() && rng_.in(0, 4) != 0) {
      const size_t k =
          static_cast<size_t>(rng_.in(0, static_cast<int64_t>(candidates_.size()) - 1));
      const uint64_t id = candidates_[k];
      if (orders_.at(id).live) return id;
      candidates_[k] = candidates_.back();
      candidates_.pop_back();
    }
    return static_cast<uint64_t>(
        rng_.in(1, std::max<int64_t>(1, static_cast<int64_t>(next_id_) - 1)));
  }

  void observe(const BusEvent& e, std::string* log) {
    *log += std::to_string(e.index());
    if (const auto* a = std::get_if<OrderAccepted>(&e)) {
      Tracked& t = orders_[a->id.value()];
      EXPECT_FALSE(t.live);
      t = Tracked{a->instrument,  a->side, a->price, a->qty.value(), 0, 0, 0,
                  a->qty.value(), 0,       true};
      candidates_.push_back(a->id.value());
    } else if (const auto* f = std::get_if<Fill>(&e)) {
      ++fills_;
      *log += ':';
      *log += std::to_string(f->maker.value());
      *log += '/';
      *log += std::to_string(f->qty.value());
      Tracked& maker = orders_.at(f->maker.value());
      Tracked& taker = orders_.at(f->taker.value());
      EXPECT_EQ(f->price, maker.price);
      EXPECT_NE(maker.side, taker.side);
      EXPECT_EQ(f->aggressor, taker.side);
      apply_fill(maker, f->qty.value(), f->maker_leaves.value());
      apply_fill(taker, f->qty.value(), f->taker_leaves.value());
    } else if (const auto* rj = std::get_if<OrderRejected>(&e)) {
      ++rejects_by_reason_[static_cast<int>(rj->reason)];
    } else if (const auto* c = std::get_if<OrderCancelled>(&e)) {
      ++cancels_by_reason_[static_cast<int>(c->reason)];
      Tracked& t = orders_.at(c->id.value());
      EXPECT_EQ(c->qty.value(), t.open);
      t.cancelled += c->qty.value();
      t.open = 0;
      t.live = false;
      ++t.terminal;
    } else if (const auto* r = std::get_if<OrderReplaced>(&e)) {
      Tracked& t = orders_.at(r->id.value());
      t.replaced_delta += r->qty.value() - t.open;
      t.open = r->qty.value();
      t.price = r->price;
    }
    *log += ',';
  }

  static void apply_fill(Tracked& t, int64_t qty, int64_t leaves_after) {
    t.filled += qty;
    t.open -= qty;
    EXPECT_EQ(t.open, leaves_after);
    if (t.open == 0) {
      t.live = false;
      ++t.terminal;
    }
  }

  // The engine's full depth equals the tracked live orders aggregated by level.
  void compare_depth(int step) {
    for (uint32_t inst = 0; inst < 2; ++inst) {
      for (Side side : {Side::kBuy, Side::kSell}) {
        std::map<int64_t, std::pair<int64_t, uint32_t>> want;
        for (const auto& [id, t] : orders_) {
          if (!t.live || t.instrument.value() != inst || t.side != side) continue;
          auto& level = want[t.price.value()];
          level.first += t.open;
          ++level.second;
        }
        std::vector<LevelView> got(4096);
        got.resize(engine_.depth(InstrumentId(inst), side, got));
        ASSERT_EQ(got.size(), want.size()) << "step " << step;
        size_t k = side == Side::kBuy ? want.size() : 0;
        for (const auto& [price, level] : want) {
          const LevelView& v = got[side == Side::kBuy ? --k : k++];
          ASSERT_EQ(v.price.value(), price) << "step " << step;
          ASSERT_EQ(v.qty.value(), level.first) << "step " << step;
          ASSERT_EQ(v.orders, level.second) << "step " << step;
        }
      }
    }
  }

  TestRng rng_;
  CoreConfig config_;
  EventQueue queue_;
  Engine engine_;
  uint64_t next_id_ = 1;
  uint64_t fills_ = 0;
  std::map<uint64_t, Tracked> orders_;
  std::map<uint64_t, uint32_t> account_of_;
  std::vector<uint64_t> candidates_;  // ids accepted at some point; dead ones pruned on pick

 public:
  std::map<int, int> rejects_by_reason_;  // how often each path was taken
  std::map<int, int> cancels_by_reason_;
};

TEST(EngineWorkloadTest, RandomWorkloadKeepsInvariantsAndConservesQuantity) {
  Workload w(20240611);
  w.run(30000);
  w.check_conservation();
  const Engine::Counters& c = w.engine().counters();
  // The workload must actually exercise the paths it claims to.
  EXPECT_GT(w.fills_seen(), 5000u);
  EXPECT_GT(c.replaced, 1000u);
  EXPECT_GT(c.rejected, 1000u);
  for (RejectReason r :
       {RejectReason::kBookFull, RejectReason::kPriceOutOfRange, RejectReason::kHalted,
        RejectReason::kNotOwner, RejectReason::kUnknownOrderId, RejectReason::kInvalidQty}) {
    EXPECT_GT(w.rejects_by_reason_[static_cast<int>(r)], 0) << reject_reason_name(r);
  }
  for (CancelReason r :
       {CancelReason::kUser, CancelReason::kIocRemainder, CancelReason::kFokUnfilled,
        CancelReason::kNoLiquidity, CancelReason::kKillSwitch, CancelReason::kFillLimit}) {
    EXPECT_GT(w.cancels_by_reason_[static_cast<int>(r)], 0) << cancel_reason_name(r);
  }
}

TEST(EngineWorkloadTest, SameSeedGivesIdenticalEventsAndHash) {
  Workload a(99), b(99), other(100);
  const std::string log_a = a.run(5000);
  EXPECT_EQ(log_a, b.run(5000));
  EXPECT_EQ(hash_of(a.engine()), hash_of(b.engine()));
  EXPECT_NE(log_a, other.run(5000));
}

}  // namespace
}  // namespace tape
