#include "core/recorder.h"

#include "core/codec.h"

namespace tape {

Recorder::Recorder(const RecorderOptions& options, const SimClock& clock, Mode mode,
                   BatchSink* sink)
    : options_(options), clock_(clock), mode_(mode), sink_(sink) {
  if (options_.batch_events_max == 0) options_.batch_events_max = 1;
  if (options_.flush_interval_ms < 0) options_.flush_interval_ms = 0;
  TAPE_CHECK(mode_ != Mode::kSink || sink_ != nullptr, "recorder in sink mode needs a sink");
  inputs_.reserve(options_.batch_events_max);
  outputs_.reserve(options_.batch_events_max * 4);
}

Status Recorder::begin_input(const Input& in) {
  if (!inputs_.empty()) {
    const bool full = inputs_.size() >= options_.batch_events_max;
    const bool due =
        in.ts.value() - inputs_.front().ts.value() >= options_.flush_interval_ms * 1'000'000;
    if (full || due) RETURN_IF_ERROR(close_batch());
  }
  inputs_.push_back(in);
  current_first_output_ = outputs_.size();
  next_k_ = 0;
  ++counters_.inputs;
  return Status::ok();
}

void Recorder::on(const OrderRejected& e) {
  ++counters_.rejects;
  ++counters_.rejects_by_reason[static_cast<size_t>(e.reason) % counters_.rejects_by_reason.size()];
  record(e);
}

void Recorder::on(const InputRejected& e) {
  ++counters_.rejects;
  ++counters_.rejects_by_reason[static_cast<size_t>(e.reason) % counters_.rejects_by_reason.size()];
  record(e);
}

void Recorder::on(const Fill& e) {
  ++counters_.fills;
  record(e);
}

Status Recorder::close_batch() {
  if (inputs_.empty()) return Status::ok();
  ++counters_.batches;
  if (inputs_.size() > counters_.batch_inputs_max) counters_.batch_inputs_max = inputs_.size();
  if (mode_ != Mode::kCollect) {
    EncodedBatch batch;
    batch.first_seq = inputs_.front().seq;
    batch.last_seq = inputs_.back().seq;
    batch.first_ts = inputs_.front().ts;
    batch.last_ts = inputs_.back().ts;
    batch.input_count = static_cast<uint32_t>(inputs_.size());
    batch.output_count = static_cast<uint32_t>(outputs_.size());
    batch.inputs = encode_input_block(inputs_);
    batch.outputs = encode_output_block(batch.first_seq, batch.last_seq, outputs_);
    if (mode_ == Mode::kSink) RETURN_IF_ERROR(sink_->append(std::move(batch)));
  }
  inputs_.clear();
  outputs_.clear();
  current_first_output_ = 0;
  return Status::ok();
}

Status Recorder::finish() {
  RETURN_IF_ERROR(close_batch());
  if (mode_ == Mode::kSink) return sink_->flush();
  return Status::ok();
}

}  // namespace tape
