// Stored events block → decode_input_block. Corrupt bytes give a Status naming the block; a
// block that decodes re-encodes to one that decodes to the same inputs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/codec.h"
#include "core/status.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::vector<tape::Input> inputs;
  if (!tape::decode_input_block(bytes, "fuzz events block", inputs).is_ok()) return 0;
  for (const auto& in : inputs) {
    (void)tape::describe(in);
    (void)tape::to_json(in);
  }
  const std::string again = tape::encode_input_block(inputs);
  std::vector<tape::Input> decoded;
  const tape::Status st = tape::decode_input_block(again, "fuzz re-encoded block", decoded);
  TAPE_CHECK(st.is_ok(), st.message().c_str());
  TAPE_CHECK(tape::encode_input_block(decoded) == again, "input block round trip differs");
  return 0;
}
