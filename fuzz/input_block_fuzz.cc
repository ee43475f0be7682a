// Stored events block → decode_input_block. Corrupt bytes give a Status naming the block; a
// block that decodes re-encodes to one that decodes to the same inputs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/codec.h"
#include "core/status.h"
#include "feed/event_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::vector<tape::Input> inputs;
  if (!tape::decode_input_block(bytes, "fuzz events block", inputs).is_ok()) return 0;
  for (const auto& in : inputs) {
    // Every rendering: stored values, and through an (empty) instrument table, text and JSON.
    static const tape::InstrumentFormat kFormat(tape::InstrumentTable{});
    (void)tape::describe(in);
    (void)tape::describe(in, &kFormat);
    (void)tape::dump_json(tape::event_json(tape::fields_of(in, &kFormat)));
  }
  const std::string again = tape::encode_input_block(inputs);
  std::vector<tape::Input> decoded;
  const tape::Status st = tape::decode_input_block(again, "fuzz re-encoded block", decoded);
  TAPE_CHECK(st.is_ok(), st.message().c_str());
  TAPE_CHECK(tape::encode_input_block(decoded) == again, "input block round trip differs");
  return 0;
}
