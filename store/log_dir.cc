#include "store/log_dir.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <system_error>

#include <rocksdb/env.h>

#include "store/info_log.h"
#include "store/rocks_options.h"
#include "store/rocks_status.h"

namespace tape::store_internal {
namespace {

namespace fs = std::filesystem;

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// The file number in "000123.log" / "OPTIONS-000123" style names, or -1.
int64_t file_number(std::string_view digits) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size() || v > INT64_MAX) return -1;
  return static_cast<int64_t>(v);
}

std::string_view strip_suffix(std::string_view s, std::string_view suffix) {
  return s.ends_with(suffix) ? s.substr(0, s.size() - suffix.size()) : std::string_view();
}

Result<std::vector<std::string>> list_names(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    out.push_back(it->path().filename().string());
  }
  if (ec) return Status::io("cannot list data dir '" + dir + "': " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

Status sync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::io("cannot open data dir '" + dir + "' to sync it");
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok ? Status::ok() : Status::io("cannot sync data dir '" + dir + "'");
}

// A read-only look at the database in `dir`, with every column family it has.
struct Inspection {
  rocksdb::DB* db = nullptr;
  std::vector<std::string> cf_names;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  ~Inspection() {
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    if (db != nullptr) db->Close().PermitUncheckedError();
    delete db;
  }
  rocksdb::ColumnFamilyHandle* cf(std::string_view name) const {
    for (size_t i = 0; i < cf_names.size(); ++i) {
      if (cf_names[i] == name) return handles[i];
    }
    return nullptr;
  }
};

rocksdb::DBOptions inspection_options(const LogOptions& options) {
  rocksdb::DBOptions db = db_options(options);
  // Inspection opens write no info log: RocksDB's would add a LOG.old.* file on every look.
  db.info_log = null_info_log();
  return db;
}

Status inspect(const std::string& dir, const LogOptions& options, Inspection& out) {
  const rocksdb::DBOptions db_opts = inspection_options(options);
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(db_opts, dir, &out.cf_names);
  if (s.IsPathNotFound() || s.IsNotFound()) {
    return Status::mismatch("log in data dir '" + dir +
                            "' is corrupt: a file its CURRENT names is missing (" + s.ToString() + ")");
  }
  if (!s.ok()) return from_rocks(s, dir, "reading its CURRENT and MANIFEST files");
  const auto ours = cf_descriptors(options);
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const std::string& name : out.cf_names) {
    auto it = std::find_if(ours.begin(), ours.end(), [&](const auto& d) { return d.name == name; });
    cfs.push_back(it != ours.end() ? *it : rocksdb::ColumnFamilyDescriptor(name, {}));
  }
  bool torn = false;
  s = open_read_only(db_opts, dir, cfs, &out.handles, &out.db, &torn);
  if (!s.ok()) {
    out.db = nullptr;
    return open_error(s, dir);
  }
  return Status::ok();
}

bool only_tape_cfs(const std::vector<std::string>& names) {
  return std::all_of(names.begin(), names.end(), [](const std::string& n) {
    return std::find(kCfNames.begin(), kCfNames.end(), n) != kCfNames.end();
  });
}

Result<bool> cf_is_empty(const Inspection& in, std::string_view name) {
  rocksdb::ColumnFamilyHandle* h = in.cf(name);
  if (h == nullptr) return true;
  std::unique_ptr<rocksdb::Iterator> it(in.db->NewIterator(rocksdb::ReadOptions(), h));
  it->SeekToFirst();
  if (!it->status().ok()) return Status::mismatch("reading " + std::string(name) + ": " + it->status().ToString());
  return !it->Valid();
}

// A database without format_version: an older build's interrupted creation if nothing was
// recorded in it, damage otherwise.
Result<DirProbe> probe_without_format_version(const std::string& dir, const Inspection& in) {
  for (std::string_view cf : {"events", "outputs", "snapshots"}) {
    ASSIGN_OR_RETURN(bool empty, cf_is_empty(in, cf));
    if (!empty) {
      return Status::mismatch("log in data dir '" + dir + "' is corrupt: it holds " +
                              std::string(cf) + " but its meta has no format_version");
    }
  }
  return DirProbe{DirKind::kUnstarted, false};
}

