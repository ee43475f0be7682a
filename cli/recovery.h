// Rebuilding a run's full state at the end of its log: the latest snapshot, then the recorded
// tail replayed through the core while the generator is stepped alongside. Every regenerated
// input and every recomputed output must equal the recorded one, so a resumed run continues
// exactly where the uninterrupted run would be. Used by `run --resume` and `tape snapshot`.
#pragma once

#include <memory>

#include "core/core.h"
#include "core/sequencer.h"
#include "core/snapshot.h"
#include "sim/generator.h"
#include "sim/scenario.h"
#include "store/event_log.h"

namespace tape {

// Everything a run carries from one input to the next.
struct RunState {
  std::unique_ptr<Core> core;
  std::unique_ptr<Generator> generator;
  Sequencer sequencer;
  Seq resumed_from;        // snapshot seq the state was restored from (0: none)
  uint64_t tail_inputs = 0;  // inputs replayed from the log after the snapshot
};

// A fresh run: nothing processed yet. `sink` (may be null for kCollect) receives batches.
RunState fresh_run_state(const Scenario& scenario, uint64_t seed, Recorder::Mode mode,
                         BatchSink* sink);

// The state at `log`'s last seq, left in `mode` (kSink appends after the log's end). With
// `retake_snapshots` (the same log, open read-write) the snapshots the recorded cadence takes
// inside the replayed tail are written again: a run killed after the batch holding seq
// N·every was durable but before its snapshot was lacks it, and a resumed log must not.
Result<RunState> recover_run_state(const EventLog& log, const Scenario& scenario, uint64_t seed,
                                   Recorder::Mode mode, BatchSink* sink,
                                   EventLog* retake_snapshots = nullptr);

// Generates the next input and stamps it; Status::mismatch naming the seq and both inputs if it
// is not `recorded`, or if the scenario has ended.
Status regenerate_and_compare(Generator& generator, Sequencer& sequencer, const Input& recorded);

// A snapshot of `state` as it stands (after its last processed input).
SnapshotData snapshot_of(const RunState& state);

}  // namespace tape
