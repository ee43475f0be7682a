// EventLog's hand-off queue and writer thread: the producer only moves batches into a bounded
// ring; the writer hashes the chain and writes each batch with one atomic WriteBatch.
#include <pthread.h>

#include <algorithm>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "store/chain.h"
#include "store/event_log.h"
#include "store/rocks_options.h"
#include "store/rocks_status.h"

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
  group_.reserve(ring_.size());  // a group is at most the whole ring
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
  if (!error_.is_ok() || writes_wal()) return error_;
  lock.unlock();
  // No WAL: durable once in table files (every column family at once: atomic_flush).
  const rocksdb::Status s = db_->Flush(rocksdb::FlushOptions(), handles_);
  if (!s.ok()) return store_internal::from_rocks(s, dir_, "flushing the memtables");
  return Status::ok();
}

void EventLog::writer_loop() {
  std::unique_lock lock(mu_);
  while (true) {
    work_cv_.wait(lock, [&] { return ring_size_ > 0 || stop_; });
    if (ring_size_ == 0) return;  // stop_ with nothing left to write
    // Group commit: every batch queued by now goes into one WriteBatch, so a producer that
    // outruns the disk pays the per-write costs (WAL record and its CRC, meta counters, the
    // wake-up) once per group rather than once per batch.
    group_.clear();
    while (ring_size_ > 0) {
      group_.push_back(std::move(ring_[ring_head_]));
      ring_head_ = (ring_head_ + 1) % ring_.size();
      --ring_size_;
    }
    writing_ = true;
    const bool failed = !error_.is_ok();
    head_ = chain_head_;
    const uint64_t count = batch_count_ + group_.size();
    const Seq last = group_.back().last_seq;
    lock.unlock();
    space_cv_.notify_one();

    // After an error the log is failed: queued batches are discarded, the error stays.
    Status st = failed ? Status::ok() : write_group(count);
    group_.clear();  // free the buffers outside the lock

    lock.lock();
    writing_ = false;
    if (!failed && st.is_ok()) {
      last_seq_ = last;
      batch_count_ = count;
      chain_head_ = head_;
    } else if (!failed) {
      error_ = std::move(st);
      space_cv_.notify_all();  // producers blocked on a full queue see the error next
    }
    if (ring_size_ == 0) idle_cv_.notify_all();
  }
}

// Writer thread. Links each batch of the group into the chain (head_ moves from the link before
// the group to the group's last link) and writes their events and outputs, then the meta
// counters once, in one atomic WriteBatch: after a crash either the whole group is in the log
// or none of it, and the counters always describe the last batch present.
Status EventLog::write_group(uint64_t count) {
  rocksdb::WriteBatch& wb = *write_batch_;
  wb.Clear();
  rocksdb::Status s;
  for (const EncodedBatch& batch : group_) {
    hasher_->link(head_, batch.first_seq, batch.last_seq, batch.inputs, batch.outputs,
                  &next_head_);
    head_.swap(next_head_);
    key_ = seq_key(batch.first_seq);
    const rocksdb::Slice key_slice = slice(key_);
    const rocksdb::Slice value_parts[3] = {slice(kBatchMagic), slice(head_), slice(batch.inputs)};
    s = wb.Put(handles_[kCfEvents], rocksdb::SliceParts(&key_slice, 1),
               rocksdb::SliceParts(value_parts, 3));
    if (s.ok()) s = wb.Put(handles_[kCfOutputs], key_slice, slice(batch.outputs));
    if (!s.ok()) break;
  }
  const std::string last = std::to_string(group_.back().last_seq.value());
  if (s.ok()) s = wb.Put(handles_[kCfMeta], slice(kMetaLastSeq), last);
  if (s.ok()) s = wb.Put(handles_[kCfMeta], slice(kMetaChainHead), to_hex(head_));
  if (s.ok()) s = wb.Put(handles_[kCfMeta], slice(kMetaBatchCount), std::to_string(count));
  rocksdb::WriteOptions wo;
  wo.sync = sync_writes();
  wo.disableWAL = !writes_wal();
  if (s.ok()) s = db_->Write(wo, &wb);
  if (!s.ok()) {
    const std::string first = std::to_string(group_.front().first_seq.value());
    const std::string what = group_.size() == 1 ? "the batch at seq " + first
                                                : "the batches from seq " + first + " to seq " + last;
    return store_internal::from_rocks(s, dir_, "writing " + what);
  }
  return Status::ok();
}

}  // namespace tape
