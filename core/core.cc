#include "core/core.h"

#include "core/state_hash.h"

namespace tape {

Core::Core(const CoreConfig& config, Recorder::Mode mode, BatchSink* sink)
    : config_(config),
      queue_(config.event_queue_capacity),
      engine_(config_, queue_),
      risk_(config_, clock_, queue_),
      portfolio_(config_, queue_),
      strategies_(config_, clock_, engine_, portfolio_, queue_),
      recorder_(config_.recorder, clock_, mode, sink),
      bus_(queue_, risk_, engine_, portfolio_, strategies_, recorder_) {}

Status Core::process(const Input& in) {
  TAPE_CHECK(in.seq.value() == clock_.seq().value() + 1, "input seq gap");
  TAPE_CHECK(in.ts >= clock_.now(), "input time went backwards past the sequencer");
  clock_.advance(in.seq, in.ts);
  RETURN_IF_ERROR(recorder_.begin_input(in));
  // Rule (docs/determinism.md): a timer due at t fires before any input stamped t, and its
  // outputs are numbered under that input's seq.
  strategies_.advance_time(in.ts);
  bus_.drain();
  std::visit([this](const auto& body) { bus_.publish(body); }, in.body);
  bus_.drain();
  return Status::ok();
}

Status Core::finish() { return recorder_.finish(); }

std::string Core::state_hash() const {
  StateHasher h;
  h.tag("clock");
  h.v(clock_.seq());
  h.v(clock_.now());
  h.tag("engine");
  engine_.hash_state(h);
  h.tag("risk");
  risk_.hash_state(h);
  h.tag("portfolio");
  portfolio_.hash_state(h);
  h.tag("strategies");
  strategies_.hash_state(h);
  return h.hex();
}

}  // namespace tape
