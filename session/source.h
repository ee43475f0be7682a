// The one interface the session loop knows: where inputs come from. A source yields input
// bodies with their source timestamps in order; the sequencer stamps each one's seq (and keeps
// time from going backwards). Its position is bytes, saved in every snapshot (the snapshot's
// source state) and restored on resume, so any source can be resumed.
//
// Thread: one; owned by the session that drives it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/events.h"
#include "core/status.h"

namespace tape {

class Core;

class Source {
 public:
  virtual ~Source() = default;

  // The next input's source timestamp and body: true, or false at the end of the source or on
  // an error (then status() says which, naming its position; like an iterator, it is sticky).
  virtual bool next(Timestamp& ts, InputBody& body) = 0;
  // Ok, or the error that ended next().
  virtual Status status() const { return Status::ok(); }
  // Fills what the sequencer does not in the input it stamped from the last next(): its stream
  // sequence and a rejected message's reason (live sources; a recorded log copies its own).
  virtual void decorate(Input& in) const { (void)in; }

  // The source's position (and whatever state it needs to go on from it) as bytes.
  virtual std::string save_state() const = 0;
  // Goes back to a position save_state() returned, for a source built the same way.
  virtual Status restore_state(std::string_view bytes) = 0;
};

// Makes the source for a session, given the core it feeds (a generator reads the book from it).
// Called once per session, after the core exists.
using SourceFactory = std::function<std::unique_ptr<Source>(const Core& core)>;

}  // namespace tape
