// Shared by the snapshot restore tests: a two-instrument config with risk limits and both built-in
// strategies, and a pipeline in the core's bus order whose Risk, Portfolio and StrategyHost can be
// swapped for fresh ones and restored from snapshot bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/bus.h"
#include "core/clock.h"
#include "core/engine.h"
#include "core/portfolio.h"
#include "core/risk.h"
#include "core/state_hash.h"
#include "core/state_reader.h"
#include "core/status.h"
#include "core/strategy.h"

namespace tape::testing_util {

inline CoreConfig make_config() {
  CoreConfig c;
  for (const char* symbol : {"AAA", "BBB"}) {
    InstrumentConfig ic;
    ic.symbol = symbol;
    ic.initial_mid = Price(10'000);
    c.instruments.push_back(ic);
  }
  c.fees = FeeConfig{-20, 30};
  c.engine.order_pool_capacity = 1u << 14;
  c.engine.ladder_levels_initial = 1024;
  c.engine.ladder_levels_max = 1u << 16;
  c.risk.max_order_qty = Qty(50);
  c.risk.max_notional = Money(10'000 * 100 * 40);
  c.risk.position_limit = 40;
  c.risk.price_band_bps = 300;
  c.risk.rate_limit_per_s = 40;
  c.risk.rate_limit_burst = 4;

  StrategyConfig mm;
  mm.kind = StrategyKind::kMarketMaker;
  mm.name = "mm";
  mm.account = AccountId(1);
  mm.timer_ms = 25;
  mm.mm = MarketMakerParams{2, Qty(10), 1, 10, 60, 1};
  c.strategies.push_back(mm);
  StrategyConfig mm_b = mm;
  mm_b.name = "mm_b";
  mm_b.account = AccountId(2);
  mm_b.instruments = {InstrumentId(1)};
  mm_b.timer_ms = 40;
  mm_b.mm = MarketMakerParams{1, Qty(4), 0, 10, 30, 2};
  c.strategies.push_back(mm_b);
  StrategyConfig mom;
  mom.kind = StrategyKind::kMomentum;
  mom.name = "mom";
  mom.account = AccountId(3);
  mom.momentum = MomentumParams{8, 0.4, Qty(3), 30, 30};
  c.strategies.push_back(mom);
  return c;
}

// Every event the bus delivers, in delivery order.
struct Collector {
  std::vector<BusEvent> events;
  template <typename T>
  void on(const T& e) {
    events.push_back(e);
  }
};

// The core's bus order (Risk, Engine, Portfolio, StrategyHost) plus a collector, with the three
// snapshotted components held in optionals so a test can swap in fresh ones in place (the host
// keeps its Portfolio reference).
class Pipeline {
 public:
  enum Part : unsigned { kRisk = 1, kPortfolio = 2, kHost = 4, kAll = 7 };

  explicit Pipeline(const CoreConfig& config)
      : config_(config), queue_(config_.event_queue_capacity), engine_(config_, queue_) {
    fresh(kAll);
  }

  // Replaces the chosen components by freshly constructed ones (the host last: it reads the
  // portfolio).
  void fresh(unsigned parts) {
    if (parts & kRisk) risk_.emplace(config_, clock_, queue_);
    if (parts & kPortfolio) portfolio_.emplace(config_, queue_);
    if (parts & kHost) host_.emplace(config_, clock_, engine_, *portfolio_, queue_);
  }

  // As Core::process: timers due at the input's time first, then the input, then its effects.
  void process(const Input& in) {
    clock_.advance(in.seq, in.ts);
    Bus<Risk, Engine, Portfolio, StrategyHost, Collector> bus(queue_, *risk_, engine_, *portfolio_,
                                                              *host_, out_);
    host_->advance_time(in.ts);
    bus.drain();
    std::visit([&](const auto& body) { bus.publish(body); }, in.body);
    bus.drain();
  }

  // The snapshot sections of the chosen parts, in bus order.
  std::string bytes(unsigned parts) const {
    StateHasher h;
    if (parts & kRisk) risk_->hash_state(h);
    if (parts & kPortfolio) portfolio_->hash_state(h);
    if (parts & kHost) host_->hash_state(h);
    return h.bytes();
  }
  // Restores the chosen parts, in bus order, from one reader over `snapshot`.
  Status restore(unsigned parts, std::string_view snapshot) {
    StateReader r(snapshot);
    if (parts & kRisk) RETURN_IF_ERROR(risk_->restore_state(r));
    if (parts & kPortfolio) RETURN_IF_ERROR(portfolio_->restore_state(r));
    if (parts & kHost) RETURN_IF_ERROR(host_->restore_state(r));
    if (!r.at_end()) r.fail("bytes left over");
    return r.status();
  }
  std::string engine_hash() const {
    StateHasher h;
    engine_.hash_state(h);
    return h.hex();
  }

  std::vector<BusEvent>& events() { return out_.events; }
  const Risk& risk() const { return *risk_; }
  const StrategyHost& host() const { return *host_; }

 private:
  CoreConfig config_;
  SimClock clock_;
  EventQueue queue_;
  Engine engine_;
  std::optional<Risk> risk_;
  std::optional<Portfolio> portfolio_;
  std::optional<StrategyHost> host_;
  Collector out_;
};

}  // namespace tape::testing_util
