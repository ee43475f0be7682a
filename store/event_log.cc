#include "store/event_log.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <system_error>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "store/chain.h"
#include "store/rocks_options.h"

namespace tape {

using store_internal::kCfCount;
using store_internal::kCfEvents;
using store_internal::kCfMeta;
using store_internal::kCfNames;
using store_internal::kCfOutputs;

namespace {

namespace fs = std::filesystem;

rocksdb::Slice slice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

Status rocks_error(const rocksdb::Status& s, const std::string& what) {
  return Status::io(what + ": " + s.ToString());
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

enum class DirState : uint8_t { kMissing, kEmpty, kNonEmpty, kNotADirectory, kError };

DirState dir_state(const std::string& dir) {
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) return DirState::kError;
  if (!fs::exists(st)) return DirState::kMissing;
  if (!fs::is_directory(st)) return DirState::kNotADirectory;
  const bool empty = fs::is_empty(dir, ec);
  if (ec) return DirState::kError;
  return empty ? DirState::kEmpty : DirState::kNonEmpty;
}

// True when `dir` holds a RocksDB database with our meta column family and a format_version.
bool holds_tape_log(const std::string& dir, const LogOptions& options) {
  rocksdb::DBOptions db_opts = store_internal::db_options(options);
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(db_opts, dir, &names).ok()) return false;
  if (std::find(names.begin(), names.end(), kCfNames[kCfMeta]) == names.end()) return false;
  const auto all = store_internal::cf_descriptors(options);
  std::vector<rocksdb::ColumnFamilyDescriptor> wanted = {all[store_internal::kCfDefault],
                                                         all[kCfMeta]};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(db_opts, dir, wanted, &handles, &db).ok()) return false;
  std::string value;
  const bool found = db->Get(rocksdb::ReadOptions(), handles[1], kMetaFormatVersion, &value).ok();
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
  return found;
}

Status prepare_dir_for_create(const std::string& dir, const LogOptions& options, bool overwrite) {
  switch (dir_state(dir)) {
    case DirState::kMissing:
    case DirState::kEmpty:
      return Status::ok();
    case DirState::kNotADirectory:
      return Status::invalid("data dir '" + dir + "' exists and is not a directory");
    case DirState::kError:
      return Status::io("cannot inspect data dir '" + dir + "'");
    case DirState::kNonEmpty:
      break;
  }
  if (!overwrite) {
    return Status::invalid("data dir '" + dir + "' is not empty; pass --overwrite to replace it");
  }
  if (!holds_tape_log(dir, options)) {
    return Status::invalid("data dir '" + dir +
                           "' is not empty and does not hold a tape log; refusing to overwrite it");
  }
  rocksdb::Options destroy_opts(store_internal::db_options(options), rocksdb::ColumnFamilyOptions());
  const rocksdb::Status s =
      rocksdb::DestroyDB(dir, destroy_opts, store_internal::cf_descriptors(options));
  if (!s.ok()) return rocks_error(s, "destroying the old log in '" + dir + "'");
  return Status::ok();
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
  RETURN_IF_ERROR(prepare_dir_for_create(dir, options, overwrite));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::io("cannot create data dir '" + dir + "': " + ec.message());
  std::unique_ptr<EventLog> log(new EventLog(dir, options, /*read_only=*/false));
  RETURN_IF_ERROR(log->open_db(/*create=*/true));
  RETURN_IF_ERROR(log->init_meta());
  log->start_writer();
  return log;
}

Result<std::unique_ptr<EventLog>> EventLog::open(const std::string& dir, bool read_only,
                                                 const LogOptions& options) {
  switch (dir_state(dir)) {
    case DirState::kMissing:
      return Status::invalid("data dir '" + dir + "' does not exist");
    case DirState::kNotADirectory:
      return Status::invalid("data dir '" + dir + "' is not a directory");
    case DirState::kError:
      return Status::io("cannot inspect data dir '" + dir + "'");
    case DirState::kEmpty:
    case DirState::kNonEmpty:
      break;
  }
  if (!holds_tape_log(dir, options)) {
    return Status::invalid("data dir '" + dir + "' does not hold a tape log");
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
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = store_internal::cf_descriptors(options_);
  if (!create && !read_only_) {
    // A read-write open must name every column family; keep any a later version added.
    std::vector<std::string> names;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(db_opts, dir_, &names);
    if (!s.ok()) return rocks_error(s, "listing column families" + in_dir(dir_));
    for (const std::string& name : names) {
      if (std::find(kCfNames.begin(), kCfNames.end(), name) == kCfNames.end()) {
        cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
      }
    }
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  const rocksdb::Status s =
      read_only_ ? rocksdb::DB::OpenForReadOnly(db_opts, dir_, cfs, &handles, &db_)
                 : rocksdb::DB::Open(db_opts, dir_, cfs, &handles, &db_);
  if (!s.ok()) {
    return s.IsInvalidArgument()
               ? Status::invalid("data dir '" + dir_ + "' is not a usable tape log: " + s.ToString())
               : rocks_error(s, "opening the log" + in_dir(dir_));
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
  wo.sync = true;  // a created log is durable whatever the batch sync mode
  if (s.ok()) s = db_->Write(wo, &wb);
  if (!s.ok()) return rocks_error(s, "writing meta" + in_dir(dir_));
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
  if (!it->status().ok()) return rocks_error(it->status(), "reading events" + in_dir(dir_));
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
  if (!s.ok()) return rocks_error(s, "reading outputs for " + at + in_dir(dir_));
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
  const rocksdb::Status s = db_->Put(wo, handles_[kCfMeta], slice(key), slice(value));
  if (!s.ok()) return rocks_error(s, "writing meta " + std::string(key) + in_dir(dir_));
  return Status::ok();
}

Result<std::optional<std::string>> EventLog::get_meta(std::string_view key) const {
  std::string value;
  const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_[kCfMeta], slice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return rocks_error(s, "reading meta " + std::string(key) + in_dir(dir_));
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
    cursor.fail(rocks_error(s, "iterating batches" + in_dir(dir_)), false);
    return cursor;
  }
  BatchCursor cursor{std::unique_ptr<rocksdb::Iterator>(its[0]),
                     std::unique_ptr<rocksdb::Iterator>(its[1])};
  if (from <= last) cursor.seek(from);
  return cursor;
}

}  // namespace tape
