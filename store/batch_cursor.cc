// The batch cursor: every reader of a log (inspect, replay, diff, audit, snapshot, time seek,
// recovery) walks batches through it, so the checks here hold for all of them, and its errors
// can only be passed over by ignoring a [[nodiscard]] Result.
#include <rocksdb/iterator.h>

#include "core/codec.h"
#include "store/chain.h"
#include "store/event_log.h"
#include "store/rocks_status.h"

namespace tape {
namespace {

std::string_view view(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

std::string at_seq(Seq seq) { return "seq " + std::to_string(seq.value()); }

}  // namespace

EventLog::BatchCursor::BatchCursor(std::unique_ptr<rocksdb::Iterator> events,
                                   std::unique_ptr<rocksdb::Iterator> outputs)
    : events_it_(std::move(events)), outputs_it_(std::move(outputs)) {}

EventLog::BatchCursor::BatchCursor(BatchCursor&&) noexcept = default;
EventLog::BatchCursor& EventLog::BatchCursor::operator=(BatchCursor&&) noexcept = default;
EventLog::BatchCursor::~BatchCursor() = default;

// Only records where to start: next() seeks, so that its Result carries any error.
void EventLog::BatchCursor::seek(Seq from) {
  from_ = from;
  sought_ = true;
}

void EventLog::BatchCursor::fail(Status status, bool /*keep_position*/) {
  status_ = std::move(status);
  error_seq_ = after_;
}

Status EventLog::BatchCursor::fail(Seq at, Status status) {
  status_ = std::move(status);
  error_seq_ = at;
  inputs_ = outputs_ = link_ = {};
  return status_;
}

Result<bool> EventLog::BatchCursor::next() {
  if (!status_.is_ok()) return status_;
  if (!sought_) return false;  // `from` is past the log's end
  if (!started_) {
    started_ = true;
    if (from_.value() <= 1) {
      // From the start every key is seen, so a record keyed before seq 1 cannot hide.
      events_it_->SeekToFirst();
      outputs_it_->SeekToFirst();
      expected_ = Seq(1);
      after_ = Seq(1);
    } else {
      // Batches are contiguous: the one holding `from` is the last keyed at or before it.
      events_it_->SeekForPrev(seq_key(from_));
      if (!events_it_->Valid() && events_it_->status().ok()) events_it_->SeekToFirst();
      if (events_it_->Valid()) outputs_it_->Seek(events_it_->key());
    }
  } else {
    if (!events_it_->Valid()) return false;  // ended before
    // Where the next batch must start is known only if this one was decoded.
    if (!decoded_) expected_ = Seq(0);
    events_it_->Next();
    if (outputs_it_->Valid()) outputs_it_->Next();
  }
  decoded_ = false;
  RETURN_IF_ERROR(settle());
  return events_it_->Valid();
}

// Reads the batch under the events iterator: checks its key and framing and finds its outputs.
Status EventLog::BatchCursor::settle() {
  inputs_ = outputs_ = link_ = {};
  if (!events_it_->Valid()) {
    if (!events_it_->status().ok()) {
      const std::string doing = after_.value() == 0
                                    ? "reading events"
                                    : "reading the events batch at " + at_seq(after_);
      return fail(after_, store_internal::from_rocks(events_it_->status(), dir_, doing));
    }
    // Nothing in `outputs` may follow the last batch.
    if (outputs_it_->Valid()) return check_outputs_key();
    if (!outputs_it_->status().ok()) {
      return fail(after_, store_internal::from_rocks(outputs_it_->status(), dir_,
                                                     "reading outputs at " + at_seq(after_)));
    }
    return Status::ok();
  }
  auto first = parse_seq_key(view(events_it_->key()));
  if (!first.is_ok()) {
    return fail(after_, Status::mismatch("malformed events key after " + at_seq(after_) + ": " +
                                         first.status().message()));
  }
  first_seq_ = first.value();
  if (expected_.value() != 0 && first_seq_ != expected_) {
    const Seq at = std::min(first_seq_, expected_);
    return fail(at, Status::mismatch(
                        "seq gap or overlap in events: expected the batch starting at " +
                        at_seq(expected_) + ", found a batch keyed " + at_seq(first_seq_)));
  }
  const std::string at = "batch at " + at_seq(first_seq_);
  const std::string_view value = view(events_it_->value());
  if (value.size() < kBatchHeaderBytes || value.substr(0, kBatchMagic.size()) != kBatchMagic) {
    return fail(first_seq_, Status::mismatch("corrupt " + at + " in events: bad framing"));
  }
  RETURN_IF_ERROR(check_outputs_key());
  link_ = value.substr(kBatchMagic.size(), kChainLinkBytes);
  inputs_ = value.substr(kBatchHeaderBytes);
  outputs_ = view(outputs_it_->value());
  after_ = first_seq_;
  return Status::ok();
}

// The outputs iterator moves in step with events: it must sit on the events key (or, past the
// last batch, nowhere). A key before it is an output record no batch owns.
Status EventLog::BatchCursor::check_outputs_key() {
  const bool events_valid = events_it_->Valid();
  if (outputs_it_->Valid()) {
    const std::string_view key = view(outputs_it_->key());
    if (!events_valid || key < view(events_it_->key())) {
      auto seq = parse_seq_key(key);
      const Seq at = seq.is_ok() ? seq.value() : after_;
      return fail(at, Status::mismatch("outputs record keyed " +
                                       (seq.is_ok() ? at_seq(at) : "'" + std::string(key) + "'") +
                                       " belongs to no events batch"));
    }
    if (key == view(events_it_->key())) return Status::ok();
  }
  if (!outputs_it_->status().ok()) {
    return fail(first_seq_, store_internal::from_rocks(outputs_it_->status(), dir_,
                                                       "reading outputs for the batch at " +
                                                           at_seq(first_seq_)));
  }
  return fail(first_seq_,
              Status::mismatch("outputs missing for batch at " + at_seq(first_seq_)));
}

Status EventLog::BatchCursor::decode(std::vector<Input>& inputs, std::vector<Output>* outputs) {
  if (!status_.is_ok()) return status_;
  inputs.clear();
  const std::string at = " block at " + at_seq(first_seq_);
  if (Status st = decode_input_block(inputs_, "events" + at, inputs); !st.is_ok()) {
    return fail(first_seq_, std::move(st));
  }
  if (inputs.empty()) return fail(first_seq_, Status::mismatch("empty events" + at));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Seq want(first_seq_.value() + i);
    if (inputs[i].seq != want) {
      return fail(want, Status::mismatch("events" + at + ": expected " + at_seq(want) +
                                         ", found " + at_seq(inputs[i].seq)));
    }
  }
  const Seq last = inputs.back().seq;
  if (outputs != nullptr) {
    outputs->clear();
    if (Status st = decode_output_block(outputs_, "outputs" + at, *outputs); !st.is_ok()) {
      return fail(first_seq_, std::move(st));
    }
    Seq prev = first_seq_;
    for (const Output& o : *outputs) {
      if (o.seq < prev || o.seq > last) {
        return fail(o.seq < prev ? prev : o.seq,
                    Status::mismatch("outputs" + at + ": an output for " + at_seq(o.seq) +
                                     " is out of order or outside the batch's inputs"));
      }
      prev = o.seq;
    }
  }
  expected_ = Seq(last.value() + 1);
  after_ = expected_;
  decoded_ = true;
  return Status::ok();
}

}  // namespace tape
