// Reader of LOBSTER orderbook files (`TICKER_YYYY-MM-DD_START_END_orderbook_LEVEL.csv`): rows
// `ask price 1, ask size 1, bid price 1, bid size 1, ask price 2, ...`, no header, one row per
// message of the matching message file: the book after that message. Only level 1 is read
// (the rest of a row is checked to be whole numbers and otherwise ignored). A dummy price
// (LOBSTER writes 9999999999 for a missing ask, -9999999999 for a missing bid, size 0) is an
// empty side. Prices are dollars x 10^price_scale_digits and are converted to ticks exactly.
// Bad rows are errors naming file:line:column (wrong_field_count: not a multiple of 4 fields;
// bad_number; negative_size; not_on_tick). One buffered stream; the file is never loaded whole.
// The L3 venue takes its seed from the first row (core/l3_book.h, docs/l3_venue.md).
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>

#include "core/l3_book.h"
#include "core/status.h"
#include "feed/decimal.h"

namespace tape {

class LobsterBookReader {
 public:
  // Status::io when the file cannot be opened. `tick` is the instrument's tick size.
  static Result<std::unique_ptr<LobsterBookReader>> open(const std::string& path,
                                                         int price_scale_digits, Decimal tick);
  // The next row's level 1 into *row (present = true); false at the end of the file.
  Result<bool> next(BookSeed* row);
  uint64_t line() const { return line_; }
  // Levels per row (fields / 4), known once a row was read.
  int levels() const { return levels_; }

 private:
  LobsterBookReader(const std::string& path, int scale, Decimal tick)
      : path_(path), scale_(scale), tick_(tick) {}
  Status bad(size_t column, const std::string& field, const std::string& detail,
             const std::string& reason) const;

  std::string path_;
  int scale_;
  Decimal tick_;
  std::ifstream in_;
  std::string text_;
  uint64_t line_ = 0;
  int levels_ = 0;
};

// The first row of `path` (the seed of an L3 backtest): Status::invalid for an empty file or a
// bad first row.
Result<BookSeed> read_lobster_seed(const std::string& path, int price_scale_digits, Decimal tick);

}  // namespace tape
