// Seeded market activity for a scenario: the inputs a live venue would send, in simulated time,
// with no wall clock. Same (scenario, seed) and the same answers from the MarketView give the
// same sequence, bit for bit.
//
// Model (scenarios/README.md has the keys):
// * Each instrument's mid is a random walk in ticks (volatility_ticks_per_sqrt_s), stepped at
//   every event of that instrument by vol * sqrt(dt) * normal(), never below spread_ticks + 1.
// * Background flow: per instrument, Poisson arrivals at market.rate_per_s. Each arrival is one
//   *tick*, drawn from the event mix: a QuoteIn around the mid, a TradeIn near it, a limit order
//   (GTC; marketable_pct of them priced through the mid, the rest 1 + exponential ticks away),
//   a market order (IOC), or a cancel / replace of one of the flow's own resting orders. Orders
//   come from participant p = uniform[0, participants) as account kExternalAccountBase + p and
//   carry ids 1, 2, 3, ... A cancel or replace with no live order of its own becomes a limit.
// * Phases: burst / sustained add exactly ticks (resp. round(rate_per_s * duration)) extra ticks
//   in [at, at + duration), one per equal slot at a random offset within the slot, on one
//   instrument or (instrument = all) a uniformly drawn one each; flash_crash multiplies the mid
//   by (1 - drop_pct/100 * f), f rising 0 -> 1 over duration_ms and back over recover_ms, and
//   thins liquidity while f > 0 (passive orders placed up to 4x further, up to half the limit
//   ticks become cancels); halt / kill_switch emit ControlIn on at at_ms and off at
//   at_ms + duration_ms (halt of all instruments: one ControlIn per instrument).
// * stale: no background or burst/sustained tick of the instrument (or of every instrument)
//   inside [at, at + duration). A background arrival that falls inside is moved past the end
//   (its Poisson clock restarts at the end: memoryless, so the rate after is unchanged); a
//   phase tick drawn for a stale instrument is dropped (it still counts as emitted). From
//   at + duration on the mid is multiplied by (1 + jump_pct/100): the feed resumes with a gap.
//   Controls, heartbeats and bad_data injections are not silenced.
// * bad_data: exactly count (or round(rate_per_s * duration)) injections, slotted like a burst.
//   Each draws a BadKind by its weight and an instrument (the phase's, or uniform) from the
//   phase's own stream, and is built around that instrument's current mid without stepping it:
//     crossed_quote    QuoteIn, bid >= ask, both > 0;
//     zero_price / negative_price / sentinel_price (INT64_MAX or INT64_MIN) and zero_qty /
//     sentinel_qty: that value in one field of an otherwise valid QuoteIn (bid or ask side),
//                      TradeIn, limit NewOrderIn or ReplaceIn of a live own order (a limit order
//                      when there is none), form drawn uniformly;
//     oversize_qty     limit NewOrderIn or ReplaceIn with qty in (max_order_qty, 2 max_order_qty];
//     backwards_ts     a valid QuoteIn stamped 1 ns .. backwards_ms before the latest timestamp
//                      emitted so far (not below 0): the sequencer clamps it;
//     duplicate_id     a valid limit NewOrderIn re-using the id of a live own order (another
//                      instrument's when this one has none; a fresh id when nothing is live);
//     unknown_id       CancelIn or ReplaceIn of an id in [2^61, 2^62), a range never issued;
//     unknown_instrument QuoteIn, TradeIn, limit NewOrderIn or CancelIn naming instrument
//                      count + [0, 1000) or UINT32_MAX.
//   New orders of a bad injection take fresh ids (except duplicate_id) and never join the live
//   set: the core is expected to reject them.
// * HeartbeatIn every heartbeat_ms (k * heartbeat_ms, k >= 1).
// * Inputs are stamped in [0, duration]. Equal timestamps are ordered by stream: controls
//   (by time, phase order, on before off, instrument), heartbeat, background flow by instrument,
//   then burst/sustained/bad_data phases in file order.
//
// RNG streams (core/rng.h) from the seed: per instrument one for the mid and event content and
// one for background arrival times; one per phase. Arrival times therefore do not depend on the
// content drawn, nor on other phases.
//
// Snapshots (save_state / restore_state, sim/generator_state.cc): the generator's whole mutable
// state, so that a resumed run continues the sequence exactly where the saved one stopped.
//
// Thread: one; owned by the driver. With a MarketView, call next() only after the core has
// processed the previous input (the view's answers are part of the determinism). No allocation
// after construction (or after a restore).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/events.h"
#include "core/market_view.h"
#include "core/rng.h"
#include "core/state_hash.h"
#include "core/state_reader.h"
#include "core/status.h"
#include "sim/scenario.h"
#include "sim/stream_queue.h"

