#include "cli/recovery.h"

#include "core/codec.h"
#include "core/state_hash.h"
#include "core/state_reader.h"
#include "replay/log_reader.h"
#include "store/snapshot_store.h"

namespace tape {
namespace {

std::string at(Seq seq) { return "seq " + std::to_string(seq.value()); }

Status restore_from(RunState& state, const SnapshotData& snap) {
  RETURN_IF_ERROR(state.core->restore_state(snap.core_state));
  if (snap.generator_state.empty()) {
    return Status::invalid("snapshot at " + at(snap.seq) + " has no generator state to resume from");
  }
  StateReader r(snap.generator_state);
  RETURN_IF_ERROR(state.generator->restore_state(r));
  state.sequencer = Sequencer(snap.seq, snap.ts, snap.ts_clamped);
  state.resumed_from = snap.seq;
  return Status::ok();
}

// Steps the generator for one recorded input and checks the two agree, then applies it.
Status replay_one(RunState& state, const RecordedInput& rec) {
  RETURN_IF_ERROR(regenerate_and_compare(*state.generator, state.sequencer, rec.input));
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

Status regenerate_and_compare(Generator& generator, Sequencer& sequencer, const Input& recorded) {
  Timestamp ts;
  InputBody body;
  if (!generator.next(ts, body)) {
    return Status::mismatch("log has " + at(recorded.seq) +
                            " but the scenario ends before it: the log is not this run's");
  }
  const Input in = sequencer.stamp(ts, body);
  if (!(in == recorded)) {
    return Status::mismatch("log differs from the scenario's input at " + at(in.seq) +
                            "\n  recorded:    " + describe(recorded) +
                            "\n  regenerated: " + describe(in));
  }
  return Status::ok();
}

RunState fresh_run_state(const Scenario& scenario, uint64_t seed, Recorder::Mode mode,
                         BatchSink* sink) {
  RunState s;
  s.core = std::make_unique<Core>(scenario.core, mode, sink);
  s.generator = std::make_unique<Generator>(scenario, seed, &s.core->engine());
  return s;
}

Result<RunState> recover_run_state(const EventLog& log, const Scenario& scenario, uint64_t seed,
                                   Recorder::Mode mode, BatchSink* sink,
                                   EventLog* retake_snapshots) {
  RunState state = fresh_run_state(scenario, seed, Recorder::Mode::kCollect, sink);
  ASSIGN_OR_RETURN(std::optional<SnapshotData> snap, latest_snapshot(log, log.last_seq()));
  if (snap) RETURN_IF_ERROR(restore_from(state, *snap));
  LogReader reader(log, Seq(state.sequencer.last_seq().value() + 1));
  const uint64_t every = scenario.core.snapshot.every_events;
  const bool sync = scenario.core.recorder.sync == RecorderOptions::Sync::kBatch;
  while (true) {
    ASSIGN_OR_RETURN(std::optional<RecordedInput> rec, reader.next());
    if (!rec) break;
    RETURN_IF_ERROR(replay_one(state, *rec));
    // The tail starts after the newest snapshot, so a cadence point inside it has none.
    if (retake_snapshots && every != 0 && rec->input.seq.value() % every == 0) {
      RETURN_IF_ERROR(put_snapshot(*retake_snapshots, snapshot_of(state), sync));
    }
  }
  if (state.sequencer.last_seq() != log.last_seq()) {
    return Status::mismatch("log ends at " + at(log.last_seq()) + " but its inputs end at " +
                            at(state.sequencer.last_seq()));
  }
  state.core->set_record_mode(mode);
  return state;
}

SnapshotData snapshot_of(const RunState& state) {
  SnapshotData s = state.core->snapshot();
  StateHasher gen_bytes;
  state.generator->save_state(gen_bytes);
  s.generator_state = gen_bytes.bytes();
  s.ts_clamped = state.sequencer.clamped();
  return s;
}

}  // namespace tape
