// What the order-level (L3) venue counted in a backtest (core/l3_book.h's L3Counters, per
// instrument, and the venue's feed_early), as the JSON object `l3` of summary.json and of
// `tape backtest --json` (docs/l3_venue.md lists the keys). The CLI adds the strategies'
// fills from the queue (maker fills) and on arrival (taker fills), read from the run's fills.
#pragma once

#include "core/l3_venue.h"
#include "feed/instruments.h"
#include "feed/json.h"

namespace tape {

// {"instruments": [{"symbol", "messages", "unknown_reduce", "unknown_delete",
//  "unknown_execute", "unknown_excess_lots", "duplicate_adds", "dropped_adds",
//  "oversize_reduces", "pruned_levels", "pruned_lots", "hidden_executions", "crosses", "halts",
//  "absorbed_executions", "absorbed_lots", "crossing_adds"}, ...], "feed_early": n}.
// Instruments without a message are left out.
Json l3_summary_json(const L3Venue& venue, const InstrumentTable& instruments);

}  // namespace tape
