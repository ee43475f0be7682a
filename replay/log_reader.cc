#include "replay/log_reader.h"

#include "core/codec.h"

namespace tape {

LogReader::LogReader(const EventLog& log, Seq from) : cursor_(log.batches(from)), from_(from) {}

Status LogReader::load_batch() {
  inputs_.clear();
  outputs_.clear();
  in_pos_ = out_pos_ = 0;
  RETURN_IF_ERROR(cursor_.status());
  const std::string where = " block at seq " + std::to_string(cursor_.first_seq().value());
  RETURN_IF_ERROR(decode_input_block(cursor_.inputs(), "events" + where, inputs_));
  return decode_output_block(cursor_.outputs(), "outputs" + where, outputs_);
}

Result<std::optional<RecordedInput>> LogReader::next() {
  while (true) {
    if (in_pos_ >= inputs_.size()) {
      if (started_) cursor_.next();
      started_ = true;
      if (!cursor_.valid()) {
        RETURN_IF_ERROR(cursor_.status());
        return std::optional<RecordedInput>();
      }
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
