// `tape audit`: proves a recorded log is whole and untampered, or names the first bad seq.
//
// Checks, batch by batch in key order: every record decodes within Cap'n Proto traversal
// limits; the block's key equals its first seq and seqs run contiguously from 1 across blocks;
// outputs belong to the block's inputs; the hash chain link recomputes; the outputs a fresh core
// derives from the inputs equal the recorded ones; at the end, the chain head and last seq equal
// the meta's and the final state hash equals the recorded one. Given an InputOracle, every
// input must also be the one the oracle (the scenario's seeded generator) produces, and every
// snapshot's generator state must be the oracle's at that seq.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/config.h"
#include "core/core.h"
#include "core/snapshot.h"
#include "core/status.h"
#include "store/event_log.h"

namespace tape {

// An independent source of what a log's inputs must be. `tape audit` gives the recorded
// scenario's seeded generator, so a run's log must hold exactly what its scenario and seed
// generate: a forger who recomputes outputs, the chain and the hashes is still caught.
class InputOracle {
 public:
  virtual ~InputOracle() = default;
  // The oracle's next input must equal `in`; a Status::mismatch says how they differ.
  virtual Status expect(const Input& in) = 0;
  // The snapshot's generator state (and clamped-timestamp count) must be the oracle's now.
  virtual Status expect_snapshot(const SnapshotData& snap) = 0;
  // At the log's end; `complete`: the log says its run finished, so nothing may follow.
  virtual Status expect_end(bool complete) = 0;
};

// Makes the oracle for an audit, given the core the audit replays into (a generator reads the
// book from it, as it did from the recording run's core).
using InputOracleFactory = std::function<std::unique_ptr<InputOracle>(const Core& core)>;

struct AuditOptions {
  // Default: empty (no anchor). 64 lowercase hex digits: the chain head the log must end at,
  // as `run` printed it (docs/event_log_format.md, Chain). A log cut short and re-chained has
  // another head.
  std::string expect_head;
  // Default: empty (not checked). The name of the recorded scenario: meta scenario_name must be it.
  std::string scenario_name;
};

struct AuditReport {
  uint64_t batches = 0;
  uint64_t inputs = 0;
  uint64_t outputs = 0;            // recorded outputs compared with recomputed ones
  uint64_t chain_links = 0;        // links recomputed and matched
  uint64_t snapshots = 0;          // snapshots whose state hash was checked
  uint64_t inputs_regenerated = 0; // inputs the oracle produced identically (0: no oracle)
  uint64_t meta_keys = 0;          // meta keys parsed and accounted for
  bool state_hash_checked = false;
  bool head_checked = false;       // AuditOptions::expect_head was given and held
  std::string chain_head;          // the head the log ends at (hex), as recomputed
  // Empty when every check held; otherwise what was wrong and at which seq or key.
  std::string failure;
  uint64_t failure_seq = 0;
  std::string failure_key;         // e.g. "meta seed" when the failure is about a key
  // "decode", "seq", "inputs", "chain", "outputs", "snapshot", "meta", "keys", "state_hash",
  // "head"
  std::string failure_check;
  bool ok() const { return failure.empty(); }
};

// Audits `log` recorded with `config`, checking its inputs against `oracle` when given. Every
// key of every column family is accounted for: meta keys are the format's and parse strictly
// (those a run's log must have are required), each `events` key is a batch's first seq in order,
// each `outputs` key one of those, each `snapshots` key a seq in range holding a valid snapshot
// of the state the replay reaches there (and every one the recorded cadence calls for exists),
// `default` is empty. An environment failure reading is a Status (exit 4); everything the log
// itself gets wrong is reported in the AuditReport.
Result<AuditReport> audit_log(const EventLog& log, const CoreConfig& config,
                              const InputOracleFactory& oracle = {},
                              const AuditOptions& options = {});

}  // namespace tape
