// Built-in "fat finger" (`fat_finger`, a BuiltinStrategy: core/builtin_strategy.h): a trader that
// behaves for most of the run and then makes the two classic operator mistakes, so that a scenario
// can show pre-trade risk catching them.
//
// Normal trading (only with StrategyConfig::timer_ms > 0): on every timer, per traded instrument
// that is not halted and has a mid, it cancels its previous normal order if still live and sends
// one GTC limit order of order_qty lots, alternating buy and sell, offset_ticks below (buy) or
// above (sell) the mid. A side whose fill would take |position| past max_position (0 = no
// limit) is skipped that time. So at most one normal order per instrument rests.
// The mistakes (each once, at the first callback - timer, quote, trade or book change - at or
// after its time; deferred while no traded instrument has a mid):
//   at_ms:       oversize_orders limit IOC orders of order_qty x size_multiplier lots;
//   burst_at_ms: burst_orders limit IOC orders of order_qty lots, all in that one instant.
// Order k of either kind goes to the k-th (mod m) of the m traded instruments that have a mid,
// in id order, buying on even k and selling on odd k, priced at the mid (floor for a buy, ceil
// for a sell) as it was when the mistake began. IOC, so an order that risk lets through trades
// or is cancelled, never rests.
// Pacing: the orders of a mistake go out one at a time within that instant (the same input):
// the next is sent when the previous one gets its final answer (reject, cancel, or a fill that
// leaves it nothing). So the bus queue holds one such order's events at a time, whatever
// burst_orders is (core/bounds.h, events_per_input_bound), and every answer arrives within the
// input: between inputs nothing is in flight, which is why that is not part of the state.
// in_flight() tells whether a mistake is still being sent (tests; false between inputs).
// Risk (core/risk.h) is expected to reject them: kMaxOrderQty / kMaxNotional for the oversize
// orders, kRateLimit for the part of the burst beyond the token bucket.
// Mid (half-ticks, mid2 = bid + ask): the book's best bid and ask when both exist, else the last
// valid QuoteIn (bid > 0, ask > 0, bid < ask), else none.
// Parameters are range-checked at load (spec().ranges: a scenario's keys and a backtest's params
// alike, exit 2 outside them); construction still clamps (order_qty >= 1, offset_ticks >= 0,
// size_multiplier >= 1, counts and max_position >= 0) for a caller that bypasses the check.
#pragma once

#include <cstdint>
#include <vector>

#include "core/builtin_strategy.h"
#include "core/config.h"
#include "core/state_hash.h"
#include "core/state_reader.h"
#include "core/strategies/quote_mid.h"
#include "core/status.h"
#include "tape/strategy.h"

namespace tape {

class FatFinger final : public BuiltinStrategy {
 public:
  static BuiltinSpec spec();
  FatFinger(const api::Params& params, const BuiltinUniverse& universe);

  void on_quote(api::Context& ctx, const api::Quote& quote) override;
  void on_trade(api::Context& ctx, const api::Trade&) override { maybe_misfire(ctx); }
  void on_book(api::Context& ctx, const api::BookTop&) override { maybe_misfire(ctx); }
  void on_fill(api::Context& ctx, const api::FillReport& fill) override;
  void on_order(api::Context& ctx, const api::OrderEvent& e) override;
  void on_timer(api::Context& ctx) override;

  // Reported: oversize and burst orders sent so far (each reaches its configured count once,
  // when its mistake begins; the orders themselves all go out within that input).
  uint64_t oversize_sent() const { return oversize_sent_; }
  uint64_t burst_sent() const { return burst_sent_; }
  // The live normal order on `instrument`, 0 if none.
  uint64_t live_order(InstrumentId instrument) const { return books_[instrument.value()].live; }
  bool in_flight() const { return in_flight_ != 0 || !salvos_.empty(); }

  // Both done flags and counters, then per instrument in id order: traded, quote mid, live
  // normal order, next side.
  void hash_state(StateHasher& h) const override;
  // Reads back hash_state into a freshly constructed FatFinger with the same config. Fails the
  // reader on a traded flag that disagrees with the config, flags or sides out of range,
  // counters past the configured counts, or an id the strategy never issued.
  Status restore_state(StateReader& r, const IssuedFn& issued) override;
  // Both salvos may fall in one input, one order at a time (each sent on the last's answer).
  uint64_t intents_per_input_extra() const override {
    return static_cast<uint64_t>(params_.oversize_orders) +
           static_cast<uint64_t>(params_.burst_orders);
  }

 private:
  struct Book {
    bool traded = false;
    QuoteMid quote_mid;
    uint64_t live = 0;  // normal order believed live, 0 = none
    Side next_side = Side::kBuy;
  };

  bool mid2(const api::Context& ctx, InstrumentId instrument, int64_t& out) const;
  void maybe_misfire(api::Context& ctx);
  // Starts a mistake of `count` IOC orders of `qty`, round robin over the instruments with a
  // mid; false (and nothing started) when no traded instrument has one.
  bool start_round_robin(api::Context& ctx, int64_t count, Qty qty);
  // Sends the next order of the oldest unfinished mistake unless one is awaiting its answer.
  void pump(api::Context& ctx);
  // An order got its final answer: the next one may go.
  void answered(api::Context& ctx, OrderId id);
  void forget(InstrumentId instrument, OrderId id);

  struct Target {
    uint32_t instrument;
    int64_t mid2;
  };
  // A mistake being sent (pacing above). Empty between inputs.
  struct Salvo {
    int64_t left = 0;  // orders still to send
    int64_t next = 0;  // index k of the next order
    Qty qty;
    std::vector<Target> targets;  // instruments with a mid when it began, in id order
  };

  FatFingerParams params_;
  std::vector<Book> books_;      // by instrument id
  std::vector<Salvo> salvos_;    // oversize, then burst; at most two; not state (see pacing)
  uint64_t in_flight_ = 0;       // the salvo order awaiting its answer, 0 = none; not state
  bool oversize_done_ = false;
  bool burst_done_ = false;
  uint64_t oversize_sent_ = 0;
  uint64_t burst_sent_ = 0;
};

}  // namespace tape
