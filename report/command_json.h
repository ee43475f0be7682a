// The --json objects of `audit`, `diff`, `snapshot` and of `run --resume` on a finished run:
// one object each, members in the order scripts have always seen them.
#pragma once

#include <cstdint>
#include <string>

#include "core/snapshot.h"
#include "replay/audit.h"
#include "replay/diff.h"
#include "report/json.h"

namespace tape {

// data_dir, ok, the counts, chain_head (if any), and on failure {seq, check, key?, message}.
Json audit_object(const std::string& dir, const AuditReport& r);

// identical, the counts, and where the runs part (seq, what, a, b) when they do.
Json diff_object(const DiffResult& r);

// What `tape snapshot` wrote: its seq, state hash and size, and where recovery started from.
Json snapshot_object(const std::string& dir, const SnapshotData& snap, uint64_t replayed_from,
                     uint64_t tail_replayed);

// A finished run that `run --resume` leaves as it is: its end as the log's meta records it.
struct FinishedRun {
  uint64_t seq_last = 0;
  std::string state_hash;
  std::string chain_head;
};
Json finished_run_object(const std::string& dir, const FinishedRun& run);

}  // namespace tape
