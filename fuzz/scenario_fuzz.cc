// Scenario text → parser (size, depth and include guards, schema, ranges, cross-key checks).
// Whatever the bytes, the parser answers a Scenario or a Status; it never crashes, hangs or
// runs out of memory. An accepted scenario must also survive its own canonical form.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "sim/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = tape::parse_scenario_text(text, "fuzz.toml");
  if (!parsed.is_ok()) return 0;
  // What a log stores as its scenario meta is the canonical text; it must parse back to the
  // same scenario (audit, replay and resume depend on it).
  auto again = tape::parse_scenario_text(parsed->canonical_toml, "fuzz canonical");
  TAPE_CHECK(again.is_ok(), again.status().message().c_str());
  TAPE_CHECK(tape::same_scenario(parsed.value(), again.value()), "canonical text changed the scenario");
  return 0;
}
