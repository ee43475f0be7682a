#include "core/recorder.h"

#include "core/codec.h"

namespace tape {

Recorder::Recorder(const RecorderOptions& options, const SimClock& clock, Mode mode,
                   BatchSink* sink)
    : options_(options), clock_(clock), mode_(mode), sink_(sink) {
  if (options_.batch_events_max == 0) options_.batch_events_max = 1;
  if (options_.flush_interval_ms < 0) options_.flush_interval_ms = 0;
  TAPE_CHECK(mode_ != Mode::kSink || sink_ != nullptr, "recorder in sink mode needs a sink");
  // +1: the input that ends a full batch joins it until end_input() hands the batch over.
  inputs_.reserve(options_.batch_events_max + 1);
  outputs_.reserve((options_.batch_events_max + 1) * 4);
}

void Recorder::begin_input(const Input& in) {
  TAPE_CHECK(closing_inputs_ == 0, "begin_input before end_input");
  // The batch ends before `in`, but it is encoded and handed over in end_input, after `in` has
  // been decided on: the hand-off never delays a strategy's reaction to this input.
  if (ends_batch_before(in)) closing_inputs_ = inputs_.size();
  inputs_.push_back(in);
  current_first_output_ = outputs_.size();
  next_k_ = 0;
  decided_ = false;
  ++counters_.inputs;
}

Status Recorder::end_input() {
  if (closing_inputs_ == 0) return Status::ok();
  const size_t inputs = closing_inputs_;
  const size_t outputs = current_first_output_;
  closing_inputs_ = 0;
  RETURN_IF_ERROR(emit({inputs_.data(), inputs}, {outputs_.data(), outputs}));
  // Keep the input just begun (and its outputs) as the start of the next batch.
  inputs_.erase(inputs_.begin(), inputs_.begin() + static_cast<ptrdiff_t>(inputs));
  outputs_.erase(outputs_.begin(), outputs_.begin() + static_cast<ptrdiff_t>(outputs));
  current_first_output_ = 0;
  return Status::ok();
}

void Recorder::on(const OrderIntent& e) {
  if (!decided_ && decision_probe_ != nullptr) decision_probe_->decided();
  decided_ = true;
  record(e);
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

Status Recorder::emit(std::span<const Input> inputs, std::span<const Output> outputs) {
  ++counters_.batches;
  if (inputs.size() > counters_.batch_inputs_max) counters_.batch_inputs_max = inputs.size();
  if (mode_ == Mode::kCollect) return Status::ok();
  EncodedBatch batch = encode_batch(inputs, outputs);
  if (mode_ == Mode::kSink) return sink_->append(std::move(batch));
  return Status::ok();
}

Status Recorder::close_batch() {
  RETURN_IF_ERROR(end_input());
  if (inputs_.empty()) return Status::ok();
  RETURN_IF_ERROR(emit(inputs_, outputs_));
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
