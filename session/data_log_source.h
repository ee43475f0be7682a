// A data log's inputs (`tape import`'s output, meta "log_kind" = "data": inputs only, empty
// output blocks) as a session Source, for backtests. The session's sequencer stamps the run's
// own seqs; the source's position is the data log's seq of the last input consumed, saved in
// every snapshot, so a resumed backtest reads on from exactly there.
#pragma once

#include <memory>

#include "session/recorded_log_source.h"
#include "session/source.h"
#include "store/event_log.h"

namespace tape {

class DataLogSource final : public Source {
 public:
  // Opens `log` (which must outlive the source) from its first input, up to seq `last` (0: its
  // end); Status::invalid unless its meta says it is a data log.
  static Result<std::unique_ptr<DataLogSource>> open(const EventLog& log, Seq last = Seq(0));

  bool next(Timestamp& ts, InputBody& body) override;
  // A corrupt record, or a data log holding outputs (it is not one), naming the seq.
  Status status() const override;
  std::string save_state() const override { return inputs_.save_state(); }  // last seq, 8 bytes
  Status restore_state(std::string_view bytes) override;

  // The data log's seq of the last input consumed (0: none yet).
  Seq position() const { return inputs_.position(); }

 private:
  DataLogSource(const EventLog& log, Seq last)
      : log_(log), inputs_(log, RecordedLogOptions{Seq(0), last, true}) {}

  const EventLog& log_;
  RecordedLogSource inputs_;
  Status status_;
};

}  // namespace tape
