// Built-in momentum taker (`momentum`, a BuiltinStrategy: core/builtin_strategy.h) driven by
// order-flow imbalance.
//
// Per traded instrument it keeps the last window_trades trade prints (TradeIn and engine fills,
// see StrategyHost) with integer sums of buy- and sell-aggressor quantity:
//   imbalance = (buy_qty - sell_qty) / (buy_qty + sell_qty)            in [-1, 1]
// Once the window is full, after each print it sends a market IOC order of order_qty in the
// direction of the imbalance when all of these hold:
//   |imbalance| >= entry_threshold  (compared exactly in integers: |b - s| x 1e6 >= ppm x (b + s),
//                                    ppm = entry_threshold x 1e6 rounded half away from zero,
//                                    threshold in [0, 1], range-checked at load; a decimal);
//   no order of its own is in flight (sent and not yet filled, cancelled or rejected);
//   at least cooldown_ms of simulated time since its last order (sent, whatever came of it);
//   the fill would keep |position| <= max_position (0 = no limit);
//   the instrument is not halted;
//   the trend filter agrees (below).
// Trend filter (Eigen): a rolling window of the last kTrendWindow mid changes (book top when
// both sides are present, else the last valid quote) and the least-squares slope of mid over
// sample index. A buy needs slope >= 0, a sell slope <= 0; with fewer than 2 samples it passes.
// Determinism: samples are stored as integer half-ticks relative to the first sample, so every
// sum and dot product is of integers below 2^53 and exact in any evaluation order (vectorized
// or not, any compiler); the decision uses the sign of the exact numerator. The slope itself
// (one correctly rounded division) is reported and hashed.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "core/builtin_strategy.h"
#include "core/config.h"
#include "core/state_hash.h"
#include "core/state_reader.h"
#include "core/status.h"
#include "tape/strategy.h"

namespace tape {

// Least-squares slope over a fixed-capacity rolling window of integer samples (Eigen).
class MidTrend {
 public:
  explicit MidTrend(int capacity);  // allocates once; capacity >= 2
  void add(int64_t mid2);           // appends; drops the oldest when full
  int size() const { return size_; }
  bool has_last() const { return size_ > 0; }
  int64_t last() const;  // the newest sample (half-ticks); precondition size() > 0
  // Sign of the slope: -1, 0 or +1 (exact). 0 with fewer than 2 samples.
  int slope_sign() const;
  // Slope of mid in ticks per sample; 0.0 with fewer than 2 samples.
  double slope() const;
  // anchored, anchor, size, the samples oldest first, then slope() (derived; checked on restore).
  void hash_state(StateHasher& h) const;
  // Reads back hash_state into a fresh MidTrend of the same capacity: fails the reader on a
  // size above capacity, a sample beyond 2^53 (not exact in a double) or a slope that does not
  // recompute bit for bit.
  void restore_state(StateReader& r);

 private:
  double numerator() const;    // n x sum(x y) - sum(x) x sum(y), exact
  double denominator() const;  // n x sum(x x) - sum(x)^2, exact

  Eigen::VectorXd x_;       // 0, 1, ..., capacity - 1
  Eigen::VectorXd window_;  // samples oldest first, relative to anchor_
  int size_ = 0;
  bool anchored_ = false;
  int64_t anchor_ = 0;  // first sample ever, half-ticks
};

class Momentum final : public BuiltinStrategy {
 public:
  static constexpr int kTrendWindow = 32;

  static BuiltinSpec spec();
  Momentum(const api::Params& params, const BuiltinUniverse& universe);

  void on_quote(api::Context& ctx, const api::Quote& quote) override;
  void on_trade(api::Context& ctx, const api::Trade& trade) override;
  void on_book(api::Context& ctx, const api::BookTop& top) override;
  void on_fill(api::Context& ctx, const api::FillReport& fill) override;
  void on_order(api::Context& ctx, const api::OrderEvent& e) override;

  // Reported analytics. Imbalance in parts per million; 0 with an empty window.
  int64_t imbalance_ppm(InstrumentId instrument) const;
  double trend_slope(InstrumentId instrument) const;
  // The id of the order in flight on `instrument`, 0 if none.
  uint64_t pending_order(InstrumentId instrument) const;
  // Per instrument in id order: traded, the window count and prints oldest first (so equal
  // windows hash equal whatever the ring offset), buy and sell sums, pending order, last order
  // time, trend.
  void hash_state(StateHasher& h) const override;
  // Reads back hash_state into a freshly constructed Momentum with the same config. Fails the
  // reader on a traded flag or window that disagrees with the config, sums that disagree with
  // the prints, bad enums, or a pending order the strategy never issued.
  Status restore_state(StateReader& r, const IssuedFn& issued) override;

 private:
  struct Print {
    int64_t qty = 0;
    Side aggressor = Side::kBuy;
  };
  struct Flow {
    bool traded = false;
    std::vector<Print> ring;  // window_trades slots
    size_t head = 0;          // next slot to write
    size_t count = 0;
    int64_t buy_qty = 0;
    int64_t sell_qty = 0;
    uint64_t pending = 0;  // order in flight, 0 = none
    bool has_last_order = false;
    int64_t last_order_ns = 0;
    MidTrend trend{kTrendWindow};
  };

  void sample_mid(InstrumentId instrument, int64_t mid2);
  void maybe_trade(api::Context& ctx, InstrumentId instrument);
  bool position_allows(const api::Context& ctx, InstrumentId instrument, Side side) const;
  void restore_window(StateReader& r, Flow& f);

  MomentumParams params_;
  int64_t threshold_ppm_ = 0;
  std::vector<Flow> flows_;  // by instrument id
};

}  // namespace tape
