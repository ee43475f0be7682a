#include "replay/replay_verify.h"

#include <string>

#include "core/codec.h"
#include "core/core.h"

namespace tape {
namespace {

std::string at_seq(Seq seq) { return "seq " + std::to_string(seq.value()); }

}  // namespace

Status compare_outputs(Seq seq, std::span<const Output> produced,
                       std::span<const Output> recorded) {
  const size_t n = std::min(produced.size(), recorded.size());
  for (size_t k = 0; k < n; ++k) {
    if (!(produced[k] == recorded[k])) {
      return Status::mismatch("output differs at " + at_seq(seq) + " k=" + std::to_string(k) +
                              "\n  recorded: " + describe(recorded[k]) +
                              "\n  replayed: " + describe(produced[k]));
    }
  }
  if (produced.size() != recorded.size()) {
    const bool extra = produced.size() > recorded.size();
    const Output& o = extra ? produced[n] : recorded[n];
    return Status::mismatch("output count differs at " + at_seq(seq) + ": recorded " +
                            std::to_string(recorded.size()) + ", replayed " +
                            std::to_string(produced.size()) + "\n  first " +
                            (extra ? "extra replayed: " : "missing recorded: ") + describe(o));
  }
  return Status::ok();
}

Status RecordedLogVerifier::before_input(const Input& in) {
  const Input& recorded = source_.last().input;
  if (in.seq != recorded.seq) {
    // The batch cursor already refuses gaps between and inside batches; this is the last line.
    return Status::mismatch("seq gap: expected " + at_seq(in.seq) + ", log has " +
                            at_seq(recorded.seq));
  }
  if (in.ts.value() != recorded.ts.value()) {
    // The sequencer held time at its predecessor's: a recorded log never goes back in time.
    return Status::mismatch("input at " + at_seq(in.seq) + " is stamped " +
                            std::to_string(recorded.ts.value()) +
                            " ns, before the input ahead of it (" + std::to_string(in.ts.value()) +
                            " ns): a recorded log's time never goes backwards");
  }
  return Status::ok();
}

Status RecordedLogVerifier::after_input(const Input& in, const Core& core) {
  ++inputs_;
  const auto produced = core.last_outputs();
  outputs_ += produced.size();
  if (!verify_ || in.seq < verify_from_) return Status::ok();
  RETURN_IF_ERROR(compare_outputs(in.seq, produced, source_.last().outputs));
  outputs_compared_ += produced.size();
  return Status::ok();
}

}  // namespace tape
