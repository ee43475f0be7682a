// A session's state and how it is rebuilt: a fresh start, or the latest snapshot plus the
// recorded tail replayed through the core while the session's source is stepped alongside.
// Every input the source yields again and every recomputed output must equal the recorded one,
// so a resumed session continues exactly where the uninterrupted one would be. Used by
// `run --resume`, `tape snapshot` and the session loop (session/session_loop.h).
#pragma once

#include <memory>

#include "core/config.h"
#include "core/core.h"
#include "core/sequencer.h"
#include "core/snapshot.h"
#include "session/source.h"
#include "store/event_log.h"

namespace tape {

// Everything a session carries from one input to the next.
struct SessionState {
  std::unique_ptr<Core> core;
  std::unique_ptr<Source> source;
  Sequencer sequencer;
  Seq resumed_from;          // snapshot seq the state was restored from (0: none)
  uint64_t tail_inputs = 0;  // inputs replayed from the log after the snapshot
};

// A fresh session: nothing processed yet. `sink` (may be null for kCollect) receives batches.
SessionState fresh_session(const CoreConfig& config, const SourceFactory& source,
                           Recorder::Mode mode, BatchSink* sink);

// The state at `log`'s last seq, left in `mode` (kSink appends after the log's end). With
// `retake_snapshots` (the same log, open read-write) the snapshots the recorded cadence takes
// inside the replayed tail are written again: a run killed after the batch holding seq
// N·every was durable but before its snapshot was lacks it, and a resumed log must not.
Result<SessionState> resume_session(const EventLog& log, const CoreConfig& config,
                                    const SourceFactory& source, Recorder::Mode mode,
                                    BatchSink* sink, EventLog* retake_snapshots = nullptr);

// Steps `source` once and stamps the input; Status::mismatch naming the seq and both inputs if
// it is not `recorded`, or if the source has ended (its own error if it failed).
Status next_matches(Source& source, Sequencer& sequencer, const Input& recorded);

// A snapshot of `state` as it stands (after its last processed input): the core's, the source's
// position (the snapshot's generator_state field) and the sequencer's clamped count.
SnapshotData snapshot_of(const SessionState& state);

// The recorded cadence: a snapshot every this many inputs (0: none), synced or not.
inline uint64_t snapshot_every(const CoreConfig& c) { return c.snapshot.every_events; }
inline bool snapshot_sync(const CoreConfig& c) {
  return c.recorder.sync == RecorderOptions::Sync::kBatch;
}

}  // namespace tape
