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

// The core a data log drives: per instrument its symbol and lot size, at the run's money scale
// (feed/instruments.h money_scale_for: the least power of ten >= kMoneyScale that makes every
// tick x lot whole, so Yahoo's 6-decimal prices run at 10^6 money units per currency unit) and
// tick_value = tick size x that scale (instrument_at_scale). A log without readable
// instruments is Status::mismatch (exit 3); an instrument no scale up to 10^9 makes exact is
// Status::invalid naming it (exit 2).
Result<CoreConfig> data_log_config(const EventLog& log);

// Replays data log `log` into a core built with `config` (data_log_config). A data log has no
// snapshots: the replay always starts at seq 1 (options.from only bounds nothing here); it ends
// at options.to (0: the log's end). With options.verify the log is audited first (failure:
// Status::mismatch naming the check and seq) and the result says data_log_checked.
Result<ReplayResult> replay_data_log(const EventLog& log, const CoreConfig& config,
                                     const ReplayOptions& options, const ReplayHooks& hooks = {});

}  // namespace tape
