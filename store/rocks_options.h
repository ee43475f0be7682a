// RocksDB settings of the event log, tuned for its one workload: a single writer appending
// large values (one batch of ~4096 events each) under strictly increasing keys, then sequential
// scans. Internal to store/.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include "store/event_log.h"

namespace tape::store_internal {

// Column families in a fixed order; the index is the handle's slot in the log.
enum CfIndex : size_t { kCfDefault = 0, kCfEvents, kCfOutputs, kCfSnapshots, kCfMeta, kCfCount };
inline constexpr std::array<std::string_view, kCfCount> kCfNames = {
    "default", "events", "outputs", "snapshots", "meta"};

// DBOptions for opening or creating the log in `options` (env, memtable budget). With
// `direct_flush`, flushes and compactions write with O_DIRECT (see direct_io_supported).
rocksdb::DBOptions db_options(const LogOptions& options, bool direct_flush = false);
// Name of the short-lived file direct_io_supported creates in the data dir.
inline constexpr std::string_view kDirectIoProbeName = ".tape_direct_io_probe";
// Whether files in `dir` (an existing directory) can be opened with O_DIRECT: not on tmpfs, for
// one. Probes with a short-lived file named kDirectIoProbeName, created with O_EXCL|O_NOFOLLOW:
// a symlink of that name is never followed (the answer is then false).
bool direct_io_supported(const std::string& dir);
// One descriptor per kCfNames entry, in CfIndex order.
std::vector<rocksdb::ColumnFamilyDescriptor> cf_descriptors(const LogOptions& options);
// ReadOptions for sequential scans by BatchCursor.
rocksdb::ReadOptions scan_read_options();

}  // namespace tape::store_internal
