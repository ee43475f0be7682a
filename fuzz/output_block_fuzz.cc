// Stored outputs block → decode_output_block. Corrupt bytes give a Status naming the block; a
// block that decodes re-encodes to one that decodes to the same outputs.
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
  std::vector<tape::Output> outputs;
  if (!tape::decode_output_block(bytes, "fuzz outputs block", outputs).is_ok()) return 0;
  for (const auto& out : outputs) {
    // Every rendering: stored values, and through an (empty) instrument table, text and JSON.
    static const tape::InstrumentFormat kFormat(tape::InstrumentTable{});
    (void)tape::describe(out);
    (void)tape::describe(out, &kFormat);
    (void)tape::dump_json(tape::event_json(tape::fields_of(out, &kFormat)));
  }
  tape::Seq first(outputs.empty() ? 1 : outputs.front().seq.value());
  tape::Seq last(outputs.empty() ? 1 : outputs.back().seq.value());
  const std::string again = tape::encode_output_block(first, last, outputs);
  std::vector<tape::Output> decoded;
  const tape::Status st = tape::decode_output_block(again, "fuzz re-encoded block", decoded);
  TAPE_CHECK(st.is_ok(), st.message().c_str());
  TAPE_CHECK(tape::encode_output_block(first, last, decoded) == again,
             "output block round trip differs");
  return 0;
}
