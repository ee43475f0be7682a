// The host that runs the configured strategies inside the core, and the context each one acts
// through.
//
// Every strategy is written against the one public API, include/tape/strategy.h (DESIGN section
// 8): the built-ins (core/builtin_strategy.h, core/strategies/) and plugins (loaded by
// session/plugin.h) alike. The host calls each through HostedStrategy (core/hosted_strategy.h),
// one virtual call per event: BuiltinHost calls a built-in's class directly, PluginStrategy
// (core/plugin_strategy.h) a plugin's C table. A strategy reads the world and sends orders only
// through its context (api::Context over StrategyContext). Orders leave as OrderIntent events on
// the bus; Risk answers every intent (RiskDecision, and an OrderRejected the strategy hears
// through on_order), the engine executes approved ones. Everything a strategy does is a
// deterministic function of the events it was given.
//
// Single thread (the core's). StrategyHost is the subscriber after Portfolio, so positions
// already include the fill being delivered.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/builtin_strategy.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/event_queue.h"
#include "core/events.h"
#include "core/held_queue.h"
#include "core/hosted_strategy.h"
#include "core/latency_draw.h"
#include "core/market_view.h"
#include "core/portfolio.h"
#include "core/state_hash.h"
#include "core/state_reader.h"
#include "core/status.h"

namespace tape {

// What one strategy may see and do. Owned by the host, one per strategy.
class StrategyContext {
 public:
  // Per instrument: its symbol and its tick size as an exact decimal (tick_value / money_scale).
  struct InstrumentNames {
    std::vector<std::string> symbols;
    std::vector<std::string> tick_sizes;
    int64_t money_scale = kMoneyScale;
  };

  StrategyContext(uint32_t index, AccountId account, const SimClock& clock,
                  const MarketView& market, const Portfolio& portfolio, EventQueue& queue,
                  std::shared_ptr<const InstrumentNames> names);

  // Simulated time: the current input's timestamp, or inside on_timer the timer's due time.
  Timestamp now() const { return in_timer_ ? timer_now_ : clock_.now(); }
  const MarketView& market() const { return market_; }
  int64_t position(InstrumentId instrument) const;  // lots, signed (from the Portfolio)
  AccountId account() const { return account_; }
  uint32_t index() const { return index_; }
  Seq seq() const { return clock_.seq(); }  // the input being processed
  Money cash() const;                       // the account's cash (from the Portfolio)
  // With ack latency (LatencyConfig::ack_on()) position() and cash() are the account's as
  // of the last on_fill this strategy was given (StrategyHost: ack latency), not the
  // portfolio's now: they never show a fill the strategy has not heard of.
  size_t instrument_count() const { return names_->symbols.size(); }
  // Precondition: instrument < instrument_count().
  const std::string& symbol(InstrumentId instrument) const {
    return names_->symbols[instrument.value()];
  }
  const std::string& tick_size(InstrumentId instrument) const {
    return names_->tick_sizes[instrument.value()];
  }
  int64_t money_scale() const { return names_->money_scale; }

  // Publish any new order: `order`'s kind, id and account are set here, every other field
  // (type, tif, price, qty, stop_price, post_only, expire) is sent as given; risk validates.
  // Returns the new id (below).
  OrderId send(OrderIntent order);
  // Publish an OrderIntent and return the new order's id:
  // kStrategyOrderIdBase + (index << 40) + n, n = 1, 2, ... per strategy.
  OrderId send_limit(InstrumentId instrument, Side side, Price price, Qty qty,
                     TimeInForce tif = TimeInForce::kGtc);
  OrderId send_market(InstrumentId instrument, Side side, Qty qty,
                      TimeInForce tif = TimeInForce::kIoc);
  void cancel(InstrumentId instrument, OrderId id);
  // `qty` is the new open quantity (engine semantics).
  void replace(InstrumentId instrument, OrderId id, Price price, Qty qty);
  // Sets (or changes) this strategy's timer: on_timer every period_ns, the first firing at
  // now() + period_ns; period_ns <= 0 stops it. Replaces the config's timer_ms period. Called
  // inside on_timer it replaces the firing's own rescheduling.
  void set_timer(int64_t period_ns);

  // Per-input cap (a safety net: a strategy that keeps answering its own answers would grow the
  // input's outputs without end). At most intents_per_input_max() new orders, cancels and
  // replaces within one input (timers and deliveries numbered under it included): the first one
  // beyond it is not published, nor is any after it, and the host's status() fails naming the
  // strategy and the seq (the core stops the run, exit 2). kIntentsPerInputMax or a quarter of
  // the bus queue's capacity shared among the strategies (at least 64), whichever is less (16,384
  // for one strategy at the default capacity), plus what the strategy's own configuration sends in
  // one instant (HostedStrategy::intents_per_input_extra: a fat finger's bursts).
  static constexpr uint64_t kIntentsPerInputMax = uint64_t{1} << 16;
  uint64_t intents_per_input_max() const { return intents_max_; }
  // 0, or the seq of the input in which the cap was passed.
  uint64_t runaway_seq() const { return runaway_seq_; }

