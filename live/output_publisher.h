// Publishes a live session's outputs (accepted, rejected, fill, cancelled, replaced,
// position_update, input_rejected) to "<prefix>.<type>" as JSON with their (seq, k), once the
// batch holding their input is durable: a client never sees an output a crash could take back.
// Behind a circuit breaker: while the server is away the outputs wait in a bounded buffer (the
// log has them all; what overflows is counted, never an input) and go out when it is back.
// Thread: the core's.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/events.h"
#include "feed/event_format.h"
#include "live/live_metrics.h"
#include "live/nats_feed.h"

namespace tape {

class OutputPublisher {
 public:
  // Default bound of the breaker's buffer (outputs).
  static constexpr size_t kHeldMax = 1 << 20;

  // `prefix` empty: nothing is published. `feed` and `metrics` must outlive it.
  OutputPublisher(std::string prefix, const InstrumentTable& instruments, NatsFeed& feed,
                  LiveMetrics& metrics);
  // Keeps the outputs of input `seq` (its message arrived at `arrival_ns`, steady clock).
  void hold(uint64_t seq, int64_t arrival_ns, const std::vector<Output>& outputs);
  // Publishes what is held for inputs <= `durable_seq`, while the breaker lets it.
  void release(uint64_t durable_seq);
  size_t held() const { return held_.size(); }

 private:
  struct Held {
    Output output;
    int64_t arrival_ns;
  };
  bool send(const Output& o);

  std::string prefix_;
  InstrumentFormat format_;
  NatsFeed& feed_;
  LiveMetrics& metrics_;
  std::deque<Held> held_;
  bool open_ = false;  // the breaker: true while publishing is paused
};

}  // namespace tape
