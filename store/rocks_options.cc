#include "store/rocks_options.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <memory>

#include <rocksdb/cache.h>
#include <rocksdb/table.h>

#include "store/no_sync_env.h"

namespace tape::store_internal {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;
// The block cache shared by every column family of one open log: index blocks and the blocks
// of point reads (meta, snapshots, the last batch). Scans bypass it (scan_read_options). It
// fills with the index blocks of every table file a long log flushes, so its size is what a
// long run's peak RSS has over a short one's: 2 MiB (8 MiB before: a 10 M-bar backtest's peak
// was 1.107x a 1 M-bar one's, 1.05x now; replay, scan and recovery benchmarks unchanged,
// bench/RESULTS.md).
constexpr size_t kBlockCacheBytes = 2 * kMiB;
constexpr int kMaxOpenFiles = 128;

uint64_t memtable_budget(const LogOptions& options) {
  return std::clamp<uint64_t>(options.memtable_bytes_max, 4 * kMiB, 4096 * kMiB);
}

// The hot column families (events, outputs): append-only, keys strictly increasing, values of
// ~100 KB-1 MB. Flushed L0 files never overlap, so level compaction moves them down without
// rewriting (trivial moves): each byte is written twice (WAL, flush), never compacted.
// Two memtables each (one filling, one flushing; writes wait when both are full), sized so
// events (1/4 of the budget each) and outputs (1/8) stay within 3/4 of the budget together.
// Table-reader memory is what grows with a log's length (one reader per table file, each with
// its index block): with index blocks charged to one bounded LRU cache shared by all column
// families, and a bounded number of open table files, it stays flat however long the run
// (issue 7, item 25: peak RSS rose from 28 MB at 60 s to 144 MB at 60,000 s, 704 table files).
rocksdb::BlockBasedTableOptions table_options(const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::BlockBasedTableOptions table;
  table.block_size = 64 * 1024;  // a batch value is one block whatever this is
  table.block_cache = cache;
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_l0_filter_and_index_blocks_in_cache = false;
  table.pin_top_level_index_and_filter = false;
  return table;
}

rocksdb::ColumnFamilyOptions hot_cf(const LogOptions& options, uint64_t share,
                                    const rocksdb::BlockBasedTableOptions& table) {
  rocksdb::ColumnFamilyOptions cf;
  cf.write_buffer_size = std::max<uint64_t>(memtable_budget(options) / share, 1 * kMiB);
  cf.max_write_buffer_number = 2;
  cf.min_write_buffer_number_to_merge = 1;
  cf.target_file_size_base = 64 * kMiB;
  cf.max_bytes_for_level_base = 256 * kMiB;
  cf.level_compaction_dynamic_level_bytes = true;
  // Measured with bench/store_bench.cc: LZ4 costs more CPU at flush than it saves in write
  // syscalls on this workload (docs/event_log_format.md, "Tuning").
  cf.compression = rocksdb::kNoCompression;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

rocksdb::ColumnFamilyOptions small_cf(uint64_t write_buffer_bytes,
                                      const rocksdb::BlockBasedTableOptions& table) {
  rocksdb::ColumnFamilyOptions cf;
  cf.write_buffer_size = write_buffer_bytes;
  cf.max_write_buffer_number = 2;
  cf.compression = rocksdb::kNoCompression;
  // Without a factory of its own each column family would get a private 8 MB block cache.
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

}  // namespace

rocksdb::DBOptions db_options(const LogOptions& options, bool direct_flush) {
  rocksdb::DBOptions db;
  db.create_missing_column_families = true;
  db.max_background_jobs = 2;
  // Backstop over every memtable; past it RocksDB flushes the largest.
  db.db_write_buffer_size = memtable_budget(options);
  // meta is rewritten on every batch but its memtable stays tiny and would pin old WAL files:
  // this bound makes RocksDB flush it so WAL space stays bounded.
  db.max_total_wal_size = 4 * memtable_budget(options);
  db.keep_log_file_num = 4;
  // Open table readers are cached up to this many (the rest reopen on demand, cheap next to
  // reading a batch): their memory no longer grows with the number of table files.
  db.max_open_files = kMaxOpenFiles;
  // Table readers load in the opening thread: RocksDB's default starts 16 threads for every
  // column family on every open (a backtest opens its logs ~20 times: ~330 threads, a tenth of
  // a short run's wall time), for logs whose few files open in microseconds anyway.
  db.max_file_opening_threads = 1;
  // A corrupt table or MANIFEST entry is an error at open, never skipped.
  db.paranoid_checks = true;
  // Flushed table files bypass the page cache: copying them into it was ~30% of the system CPU
  // of recording on the dev box (bench/store_bench.cc); reads stay buffered.
  db.use_direct_io_for_flush_and_compaction = direct_flush;
  db.bytes_per_sync = 1 * kMiB;  // smooth writeback when flushes are buffered
  // Without a WAL a flush is what makes writes durable: all column families flush together, so
  // the counters in meta always describe the last batch in events and outputs.
  db.atomic_flush = !options.write_ahead_log && options.sync != RecorderOptions::Sync::kBatch;
  if (options.env != nullptr) {
    db.env = options.env;
  } else if (!options.sync_files) {
    db.env = no_sync_env();
  }
  return db;
}

std::vector<rocksdb::ColumnFamilyDescriptor> cf_descriptors(const LogOptions& options) {
  const rocksdb::BlockBasedTableOptions table =
      table_options(rocksdb::NewLRUCache(kBlockCacheBytes));
  std::vector<rocksdb::ColumnFamilyDescriptor> out(kCfCount);
  out[kCfDefault] = {std::string(kCfNames[kCfDefault]), small_cf(1 * kMiB, table)};
  out[kCfEvents] = {std::string(kCfNames[kCfEvents]), hot_cf(options, 4, table)};
  out[kCfOutputs] = {std::string(kCfNames[kCfOutputs]), hot_cf(options, 8, table)};
  out[kCfSnapshots] = {std::string(kCfNames[kCfSnapshots]), small_cf(4 * kMiB, table)};
  out[kCfMeta] = {std::string(kCfNames[kCfMeta]), small_cf(1 * kMiB, table)};
  return out;
}

bool direct_io_supported(const std::string& dir) {
  const std::string probe = dir + "/" + std::string(kDirectIoProbeName);
  // O_EXCL | O_NOFOLLOW: never open (let alone create or truncate) whatever a planted symlink
  // or file of that name points at.
  constexpr int kFlags = O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_DIRECT | O_CLOEXEC;
  int fd = ::open(probe.c_str(), kFlags, 0600);
  if (fd < 0 && errno == EEXIST) {
    // A regular file is a probe left by a process killed mid-probe: remove it and probe again.
    // Anything else (a symlink, a directory) is not ours: leave it and write buffered.
    struct stat st {};
    if (::lstat(probe.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
    ::unlink(probe.c_str());
    fd = ::open(probe.c_str(), kFlags, 0600);
  }
  if (fd < 0) return false;
  ::close(fd);
  ::unlink(probe.c_str());
  return true;
}

rocksdb::ReadOptions scan_read_options() {
  rocksdb::ReadOptions read;
  // RocksDB's own readahead (from the third sequential read of a table: 8 KiB doubling up to
  // 256 KiB), not a fixed 2 MiB: a batch value is one block of ~100 KB-1 MB, read whole anyway,
  // and the fixed readahead kept a 2 MiB buffer per table iterator, one per level of the log:
  // 4.6 MB at peak scanning a 1 M-bar data log, 9.5 MB at 10 M (bench/RESULTS.md).
  read.readahead_size = 0;
  // A scan reads each block once: keep it from evicting what point reads cached.
  read.fill_cache = false;
  return read;
}

}  // namespace tape::store_internal
