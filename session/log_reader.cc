#include "session/log_reader.h"

namespace tape {

LogReader::LogReader(const EventLog& log, Seq from, bool outputs)
    : cursor_(log.batches(from)), from_(from), with_outputs_(outputs) {}

Status LogReader::load_batch() {
  in_pos_ = out_pos_ = 0;
  return cursor_.decode(inputs_, with_outputs_ ? &outputs_ : nullptr);
}

Result<std::optional<RecordedInput>> LogReader::next() {
  RecordedInput r;
  ASSIGN_OR_RETURN(const bool more, next_into(r));
  if (!more) return std::optional<RecordedInput>();
  return std::optional<RecordedInput>(std::move(r));
}

Result<bool> LogReader::next_into(RecordedInput& out) {
  while (true) {
    if (in_pos_ >= inputs_.size()) {
      ASSIGN_OR_RETURN(const bool more, cursor_.next());
      if (!more) return false;
      RETURN_IF_ERROR(load_batch());
      continue;
    }
    const Input& in = inputs_[in_pos_++];
    const size_t first = out_pos_;
    while (out_pos_ < outputs_.size() && outputs_[out_pos_].seq == in.seq) ++out_pos_;
    if (in.seq < from_) continue;
    out.input = in;
    out.outputs.assign(outputs_.begin() + static_cast<std::ptrdiff_t>(first),
                       outputs_.begin() + static_cast<std::ptrdiff_t>(out_pos_));
    return true;
  }
}

}  // namespace tape
