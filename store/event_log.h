// The RocksDB event log (on-disk format in docs/event_log_format.md). One closed
// batch of the recorder is one key (big-endian first_seq) in the `events` column family (framed
// InputBlock + chain link) and the same key in `outputs` (OutputBlock), written together with
// the meta counters in one atomic rocksdb::WriteBatch, so a crash never leaves half a batch.
// Batches queued while the writer was busy are written together in one WriteBatch (group
// commit); the counters then describe the group's last batch.
//
// Threads: append() and flush() are called from one producer thread (the core's); a private
// writer thread hashes the chain and writes to RocksDB. The const readers (last_seq, batch_count,
// chain_head, get_meta, batches) may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/batch_sink.h"
#include "core/config.h"
#include "core/events.h"
#include "core/status.h"
#include "core/types.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Env;
class Iterator;
class WriteBatch;
}  // namespace rocksdb

namespace tape {

class ChainHasher;

// The format this build writes and the only one it reads (meta "format_version").
inline constexpr int kLogFormatVersion = 1;
// Written to meta "tape_version" at create: project(VERSION) in CMakeLists.txt.
inline constexpr std::string_view kTapeVersion = TAPE_VERSION;
// First 4 bytes of every `events` value.
inline constexpr std::string_view kBatchMagic = "TPB1";
// Byte offset of the InputBlock inside an `events` value: magic + 32-byte chain link.
inline constexpr size_t kBatchHeaderBytes = 4 + 32;

// Meta keys (frozen; docs/event_log_format.md). The log maintains the first six; the CLI adds
// others with put_meta (kMetaScenario, kMetaScenarioPath, kMetaSeed, "state_hash", "summary"...).
inline constexpr std::string_view kMetaFormatVersion = "format_version";  // decimal
inline constexpr std::string_view kMetaTapeVersion = "tape_version";
inline constexpr std::string_view kMetaLastSeq = "last_seq";          // decimal
inline constexpr std::string_view kMetaChainHead = "chain_head";      // 64 lowercase hex digits
inline constexpr std::string_view kMetaBatchCount = "batch_count";    // decimal
inline constexpr std::string_view kMetaScenario = "scenario";         // canonical TOML text
inline constexpr std::string_view kMetaScenarioPath = "scenario_path";
inline constexpr std::string_view kMetaSeed = "seed";                 // decimal

struct LogOptions {
  // Default: kNone (WAL written to the OS per batch: survives a process crash, not a power
  // loss). kBatch: the WAL is fsynced on every batch write.
  RecorderOptions::Sync sync = RecorderOptions::Sync::kNone;
  // Default: 8. Batches handed over but not yet written; append() blocks when full. Clamped to
  // [1, 1024].
  uint32_t queue_batches_max = 8;
  // Default: 64 MiB. Bound on all memtables together, those being flushed included: the log's
  // main share of the process's RSS (peak RSS of recording is ~1.2x this). Clamped to
  // [4 MiB, 4 GiB].
  uint64_t memtable_bytes_max = uint64_t{64} << 20;
  // Default: true. false: no RocksDB write-ahead log (a backtest's, which resumes from its last
  // flush: session/session_loop.h): what is written is durable once its memtables are
  // flushed to table files (flush(), and closing the log), every column family together (atomic
  // flush), so a killed writer leaves the log as it was at its last flush: a consistent prefix.
  // Ignored with sync = kBatch, which needs the WAL.
  bool write_ahead_log = true;
  // Default: nullptr (rocksdb::Env::Default()). Tests inject I/O faults through it; not owned,
  // must outlive the log.
  rocksdb::Env* env = nullptr;
  // Default: true. false: nothing of the log is ever fsynced (RocksDB's table files, MANIFEST,
  // WAL and directories, and the creation marker protocol's own syncs; with sync = kBatch the
  // per-batch fsync is skipped too): the log survives a process crash, not a power loss or an
  // OS crash. For logs that are recomputed rather than recovered (a backtest's, docs/backtest.md).
  // With `env` set, that Env is used as it is.
  bool sync_files = true;
};

// Big-endian 8-byte key for a seq, so RocksDB's byte order is seq order.
std::string seq_key(Seq seq);
// Inverse of seq_key; Status::mismatch when `key` is not 8 bytes.
Result<Seq> parse_seq_key(std::string_view key);

class EventLog final : public BatchSink {
 public:
  // Iterates batches in seq order over a consistent view taken when it was made. Keys and
  // values are views into the iterator, valid until the next call to next().
  //
  // The only way to learn that the log has ended is next() returning false, and the only way
  // to get there is through its Result: a reader cannot finish an iteration without seeing the
  // error that ended it. The first error is sticky (every later next() returns it again) and
  // names the seq it is at (error_seq()); corruption reported by RocksDB (a block checksum) is
  // Status::mismatch keeping RocksDB's message, an environment failure Status::io.
  //
  // Checked for every batch: its key is 8 bytes, its value is framed, `outputs` holds the same
  // key and no `outputs` key lies between two batches or after the last; from seq 1, the first
  // batch is keyed 1. decode() adds the block checks and, from then on, that each batch starts
  // right after the previous one (no gap, no overlap). Must not outlive its log.
  class BatchCursor {
   public:
    BatchCursor(BatchCursor&&) noexcept;
    BatchCursor& operator=(BatchCursor&&) noexcept;
    ~BatchCursor();

