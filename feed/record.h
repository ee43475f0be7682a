// What every file reader in feed/ yields, and how it reports a bad row. A reader holds one
// buffer, yields records in file order, and never loads a whole file (STYLE.md, streaming
// readers). The import pipeline (feed/import.h) merges several readers into one data log.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/events.h"
#include "core/status.h"

namespace tape {

// One input read from a file, before the sequencer gives it a seq.
struct FeedRecord {
  int64_t ts_ns = 0;        // nanoseconds since the Unix epoch, UTC
  std::string symbol;       // the instrument's symbol; the pipeline maps it to an InstrumentId
  InputBody body;           // its `instrument` fields are filled in by the pipeline
  uint64_t line = 0;        // 1-based line of the file the record came from
};

// Where a bad row is: file, 1-based line and column (bytes from the start of the line, 1-based),
// the field's name, and a reason from the fixed list in docs/data_formats.md (a snake_case word:
// "missing_field", "bad_number", "not_on_tick", "negative_size", "high_below_low",
// "time_backwards", "duplicate_timestamp", "bad_time", "bad_json", "unknown_field", ...).
struct BadRow {
  std::string file;
  uint64_t line = 0;
  uint64_t column = 0;
  std::string field;
  std::string reason;
  std::string detail;  // what was found, e.g. "'2.1790125' is not a multiple of the tick 0.000001"

  // "FILE:LINE:COLUMN: FIELD: DETAIL (REASON)", the form every import error takes.
  std::string message() const {
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + field + ": " +
           detail + " (" + reason + ")";
  }
};

// Bad rows counted under `--on-bad-row skip`: per reason, and the first few in full.
struct BadRowTally {
  // Default: 5. How many bad rows are kept in full for the report.
  static constexpr size_t kExamplesMax = 5;
  std::map<std::string, uint64_t> by_reason;  // ordered: reaches meta and output
  std::vector<BadRow> examples;
  uint64_t total = 0;

  void count(const BadRow& row) {
    ++by_reason[row.reason];
    ++total;
    if (examples.size() < kExamplesMax) examples.push_back(row);
  }
};

// A reader of one file in one format. next() yields the next good record; a bad row is returned
// as `bad` (the reader stays usable, positioned after that row) so that the caller chooses to
// fail or to skip. An I/O failure is a Status (Status::io), after which the reader is done.
class RecordReader {
 public:
  virtual ~RecordReader() = default;
  enum class Step : uint8_t { kRecord, kBadRow, kEnd };
  // kRecord: `out` holds a record. kBadRow: `bad` describes the row. kEnd: the file is done.
  [[nodiscard]] virtual Result<Step> next(FeedRecord& out, BadRow& bad) = 0;
  // Bytes consumed so far (for a progress bar) and the file's size.
  virtual uint64_t bytes_read() const = 0;
};

}  // namespace tape
