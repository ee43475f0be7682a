// Conversion between the bus's plain structs (core/events.h) and their persisted Cap'n Proto
// form (core/schema/events.capnp). Encoding is total; decoding validates every enum and union
// tag and reports a corrupt record as a Status naming its seq, never a crash.
#pragma once

#include <span>
#include <string>
#include <variant>
#include <string_view>
#include <vector>

#include <capnp/message.h>

#include "core/batch_sink.h"
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
// One batch for a BatchSink: `inputs` (at least one, contiguous seqs) and the outputs derived
// from them (none for a data log), with its seq and time bounds and counts.
EncodedBatch encode_batch(std::span<const Input> inputs, std::span<const Output> outputs);

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

// How prices, money and instruments read to a person. Without one, events show what is stored:
// ticks, minor units and instrument ids. replay/ implements it from a log's instruments.
class ValueFormat {
 public:
  virtual ~ValueFormat() = default;
  virtual std::string symbol(InstrumentId instrument) const = 0;
  virtual std::string price(InstrumentId instrument, int64_t ticks) const = 0;
  virtual std::string money(int64_t minor_units) const = 0;
  // An input's timestamp (ns since the epoch), written as field "ts" after "ts_ns"; empty: none.
  virtual std::string time(int64_t ts_ns) const = 0;
};

// One named value of an event, in the order the event's fields are written.
struct EventField {
  using Value = std::variant<int64_t, uint64_t, bool, std::string>;
  const char* key;
  Value value;
};
using EventFields = std::vector<EventField>;

// An event's fields: seq (and k), ts_ns, type, then its own, e.g. seq, ts_ns, type, id, account,
// instrument (or symbol), side, order_type, tif, price, qty for a new order, then, only when
// they differ from their defaults, stop_price (a price), post_only (true) and expire (ns since
// the epoch): the order-type fields of format 2. Leaving defaults out keeps the text and JSON of
// format-1 logs unchanged, and the JSON-lines import reads an absent field as its default, so an
// export still imports back to the same events.
EventFields fields_of(const Input& in, const ValueFormat* format = nullptr);
EventFields fields_of(const Output& out, const ValueFormat* format = nullptr);

// One line of human-readable text for inspect/diff, e.g.
// "seq=4 ts_ns=12 type=cancel id=42 account=1003 instrument=1" ("symbol=ACME" with a format).
std::string describe(const Input& in, const ValueFormat* format = nullptr);
std::string describe(const Output& out, const ValueFormat* format = nullptr);
const char* input_type_name(const InputBody& body);
const char* output_type_name(const OutputBody& body);

}  // namespace tape