  uint64_t orders_sent() const { return sent_; }  // ids issued so far
  // True if `id` is one this strategy has issued (its range, n in [1, orders_sent()]).
  bool issued(OrderId id) const;

 private:
  friend class StrategyHost;
  OrderId next_id();
  // Counts one intent against the per-input cap; false (publish nothing) once it is passed.
  bool admit();

  uint32_t index_;
  AccountId account_;
  const SimClock& clock_;
  const MarketView& market_;
  const Portfolio& portfolio_;
  EventQueue& queue_;
  std::shared_ptr<const InstrumentNames> names_;
  uint64_t sent_ = 0;
  uint64_t intents_max_ = kIntentsPerInputMax;
  uint64_t input_intents_ = 0;  // sent during the current input (not state: reset per input)
  uint64_t runaway_seq_ = 0;
  bool acked_ = false;                  // ack latency: position and cash from the seen_ figures
  std::vector<int64_t> seen_position_;  // per instrument, after the last delivered fill
  Money seen_cash_;
  bool in_timer_ = false;
  Timestamp timer_now_;
  int64_t period_ns_ = 0;  // 0 = no timer
  int64_t next_due_ns_ = 0;
  bool timer_set_ = false;  // set_timer was called during the current callback
};

// The instruments a strategy trades: StrategyConfig::instruments, or all when empty.
std::vector<InstrumentId> traded_instruments(const StrategyConfig& config, size_t instrument_count);

// Strategy index that issued `id`, or -1 if the id is not in the strategy id range.
int64_t strategy_index_of(OrderId id);

// Owns the configured strategies (CoreConfig::strategies, index = position in that list) and
// delivers events to them, in strategy index order:
//   QuoteIn, TradeIn, BarIn, BookChanged: to strategies trading the instrument.
//   Fill: to the strategies trading the instrument, first on_fill to the owner of either side
//     (owner = the strategy that issued the order id; for ids outside the strategy range, the
//     strategies whose account matches), then on_trade with the print {instrument, price, qty,
//     aggressor} to all of them: engine fills are trades on the public tape.
//   OrderAccepted/Rejected/Cancelled/Replaced: on_order to the owner of the order id.
// Ack latency (LatencyConfig::ack_on()): a strategy learns of its own orders' outcomes
// ack latency after they happened (a constant ack_ns, or a draw per outcome: ack_dist). Every
// on_order and on_fill (the venue's acks, fills, cancels, expiries and rejects, and risk's rejects
// too: whatever answers one of its orders) is held for the owner, with its position in the fill's
// instrument and its cash right after the fill, and given to it when the core's time reaches the
// event's time + its latency (deliver_acks; the tie rule is in core/core.h), in the order the
// events happened (a drawn latency stays FIFO per strategy: due = max(time + draw, the due time of
// its last outcome still held); outcomes of different strategies may pass each other); the
// context's position() and cash() then read those figures. Not delayed: the print of an engine or
// venue fill (on_trade to every strategy trading the instrument, the owner included, at once),
// market data, and market() (the book or venue state now: on the book venue it shows an accepted
// order before its ack arrives). Risk, the venues and the portfolio account for everything at once.
// Bound: at most kAckQueueMax held; beyond it the oldest is given early.
// Timers (StrategyConfig::timer_ms > 0): anchored at the first advance_time(t0); strategy i is
// first due at t0 + period_i, then every period_i. See advance_time for the ordering rule.
class StrategyHost {
 public:
  // Most timer firings one strategy catches up in one advance_time call; beyond it the timer
  // skips to its first due time after `now` (a long gap in the input does not spin).
  static constexpr int kTimerCatchUpMax = 64;
  static constexpr size_t kAckQueueMax = 1u << 20;
  // An order outcome held for its owner (ack latency).
  using AckEvent = std::variant<OrderAccepted, OrderRejected, OrderCancelled, OrderReplaced, Fill>;
  struct HeldAck {
    Timestamp due;
    uint32_t slot = 0;     // the owner's index
    int64_t position = 0;  // a fill: the owner's position in its instrument after it
    int64_t cash = 0;      // a fill: the owner's cash after it
    AckEvent event;
  };

  // Aborts (TAPE_CHECK) on a config the parser should have refused: an unmanaged account, an
  // unknown instrument, more than 4096 strategies.
  StrategyHost(const CoreConfig& config, const SimClock& clock, const MarketView& market,
               const Portfolio& portfolio, EventQueue& queue);

  void on(const QuoteIn& quote);
  void on(const TradeIn& trade);
  void on(const BarIn& bar);
  void on(const BookChanged& changed);
  void on(const Fill& fill);
  void on(const OrderAccepted& e);
  void on(const OrderRejected& e);
  void on(const OrderCancelled& e);
  void on(const OrderReplaced& e);

