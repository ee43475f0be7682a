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
// * HeartbeatIn every heartbeat_ms (k * heartbeat_ms, k >= 1).
// * Inputs are stamped in [0, duration]. Equal timestamps are ordered by stream: controls
//   (by time, phase order, on before off, instrument), heartbeat, background flow by instrument,
//   then burst/sustained phases in file order.
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

namespace tape {

// Extra ticks a burst or sustained phase adds; 0 for other kinds.
uint64_t phase_extra_ticks(const Phase& phase);

class Generator {
 public:
  // `scenario` must outlive the generator. `market` may be null; when set, the generator asks it
  // whether its own orders are still resting before cancelling or replacing them.
  Generator(const Scenario& scenario, uint64_t seed, const MarketView* market);

  // The next input in non-decreasing timestamp order; false once the scenario's duration is over.
  bool next(Timestamp& ts, InputBody& body);

  // Inputs generated so far, heartbeats excluded (market events and controls).
  uint64_t ticks() const { return ticks_; }

  // The instrument's mid in ticks (flash crash applied) as of its last event; the initial mid
  // before any.
  int64_t mid_ticks(InstrumentId instrument) const { return instruments_[instrument.value()].mid; }

  // Writes, in a canonical fixed-width encoding, everything that decides future output: every
  // stream's next due time and RNG state, background arrival clocks, each mid's walk, last step
  // time, effective mid and saved second normal, each instrument's live own orders (in the
  // order that the next draw indexes), phase progress, control cursor, next order id and tick
  // count; plus the scenario's shape (stream counts, phase windows), checked on restore.
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
  };
  struct ControlEvent {
    int64_t ts_ns;
    ControlIn control;
  };
  struct TickFlow {  // a burst or sustained phase
    int64_t at_ns, duration_ns;
    uint64_t count, emitted = 0;
    int32_t instrument;  // -1 = draw one per tick
    Rng rng;
  };
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();  // stream exhausted
  struct Staged;  // mutable state being restored, committed only once all of it checks out

  enum Stream : uint32_t { kControlStream = 0, kHeartbeatStream = 1, kFirstFlowStream = 2 };

  void build_phases(const Scenario& scenario, uint64_t seed);
  void build_controls(const Scenario& scenario);
  void schedule_flow(size_t flow);
  void schedule_background(size_t instrument);
  // Advances the instrument's mid to ts_ns; returns the liquidity thinning f in [0, 1].
  double step_mid(InstrumentState& st, int64_t ts_ns);
  void make_tick(uint32_t instrument, int64_t ts_ns, InputBody& body);
  void make_limit(uint32_t instrument, double thin, InputBody& body);
  bool make_cancel(uint32_t instrument, InputBody& body);
  bool make_replace(uint32_t instrument, double thin, InputBody& body);
  int64_t passive_distance(InstrumentState& st, double thin);
  int64_t draw_qty(Rng& rng) { return rng.uniform_int(market_.qty_min, market_.qty_max); }
  int pick_live(InstrumentState& st);

  void save_instrument(StateHasher& h, size_t i) const;
  void restore_instrument(StateReader& r, size_t i, Staged& s) const;
  void save_flow(StateHasher& h, size_t f) const;
  void restore_flow(StateReader& r, size_t f, Staged& s) const;
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
  std::vector<Rng> arrival_rngs_;        // background arrivals, per instrument
  std::vector<double> arrival_ns_;       // exact next background arrival, per instrument
  std::vector<ControlEvent> controls_;   // sorted
  size_t next_control_ = 0;
  std::vector<TickFlow> flows_;
  std::vector<int64_t> due_ns_;  // next time of each stream; INT64_MAX when exhausted
  uint64_t next_order_id_ = 1;
  uint64_t ticks_ = 0;
};

}  // namespace tape
