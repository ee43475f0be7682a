#include "session/log_reader.h"

namespace tape {

LogReader::LogReader(const EventLog& log, Seq from, bool outputs)
    : cursor_(log.batches(from)), from_(from), with_outputs_(outputs) {}

Status LogReader::load_batch() {
  in_pos_ = out_pos_ = 0;
  return cursor_.decode(inputs_, with_outputs_ ? &outputs_ : nullptr);
}

Result<std::optional<RecordedInput>> LogReader::next() {
  while (true) {
    if (in_pos_ >= inputs_.size()) {
      ASSIGN_OR_RETURN(const bool more, cursor_.next());
      if (!more) return std::optional<RecordedInput>();
      RETURN_IF_ERROR(load_batch());
      continue;
    }
    RecordedInput r{inputs_[in_pos_++], {}};
    while (out_pos_ < outputs_.size() && outputs_[out_pos_].seq == r.input.seq) {
      r.outputs.push_back(outputs_[out_pos_++]);
    }
    if (r.input.seq < from_) continue;
    return std::optional<RecordedInput>(std::move(r));
  }
}

}  // namespace tape
