// A recorded log's inputs as a session Source: `replay` drives the core over it, and resume
// replays a log's tail through it while the run's own source is stepped alongside. Each input
// comes with the outputs recorded for it (last()), so a caller can prove they are reproduced.
// Position: the seq of the last input consumed.
#pragma once

#include <memory>
#include <optional>

#include "session/log_reader.h"
#include "session/source.h"
#include "store/event_log.h"

namespace tape {

struct RecordedLogOptions {
  // Default: 0 (from seq 1). The source yields the inputs after this seq.
  Seq after;
  // Default: 0 (the log's end). The last seq the source yields; it ends there without reading on.
  Seq last;
  // Default: true. Decode each input's recorded outputs (last().outputs). False reads only the
  // inputs' blocks, for a caller that compares no outputs (a damaged outputs block goes unseen).
  bool outputs = true;
};

class RecordedLogSource final : public Source {
 public:
  // The inputs of `log` after seq `after` (0: from seq 1). `log` must outlive the source.
  explicit RecordedLogSource(const EventLog& log, Seq after = Seq(0));
  RecordedLogSource(const EventLog& log, const RecordedLogOptions& options);

  bool next(Timestamp& ts, InputBody& body) override;
  // A corrupt or missing record (the reader's error, naming its seq).
  Status status() const override { return status_; }
  std::string save_state() const override;  // the last consumed seq, 8 bytes
  Status restore_state(std::string_view bytes) override;
  void decorate(Input& in) const override {
    in.stream_seq = last_.input.stream_seq;
    in.reject = last_.input.reject;
  }

  // The input next() last yielded, as recorded (seq and stamped time), with its outputs.
  const RecordedInput& last() const { return last_; }
  // The seq of the last input consumed (the `after` given when none was).
  Seq position() const { return position_; }

 private:
  const EventLog& log_;
  RecordedLogOptions options_;
  std::unique_ptr<LogReader> reader_;
  RecordedInput last_;
  Seq position_;
  Status status_;
};

}  // namespace tape
