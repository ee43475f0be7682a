// format_jsonl: the JSONL form of one input (the reader's schema, feed/jsonl_reader.h), built
// from the same field list inspect prints (core/codec.h fields_of), without the "ts" text.
#include "feed/event_format.h"
#include "feed/jsonl_reader.h"

namespace tape {

std::string format_jsonl(const Input& in, const InstrumentTable& table) {
  const InstrumentFormat format(table, /*with_time=*/false);
  return dump_json(event_json(fields_of(in, &format)));
}

}  // namespace tape
