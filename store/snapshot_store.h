// Snapshots in the event log's `snapshots` column family, keyed by big-endian seq. A snapshot is
// one atomic Put; a snapshot whose seq is past the log's last complete batch (the run died
// before that batch was written) is ignored by readers.
#pragma once

#include <optional>
#include <vector>

#include "core/snapshot.h"
#include "store/event_log.h"

namespace tape {

// Writes `s`; `sync` fsyncs it (use it when the recorder syncs batches).
Status put_snapshot(EventLog& log, const SnapshotData& s, bool sync);
// The newest valid snapshot with seq <= `at` and <= the log's last seq, or nullopt.
Result<std::optional<SnapshotData>> latest_snapshot(const EventLog& log, Seq at);
// Every stored snapshot's seq, in order (including any past the log's end).
Result<std::vector<Seq>> snapshot_seqs(const EventLog& log);
Result<SnapshotData> read_snapshot(const EventLog& log, Seq seq);

}  // namespace tape