// Whether LOG.old.* file `path` was written by the database of identity `id`.
bool info_log_of(const std::string& path, const std::string& id) {
  if (id.empty()) return false;
  std::ifstream f(path, std::ios::binary);
  std::string head(1 << 20, '\0');
  f.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(f.gcount()));
  return head.find("DB ID: " + id) != std::string::npos;
}

// What the log in `dir` says is its own: live files, write-ahead logs it would replay, its
// previous OPTIONS files and the info logs it wrote.
struct Owned {
  std::set<std::string> live;
  std::string identity;
  int64_t min_wal = 0;
  int64_t max_live = 0;  // the highest file number among the live tables and MANIFEST
};

// File numbers are handed out in sequence, and every memtable a write-ahead log fed soon becomes
// a live table file: the log's newest WAL or OPTIONS file is never far past its newest live
// table or MANIFEST, so one beyond this is not the log's (issue 7, item 22: 123456.log,
// OPTIONS-424242).
constexpr int64_t kFileNumberSlack = 256;

int64_t number_in(std::string_view base) {
  if (base.starts_with("MANIFEST-")) return file_number(base.substr(9));
  if (std::string_view n = strip_suffix(base, ".sst"); all_digits(n)) return file_number(n);
  return -1;
}

Result<Owned> owned_set(const std::string& dir, const LogOptions& options) {
  Inspection in;
  if (Status st = inspect(dir, options, in); !st.is_ok()) {
    return Status(st.code() == StatusCode::kMismatch
                      ? Status::invalid("refusing to overwrite data dir '" + dir +
                                        "': cannot tell which of its files are the log's: " +
                                        st.message())
                      : st);
  }
  Owned o;
  std::vector<std::string> live;
  uint64_t manifest_size = 0;
  rocksdb::Status s = in.db->GetLiveFiles(live, &manifest_size, /*flush_memtable=*/false);
  if (!s.ok()) return from_rocks(s, dir, "listing the log's files");
  for (std::string& name : live) {
    const std::string base = fs::path(name).filename().string();
    // A read-only open takes the highest-numbered OPTIONS file for the live one, whoever
    // wrote it: OPTIONS files are judged by number below instead.
    if (base.starts_with("OPTIONS-")) continue;
    o.max_live = std::max(o.max_live, number_in(base));
    o.live.insert(base);
  }
  uint64_t min_wal = 0;
  if (in.db->GetIntProperty(rocksdb::DB::Properties::kMinLogNumberToKeep, &min_wal)) {
    o.min_wal = static_cast<int64_t>(min_wal);
  }
  in.db->GetDbIdentity(o.identity).PermitUncheckedError();
  return o;
}

bool owned_by(const Owned& o, const std::string& dir, const std::string& name) {
  static const std::set<std::string> kFixed = {"CURRENT", "IDENTITY", "LOCK", "LOG"};
  if (o.live.count(name) != 0 || kFixed.count(name) != 0) return true;
  if (std::string_view wal = strip_suffix(name, ".log"); all_digits(wal)) {
    const int64_t n = file_number(wal);  // the log's recovery replays it: the log's if in range
    return n >= o.min_wal && n <= o.max_live + kFileNumberSlack;
  }
  if (name.starts_with("OPTIONS-")) {
    std::string_view n = std::string_view(name).substr(8);
    if (n.ends_with(".dbtmp")) n.remove_suffix(6);
    return all_digits(n) && file_number(n) <= o.max_live + kFileNumberSlack;
  }
  if (name.starts_with("LOG.old.")) return info_log_of(dir + "/" + name, o.identity);
  return false;
}

Status remove_names(const std::string& dir, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    std::error_code ec;
    fs::remove(fs::path(dir) / name, ec);
    if (ec) return Status::io("cannot remove " + name + " from data dir '" + dir + "': " + ec.message());
  }
  return Status::ok();
}

