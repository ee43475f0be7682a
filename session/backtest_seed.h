// The seeds of an L3 backtest's books (core/l3_book.h, docs/l3_venue.md): the first row of each
// instrument's LOBSTER orderbook file, read once when the backtest starts and recorded in the
// run log's meta ("data" -> "book_seeds"), so replay and audit rebuild the same core config
// from the log alone, without the files.
//
// Which files (config `data.book_seed`, `data.book_seeds`):
//   "auto" (default): for every LOBSTER message file of the data (the config's files, or the
//     files the data log's import names), the orderbook file beside it (the same name with
//     `_message_` replaced by `_orderbook_`), when it exists. None found: no seed.
//   "none": no seed (every book starts empty and incomplete).
//   a path (or a list in `book_seeds`): those files, all required.
// A file seeds the instrument of its TICKER (the file name up to its first '_', upper-cased);
// with a single instrument, that one. Errors (Status::invalid, exit 2) name the file and key:
// a file that is missing or unreadable, a bad first row (feed/lobster_book.h), two files for one
// instrument, a TICKER that is not an instrument of the data.
// Level-1: the books infer what a level-1 file does not show (VenueConfig::l3_level1) unless a
// seed file has more than one level per row or a message file's name ends in a LEVEL above 1.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "feed/instruments.h"
#include "feed/json.h"
#include "session/backtest_config.h"

namespace tape {

struct ResolvedSeeds {
  std::vector<BookSeed> seeds;  // by instrument id
  bool level1 = true;
  Json meta = Json::array();    // [{symbol, path, sha256, levels, bid, bid_qty, ask, ask_qty}]
};

// `message_files`: the data's files (message files for LOBSTER data); `price_scale`: the
// import's LOBSTER price scale.
Result<ResolvedSeeds> resolve_book_seeds(const BacktestData& data,
                                         const std::vector<std::string>& message_files,
                                         int price_scale, const InstrumentTable& instruments);

// The seeds recorded in a backtest log's meta (`meta` = data.book_seeds, may be null).
Result<ResolvedSeeds> seeds_from_meta(const Json& meta, const InstrumentTable& instruments);

}  // namespace tape
