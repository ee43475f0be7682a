// One CSV row's fields turned into an input: timestamps, exact prices in ticks, sizes in lots,
// and the checks of each row kind. Internal to feed/csv_readers.cc; every check that fails
// fills the caller's BadRow (reasons in docs/data_formats.md) and returns false.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "feed/csv.h"
#include "feed/csv_columns.h"
#include "feed/csv_readers.h"
#include "feed/record.h"

namespace tape {

// What a reader keeps per symbol of its file.
struct SymbolState {
  std::string symbol;
  Decimal tick{1, 0};  // the converter's tick (import pass)
  int64_t last_ts = std::numeric_limits<int64_t>::min();
  int64_t intraday_period_ns = 0;  // period of an intraday bar
  int64_t daily_period_ns = 0;     // period of a daily bar
};

// Exact "[+-]digits[.digits]" with at most 18 digits, no allocation; false otherwise (the
// caller asks parse_decimal for the reason, or for a longer number that still fits).
inline bool scan_decimal(std::string_view t, Decimal& out) {
  const char* p = t.data();
  const char* const e = p + t.size();
  bool negative = false;
  if (p < e && (*p == '-' || *p == '+')) negative = *p++ == '-';
  uint64_t u = 0;
  int digits = 0, scale = 0;
  for (; p < e; ++p, ++digits) {
    const unsigned d = static_cast<unsigned char>(*p) - '0';
    if (d > 9) break;
    u = u * 10 + d;
  }
  if (p < e && *p == '.') {
    for (++p; p < e; ++p, ++digits, ++scale) {
      const unsigned d = static_cast<unsigned char>(*p) - '0';
      if (d > 9) break;
      u = u * 10 + d;
    }
  }
  if (p != e || digits == 0 || digits > 18) return false;
  out = Decimal{negative ? -static_cast<int64_t>(u) : static_cast<int64_t>(u), scale};
  return true;
}

class CsvRow {
 public:
  CsvRow(const CsvReader& csv, const ColumnMap& map, const CsvOptions& options,
         TickConverter& ticks);
  // Starts a row: bad rows are written to `bad`.
  void begin(BadRow* bad) { bad_ = bad; }
  // The CsvReader's own bad row (a bad quote, a line too long).
  void malformed();
  SymbolState make_state(const std::string& symbol) const;
  // The row's symbol's state (added on first sight); null with a bad row for an empty symbol.
  SymbolState* symbol_of_row(std::vector<SymbolState>& states, size_t& last);
  // The row's timestamp; `daily` when it has a date and no time (a daily bar).
  bool timestamp(int64_t& ts, bool& daily);
  bool bar(const SymbolState& s, int64_t ts, bool daily, InputBody& body);
  bool quote(const SymbolState& s, InputBody& body);
  bool trade(const SymbolState& s, InputBody& body);
  // Always false: the row is a bad row "time_backwards" / "duplicate_timestamp".
  bool backwards(int64_t ts, int64_t last_ts);
  bool duplicate(int64_t ts);

 private:
  const CsvField* field(CsvCol c);
  bool decimal(CsvCol c, Decimal& d);
  bool ticks_of(CsvCol c, const SymbolState& s, Decimal d, int64_t& ticks);
  bool price(CsvCol c, const SymbolState& s, int64_t& ticks);
  bool adjusted_price(CsvCol c, const SymbolState& s, Decimal v, Decimal adj, Decimal close,
                      int64_t& ticks);
  bool size(CsvCol c, int64_t& lots);
  bool range_error(bool high_below_low, bool open_outside);
  bool fail(CsvCol c, const char* reason, std::string detail);
  CsvCol time_col() const { return map_.has(CsvCol::kDate) ? CsvCol::kDate : CsvCol::kDateTime; }

  const CsvReader& csv_;
  const ColumnMap map_;
  const CsvOptions& options_;
  TickConverter& ticks_;
  BadRow* bad_ = nullptr;
};

}  // namespace tape