namespace tape {

// Extra ticks a burst or sustained phase adds; 0 for other kinds.
uint64_t phase_extra_ticks(const Phase& phase);
// Inputs a bad_data phase injects: count, else round(rate_per_s * duration); 0 for other kinds.
uint64_t phase_injections(const Phase& phase);

class Generator {
 public:
  // `scenario` must outlive the generator. `market` may be null; when set, the generator asks it
  // whether its own orders are still resting before cancelling or replacing them.
  Generator(const Scenario& scenario, uint64_t seed, const MarketView* market);

  // The next input; false once the scenario's duration is over. Timestamps never decrease, except
  // for bad_data's backwards_ts injections (deliberately stamped in the past).
  bool next(Timestamp& ts, InputBody& body);

  // Inputs generated so far, heartbeats excluded (market events, bad data and controls).
  uint64_t ticks() const { return ticks_; }

  // The instrument's mid in ticks (flash crash and stale jumps applied) as of its last event;
  // the initial mid before any.
  int64_t mid_ticks(InstrumentId instrument) const { return instruments_[instrument.value()].mid; }

  // Writes, in a canonical fixed-width encoding, everything that decides future output: every
  // stream's next due time and RNG state, background arrival clocks, each mid's walk, last step
  // time, effective mid and saved second normal, each instrument's live own orders (in the
  // order that the next draw indexes), phase progress, control cursor, next order id, tick
  // count and latest timestamp; plus the scenario's shape (stream counts, phase windows),
  // checked on restore.
  void save_state(StateHasher& h) const;

  // Reads back what save_state wrote, into a generator constructed with the same scenario, seed
  // and MarketView (whose answers must be those the saved run would have got). A truncated,
  // corrupt or foreign state fails the reader and returns its non-ok status; the generator is
  // then left exactly as it was. Reads no more than save_state wrote (the reader may go on).
  Status restore_state(StateReader& r);

 private:
  struct LiveOrder {
    OrderId id;
    AccountId account;
    Side side;
  };
  struct CrashWindow {
    int64_t at_ns, fall_ns, recover_ns;  // start, length of the fall, length of the recovery
    double drop;                         // fraction, (0, 1)
  };
  struct GapWindow {         // a stale phase on this instrument
    int64_t at_ns, end_ns;   // no flow in [at_ns, end_ns)
    double jump;             // mid factor from end_ns on
  };
  struct InstrumentState {
    explicit InstrumentState(const Rng& r) : rng(r) {}
    double walk = 0;      // random-walk mid, ticks
    int64_t last_ns = 0;  // time of the last walk step
    int64_t mid = 0;      // effective mid, ticks
    Rng rng;              // mid steps and event content
    double spare_normal = 0;      // second variate of the last normal_pair()
    bool has_spare = false;
    std::vector<LiveOrder> live;       // bounded by market.live_orders_max
    std::vector<CrashWindow> crashes;  // flash crashes on this instrument, file order
    std::vector<GapWindow> gaps;       // stale windows on this instrument, file order
  };
  struct ControlEvent {
    int64_t ts_ns;
    ControlIn control;
  };
  struct TickFlow {  // a burst, sustained or bad_data phase
    int64_t at_ns, duration_ns;
    uint64_t count, emitted = 0;
    int32_t instrument;  // -1 = draw one per tick
    Rng rng;
    bool bad = false;                             // bad_data: injections, not market ticks
    std::array<uint32_t, kBadKinds> bad_cumulative{};  // bad_data: cumulative kind weights
    int64_t backwards_ns = 0;                     // bad_data: backwards_ts reach
  };
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();  // stream exhausted
  struct Staged;  // mutable state being restored, committed only once all of it checks out

