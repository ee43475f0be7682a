#include "store/event_log.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <system_error>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "store/chain.h"
#include "store/info_log.h"
#include "store/log_dir.h"
#include "store/rocks_options.h"
#include "store/rocks_status.h"

namespace tape {

using store_internal::kCfCount;
using store_internal::kCfEvents;
using store_internal::kCfMeta;
using store_internal::kCfNames;
using store_internal::kCfOutputs;

namespace {

rocksdb::Slice slice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

Status rocks_error(const rocksdb::Status& s, const std::string& dir, const std::string& doing) {
  return store_internal::from_rocks(s, dir, doing);
}

std::string in_dir(const std::string& dir) { return " in data dir '" + dir + "'"; }

Result<uint64_t> parse_decimal(std::string_view text, std::string_view key,
                               const std::string& dir) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return Status::mismatch("meta " + std::string(key) + " is not a decimal number ('" +
                            std::string(text) + "')" + in_dir(dir));
  }
  return v;
}

}  // namespace

std::string seq_key(Seq seq) {
  std::string key(8, '\0');
  uint64_t v = seq.value();
  for (int i = 7; i >= 0; --i) {
    key[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return key;
}

Result<Seq> parse_seq_key(std::string_view key) {
  if (key.size() != 8) {
    return Status::mismatch("malformed batch key: " + std::to_string(key.size()) +
                            " bytes, expected 8");
  }
  uint64_t v = 0;
  for (char c : key) v = v << 8 | static_cast<unsigned char>(c);
  return Seq(v);
}

EventLog::EventLog(std::string dir, const LogOptions& options, bool read_only)
    : dir_(std::move(dir)), options_(options), read_only_(read_only) {}

Result<std::unique_ptr<EventLog>> EventLog::create(const std::string& dir,
                                                   const LogOptions& options, bool overwrite) {
  // Atomic creation (store/log_dir.h): under the creation marker until the column families and
  // the creation meta are durable, so a kill at any moment leaves a complete empty log or a dir
  // the next create reuses.
  RETURN_IF_ERROR(store_internal::prepare_for_create(dir, options, overwrite));
  std::unique_ptr<EventLog> log(new EventLog(dir, options, /*read_only=*/false));
  RETURN_IF_ERROR(log->open_db(/*create=*/true));
  RETURN_IF_ERROR(log->init_meta());
  RETURN_IF_ERROR(store_internal::finish_create(dir, options.sync_files));
  log->start_writer();
  return log;
}

Result<std::unique_ptr<EventLog>> EventLog::open(const std::string& dir, bool read_only,
                                                 const LogOptions& options) {
  using store_internal::DirKind;
  ASSIGN_OR_RETURN(store_internal::DirProbe probe, store_internal::probe_dir(dir, options));
  switch (probe.kind) {
    case DirKind::kMissing:
      return Status::invalid("data dir '" + dir + "' does not exist");
    case DirKind::kEmpty:
    case DirKind::kForeign:
      return Status::invalid("data dir '" + dir + "' does not hold a tape log");
    case DirKind::kUnstarted:
      return Status::invalid(
          "data dir '" + dir + "' holds a tape log whose creation was interrupted: nothing was "
          "recorded in it; start the run again without --resume" +
          (probe.marker ? std::string(" (the dir is reused)") : std::string(" and with --overwrite")));
    case DirKind::kTapeLog:
      break;
  }
  std::unique_ptr<EventLog> log(new EventLog(dir, options, read_only));
  RETURN_IF_ERROR(log->open_db(/*create=*/false));
  RETURN_IF_ERROR(log->load_state());
  if (!read_only) log->start_writer();
  return log;
}

EventLog::~EventLog() {
  if (writer_.joinable()) {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    work_cv_.notify_one();
    writer_.join();
  }
  if (db_ == nullptr) return;
  if (!read_only_) {
    // A closed log keeps everything in table files: read-only opens (replay, inspect, audit)
    // then need no WAL replay, and the WAL is released.
    rocksdb::FlushOptions flush_options;
    db_->Flush(flush_options, handles_).PermitUncheckedError();
  }
  for (auto* h : handles_) {
    if (h != nullptr) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  }
  db_->Close().PermitUncheckedError();  // errors were reported by flush()
  delete db_;
}

Status EventLog::open_db(bool create) {
  const bool direct = !read_only_ && store_internal::direct_io_supported(dir_);
  rocksdb::DBOptions db_opts = store_internal::db_options(options_, direct);
  db_opts.create_if_missing = create;
  db_opts.error_if_exists = create;
  db_opts.info_log = store_internal::open_info_log(dir_);
  // A write-ahead log must read back whole: RocksDB's default (point-in-time recovery) would
  // silently drop everything after a damaged record (issue 7, item 10). A read-write open
  // (resume) may drop an incomplete last record, what a killed writer or a full disk leaves;
  // read-only opens say when they had to (torn_tail_dropped()).
  db_opts.wal_recovery_mode = read_only_ || create
                                  ? rocksdb::WALRecoveryMode::kAbsoluteConsistency
                                  : rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = store_internal::cf_descriptors(options_);
  if (!create && !read_only_) {
    // A read-write open must name every column family; keep any a later version added.
    std::vector<std::string> names;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(db_opts, dir_, &names);
    if (!s.ok()) return rocks_error(s, dir_, "listing column families");
    for (const std::string& name : names) {
      if (std::find(kCfNames.begin(), kCfNames.end(), name) == kCfNames.end()) {
        cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
      }
    }
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  const rocksdb::Status s =
      read_only_ ? store_internal::open_read_only(db_opts, dir_, cfs, &handles, &db_, &torn_tail_)
                 : rocksdb::DB::Open(db_opts, dir_, cfs, &handles, &db_);
  if (!s.ok()) {
    db_ = nullptr;
    return store_internal::open_error(s, dir_);
  }
  handles_ = std::move(handles);
  return Status::ok();
}

Status EventLog::init_meta() {
  chain_head_ = zero_link();
  rocksdb::WriteBatch wb;
  rocksdb::ColumnFamilyHandle* meta = handles_[kCfMeta];
  rocksdb::Status s = wb.Put(meta, slice(kMetaFormatVersion), std::to_string(kLogFormatVersion));
  if (s.ok()) s = wb.Put(meta, slice(kMetaTapeVersion), slice(kTapeVersion));
  if (s.ok()) s = wb.Put(meta, slice(kMetaLastSeq), "0");
  if (s.ok()) s = wb.Put(meta, slice(kMetaChainHead), to_hex(chain_head_));
  if (s.ok()) s = wb.Put(meta, slice(kMetaBatchCount), "0");
  rocksdb::WriteOptions wo;
  // A created log is durable whatever the batch sync mode: through the synced WAL, or without
  // one by flushing the memtables.
  wo.sync = writes_wal();
  wo.disableWAL = !writes_wal();
  if (s.ok()) s = db_->Write(wo, &wb);
  if (s.ok() && !writes_wal()) s = db_->Flush(rocksdb::FlushOptions(), handles_);
  if (!s.ok()) return rocks_error(s, dir_, "writing meta");
  return Status::ok();
}

Status EventLog::load_state() {
  ASSIGN_OR_RETURN(std::optional<std::string> version, get_meta(kMetaFormatVersion));
  if (!version) return Status::invalid("data dir '" + dir_ + "' does not hold a tape log");
  if (*version != std::to_string(kLogFormatVersion)) {
    return Status::invalid("data dir '" + dir_ + "' holds a tape log of format_version " +
                           *version + "; this build reads format_version " +
                           std::to_string(kLogFormatVersion));
  }
  std::string values[3];
  const std::string_view keys[3] = {kMetaLastSeq, kMetaBatchCount, kMetaChainHead};
  for (int i = 0; i < 3; ++i) {
    ASSIGN_OR_RETURN(std::optional<std::string> v, get_meta(keys[i]));
    if (!v) return Status::mismatch("meta " + std::string(keys[i]) + " is missing" + in_dir(dir_));
    values[i] = std::move(*v);
  }
  ASSIGN_OR_RETURN(uint64_t last, parse_decimal(values[0], kMetaLastSeq, dir_));
  ASSIGN_OR_RETURN(uint64_t count, parse_decimal(values[1], kMetaBatchCount, dir_));
  auto head = from_hex(values[2]);
  if (!head.is_ok() || head.value().size() != kChainLinkBytes) {
    return Status::mismatch("meta chain_head is not 64 hex digits" + in_dir(dir_));
  }
  last_seq_ = Seq(last);
  last_appended_ = last_seq_;
  batch_count_ = count;
  chain_head_ = std::move(head).value();
  return check_last_batch();
}

// Cross-checks the meta counters against the last key of `events`: the counters and the batch
// are written in one WriteBatch, so any disagreement is damage, not a crash.
Status EventLog::check_last_batch() {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[kCfEvents]));
  it->SeekToLast();
  if (!it->status().ok()) return rocks_error(it->status(), dir_, "reading events");
  const std::string meta_says = "meta says last_seq " + std::to_string(last_seq_.value()) +
                                ", batch_count " + std::to_string(batch_count_);
  if (!it->Valid()) {
    if (last_seq_.value() == 0 && batch_count_ == 0 && chain_head_ == zero_link()) {
      return Status::ok();
    }
    return Status::mismatch("events is empty but " + meta_says + in_dir(dir_));
  }
  ASSIGN_OR_RETURN(Seq first, parse_seq_key({it->key().data(), it->key().size()}));
  const std::string at = "last batch at seq " + std::to_string(first.value());
  const rocksdb::Slice value = it->value();
  if (value.size() < kBatchHeaderBytes || !value.starts_with(slice(kBatchMagic))) {
    return Status::mismatch("corrupt " + at + ": bad framing" + in_dir(dir_));
  }
  const std::string_view link(value.data() + kBatchMagic.size(), kChainLinkBytes);
  if (first > last_seq_ || batch_count_ == 0 || link != chain_head_) {
    return Status::mismatch(at + " does not match the meta counters (" + meta_says +
                            ", chain_head " + to_hex(chain_head_) + ", stored link " +
                            to_hex(link) + ")" + in_dir(dir_));
  }
  std::string unused;
  const rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), handles_[kCfOutputs], it->key(), &unused);
  if (s.IsNotFound()) return Status::mismatch("outputs missing for " + at + in_dir(dir_));
  if (!s.ok()) return rocks_error(s, dir_, "reading outputs for " + at);
  return Status::ok();
}

