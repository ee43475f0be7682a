// EventLog's hand-off queue and writer thread: the producer only moves batches into a bounded
// ring; the writer hashes the chain and writes each batch with one atomic WriteBatch.
#include <pthread.h>

#include <algorithm>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "store/chain.h"
#include "store/event_log.h"
#include "store/rocks_options.h"

namespace tape {

using store_internal::kCfEvents;
using store_internal::kCfMeta;
using store_internal::kCfOutputs;

namespace {

constexpr uint32_t kQueueBatchesMaxLimit = 1024;

rocksdb::Slice slice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

}  // namespace

void EventLog::start_writer() {
  ring_.resize(std::clamp<uint32_t>(options_.queue_batches_max, 1, kQueueBatchesMaxLimit));
  hasher_ = std::make_unique<ChainHasher>();
  write_batch_ = std::make_unique<rocksdb::WriteBatch>();
  writer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "tape-logwriter");  // for top -H and perf
    writer_loop();
  });
}

Status EventLog::append(EncodedBatch&& batch) {
  if (read_only_) return Status::invalid("log in '" + dir_ + "' is open read-only");
  TAPE_CHECK(batch.first_seq.value() == last_appended_.value() + 1,
             "batch appended out of seq order (gap or overlap)");
  TAPE_CHECK(batch.last_seq >= batch.first_seq, "batch ends before it starts");
  std::unique_lock lock(mu_);
  space_cv_.wait(lock, [&] { return ring_size_ < ring_.size() || !error_.is_ok(); });
  if (!error_.is_ok()) return error_;
  last_appended_ = batch.last_seq;
  ring_[(ring_head_ + ring_size_) % ring_.size()] = std::move(batch);
  ++ring_size_;
  lock.unlock();
  work_cv_.notify_one();
  return Status::ok();
}

Status EventLog::flush() {
  if (read_only_) return Status::ok();
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [&] { return ring_size_ == 0 && !writing_; });
  return error_;
}

void EventLog::writer_loop() {
  EncodedBatch batch;
  std::unique_lock lock(mu_);
  while (true) {
    work_cv_.wait(lock, [&] { return ring_size_ > 0 || stop_; });
    if (ring_size_ == 0) return;  // stop_ with nothing left to write
    batch = std::move(ring_[ring_head_]);
    ring_head_ = (ring_head_ + 1) % ring_.size();
    --ring_size_;
    writing_ = true;
    const bool failed = !error_.is_ok();
    head_ = chain_head_;
    const uint64_t count = batch_count_ + 1;
    const Seq last = batch.last_seq;
    lock.unlock();
    space_cv_.notify_one();

    // After an error the log is failed: queued batches are discarded, the error stays.
    Status st = failed ? Status::ok() : write_batch(batch, count);
    batch = EncodedBatch();  // free the buffers outside the lock

    lock.lock();
    writing_ = false;
    if (!failed && st.is_ok()) {
      last_seq_ = last;
      batch_count_ = count;
      chain_head_.swap(next_head_);
    } else if (!failed) {
      error_ = std::move(st);
      space_cv_.notify_all();  // producers blocked on a full queue see the error next
    }
    if (ring_size_ == 0) idle_cv_.notify_all();
  }
}

// Writer thread. Validates the batch right before it is persisted (the producer checked seq
// continuity), links it into the chain and writes events, outputs and counters atomically.
Status EventLog::write_batch(const EncodedBatch& batch, uint64_t count) {
  const std::string key = seq_key(batch.first_seq);
  hasher_->link(head_, batch.first_seq, batch.last_seq, batch.inputs, batch.outputs,
                &next_head_);
  rocksdb::WriteBatch& wb = *write_batch_;
  wb.Clear();
  const rocksdb::Slice key_slice = slice(key);
  const rocksdb::Slice value_parts[3] = {slice(kBatchMagic), slice(next_head_),
                                         slice(batch.inputs)};
  rocksdb::Status s = wb.Put(handles_[kCfEvents], rocksdb::SliceParts(&key_slice, 1),
                             rocksdb::SliceParts(value_parts, 3));
  if (s.ok()) s = wb.Put(handles_[kCfOutputs], key_slice, slice(batch.outputs));
  const std::string last = std::to_string(batch.last_seq.value());
  if (s.ok()) s = wb.Put(handles_[kCfMeta], slice(kMetaLastSeq), last);
  if (s.ok()) s = wb.Put(handles_[kCfMeta], slice(kMetaChainHead), to_hex(next_head_));
  if (s.ok()) s = wb.Put(handles_[kCfMeta], slice(kMetaBatchCount), std::to_string(count));
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync == RecorderOptions::Sync::kBatch;
  if (s.ok()) s = db_->Write(wo, &wb);
  if (!s.ok()) {
    return Status::io("writing the batch at seq " + std::to_string(batch.first_seq.value()) +
                      " to data dir '" + dir_ + "': " + s.ToString());
  }
  return Status::ok();
}

}  // namespace tape