// Removes the files of the log in `dir` after checking that no other RocksDB-named file is
// there, under the creation marker (a kill midway leaves a reusable unstarted dir).
Status remove_log_files(const std::string& dir, const LogOptions& options) {
  ASSIGN_OR_RETURN(Owned owned, owned_set(dir, options));
  ASSIGN_OR_RETURN(std::vector<std::string> names, list_names(dir));
  std::vector<std::string> mine;
  for (const std::string& name : names) {
    if (!is_rocksdb_name(name)) continue;  // the user's: left alone
    if (!owned_by(owned, dir, name)) {
      return Status::invalid("refusing to overwrite data dir '" + dir + "': " + name +
                             " is not a file of its tape log (the new log's database could "
                             "delete or overwrite it); move it away first");
    }
    mine.push_back(name);
  }
  rocksdb::Env* env = options.env != nullptr ? options.env : rocksdb::Env::Default();
  rocksdb::FileLock* lock = nullptr;
  const rocksdb::Status locked = env->LockFile(dir + "/LOCK", &lock);
  if (!locked.ok()) return from_rocks(locked, dir, "locking the old log to replace it");
  env->UnlockFile(lock).PermitUncheckedError();
  RETURN_IF_ERROR(write_marker(dir));
  return remove_names(dir, mine);
}

}  // namespace

Status write_marker(const std::string& dir, bool sync) {
  const std::string path = dir + "/" + std::string(kCreatingMarker);
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0 && errno != EEXIST) {
    return Status::io("cannot create " + std::string(kCreatingMarker) + " in data dir '" + dir + "'");
  }
  if (fd >= 0) {
    constexpr std::string_view kText = "a tape log is being created here; a dir with this file holds nothing recorded\n";
    const bool ok = ::write(fd, kText.data(), kText.size()) == static_cast<ssize_t>(kText.size()) &&
                    (!sync || ::fsync(fd) == 0);
    ::close(fd);
    if (!ok) return Status::io("cannot write " + std::string(kCreatingMarker) + " in data dir '" + dir + "'");
  }
  return sync ? sync_dir(dir) : Status::ok();
}

bool is_rocksdb_name(std::string_view name) {
  if (name == "CURRENT" || name == "IDENTITY" || name == "LOCK" || name == "LOG") return true;
  for (std::string_view prefix : {"MANIFEST-", "OPTIONS-", "LOG.old.", "METADB-"}) {
    if (name.starts_with(prefix)) return true;
  }
  for (std::string_view ext : {".sst", ".log", ".blob", ".dbtmp", ".ldb"}) {
    if (all_digits(strip_suffix(name, ext))) return true;
  }
  return false;
}

Result<DirProbe> probe_dir(const std::string& dir, const LogOptions& options) {
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Status::io("cannot inspect data dir '" + dir + "': " + ec.message());
  }
  if (!fs::exists(st)) return DirProbe{DirKind::kMissing, false};
  if (!fs::is_directory(st)) return Status::invalid("data dir '" + dir + "' is not a directory");
  ASSIGN_OR_RETURN(std::vector<std::string> names, list_names(dir));
  if (names.empty()) return DirProbe{DirKind::kEmpty, false};
  if (exists(dir + "/" + std::string(kCreatingMarker))) return DirProbe{DirKind::kUnstarted, true};
  const bool any_rocks = std::any_of(names.begin(), names.end(), [](const std::string& n) { return is_rocksdb_name(n); });
  if (!any_rocks) return DirProbe{DirKind::kForeign, false};
  if (!exists(dir + "/CURRENT")) {
    // An older build killed inside its first RocksDB open (before CURRENT) recorded nothing.
    const bool data = std::any_of(names.begin(), names.end(), [](const std::string& n) {
      return all_digits(strip_suffix(n, ".sst")) || all_digits(strip_suffix(n, ".log"));
    });
    if (!data) return DirProbe{DirKind::kUnstarted, false};
    return Status::mismatch("log in data dir '" + dir + "' is corrupt: its CURRENT file is missing");
  }
  Inspection in;
  RETURN_IF_ERROR(inspect(dir, options, in));
  if (!only_tape_cfs(in.cf_names) && in.cf("meta") == nullptr) return DirProbe{DirKind::kForeign, false};
  rocksdb::ColumnFamilyHandle* meta = in.cf("meta");
  std::string value;
  const rocksdb::Status s = meta == nullptr ? rocksdb::Status::NotFound()
                                            : in.db->Get(rocksdb::ReadOptions(), meta, kMetaFormatVersion, &value);
  if (s.ok()) return DirProbe{DirKind::kTapeLog, false};
  if (!s.IsNotFound()) return from_rocks(s, dir, "reading meta format_version");
  if (!only_tape_cfs(in.cf_names)) return DirProbe{DirKind::kForeign, false};
  return probe_without_format_version(dir, in);
}

