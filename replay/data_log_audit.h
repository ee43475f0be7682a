// `tape audit` of a data log (`tape import`, docs/event_log_format.md "data log"): the same
// report as a run's audit, from checks that fit a log of inputs only. There is no scenario and
// no seed, so nothing regenerates its inputs; instead the log must be whole and untampered
// (batches decode, seqs run from 1 without a gap, timestamps never decrease, the chain
// recomputes, meta counters and --expect-head hold), hold no outputs and no snapshots, name
// only instruments of its meta "instruments", and account for every imported row in meta
// "import".
#pragma once

#include "feed/data_log.h"
#include "replay/audit.h"
#include "store/event_log.h"

namespace tape {

// True when `log`'s meta says it is a data log. An environment failure is a Status.
Result<bool> is_data_log(const EventLog& log);

// Audits a data log (is_data_log true). An environment failure reading is a Status (exit 4);
// everything the log gets wrong is in the report.
Result<AuditReport> audit_data_log(const EventLog& log, const AuditOptions& options = {});

}  // namespace tape