  enum Stream : uint32_t { kControlStream = 0, kHeartbeatStream = 1, kFirstFlowStream = 2 };

  void build_phases(const Scenario& scenario, uint64_t seed);
  void build_controls(const Scenario& scenario);
  void schedule_flow(size_t flow);
  void schedule_background(size_t instrument);
  // Produces the due input of `stream` (stamped `stamp`, normally `due_ns`) and reschedules the
  // stream; false when the tick was silenced by a stale window (nothing to emit).
  bool emit(size_t stream, int64_t due_ns, int64_t& stamp, InputBody& body);
  bool emit_flow(size_t f, int64_t due_ns, int64_t& stamp, InputBody& body);
  bool stale(size_t instrument, int64_t ts_ns) const;
  // Advances the instrument's mid to ts_ns; returns the liquidity thinning f in [0, 1].
  double step_mid(InstrumentState& st, int64_t ts_ns);
  void make_tick(uint32_t instrument, int64_t ts_ns, InputBody& body);
  void make_limit(uint32_t instrument, double thin, InputBody& body);
  bool make_cancel(uint32_t instrument, InputBody& body);
  bool make_replace(uint32_t instrument, double thin, InputBody& body);
  int64_t passive_distance(InstrumentState& st, double thin);
  int64_t draw_qty(Rng& rng) { return rng.uniform_int(market_.qty_min, market_.qty_max); }
  int pick_live(InstrumentState& st, Rng& rng);

  // bad_data (sim/generator_bad_data.cc).
  void make_bad(TickFlow& flow, int64_t& stamp, InputBody& body);
  void bad_field(uint32_t instrument, Rng& rng, BadKind kind, InputBody& body);
  void valid_quote(uint32_t instrument, Rng& rng, InputBody& body);
  void valid_limit(uint32_t instrument, Rng& rng, OrderId id, InputBody& body);
  bool live_replace(uint32_t instrument, Rng& rng, InputBody& body);
  void duplicate_order(uint32_t instrument, Rng& rng, InputBody& body);
  void unknown_instrument(Rng& rng, InputBody& body);

  void save_instrument(StateHasher& h, size_t i) const;
  void restore_instrument(StateReader& r, size_t i, Staged& s) const;
  void save_flow(StateHasher& h, size_t f) const;
  void restore_flow(StateReader& r, size_t f, Staged& s) const;
  void save_shape_tail(StateHasher& h) const;
  void check_shape_tail(StateReader& r) const;
  void check_schedule(StateReader& r, const Staged& s) const;
  void check_live_ids(StateReader& r, const Staged& s) const;

  const MarketModel& market_;
  const MarketView* view_;
  int64_t end_ns_;
  int64_t heartbeat_ns_;
  double vol_per_sqrt_ns_;  // mid step = vol_per_sqrt_ns_ * sqrt(dt_ns) * normal()
  int64_t mid_floor_;
  uint32_t mix_cumulative_[6];  // quote, trade, limit, market, cancel, replace
  std::vector<InstrumentState> instruments_;
  std::vector<Qty> max_order_qty_;       // per instrument, from the config
  std::vector<Rng> arrival_rngs_;        // background arrivals, per instrument
  std::vector<double> arrival_ns_;       // exact next background arrival, per instrument
  std::vector<ControlEvent> controls_;   // sorted
  size_t next_control_ = 0;
  std::vector<TickFlow> flows_;
  StreamQueue queue_;  // next time of each stream; INT64_MAX when exhausted
  uint64_t next_order_id_ = 1;
  uint64_t ticks_ = 0;
  int64_t last_ns_ = 0;  // latest timestamp emitted (backwards_ts goes back from it)
};

}  // namespace tape
