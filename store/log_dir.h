// The data dir around a log: what a dir holds (nothing, a tape log, a log whose creation was
// interrupted, something else), which of its files are the log's own, and the creation marker
// that makes creating a log atomic. Internal to store/.
//
// Creation: the marker file goes into the dir before RocksDB creates anything and is removed
// once every column family and the creation meta are durable. A dir with the marker is
// therefore a creation that never finished: nothing was recorded in it, every RocksDB file in
// it is the log's, and the next create reuses it. A dir without the marker holds a complete log.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/db.h>

#include "core/status.h"
#include "store/event_log.h"

namespace tape::store_internal {

inline constexpr std::string_view kCreatingMarker = ".tape_creating";

enum class DirKind : uint8_t {
  kMissing,
  kEmpty,
  kTapeLog,    // a complete log (format_version in meta)
  kUnstarted,  // a creation that did not finish; nothing was recorded
  kForeign,    // not empty and not a tape log
};

struct DirProbe {
  DirKind kind = DirKind::kMissing;
  // kUnstarted: this build's marker is there (reusable without --overwrite); otherwise an older
  // build's half-created log (a RocksDB database with only tape's column families, no
  // format_version and nothing recorded).
  bool marker = false;
};

// What `dir` holds. Errors: Status::invalid if it is not a directory, Status::mismatch (naming
// RocksDB's finding) if it holds a RocksDB database that is corrupt, Status::io if it cannot be
// read.
Result<DirProbe> probe_dir(const std::string& dir, const LogOptions& options);

// Whether RocksDB could take a file of this name in a database dir for its own (and delete or
// overwrite it): 000123.sst/.log/.blob/.dbtmp, MANIFEST-*, OPTIONS-*, CURRENT, IDENTITY, LOCK,
// LOG, LOG.old.*.
bool is_rocksdb_name(std::string_view name);

// Makes `dir` ready for a new log: creates it, reuses an unstarted one, or (with `overwrite`)
// removes the files of the tape log in it, only those: any RocksDB-named file that is not the
// log's is refused by name, since the new database could delete it. Ends with the creation
// marker written and durable (written only, with options.sync_files false).
Status prepare_for_create(const std::string& dir, const LogOptions& options, bool overwrite);
// Writes the creation marker (durably unless !sync; kept if already there).
Status write_marker(const std::string& dir, bool sync = true);
// Removes the creation marker (durably unless !sync): the log in `dir` is complete.
Status finish_create(const std::string& dir, bool sync = true);

// Opens `dir` read-only. The write-ahead logs must read back whole (kAbsoluteConsistency),
// except for an incomplete last record, what a killed writer or a full disk leaves: then the
// open is retried tolerating it and `*torn_tail` is set. Any other damage is an error.
rocksdb::Status open_read_only(const rocksdb::DBOptions& db_options, const std::string& dir,
                               const std::vector<rocksdb::ColumnFamilyDescriptor>& cfs,
                               std::vector<rocksdb::ColumnFamilyHandle*>* handles,
                               rocksdb::DB** db, bool* torn_tail);
// Status for a failed open of `dir`: from_rocks, naming the write-ahead log files when they are
// what does not read back.
Status open_error(const rocksdb::Status& s, const std::string& dir);

}  // namespace tape::store_internal
