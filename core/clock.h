// Simulated time as the core sees it: the seq and timestamp of the input being processed.
// Only the core advances it, before dispatching each input; components hold a const reference.
// There is no other time in core/ (determinism rule 1, docs/determinism.md).
#pragma once

#include "core/types.h"

namespace tape {

class SimClock {
 public:
  Seq seq() const { return seq_; }
  Timestamp now() const { return now_; }
  void advance(Seq seq, Timestamp now) {
    seq_ = seq;
    now_ = now;
  }

 private:
  Seq seq_;
  Timestamp now_;
};

}  // namespace tape
