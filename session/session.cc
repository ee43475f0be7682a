#include "session/session.h"

#include "core/codec.h"
#include "session/recorded_log_source.h"
#include "store/snapshot_store.h"

namespace tape {
namespace {

std::string at(Seq seq) { return "seq " + std::to_string(seq.value()); }

Status restore_from(SessionState& state, const SnapshotData& snap) {
  RETURN_IF_ERROR(state.core->restore_state(snap.core_state));
  if (Status st = state.source->restore_state(snap.generator_state); !st.is_ok()) {
    const std::string what = "snapshot at " + at(snap.seq) + " " + st.message();  // its source
    return st.code() == StatusCode::kInvalidInput ? Status::invalid(what) : Status::mismatch(what);
  }
  state.sequencer = Sequencer(snap.seq, snap.ts, snap.ts_clamped);
  state.resumed_from = snap.seq;
  return Status::ok();
}

// Steps the source for one recorded input and checks the two agree, then applies it.
Status replay_one(SessionState& state, const RecordedInput& rec) {
  RETURN_IF_ERROR(next_matches(*state.source, state.sequencer, rec.input));
  const Input& in = rec.input;
  RETURN_IF_ERROR(state.core->process(in));
  const auto produced = state.core->last_outputs();
  if (produced.size() != rec.outputs.size() ||
      !std::equal(produced.begin(), produced.end(), rec.outputs.begin())) {
    return Status::mismatch("recorded outputs differ from the recomputed ones at " + at(in.seq));
  }
  ++state.tail_inputs;
  return Status::ok();
}

}  // namespace

Status next_matches(Source& source, Sequencer& sequencer, const Input& recorded) {
  Timestamp ts;
  InputBody body;
  if (!source.next(ts, body)) {
    RETURN_IF_ERROR(source.status());
    return Status::mismatch("log has " + at(recorded.seq) +
                            " but the scenario ends before it: the log is not this run's");
  }
  Input in = sequencer.stamp(ts, body);
  source.decorate(in);
  if (!(in == recorded)) {
    return Status::mismatch("log differs from the scenario's input at " + at(in.seq) +
                            "\n  recorded:    " + describe(recorded) +
                            "\n  regenerated: " + describe(in));
  }
  return Status::ok();
}

SessionState fresh_session(const CoreConfig& config, const SourceFactory& source,
                           Recorder::Mode mode, BatchSink* sink) {
  SessionState s;
  s.core = std::make_unique<Core>(config, mode, sink);
  s.source = source(*s.core);
  return s;
}

Result<SessionState> resume_session(const EventLog& log, const CoreConfig& config,
                                    const SourceFactory& source, Recorder::Mode mode,
                                    BatchSink* sink, EventLog* retake_snapshots) {
  SessionState state = fresh_session(config, source, Recorder::Mode::kCollect, sink);
  ASSIGN_OR_RETURN(std::optional<SnapshotData> snap, latest_snapshot(log, log.last_seq()));
  if (snap) RETURN_IF_ERROR(restore_from(state, *snap));
  RecordedLogSource tail(log, state.sequencer.last_seq());
  const uint64_t every = snapshot_every(config);
  Timestamp ts;
  InputBody body;
  while (tail.next(ts, body)) {
    RETURN_IF_ERROR(replay_one(state, tail.last()));
    // The tail starts after the newest snapshot, so a cadence point inside it has none.
    if (retake_snapshots && every != 0 && tail.position().value() % every == 0) {
      RETURN_IF_ERROR(put_snapshot(*retake_snapshots, snapshot_of(state), snapshot_sync(config)));
    }
  }
  RETURN_IF_ERROR(tail.status());
  if (state.sequencer.last_seq() != log.last_seq()) {
    return Status::mismatch("log ends at " + at(log.last_seq()) + " but its inputs end at " +
                            at(state.sequencer.last_seq()));
  }
  state.core->set_record_mode(mode);
  return state;
}

SnapshotData snapshot_of(const SessionState& state) {
  SnapshotData s = state.core->snapshot();
  s.generator_state = state.source->save_state();
  s.ts_clamped = state.sequencer.clamped();
  return s;
}

}  // namespace tape
