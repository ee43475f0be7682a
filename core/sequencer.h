// Gives each input from a source its seq (contiguous from 1) and its timestamp. Time never goes
// backwards inside the core: an input stamped earlier than its predecessor is stamped with the
// predecessor's time (written rule) and counted, so a bad feed cannot reorder the log.
#pragma once

#include "core/events.h"

namespace tape {

class Sequencer {
 public:
  // Continues after `last_seq`/`last_ts` (0 for a new log; the log's end when resuming).
  explicit Sequencer(Seq last_seq = Seq(0), Timestamp last_ts = Timestamp(0),
                     uint64_t clamped = 0)
      : last_seq_(last_seq), last_ts_(last_ts), clamped_(clamped) {}

  Input stamp(Timestamp source_ts, const InputBody& body) {
    Timestamp ts = source_ts;
    if (ts < last_ts_) {
      ts = last_ts_;
      ++clamped_;
    }
    last_ts_ = ts;
    last_seq_ = Seq(last_seq_.value() + 1);
    return Input{last_seq_, ts, body};
  }

  Seq last_seq() const { return last_seq_; }
  Timestamp last_ts() const { return last_ts_; }
  uint64_t clamped() const { return clamped_; }

 private:
  Seq last_seq_;
  Timestamp last_ts_;
  uint64_t clamped_ = 0;
};

}  // namespace tape