Status EventLog::put_meta(std::string_view key, std::string_view value) {
  if (read_only_) return Status::invalid("log in '" + dir_ + "' is open read-only");
  if (key == kMetaFormatVersion || key == kMetaLastSeq || key == kMetaChainHead ||
      key == kMetaBatchCount) {
    return Status::invalid("meta " + std::string(key) + " is maintained by the log");
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync_writes();
  wo.disableWAL = !writes_wal();
  const rocksdb::Status s = db_->Put(wo, handles_[kCfMeta], slice(key), slice(value));
  if (!s.ok()) return rocks_error(s, dir_, "writing meta " + std::string(key));
  return Status::ok();
}

Result<std::optional<std::string>> EventLog::get_meta(std::string_view key) const {
  std::string value;
  const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_[kCfMeta], slice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return rocks_error(s, dir_, "reading meta " + std::string(key));
  return std::optional<std::string>(std::move(value));
}

Seq EventLog::last_seq() const {
  std::lock_guard lock(mu_);
  return last_seq_;
}

uint64_t EventLog::batch_count() const {
  std::lock_guard lock(mu_);
  return batch_count_;
}

std::string EventLog::chain_head() const {
  std::lock_guard lock(mu_);
  return to_hex(chain_head_);
}

rocksdb::ColumnFamilyHandle* EventLog::cf(std::string_view name) const {
  for (size_t i = 0; i < kCfCount; ++i) {
    if (kCfNames[i] == name) return handles_[i];
  }
  return nullptr;
}

EventLog::BatchCursor EventLog::batches(Seq from) const {
  // Read before the iterators exist: every batch up to `last` is then in their view.
  const Seq last = last_seq();
  std::vector<rocksdb::ColumnFamilyHandle*> cfs = {handles_[kCfEvents], handles_[kCfOutputs]};
  std::vector<rocksdb::Iterator*> its;
  // NewIterators gives both column families one consistent view.
  const rocksdb::Status s = db_->NewIterators(store_internal::scan_read_options(), cfs, &its);
  if (!s.ok()) {
    BatchCursor cursor(nullptr, nullptr);
    cursor.fail(rocks_error(s, dir_, "iterating batches"), false);
    return cursor;
  }
  BatchCursor cursor{std::unique_ptr<rocksdb::Iterator>(its[0]),
                     std::unique_ptr<rocksdb::Iterator>(its[1])};
  cursor.dir_ = dir_;
  if (from <= last) cursor.seek(from);
  return cursor;
}

}  // namespace tape