  // The core calls this before dispatching an input stamped `now`. The first call anchors the
  // timers and then calls on_start of every strategy that has one, in index order (ctx.now() =
  // `now`; its intents are queued ahead of the input like a timer's). It fires every timer due at
  // or before `now`, one firing at a time, in order of (due time, strategy index); inside
  // on_timer, ctx.now() is the due time. Rule: a timer due at t fires before any input stamped
  // t. Intents sent by timers are queued ahead of the input and delivered, in firing order,
  // when the core drains the bus (after all due timers have fired).
  void advance_time(Timestamp now);
  // The core calls this first for each input: the per-input intent counts start again.
  void begin_input() {
    for (Slot& s : slots_) s.ctx.input_intents_ = 0;
  }

  // Ack latency: whether a held outcome is due at or before `t`; the earliest due time
  // (precondition: one is held); gives every outcome due at or before `t` to its owner, in the
  // order they happened (their intents are queued: the core drains after).
  bool has_due_ack(Timestamp t) const { return acks_.has_due(t); }
  Timestamp next_ack_due() const { return acks_.next_due(); }
  void deliver_acks(Timestamp t);
  size_t acks_held() const { return acks_.size(); }
  // Canonical (only with ack latency, core/core.h): per strategy its seen cash and positions
  // (count, each); the held outcomes (count, each: due, owner, position, cash, the event,
  // core/held_state.h); how many were given early. restore_acks reads it back into a fresh host.
  void hash_acks(StateHasher& h) const;
  Status restore_acks(StateReader& r);
  // Ack latency's draws (their RNG state is core state, core/core.h).
  const LatencyDraw& ack_latency() const { return ack_; }
  LatencyDraw& ack_latency() { return ack_; }

  // Canonical order: strategy count, timers started; per strategy in index order: kind
  // (StrategyKind), account, orders sent, timer period and next due time, then the strategy's
  // own state (a built-in's bytes inline, core/builtin_strategy.h; a plugin's save_state bytes,
  // length-prefixed).
  void hash_state(StateHasher& h) const;
  // Reads back what hash_state wrote into a freshly constructed host with the same config: the
  // id counters, timers and every strategy's state. Fails the reader (and returns its status)
  // when the strategy list, kinds, accounts or timer periods disagree with the config (a
  // plugin may have changed its period: any period is taken), or a strategy's state is invalid.
  // Called between inputs (no timer is firing).
  Status restore_state(StateReader& r);
  size_t size() const { return slots_.size(); }
  // Ok, or the first strategy (in index order) past its per-input intent cap
  // (StrategyContext::kIntentsPerInputMax), or else the first failure of a plugin strategy (in
  // index order): the core stops the run.
  const Status& status() const;

  // Direct access for tests and reports.
  const HostedStrategy& strategy(size_t index) const { return *slots_[index].strategy; }
  // Strategy `index`'s built-in class as T (MarketMaker, Momentum, FatFinger), or nullptr.
  template <typename T>
  const T* builtin(size_t index) const {
    const auto* b = dynamic_cast<const BuiltinHost*>(slots_[index].strategy.get());
    return b == nullptr ? nullptr : dynamic_cast<const T*>(&b->strategy());
  }
  const StrategyContext& context(size_t index) const { return slots_[index].ctx; }
  // When strategy `index`'s timer is next due (meaningless without a timer).
  Timestamp next_timer(size_t index) const { return Timestamp(slots_[index].ctx.next_due_ns_); }

 private:
  struct Slot {
    StrategyContext ctx;
    StrategyKind kind;
    std::unique_ptr<HostedStrategy> strategy;
    std::vector<uint8_t> trades;  // by instrument id: 1 if traded
    std::string name;             // StrategyConfig::name
    int fired_in_call = 0;        // scratch of advance_time, not state
    // Drawn ack latency: the due time of its last outcome held (FIFO per strategy). Derived
    // from the held queue, not state: restore_acks recomputes it.
    int64_t last_ack_due_ns = 0;
  };

  bool trades(const Slot& slot, InstrumentId instrument) const;
  bool owns(const Slot& slot, OrderId id, AccountId account) const;
  template <typename Event>
  void deliver_order_event(const Event& e);
  // Ack latency: holds `e` for `slot`'s strategy (a fill with its figures after it); gives a
  // held outcome to its owner.
  void hold_ack(Slot& slot, const AckEvent& e);
  void deliver_ack(const HeldAck& a);

  std::vector<Slot> slots_;
  LatencyDraw ack_;  // ack latency: constant or drawn (on() false: none)
  HeldQueue<HeldAck> acks_{kAckQueueMax};
  std::vector<size_t> plugins_;  // indices of plugin strategies (status checks: only they fail)
  mutable Status runaway_;       // status(): the per-input cap's failure, once built
  bool timers_started_ = false;
};

}  // namespace tape
