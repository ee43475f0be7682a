// RocksDB's info log for a tape log: appended to <data dir>/LOG with plain write(2), errors
// ignored. RocksDB's own file logger asserts (aborting the process) on its next line once a
// write of it failed, which a full disk makes certain (issue 7, item 8); an info log must
// never be why a run dies. Appending to one file also stops every open from leaving a new
// LOG.old.* file behind. Internal to store/.
#pragma once

#include <memory>
#include <string>

#include <rocksdb/env.h>

namespace tape::store_internal {

// A logger appending to `dir`/LOG (started afresh past kInfoLogBytesMax), or one that drops
// everything when that file cannot be opened (a read-only dir stays readable).
std::shared_ptr<rocksdb::Logger> open_info_log(const std::string& dir);
// A logger that drops everything.
std::shared_ptr<rocksdb::Logger> null_info_log();

}  // namespace tape::store_internal
