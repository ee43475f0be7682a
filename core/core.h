// The deterministic core: one thread, one bus, every component, in a fixed order.
//
//   input stamped t ─► recorder journals it ─► delayed events and timers due at or before t
//   ─► expiries (Engine and DataVenue advance_time) ─► the data venue works the input's bar /
//   quote / print (kBars, kQuotes; with feed latency it holds it instead of the next step) ─►
//   bus delivers the input to Risk, Engine (through VenueRouter), DataVenue, Portfolio,
//   StrategyHost, Recorder (in that order), then every event those publish, breadth-first,
//   until the queue is empty.
//
// Delayed events: in-flight decisions (order latency, core/latency_queue.h), held acks (ack
// latency, StrategyHost in core/strategy.h), held market data (feed latency: the L3 venue's
// book changes and prints, core/l3_venue.h; the data venue's bars, quotes and prints,
// core/data_venue.h) and timers. With any latency on, before dispatching an input stamped t
// (after the first input, which anchors the timers), the core walks time up to t: at each step
// it takes the earliest due time d among the next in-flight decision, the next held ack, the
// next held market data and the next strategy timer that are <= t; on a tie the kind first in
// that list goes first. Rule, at one instant: delayed decisions, then held acks, then held
// market data, then timers, then the input; within a kind, creation order.
//   Decisions: the clock reads d, expired orders are cancelled (engine and venues), then every
//   decision due at d is delivered in creation order, the bus drained after each.
//   Acks: the clock reads d, expiries, then every ack due at d goes to its strategy (on_order /
//   on_fill), in creation order, then the bus is drained (their intents).
//   Market data: the clock reads d, expiries, then everything due at d goes on the bus (in
//   creation order) and the bus is drained.
//   Timer: the clock reads T, expiries, the timers due at T fire (StrategyHost::advance_time(T)),
//   the bus drained.
// After StrategyHost::kTimerCatchUpMax timer instants in one walk, the timers up to the next
// delivery (d - 1, or t) fire in one advance_time call under its catch-up rule, with the clock at
// that bound. A decision made while the clock reads c (an input's time, a timer's due time, a
// delivery's due time) is due at c + order_ns; an order outcome produced then reaches its
// strategy at c + ack_ns; data the venue works at c reaches the bus at c + feed_ns. A drawn
// latency (LatencyConfig::*_dist, core/latency_draw.h) replaces the constant with one draw per
// held event, made when it is held, and keeps FIFO order: per account for decisions
// (core/venue_router.h), per strategy for acks (core/strategy.h), the whole feed for market data.
// Every output of a delivery is numbered under the input whose processing delivered it. With every
// latency 0 nothing is ever held and the order of work is the one without latency (timers fire in
// one advance_time(t) with the clock at t).
//
// Live runs and replays drive the same Core with the same inputs; only the source differs.
// Nothing here reads a clock, a file or an unseeded RNG.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/bus.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/data_venue.h"
#include "core/engine.h"
#include "core/event_queue.h"
#include "core/l3_venue.h"
#include "core/latency_queue.h"
#include "core/portfolio.h"
#include "core/recorder.h"
#include "core/risk.h"
#include "core/snapshot.h"
#include "core/state_hash.h"
#include "core/strategy.h"
#include "core/venue_router.h"

namespace tape {

class Core {
 public:
  // `sink` receives closed batches in Recorder::Mode::kSink and must outlive the core.
  Core(const CoreConfig& config, Recorder::Mode mode, BatchSink* sink);
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  // Processes one input to completion. Its seq must follow the previous input's.
  Status process(const Input& in);
  // Closes the last batch and flushes the sink.
  Status finish();
  // Closes the open batch between inputs (wall-clock flushes of paced runs).
  Status close_batch() { return recorder_.close_batch(); }

  // The outputs derived from the last processed input.
  std::span<const Output> last_outputs() const { return recorder_.current_outputs(); }
  // Hash of the whole core state (books, risk, portfolio, strategies, clock; the data venue when
  // the model is not kBook, the in-flight decisions when order latency is on, the held acks
  // when ack latency is on, the RNG states of the drawn latencies when one is drawn).
  std::string state_hash() const;
  // The canonical encoding of the whole core state: what state_hash() hashes and a snapshot
  // stores.
  void save_state(StateHasher& h) const;
  // Restores what save_state wrote into this fresh core (same config), then proves it by
  // re-encoding. Errors name what was wrong; the core must then be discarded.
  Status restore_state(std::string_view bytes);
  // A snapshot of the core after its last input (no generator state: the runner adds it).
  SnapshotData snapshot() const;
  // Switches the recorder's mode between inputs (recovery replays a logged tail uncounted).
  void set_record_mode(Recorder::Mode mode) { recorder_.set_mode(mode); }

  Seq last_seq() const { return clock_.seq(); }
  Timestamp now() const { return clock_.now(); }
  const CoreConfig& config() const { return config_; }
  const Engine& engine() const { return engine_; }
  const DataVenue& venue() const { return venue_; }
  const L3Venue& l3() const { return l3_; }
  const LatencyQueue& in_flight() const { return in_flight_; }
  const Risk& risk() const { return risk_; }
  const Portfolio& portfolio() const { return portfolio_; }
  const StrategyHost& strategies() const { return strategies_; }
  const Recorder& recorder() const { return recorder_; }
  const EventQueue& queue() const { return queue_; }

  // Names of the bus stages a StageProbe sees, by stage id (subscriber order).
  static constexpr const char* kStageNames[] = {"risk",      "engine",   "venue",
                                                "portfolio", "strategy", "recorder"};
  // Installs a probe timing each stage (nullptr removes it). Not owned.
  void set_probe(StageProbe* probe) { bus_.set_probe(probe); }
  // Installs a probe told of each input's first order decision (nullptr removes it). Not owned.
  void set_decision_probe(DecisionProbe* probe) { recorder_.set_decision_probe(probe); }

 private:
  // Delivers the in-flight decisions, held acks and held market data and fires the timers due
  // at or before `t` in time order (the rule above); leaves the clock at `t`.
  void run_due(Timestamp t);
  // Moves the engine's and the data venue's time to `t`: both cancel what has expired.
  void advance_venues(Timestamp t);
  // The earliest due time of any strategy timer into *due; false when no strategy has one.
  bool next_timer(int64_t* due) const;
  // Drawn latencies: their RNG states (state section "latency_rng", only with one drawn).
  const LatencyDraw& feed_latency() const;
  void hash_latency_rngs(StateHasher& h) const;
  void restore_latency_rngs(StateReader& r);

  CoreConfig config_;
  SimClock clock_;
  EventQueue queue_;
  Engine engine_;
  DataVenue venue_;
  L3Venue l3_;
  LatencyQueue in_flight_;
  bool delays_ = false;  // any latency on: inputs walk the held events up to their time
  VenueRouter router_;
  Risk risk_;
  Portfolio portfolio_;
  StrategyHost strategies_;
  Recorder recorder_;
  Bus<Risk, VenueRouter, DataVenue, Portfolio, StrategyHost, Recorder> bus_;
};

}  // namespace tape