    // Steps to the next batch (the first call: to the batch holding `from`). true: a framed
    // batch is there; false: the log ends; an error ends the cursor.
    [[nodiscard]] Result<bool> next();
    // Decodes the current batch's inputs (and outputs unless null), checking that the inputs
    // run from first_seq() without a gap, that every output belongs to one of them, and that
    // the batch starts where the previously decoded one ended. An error is sticky, as next()'s.
    [[nodiscard]] Status decode(std::vector<Input>& inputs, std::vector<Output>* outputs);
    Seq first_seq() const { return first_seq_; }           // from the key
    std::string_view inputs() const { return inputs_; }    // InputBlock bytes, unaligned
    std::string_view outputs() const { return outputs_; }  // OutputBlock bytes, unaligned
    std::string_view link() const { return link_; }        // stored 32-byte chain link
    // After an error: the first seq it concerns (the bad batch's key, the missing seq of a gap,
    // or the seq after the last batch read for an unreadable one; 0 when nothing was read).
    Seq error_seq() const { return error_seq_; }

   private:
    friend class EventLog;
    BatchCursor(std::unique_ptr<rocksdb::Iterator> events,
                std::unique_ptr<rocksdb::Iterator> outputs);
    void seek(Seq from);
    Status settle();
    Status check_outputs_key();
    Status fail(Seq at, Status status);
    void fail(Status status, bool keep_position);

    std::unique_ptr<rocksdb::Iterator> events_it_;
    std::unique_ptr<rocksdb::Iterator> outputs_it_;
    Status status_;
    Seq from_;
    bool sought_ = false;   // seek() was called: `from` lies within the log
    bool started_ = false;  // next() was called
    bool decoded_ = false;  // decode() passed for the current batch
    Seq expected_;          // the key the next batch must have (0: not known)
    Seq after_;             // one past the last seq known to be read (for error_seq)
    Seq error_seq_;
    std::string dir_;       // the log's data dir, for messages
    Seq first_seq_;
    std::string_view inputs_;
    std::string_view outputs_;
    std::string_view link_;
  };

  // Creates a new log in `dir` (parents created as needed), atomically: a kill at any moment
  // leaves either a complete empty log or a dir the next create reuses (store/log_dir.h). A
  // non-empty `dir` is refused with Status::invalid unless `overwrite`; with `overwrite` only
  // the files of the tape log in it are removed (others are left alone), and it is refused,
  // naming the file, when a RocksDB-named file there is not the log's, or when it holds no
  // tape log.
  static Result<std::unique_ptr<EventLog>> create(const std::string& dir,
                                                  const LogOptions& options, bool overwrite);
  // Opens an existing log; read-write opens may append after its last seq. Status::invalid
  // naming `dir` if it is missing, not a tape log, an interrupted creation or of an unsupported
  // format_version; Status::mismatch if it is corrupt (RocksDB's finding is kept: a damaged
  // write-ahead log, MANIFEST or table) or the meta counters disagree with the last batch in
  // `events`; Status::io for an environment failure (another process holds its lock, no space,
  // permission).
  static Result<std::unique_ptr<EventLog>> open(const std::string& dir, bool read_only,
                                                const LogOptions& options = {});
  // Writes every queued batch, stops the writer thread, flushes the memtables to table files
  // (read-write logs) and closes the database. Call flush() first to see write errors.
  ~EventLog() override;
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Hands `batch` to the writer thread; blocks while the queue is full, never drops. A batch
  // that does not start right after the last one (a seq gap) aborts the process: it is a bug.
  // Returns the writer's sticky error if it has failed, or an error for a read-only log.
  Status append(EncodedBatch&& batch) override;
  // Waits until every appended batch is written (and fsynced for kBatch); the first write error.
  // Without a write-ahead log (LogOptions::write_ahead_log) it also flushes the memtables to
  // table files, so that everything written so far is durable.
  Status flush() override;

