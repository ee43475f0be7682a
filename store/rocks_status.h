// The one translation of RocksDB's statuses into the CLI contract's (README.md, exit codes), so
// every
// store/ path says what is wrong in the user's words and keeps RocksDB's message after it:
// no space, permission, a held lock or any other I/O failure is Status::io (exit 4),
// corruption is Status::mismatch (exit 3), a bad argument is Status::invalid (exit 2).
#pragma once

#include <string>

#include <rocksdb/status.h>

#include "core/status.h"

namespace tape::store_internal {

// `dir` is the data dir, `doing` what was being done ("writing the batch at seq 11").
// Status::ok() for an ok status.
Status from_rocks(const rocksdb::Status& s, const std::string& dir, const std::string& doing);

// True for the WAL reader's reports of an incomplete last record (the writer died or the disk
// filled mid-write): the only WAL damage a crash leaves, unlike a checksum mismatch.
bool is_torn_wal_tail(const rocksdb::Status& s);
// True for the corruptions RocksDB's log reader reports (write-ahead logs and MANIFEST alike:
// the caller knows which it was reading).
bool is_wal_corruption(const rocksdb::Status& s);

}  // namespace tape::store_internal
