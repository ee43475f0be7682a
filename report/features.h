// Microstructure features of a log's market data (docs/microstructure.md): the indicators of
// include/tape/microstructure.h computed per instrument over every market-data input of a run or
// data log, in seq order, and written as one CSV row per input. `tape backtest --features
// FILE` writes it from the backtest's own log after the run.
//
// What feeds what (per instrument):
//   * Quote: OFI from (bid, bid_qty, ask, ask_qty); a side with qty 0 is empty.
//   * Book message (LOBSTER): applied to the instrument's order-level book (core/l3_book.h,
//     seeded and level-1-inferred as the run's L3 venue was: the log's meta data.book_seeds);
//     when the message changed the rebuilt top of book, OFI from that top and multi-level OFI
//     from the rebuilt depth (the levels the book holds, best first).
//   * Trade print: VPIN (price, qty) and Hawkes (side = the recorded aggressor, or the tick rule
//     with hawkes.side = tick).
//   * Bar: VPIN (close, volume) as one bar; Hawkes one event when volume > 0, side by the tick
//     rule on the close (bars carry no aggressor).
//   * Book message (LOBSTER): executions of a visible (4) or hidden (5) order are prints whose
//     aggressor is the other side of the resting order; a cross (6) is volume for VPIN only (an
//     auction has no aggressor). Other actions are rows with the last values.
// Every market-data input of an instrument is a row of it; orders, controls and heartbeats are
// not rows. Each row carries the values just after its input (Hawkes decayed to its time).
//
// Deterministic: a pure function of the log's inputs and the options; numbers are written in
// the shortest form that reads back to the same double (std::to_chars), so equal inputs give
// equal bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/events.h"
#include "core/status.h"
#include "feed/instruments.h"
#include "feed/json.h"
#include "store/event_log.h"
#include "tape/microstructure.h"

namespace tape {

struct FeatureOptions {
  // Default: all three. Which indicators get columns ("indicators = ofi,vpin,hawkes").
  bool ofi = true, vpin = true, hawkes = true;
  // Default: 100. OFI's rolling window, in top-of-book updates.
  uint32_t ofi_window = 100;
  // Default: 1 = level-1 OFI only. 2..64: also multi-level OFI over that many levels per side
  // (columns ofi_cum_l1 .. ofi_cum_lN), from the rebuilt book's depth on LOBSTER data.
  uint32_t ofi_levels = 1;
  // Default: 0 = auto: per instrument, the log's total traded volume / (50 x days with
  // volume), at least 1 (ELO's bucket: a fiftieth of the average daily volume).
  int64_t vpin_bucket_volume = 0;
  // Default: 50 buckets in VPIN's window, 50 bars in its sigma.
  uint32_t vpin_window = 50, vpin_sigma_bars = 50;
  // Default: 0 = every print (or bar) is a bar. Time bars for BVC, in ns.
  int64_t vpin_bar_ns = 0;
  // Default: mu 0, alpha 1, alpha_cross 0, beta 1 (per second).
  micro::HawkesOptions hawkes_params;
  // Default: false = the recorded aggressor. true: the tick rule (up = buy, down = sell, no
  // change = the previous print's side, the first print a buy).
  bool hawkes_tick_rule = false;
};

// Parses "key=value" settings (docs/microstructure.md lists the keys). Status::invalid naming
// the setting and the key for a bad value, and for an unknown key with the closest valid one.
Result<FeatureOptions> parse_feature_options(const std::vector<std::string>& settings);

// What write_features found, per instrument with at least one row.
struct FeatureInstrumentSummary {
  std::string symbol;
  uint64_t rows = 0, quotes = 0, prints = 0, bars = 0, book_messages = 0;
  int64_t vpin_bucket_volume = 0;  // as used (auto or set)
  uint64_t vpin_buckets = 0;
  double vpin_last = 0, vpin_max = 0;  // over rows with at least one completed bucket
  int64_t ofi_cumulative = 0;
  double hawkes_buy_max = 0, hawkes_sell_max = 0;
};

struct FeatureSummary {
  std::string path;
  uint64_t rows = 0;
  std::vector<std::string> columns;
  std::vector<FeatureInstrumentSummary> instruments;
  Json to_json() const;
};

// The CSV header for `options` (also FeatureSummary::columns).
std::vector<std::string> feature_columns(const FeatureOptions& options);

// Reads `log` (every batch, one decoded at a time) and writes the features CSV to `path`
// (a temporary beside it, renamed at the end: no partial file is left on failure). Status::io
// naming the file when it cannot be written; the log's own errors as its reader gives them.
Result<FeatureSummary> write_features(const EventLog& log, const FeatureOptions& options,
                                      const std::string& path);

}  // namespace tape
