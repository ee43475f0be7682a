// Backtest config text -> parser (the TOML guards, every section's keys and ranges, the import
// option strings, the strategies and their parameter tables). Whatever the bytes, the parser
// answers a BacktestConfig or a Status; it never crashes, hangs or runs out of memory. An
// accepted config must read back from the canonical text a backtest log stores, to the same text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "session/backtest_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = tape::parse_backtest_text(text, "fuzz.toml", "");
  if (!parsed.is_ok()) return 0;
  auto again = tape::parse_backtest_text(parsed->canonical_toml, "fuzz canonical", "");
  TAPE_CHECK(again.is_ok(), again.status().message().c_str());
  TAPE_CHECK(again->canonical_toml == parsed->canonical_toml, "canonical text changed the config");
  return 0;
}
