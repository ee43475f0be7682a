// The deterministic core: one thread, one bus, every component, in a fixed order.
//
//   input ─► recorder journals it ─► due strategy timers fire ─► bus delivers the input to
//   Risk, Engine, Portfolio, StrategyHost, Recorder (in that order), then every event those
//   publish, breadth-first, until the queue is empty.
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
#include "core/engine.h"
#include "core/event_queue.h"
#include "core/portfolio.h"
#include "core/recorder.h"
#include "core/snapshot.h"
#include "core/state_hash.h"
#include "core/risk.h"
#include "core/strategy.h"

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
  // Hash of the whole core state (books, risk, portfolio, strategies, clock).
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
  const Risk& risk() const { return risk_; }
  const Portfolio& portfolio() const { return portfolio_; }
  const Recorder& recorder() const { return recorder_; }
  const EventQueue& queue() const { return queue_; }

  // Names of the bus stages a StageProbe sees, by stage id (subscriber order).
  static constexpr const char* kStageNames[] = {"risk", "engine", "portfolio", "strategy",
                                                "recorder"};
  // Installs a probe timing each stage (nullptr removes it). Not owned.
  void set_probe(StageProbe* probe) { bus_.set_probe(probe); }
  // Installs a probe told of each input's first order decision (nullptr removes it). Not owned.
  void set_decision_probe(DecisionProbe* probe) { recorder_.set_decision_probe(probe); }

 private:
  CoreConfig config_;
  SimClock clock_;
  EventQueue queue_;
  Engine engine_;
  Risk risk_;
  Portfolio portfolio_;
  StrategyHost strategies_;
  Recorder recorder_;
  Bus<Risk, Engine, Portfolio, StrategyHost, Recorder> bus_;
};

}  // namespace tape
