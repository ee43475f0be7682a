// Reads a log one input at a time, with the outputs recorded for it, across batch boundaries.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/events.h"
#include "core/status.h"
#include "store/event_log.h"

namespace tape {

struct RecordedInput {
  Input input;
  std::vector<Output> outputs;
};

class LogReader {
 public:
  // With `outputs` false only the inputs' blocks are decoded (every RecordedInput's outputs are
  // empty), so a damaged outputs block goes unnoticed: for readers that do not compare them.
  explicit LogReader(const EventLog& log, Seq from = Seq(1), bool outputs = true);
  // The next input in the log at or after `from`; nullopt at the end; a Status on corruption
  // (the cursor's first error, naming its seq: a reader never mistakes it for the end).
  Result<std::optional<RecordedInput>> next();
  // The same into `out`, reusing its outputs' storage (no allocation per input once warm):
  // true, or false at the end (`out` then unspecified).
  Result<bool> next_into(RecordedInput& out);

 private:
  Status load_batch();

  EventLog::BatchCursor cursor_;
  Seq from_;
  bool with_outputs_;
  std::vector<Input> inputs_;
  std::vector<Output> outputs_;
  size_t in_pos_ = 0;
  size_t out_pos_ = 0;
};

}  // namespace tape
