// Stored snapshot value → decode_snapshot (checksum, envelope, format version, traversal
// limits, state hash against state bytes). Corrupt bytes give a Status naming the snapshot;
// one that decodes re-encodes to the same bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/snapshot.h"
#include "core/status.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto snap = tape::decode_snapshot(bytes, "fuzz snapshot");
  if (!snap.is_ok()) return 0;
  auto again = tape::decode_snapshot(tape::encode_snapshot(snap.value()), "fuzz re-encoded snapshot");
  TAPE_CHECK(again.is_ok(), again.status().message().c_str());
  TAPE_CHECK(again->core_state == snap->core_state && again->seq == snap->seq,
             "snapshot round trip differs");
  return 0;
}
