// `tape replay` of a data log (`tape import`'s output: inputs only, its instruments in meta):
// the log's inputs drive, through the session loop with a DataLogSource, a core built from the
// log's instruments alone (no strategies, every other setting at its default), so its summary
// says what the core makes of the data: inputs, rejects by reason (a crossed quote is an
// InputRejected kCrossedQuote), the final state hash.
//
// A data log records no outputs and no final state hash, so there is nothing to compare a replay
// with: verify means only that the log is whole (replay/data_log_audit.h: every input decodes,
// seqs run from 1, time never goes back, the hash chain recomputes), and says so.
#pragma once

#include "core/config.h"
#include "replay/replayer.h"
#include "store/event_log.h"

namespace tape {

// The core a data log drives: per instrument its symbol, its lot size and tick_value = tick size
// x kMoneyScale (money minor units per tick). The core values a position only through
// tick_value x lot_size, so when the tick alone is finer than a money unit (Yahoo's adjusted
// 0.000001) but tick x lot is whole, that product is the tick value and the lot 1: notionals
// stay exact. When neither is whole (ORCL at tick 0.000001, lot 1: 0.01 of a money unit per
// tick), Status::invalid naming the instrument and what to import instead (exit 2), rather
// than rounding every notional. A log without readable instruments is Status::mismatch (exit 3).
Result<CoreConfig> data_log_config(const EventLog& log);

// Replays data log `log` into a core built with `config` (data_log_config). A data log has no
// snapshots: the replay always starts at seq 1 (options.from only bounds nothing here); it ends
// at options.to (0: the log's end). With options.verify the log is audited first (failure:
// Status::mismatch naming the check and seq) and the result says data_log_checked.
Result<ReplayResult> replay_data_log(const EventLog& log, const CoreConfig& config,
                                     const ReplayOptions& options, const ReplayHooks& hooks = {});

}  // namespace tape
