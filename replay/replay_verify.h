// What `tape replay` holds the session loop to (session/session_loop.h's Verifier), around every
// input it replays from a recorded log:
//   - always: the input the sequencer stamped is the recorded one (same seq, same time), so the
//     core sees exactly the log's inputs and a log whose seqs or times do not run as a sequencer
//     stamps them is an error naming the seq, never a silently renumbered replay;
//   - with verify, for inputs from `verify_from` on: the outputs the core produced are the
//     recorded ones, in order (the first difference named with its seq and k).
// The first failure is a Status::mismatch (exit 3).
#pragma once

#include <cstdint>
#include <span>

#include "core/events.h"
#include "session/recorded_log_source.h"
#include "session/session_loop.h"

namespace tape {

// The first difference between the outputs the core produced for input `seq` and the recorded
// ones (a differing output, or a differing count naming the first extra or missing output).
Status compare_outputs(Seq seq, std::span<const Output> produced,
                       std::span<const Output> recorded);

class RecordedLogVerifier final : public Verifier {
 public:
  // `source` (the session's source, which must outlive the verifier) yields the recorded inputs;
  // with `verify` it must decode their outputs too (RecordedLogOptions::outputs).
  RecordedLogVerifier(const RecordedLogSource& source, bool verify, Seq verify_from)
      : source_(source), verify_(verify), verify_from_(verify_from) {}

  Status before_input(const Input& in) override;
  Status after_input(const Input& in, const Core& core) override;

  uint64_t inputs() const { return inputs_; }    // inputs replayed
  uint64_t outputs() const { return outputs_; }  // outputs the core produced for them
  uint64_t outputs_compared() const { return outputs_compared_; }

 private:
  const RecordedLogSource& source_;
  bool verify_;
  Seq verify_from_;
  uint64_t inputs_ = 0;
  uint64_t outputs_ = 0;
  uint64_t outputs_compared_ = 0;
};

}  // namespace tape
