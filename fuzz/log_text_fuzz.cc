// The small text and key decoders a log's readers apply to stored keys, meta values and user
// input that addresses the log: big-endian seq keys, audit's strict meta decimals and hex, and
// --from/--to points (seq or simulated time).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cli/log_point.h"
#include "core/status.h"
#include "replay/audit_meta.h"
#include "store/event_log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto seq = tape::parse_seq_key(text);
  if (seq.is_ok()) {
    TAPE_CHECK(tape::seq_key(seq.value()) == text, "seq key round trip differs");
  }
  if (auto decimal = tape::audit_internal::parse_strict_decimal(text)) {
    TAPE_CHECK(std::to_string(*decimal) == text, "a strict decimal has one spelling");
  }
  (void)tape::audit_internal::is_lower_hex(text, 64);
  (void)tape::parse_log_point(text);
  return 0;
}
