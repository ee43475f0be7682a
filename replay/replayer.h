// Replays a recorded log through a fresh core and, with verify, proves that it reproduces every
// recorded output and the recorded final state hash. The first difference is reported with its
// seq (Status::mismatch, exit 3).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/config.h"
#include "core/core.h"
#include "store/event_log.h"

namespace tape {

struct ReplayOptions {
  // Default: 1. First seq reported and verified. The replay starts from the newest snapshot
  // taken before it (or from seq 1 when there is none) and replays the inputs in between.
  Seq from = Seq(1);
  // Default: 0 = the end of the log. Last seq replayed.
  Seq to = Seq(0);
  // Compare every output in [from, to] with the recorded one, and the final state hash with
  // the recorded one when the replay reaches the end of the log.
  bool verify = false;
};

struct ReplayResult {
  uint64_t inputs = 0;         // inputs replayed
  uint64_t outputs = 0;        // outputs produced
  uint64_t outputs_compared = 0;
  Seq last_seq;
  std::string state_hash;
  bool reached_end = false;
  bool state_hash_verified = false;
  Seq snapshot_seq;  // the snapshot the replay started from (0: seq 1)
};

// Optional callbacks around each replayed input (the CLI times them with its wall clock; the
// replayer itself reads no clock).
struct ReplayHooks {
  std::function<void()> before;
  std::function<void(const Input&, const Core&)> after;
  // Called once with the core's final state and its hash, after the last replayed input.
  std::function<void(const Core&, const std::string& state_hash)> finished;
};

// `config` must be the config the log was recorded with (the CLI rebuilds it from the
// scenario text in the log's meta). Returns the result, or the first error/mismatch.
Result<ReplayResult> replay_log(const EventLog& log, const CoreConfig& config,
                                const ReplayOptions& options, const ReplayHooks& hooks = {});

}  // namespace tape
