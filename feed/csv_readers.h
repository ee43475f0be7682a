// Readers of CSV bars, quotes and trades (docs/data_formats.md: layouts, column names, time
// rules, bad-row reasons). One reader per file; it checks each row on its own and against the
// previous rows of its file (time order; duplicate timestamps of bars with a known period) and yields FeedRecords with
// prices in ticks through the import's TickConverter.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "feed/csv_columns.h"
#include "feed/record.h"
#include "feed/time_parse.h"

namespace tape {

enum class CsvKind : uint8_t { kBars, kQuotes, kTrades };
const char* csv_kind_name(CsvKind k);  // "bars" | "quotes" | "trades"

struct CsvOptions {
  // Default: bars. What each row is.
  CsvKind kind = CsvKind::kBars;
  // Default: "" = symbol_from_path(file). The symbol of every row (without a symbol column).
  std::string symbol;
  // Default: "" = a column headed symbol/ticker/sym/instrument when there is one (and `symbol`
  // is empty). A header name or 1-based index of the column holding each row's symbol.
  std::string symbol_column;
  // Default: none. field=NAME|INDEX overrides of the header's names.
  std::vector<ColumnOverride> columns;
  // Default: ','. The field separator.
  char delimiter = ',';
  // Default: true. The first line names the columns; without it every field is an override.
  bool header = true;
  // Default: auto. How dates are written.
  DateFormat date_format = DateFormat::kAuto;
  // Default: auto. How times (or date-times) are written; kUnix* ignore `tz`.
  TimeFormat time_format = TimeFormat::kAuto;
  // Default: UTC. The zone of times written without an offset.
  TimeZone tz;
  // Default: -1 = the end of the date (the next local midnight). Otherwise ns after local
  // midnight at which a daily bar is stamped (--daily-close HH:MM).
  int64_t daily_close_ns = -1;
  // Default: false. Yahoo's adjusted bars: close := Adj Close, open/high/low scaled by
  // AdjClose/Close (exact, rounded to the tick with the converter's rounding).
  bool adjusted = false;
  // Default: -1 = auto: 1 day for daily bars, `bar_periods_ns[symbol]` (from the scan pass) for
  // intraday ones, 0 when unknown. >= 0: every bar's period.
  int64_t bar_period_ns = -1;
  // Default: empty. Intraday periods found by the scan pass (CsvScan::bar_periods_ns()).
  std::map<std::string, int64_t> bar_periods_ns;
  // Default: 1. Units per lot: a size column counts units, written in lots (must divide).
  int64_t lot_size = 1;
  // Default: 0. Prices in the file are value x 10^price_scale (4 for dollars x 10,000).
  int price_scale = 0;
};

// What the scan pass (a reader run with TickConverter::scanner()) learns besides tick scales.
struct CsvScan {
  struct Gaps {
    int64_t min_ns = 0;  // smallest positive gap between consecutive good rows
    int64_t gcd_ns = 0;  // greatest common divisor of all positive gaps
  };
  // Per symbol.
  std::map<std::string, Gaps> gaps;
  // Good rows seen.
  uint64_t rows = 0;
  // Per symbol, the period of its intraday bars: the smallest gap when every gap is a multiple
  // of it (a regular series), else 0 (irregular rows such as one bar per trade tick).
  std::map<std::string, int64_t> bar_periods_ns() const;
};

// Opens `path` and reads its header. Status::invalid naming the file for a header that lacks a
// required field (and which option maps it), Status::io when it cannot be read. `ticks` must
// outlive the reader; `scan` (may be null) is filled while it reads and must outlive it.
Result<std::unique_ptr<RecordReader>> open_csv_reader(const std::string& path,
                                                      const CsvOptions& options,
                                                      TickConverter& ticks, CsvScan* scan);

}  // namespace tape
