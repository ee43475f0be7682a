// What StrategyHost (core/strategy.h) calls on each strategy: the core's events, one virtual call
// each. Two implementations, both over the one public API (include/tape/strategy.h):
//   PluginStrategy (core/plugin_strategy.h): a plugin's instance, through its C table;
//   BuiltinHost (core/builtin_strategy.h): a built-in api::Strategy class, called directly.
// The implementation turns the core's events into what the API delivers (a Fill into one report
// per own side, order events into OrderEvent) and gives the strategy an api::Context over its
// StrategyContext.
//
// Single thread (the core's).
#pragma once

#include <cstdint>

#include "core/events.h"
#include "core/state_hash.h"
#include "core/state_reader.h"
#include "core/status.h"

namespace tape {

class StrategyContext;

class HostedStrategy {
 public:
  virtual ~HostedStrategy() = default;

  virtual void on_start(StrategyContext& ctx) = 0;
  virtual void on_bar(StrategyContext& ctx, const BarIn& bar) = 0;
  virtual void on_quote(StrategyContext& ctx, const QuoteIn& quote) = 0;
  virtual void on_trade(StrategyContext& ctx, const TradeIn& trade) = 0;
  virtual void on_book(StrategyContext& ctx, InstrumentId instrument) = 0;
  // Called when the strategy owns either side (StrategyHost); reports only the owned sides.
  virtual void on_fill(StrategyContext& ctx, const Fill& fill) = 0;
  virtual void on_order(StrategyContext& ctx, const OrderAccepted& e) = 0;
  virtual void on_order(StrategyContext& ctx, const OrderRejected& e) = 0;
  virtual void on_order(StrategyContext& ctx, const OrderCancelled& e) = 0;
  virtual void on_order(StrategyContext& ctx, const OrderReplaced& e) = 0;
  virtual void on_timer(StrategyContext& ctx) = 0;

  // The strategy's own state, after the host's per-strategy fields (StrategyHost::hash_state).
  virtual void hash_state(StateHasher& h) const = 0;
  // Reads back hash_state into a freshly constructed instance; `ctx` (already restored) vouches
  // for the order ids the state holds.
  virtual Status restore_state(StateReader& r, const StrategyContext& ctx) = 0;
  // Ok, or the strategy's first failure (the core stops the run).
  virtual const Status& status() const = 0;
  // Intents (new, cancel, replace) the strategy's own configuration may send within one input
  // beyond StrategyContext::kIntentsPerInputMax (a fat finger's bursts); 0 for most.
  virtual uint64_t intents_per_input_extra() const { return 0; }
};

// One side of a fill that the strategy owns, as the API reports it.
struct OwnFillSide {
  OrderId id;
  Side side = Side::kBuy;
  bool is_maker = false;
  Qty leaves;
};

// The sides of `fill` that the strategy of `ctx` owns, maker first (both for a self-trade, as
// the portfolio books them): an order id it issued on its account, or, for ids outside the
// strategy range, its account. Returns how many (0, 1 or 2) were written to `out`.
int own_fill_sides(const StrategyContext& ctx, const Fill& fill, OwnFillSide out[2]);

}  // namespace tape
