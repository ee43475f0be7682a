// Conversion between the bus's plain structs (core/events.h) and their persisted Cap'n Proto
// form (core/schema/events.capnp). Encoding is total; decoding validates every enum and union
// tag and reports a corrupt record as a Status naming its seq, never a crash.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <capnp/message.h>

#include "core/events.h"
#include "core/schema/events.capnp.h"
#include "core/status.h"

namespace tape {

void encode_input(const Input& in, schema::Input::Builder out);
void encode_output(const Output& out, schema::Output::Builder b);
Result<Input> decode_input(schema::Input::Reader r);
Result<Output> decode_output(schema::Output::Reader r);

// Whole blocks, as stored: flat arrays of words, unpacked.
std::string encode_input_block(std::span<const Input> inputs);
std::string encode_output_block(Seq first_seq, Seq last_seq, std::span<const Output> outputs);

// Upper bound of the traversal limit for reading one stored block: 64 Mi words (512 MiB), far
// above any block tape writes. Each read is limited further to a small multiple of the block's
// own size, so a corrupt length cannot make a read (or the decoder's allocation) run away.
inline constexpr uint64_t kBlockTraversalLimitWords = 64ull << 20;

// Decodes stored block bytes (any alignment; copied into `scratch` when not 8-byte aligned).
// `context` names the block in errors, e.g. "events block at seq 4097".
Status decode_input_block(std::string_view bytes, const std::string& context,
                          std::vector<Input>& out);
Status decode_output_block(std::string_view bytes, const std::string& context,
                           std::vector<Output>& out);

// One line of human-readable text for inspect/diff, e.g.
// "seq=12 ts=1000500 new_order id=7 acct=1003 inst=0 buy limit gtc px=10012 qty=300".
std::string describe(const Input& in);
std::string describe(const Output& out);
// The same facts as a JSON object.
std::string to_json(const Input& in);
std::string to_json(const Output& out);
const char* input_type_name(const InputBody& body);
const char* output_type_name(const OutputBody& body);

}  // namespace tape
