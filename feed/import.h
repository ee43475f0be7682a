// The import pipeline behind `tape import`: files in one format stream into one data log
// (feed/data_log.h). For each file: its SHA-256; with tick size "auto" (or bars whose period is
// found from the data) a scan pass; then all files are read together and merged in timestamp
// order, ties broken by (position of the file on the command line, line), symbols numbered in
// order of first appearance in that merged stream, seqs from 1, 4096 inputs per batch.
//
// All or nothing: the log is written into a sibling temporary dir (DIR.importing-PID) and
// renamed to DIR only when complete; any failure removes it and leaves DIR as it was.
// Memory is bounded by the readers' buffers and one batch, whatever the files' sizes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "feed/csv_readers.h"
#include "feed/decimal.h"
#include "feed/instruments.h"
#include "feed/record.h"

namespace tape {

// Written to the import meta's "importer_version" (bump when a file imports differently).
inline constexpr int kImporterVersion = 1;

enum class ImportFormat : uint8_t { kBars, kQuotes, kTrades, kJsonl, kLobster };
const char* import_format_name(ImportFormat f);
bool parse_import_format(std::string_view text, ImportFormat& out);

struct ImportOptions {
  // Default: bars. The format of every file.
  ImportFormat format = ImportFormat::kBars;
  // Required. The data log's directory; must be missing or empty unless `overwrite`.
  std::string data_dir;
  // Default: false. Replace an existing tape log in data_dir (only once the import succeeded).
  bool overwrite = false;
  // CSV layout, times and bars (bars/quotes/trades; `kind` is set from `format`). For lobster
  // `csv.symbol` is the symbol; for jsonl the symbol of lines without one.
  CsvOptions csv;
  // Default: true. Tick size "auto": per symbol, the finest decimal scale seen in a scan pass.
  bool tick_auto = true;
  // Default: 0.01. The tick of every symbol not in `symbol_ticks` (when not auto).
  Decimal default_tick{1, 2};
  // Default: none. SYM=DECIMAL ticks; they win over auto and over default_tick.
  std::map<std::string, Decimal> symbol_ticks;
  // Default: unset = reject (nearest with csv.adjusted). A price off its tick.
  std::optional<Rounding> rounding;
  // Default: unset = the format's own (CSV 0, LOBSTER 4). Prices are value x 10^price_scale.
  std::optional<int> price_scale;
  // Default: unset = the format's own (CSV UTC, LOBSTER America/New_York). The zone's name.
  std::optional<std::string> tz;
  // Default: empty = from the file name (TICKER_YYYY-MM-DD_...). LOBSTER only: the trading day
  // (YYYY-MM-DD) whose local midnight the message times count from.
  std::string date;
  // Default: false = the first bad row fails the import. true: counted and skipped.
  bool skip_bad_rows = false;
  // Default: 4096. Inputs per stored batch. Clamped to [1, 65536].
  uint32_t batch_inputs = 4096;
  // Default: 16 MiB. The log's memtable budget (LogOptions::memtable_bytes_max): an import
  // writes each key once, in order, so a small budget costs no speed and keeps RSS low.
  uint64_t memtable_bytes_max = uint64_t{16} << 20;
  // Default: true. false: nothing of the data log is fsynced (LogOptions::sync_files), for a
  // log that is thrown away after use (a backtest's data imported on the fly).
  bool sync_files = true;
  // Default: none. Called every 65536 rows with (bytes read over all passes, bytes to read,
  // rows read in this pass).
  std::function<void(uint64_t, uint64_t, uint64_t)> progress;
};

struct ImportFileReport {
  std::string path;
  std::string sha256;  // 64 lowercase hex digits
  uint64_t bytes = 0;
  uint64_t rows = 0;      // data rows read (imported + skipped)
  uint64_t imported = 0;  // records written
  uint64_t skipped = 0;   // bad rows skipped
};

struct ImportReport {
  std::vector<ImportFileReport> files;
  BadRowTally bad_rows;
  std::map<std::string, uint64_t> unknown_orders;  // lobster: by action
  InstrumentTable instruments;
  uint64_t inputs = 0;
  uint64_t last_seq = 0;
  std::string chain_head;
  int64_t first_ts_ns = 0;
  int64_t last_ts_ns = 0;
  std::string import_meta;  // the JSON written to meta "import"
};

// Runs the import. Status::invalid for the first bad row (its BadRow::message()) unless
// skipping, for a file without rows to import, or for a data_dir that is not empty; Status::usage
// for options that contradict each other; Status::io for a file or the log's dir.
Result<ImportReport> run_import(const std::vector<std::string>& files,
                                const ImportOptions& options);

// SHA-256 of a file's bytes as 64 lowercase hex digits, and its size.
Result<std::string> file_sha256(const std::string& path, uint64_t& bytes);

}  // namespace tape
