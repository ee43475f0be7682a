// `tape audit`: proves a recorded log is whole and untampered, or names the first bad seq.
//
// Checks, batch by batch in key order: every record decodes within Cap'n Proto traversal
// limits; the block's key equals its first seq and seqs run contiguously from 1 across blocks;
// outputs belong to the block's inputs; the hash chain link recomputes; the outputs a fresh core
// derives from the inputs equal the recorded ones; at the end, the chain head and last seq equal
// the meta's and the final state hash equals the recorded one.
#pragma once

#include <cstdint>
#include <string>

#include "core/config.h"
#include "core/status.h"
#include "store/event_log.h"

namespace tape {

struct AuditReport {
  uint64_t batches = 0;
  uint64_t inputs = 0;
  uint64_t outputs = 0;            // recorded outputs compared with recomputed ones
  uint64_t chain_links = 0;        // links recomputed and matched
  uint64_t snapshots = 0;          // snapshots whose state hash was checked
  bool state_hash_checked = false;
  // Empty when every check held; otherwise what was wrong and at which seq.
  std::string failure;
  uint64_t failure_seq = 0;
  std::string failure_check;  // "decode", "seq", "chain", "outputs", "meta", "state_hash"
  bool ok() const { return failure.empty(); }
};

// Audits `log` recorded with `config`. I/O errors opening or reading are a Status; everything
// the log itself gets wrong is reported in the AuditReport.
Result<AuditReport> audit_log(const EventLog& log, const CoreConfig& config);

}  // namespace tape
