#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <memory>

namespace tape::store_internal {

// An Env over the default one whose file system never syncs: writes go to the OS (a process
// crash loses nothing written), but no table file, MANIFEST, WAL or directory is fsynced (a
// power loss or OS crash may lose any of it). For logs that are recomputed, never recovered
// (LogOptions::sync_files = false). Shares the default Env's threads; lives for the process.
rocksdb::Env* no_sync_env();
// The file system no_sync_env() uses, over `target` (tests count what reaches it).
std::shared_ptr<rocksdb::FileSystem> no_sync_file_system(
    std::shared_ptr<rocksdb::FileSystem> target);

}  // namespace tape::store_internal