  // Writes one meta key (fsynced for kBatch) at once, not after queued batches: flush() first
  // when it must follow them. The keys the log maintains (format_version, last_seq, chain_head,
  // batch_count) are refused.
  Status put_meta(std::string_view key, std::string_view value);
  // The value of a meta key, nullopt if absent.
  Result<std::optional<std::string>> get_meta(std::string_view key) const;

  Seq last_seq() const;           // last seq written (0 when empty)
  uint64_t batch_count() const;   // batches written
  std::string chain_head() const; // hex link of the last batch written (zeros when empty)

  // Batches in seq order from the one containing `from` (from the first if `from` precedes
  // it; none if `from` is past last_seq()).
  BatchCursor batches(Seq from = Seq(1)) const;
  std::string dir() const { return dir_; }
  bool read_only() const { return read_only_; }
  // True when this read-only open found an incomplete last write-ahead-log record (a killed
  // writer or a full disk) and read the log without it. Any other WAL damage fails the open.
  bool torn_tail_dropped() const { return torn_tail_; }
  // True when writes are fsynced (sync = kBatch); other writers to the log (snapshots) follow it.
  bool sync_writes() const { return options_.sync == RecorderOptions::Sync::kBatch; }
  // False when writes bypass the write-ahead log (LogOptions::write_ahead_log); other writers
  // to the log (snapshots) follow it.
  bool writes_wal() const { return options_.write_ahead_log || sync_writes(); }

  // Raw access for tests, audit and the snapshot store (thread-safe, as RocksDB is). cf() takes
  // "default", "events", "outputs", "snapshots" or "meta" and returns nullptr for any other.
  rocksdb::DB* db() const { return db_; }
  rocksdb::ColumnFamilyHandle* cf(std::string_view name) const;

 private:
  EventLog(std::string dir, const LogOptions& options, bool read_only);
  Status open_db(bool create);
  Status init_meta();
  Status load_state();
  Status check_last_batch();
  void start_writer();
  void writer_loop();
  Status write_group(uint64_t count);

  const std::string dir_;
  const LogOptions options_;
  const bool read_only_;
  bool torn_tail_ = false;
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // by store_internal::CfIndex

  Seq last_appended_;  // producer thread only

  // Shared between the producer and the writer, guarded by mu_.
  mutable std::mutex mu_;
  std::condition_variable work_cv_;   // a batch was queued, or stop_
  std::condition_variable space_cv_;  // a slot was freed
  std::condition_variable idle_cv_;   // the queue drained and nothing is being written
  std::vector<EncodedBatch> ring_;    // queue_batches_max slots
  size_t ring_head_ = 0;
  size_t ring_size_ = 0;
  bool writing_ = false;
  bool stop_ = false;
  Status error_;                      // sticky
  Seq last_seq_;
  uint64_t batch_count_ = 0;
  std::string chain_head_;            // raw 32 bytes

  // Writer thread only.
  std::unique_ptr<ChainHasher> hasher_;
  std::unique_ptr<rocksdb::WriteBatch> write_batch_;
  std::vector<EncodedBatch> group_;   // the batches being written together
  std::string head_;                  // raw link of the last batch linked so far
  std::string next_head_;             // scratch for the next link
  std::string key_;                   // scratch for a batch's key
  std::thread writer_;
};

// Seeking by simulated time (store/time_seek.cc). Input timestamps never decrease along a log.
// The first seq stamped at or after `ts`; last_seq() + 1 when no input is. Reads O(log n)
// batches; a batch that does not decode is an error naming its seq.
Result<Seq> first_seq_at_or_after(const EventLog& log, Timestamp ts);
// The timestamp of input `seq`, which must be in the log.
Result<Timestamp> timestamp_of(const EventLog& log, Seq seq);

}  // namespace tape
