#include <rocksdb/iterator.h>

#include "store/chain.h"
#include "store/event_log.h"

namespace tape {
namespace {

std::string_view view(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

}  // namespace

EventLog::BatchCursor::BatchCursor(std::unique_ptr<rocksdb::Iterator> events,
                                   std::unique_ptr<rocksdb::Iterator> outputs)
    : events_it_(std::move(events)), outputs_it_(std::move(outputs)) {}

EventLog::BatchCursor::BatchCursor(BatchCursor&&) noexcept = default;
EventLog::BatchCursor& EventLog::BatchCursor::operator=(BatchCursor&&) noexcept = default;
EventLog::BatchCursor::~BatchCursor() = default;

// Batches are contiguous, so the batch containing `from` is the last one keyed at or before it.
void EventLog::BatchCursor::seek(Seq from) {
  events_it_->SeekForPrev(seq_key(from));
  if (!events_it_->Valid() && events_it_->status().ok()) events_it_->SeekToFirst();
  settle();
}

void EventLog::BatchCursor::next() {
  if (!valid_) return;
  if (!status_.is_ok()) {
    valid_ = false;
    return;
  }
  events_it_->Next();
  if (outputs_it_->Valid()) outputs_it_->Next();
  settle();
}

void EventLog::BatchCursor::fail(Status status, bool keep_position) {
  status_ = std::move(status);
  valid_ = keep_position;
}

// Reads the batch under the events iterator: checks its key and framing and finds its outputs.
void EventLog::BatchCursor::settle() {
  inputs_ = outputs_ = link_ = {};
  if (!events_it_->Valid()) {
    if (!events_it_->status().ok()) {
      fail(Status::io("reading events: " + events_it_->status().ToString()), false);
    } else {
      valid_ = false;
    }
    return;
  }
  auto first = parse_seq_key(view(events_it_->key()));
  if (!first.is_ok()) return fail(first.status(), false);
  first_seq_ = first.value();
  valid_ = true;
  const std::string at = "batch at seq " + std::to_string(first_seq_.value());
  const std::string_view value = view(events_it_->value());
  if (value.size() < kBatchHeaderBytes || value.substr(0, kBatchMagic.size()) != kBatchMagic) {
    return fail(Status::mismatch("corrupt " + at + " in events: bad framing"), true);
  }
  link_ = value.substr(kBatchMagic.size(), kChainLinkBytes);
  inputs_ = value.substr(kBatchHeaderBytes);
  // Both iterators move forward only; outputs normally sits on the same key already.
  const std::string_view key = view(events_it_->key());
  if (!outputs_it_->Valid() || view(outputs_it_->key()) != key) {
    outputs_it_->Seek(events_it_->key());
  }
  if (!outputs_it_->Valid() || view(outputs_it_->key()) != key) {
    if (!outputs_it_->status().ok()) {
      return fail(Status::io("reading outputs for " + at + ": " +
                             outputs_it_->status().ToString()),
                  true);
    }
    return fail(Status::mismatch("outputs missing for " + at), true);
  }
  outputs_ = view(outputs_it_->value());
}

}  // namespace tape
