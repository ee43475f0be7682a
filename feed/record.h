// What every file reader in feed/ yields, and how it reports a bad row. A reader holds one
// buffer, yields records in file order, and never loads a whole file (STYLE.md, streaming
// readers). The import pipeline (feed/import.h) merges several readers into one data log.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/events.h"
#include "core/status.h"
#include "feed/decimal.h"

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

// Turns decimal prices into ticks, per symbol: a tick size for every symbol (`ticks` overrides
// `default_tick`) and one rounding policy. In scan mode (tick size "auto": the import's first
// pass) it converts nothing: it records, per symbol, the finest scale seen and returns 1, so a
// reader runs the same code in both passes. The scale is the one written ("45.660000" counts 6
// digits): a file's precision is what it writes, and a log exported at its tick's full scale
// (inspect --jsonl) re-imports to that same tick. Sizes never go through it (they are whole lots).
class TickConverter {
 public:
  TickConverter(Decimal default_tick, Rounding rounding) : default_(default_tick), rounding_(rounding) {}
  static TickConverter scanner() {
    TickConverter c(Decimal{1, 0}, Rounding::kReject);
    c.scan_ = true;
    return c;
  }
  void set_tick(const std::string& symbol, Decimal tick) { ticks_[symbol] = tick; }
  Decimal tick(const std::string& symbol) const {
    auto it = ticks_.find(symbol);
    return it == ticks_.end() ? default_ : it->second;
  }
  Rounding rounding() const { return rounding_; }
  bool scanning() const { return scan_; }
  // The error text is the reason's detail; the caller builds the BadRow ("not_on_tick" when the
  // value is off the tick, "bad_number" when out of range).
  Result<int64_t> price(const std::string& symbol, Decimal value) {
    if (scan_) {
      int& s = scales_[symbol];
      s = std::max(s, value.scale);
      return int64_t{1};
    }
    return to_ticks(value, tick(symbol), rounding_);
  }
  // Scan mode: the finest written scale per symbol (tick 10^-scale holds every price exactly).
  const std::map<std::string, int>& scales() const { return scales_; }

 private:
  Decimal default_;
  Rounding rounding_;
  bool scan_ = false;
  std::map<std::string, Decimal> ticks_;
  std::map<std::string, int> scales_;
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
