// Snapshots of the whole core state: the canonical state encoding wrapped in a
// Cap'n Proto message with its seq, time and hash. Recovery = latest snapshot + replay of the
// tail; a replay from a snapshot reaches the same state hash as a replay from seq 1.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "core/types.h"

namespace tape {

inline constexpr uint32_t kSnapshotFormatVersion = 1;

struct SnapshotData {
  Seq seq;                      // the last input applied
  Timestamp ts;                 // its timestamp
  std::string state_hash;       // hash_hex(core_state)
  std::string core_state;       // canonical encoding of the core
  std::string generator_state;  // the sim generator's state, or empty
  uint64_t ts_clamped = 0;
};

// Stored form: 8-byte XXH3-64 checksum (little-endian) of the message, then the Cap'n Proto
// schema::Snapshot message (flat array, unpacked).
std::string encode_snapshot(const SnapshotData& s);
// Decodes and checks a stored snapshot: checksum, format version, traversal limits, and that
// the state hash matches the state bytes. `context` names it in errors ("snapshot at seq 1000").
Result<SnapshotData> decode_snapshot(std::string_view bytes, const std::string& context);

}  // namespace tape
