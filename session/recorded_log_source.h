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

class RecordedLogSource final : public Source {
 public:
  // The inputs of `log` after seq `after` (0: from seq 1). `log` must outlive the source.
  explicit RecordedLogSource(const EventLog& log, Seq after = Seq(0));

  bool next(Timestamp& ts, InputBody& body) override;
  // A corrupt or missing record (the reader's error, naming its seq).
  Status status() const override { return status_; }
  std::string save_state() const override;  // the last consumed seq, 8 bytes
  Status restore_state(std::string_view bytes) override;

  // The input next() last yielded, as recorded (seq and stamped time), with its outputs.
  const RecordedInput& last() const { return last_; }
  // The seq of the last input consumed (the `after` given when none was).
  Seq position() const { return position_; }

 private:
  const EventLog& log_;
  std::unique_ptr<LogReader> reader_;
  RecordedInput last_;
  Seq position_;
  Status status_;
};

}  // namespace tape
