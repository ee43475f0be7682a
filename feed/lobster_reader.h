// Reader of LOBSTER message files (`TICKER_YYYY-MM-DD_START_END_message_LEVEL.csv`): one
// BookMessageIn per row `time,type,order_id,size,price,direction`. Types 1..6 map to
// BookAction kAdd..kCross; type 7 maps by its price (-1 kHalt, 0 kQuoteResume, 1 kTradeResume).
// `time` is seconds after the date's local midnight in `tz`, exact to the ns (never a double).
// Messages of types 2, 3 and 4 naming an order id never added in the file are accepted and
// counted per action (a level-1 file starts with a populated book), never a bad row.
// Bad-row reasons: wrong_field_count, bad_number (a time or integer that does not parse),
// unknown_type (not 1..7), bad_enum (direction not +-1, a type 7 price not -1/0/1),
// non_positive_size (types 1..6), not_on_tick, time_backwards (an equal time is fine).
// A type 7 message has price 0, qty and order id as written (0), side from its direction.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/status.h"
#include "feed/record.h"

namespace tape {

struct LobsterOptions {
  // Default: "" = the TICKER part of the file name. The symbol of every record.
  std::string symbol;
  // Default: "" = the YYYY-MM-DD part of the file name. The trading day the times count from.
  std::string date;
  // Default: "America/New_York" (NASDAQ). IANA zone whose midnight `time` counts from.
  std::string tz = "America/New_York";
  // Default: 4 (LOBSTER prices are dollars x 10^4). Decimal digits of the price column.
  int price_scale_digits = 4;
};

struct LobsterStats {
  // Messages naming an order id never added in the file, by action name ("reduce", "delete",
  // "execute"). Ordered: it reaches meta and the report.
  std::map<std::string, uint64_t> unknown_order_by_action;
  // Good messages yielded so far.
  uint64_t messages = 0;
};

// Opens `path`. Status::usage naming the file and the option to pass (--symbol / --date) when
// the name does not carry the symbol or date and the option is empty; Status::usage for an
// unknown time zone or a price scale outside 0..kDecimalScaleMax; Status::io when the file
// cannot be opened. `ticks` must outlive the reader. `*stats_out` (when not null) is set to the
// reader's counters, valid while the reader lives and updated by every next().
Result<std::unique_ptr<RecordReader>> open_lobster_reader(const std::string& path,
                                                          const LobsterOptions& options,
                                                          TickConverter& ticks,
                                                          const LobsterStats** stats_out);

}  // namespace tape
