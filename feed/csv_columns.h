// Which column of a CSV file holds which field: found in the header by name (case, spaces,
// '_', '-' and '.' ignored, with the aliases listed in docs/data_formats.md) or given by the
// user as field=NAME|INDEX (INDEX 1-based). Also the default symbol of a file.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "feed/csv.h"

namespace tape {

// Every field a CSV reader knows. Which are required depends on the format.
enum class CsvCol : uint8_t {
  kSymbol,
  kDateTime,  // one column with date and time (or the date alone)
  kDate,
  kTime,
  kOpen,
  kHigh,
  kLow,
  kClose,
  kAdjClose,
  kVolume,
  kBid,
  kAsk,
  kBidSize,
  kAskSize,
  kPrice,
  kSize,
  kSide,
  kCount,
};
const char* csv_col_name(CsvCol c);  // "symbol", "datetime", ..., "adj_close", "bid_size"
bool parse_csv_col(std::string_view name, CsvCol& out);

// Column index (0-based) per field, -1 when absent, and the name each column is shown by in
// messages (the header's text, or "column N" without a header).
struct ColumnMap {
  std::array<int, static_cast<size_t>(CsvCol::kCount)> index;
  std::vector<std::string> names;
  ColumnMap() { index.fill(-1); }
  int at(CsvCol c) const { return index[static_cast<size_t>(c)]; }
  bool has(CsvCol c) const { return at(c) >= 0; }
  const std::string& name(CsvCol c) const { return names[static_cast<size_t>(at(c))]; }
};

// A field=NAME|INDEX override, as parsed from --columns.
struct ColumnOverride {
  CsvCol field = CsvCol::kSymbol;
  std::string column;  // a header name, or a 1-based index
};
// "open=Open,high=3" -> overrides. Status::usage naming the bad item and the known fields.
Result<std::vector<ColumnOverride>> parse_column_overrides(const std::string& text);

// Resolves the columns of `header` (the first row's fields; null when the file has none, then
// every field must be an index override). `wanted` are the fields to look up by alias;
// overrides win. Status::invalid naming `path` for an override naming no column.
Result<ColumnMap> resolve_columns(const std::string& path, const std::vector<CsvField>* header,
                                  size_t field_count, const std::vector<CsvCol>& wanted,
                                  const std::vector<ColumnOverride>& overrides);

// A file's default symbol: its name without directory and extension, up to the first '-' or
// '_', upper-cased ("orcl-1995-2014.txt" -> "ORCL"); the whole stem upper-cased when that part
// is empty or all digits ("2006-min-005.txt" -> "2006-MIN-005").
std::string symbol_from_path(const std::string& path);

}  // namespace tape