Status prepare_for_create(const std::string& dir, const LogOptions& options, bool overwrite) {
  ASSIGN_OR_RETURN(DirProbe probe, probe_dir(dir, options));
  switch (probe.kind) {
    case DirKind::kMissing: {
      std::error_code ec;
      fs::create_directories(dir, ec);
      if (ec) return Status::io("cannot create data dir '" + dir + "': " + ec.message());
      break;
    }
    case DirKind::kEmpty:
      break;
    case DirKind::kUnstarted:
      if (probe.marker) {
        // Every RocksDB file here came after the marker, from the creation that did not finish.
        ASSIGN_OR_RETURN(std::vector<std::string> names, list_names(dir));
        std::erase_if(names, [](const std::string& n) { return !is_rocksdb_name(n); });
        RETURN_IF_ERROR(remove_names(dir, names));
        break;
      }
      if (!overwrite) {
        return Status::invalid("data dir '" + dir + "' holds a tape log whose creation was "
                               "interrupted (nothing was recorded); pass --overwrite to replace it");
      }
      RETURN_IF_ERROR(remove_log_files(dir, options));
      break;
    case DirKind::kTapeLog:
      if (!overwrite) {
        return Status::invalid("data dir '" + dir + "' is not empty; pass --overwrite to replace it");
      }
      RETURN_IF_ERROR(remove_log_files(dir, options));
      break;
    case DirKind::kForeign:
      if (!overwrite) {
        return Status::invalid("data dir '" + dir + "' is not empty; pass --overwrite to replace it");
      }
      return Status::invalid("data dir '" + dir +
                             "' is not empty and does not hold a tape log; refusing to overwrite it");
  }
  return write_marker(dir, options.sync_files);
}

Status finish_create(const std::string& dir, bool sync) {
  const std::string path = dir + "/" + std::string(kCreatingMarker);
  if (::unlink(path.c_str()) != 0) {
    return Status::io("cannot remove " + std::string(kCreatingMarker) + " from data dir '" + dir + "'");
  }
  return sync ? sync_dir(dir) : Status::ok();
}

rocksdb::Status open_read_only(const rocksdb::DBOptions& db_options, const std::string& dir,
                               const std::vector<rocksdb::ColumnFamilyDescriptor>& cfs,
                               std::vector<rocksdb::ColumnFamilyHandle*>* handles,
                               rocksdb::DB** db, bool* torn_tail) {
  rocksdb::DBOptions strict = db_options;
  strict.wal_recovery_mode = rocksdb::WALRecoveryMode::kAbsoluteConsistency;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(strict, dir, cfs, handles, db);
  if (!is_torn_wal_tail(s)) return s;
  rocksdb::DBOptions tolerant = db_options;
  tolerant.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  *torn_tail = true;
  return rocksdb::DB::OpenForReadOnly(tolerant, dir, cfs, handles, db);
}

Status open_error(const rocksdb::Status& s, const std::string& dir) {
  if (!is_wal_corruption(s)) return from_rocks(s, dir, "opening the log");
  std::string wals;
  if (auto names = list_names(dir); names.is_ok()) {
    for (const std::string& n : names.value()) {
      if (all_digits(strip_suffix(n, ".log"))) wals += (wals.empty() ? "" : ", ") + n;
    }
  }
  return Status::mismatch("log in data dir '" + dir + "' is corrupt: its write-ahead log (" + wals +
                          ") does not read back: " + s.ToString());
}

}  // namespace tape::store_internal
