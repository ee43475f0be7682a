#include "session/recorded_log_source.h"

#include "core/state_hash.h"
#include "core/state_reader.h"

namespace tape {

RecordedLogSource::RecordedLogSource(const EventLog& log, Seq after)
    : RecordedLogSource(log, RecordedLogOptions{after, Seq(0), true}) {}

RecordedLogSource::RecordedLogSource(const EventLog& log, const RecordedLogOptions& options)
    : log_(log), options_(options),
      reader_(std::make_unique<LogReader>(log, Seq(options.after.value() + 1), options.outputs)),
      position_(options.after) {}

bool RecordedLogSource::next(Timestamp& ts, InputBody& body) {
  if (!status_.is_ok()) return false;
  if (options_.last.value() != 0 && position_ >= options_.last) return false;
  Result<bool> more = reader_->next_into(last_);
  if (!more.is_ok()) {
    status_ = more.status();
    return false;
  }
  if (!more.value()) return false;
  position_ = last_.input.seq;
  ts = last_.input.ts;
  body = last_.input.body;
  return true;
}

std::string RecordedLogSource::save_state() const {
  StateHasher bytes;
  bytes.u64(position_.value());
  return bytes.bytes();
}

Status RecordedLogSource::restore_state(std::string_view bytes) {
  StateReader r(bytes);
  const uint64_t seq = r.u64();
  if (r.ok() && !r.at_end()) r.fail("recorded log position has trailing bytes");
  RETURN_IF_ERROR(r.status());
  position_ = Seq(seq);
  reader_ = std::make_unique<LogReader>(log_, Seq(seq + 1), options_.outputs);
  status_ = Status::ok();
  return Status::ok();
}

}  // namespace tape
