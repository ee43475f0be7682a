// One JSONL line (docs/data_formats.md, JSONL) decoded into one input, without the checks that
// hold between lines (time order, seq order): what the file reader (feed/jsonl_reader.h) and
// the live NATS source (live/) share. Prices are exact (the number's text, never a double).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "feed/jsonl_fields.h"
#include "feed/jsonl_line.h"
#include "feed/record.h"

namespace tape {

struct JsonlDecodeOptions {
  // Default: "" (a line without "symbol" is a missing_field). The symbol of a line without one.
  std::string default_symbol;
  // Default: true. False: a line may have no time (live messages are stamped on arrival); a
  // time that is there must still be readable.
  bool need_time = true;
};

// The line's "seq", when it has one, and where.
struct JsonlSeq {
  bool present = false;
  uint64_t value = 0;
  uint64_t column = 0;
};

class JsonlDecoder {
 public:
  // `ticks` must outlive the decoder.
  JsonlDecoder(JsonlDecodeOptions options, TickConverter& ticks)
      : options_(std::move(options)), ticks_(ticks) {}

  // true: `out` holds the line's time (0 when absent and not needed), symbol (empty for a
  // heartbeat) and body (instrument fields unset: the caller maps the symbol). false: `bad`
  // holds the reason, column, field and detail (its file and line are the caller's).
  bool decode(std::string_view text, FeedRecord& out, BadRow& bad, JsonlSeq& seq);
  // A field of the line decode() last read (nullptr if it has none).
  const JsonField* find(std::string_view key) const {
    for (const JsonField& f : fields_) {
      if (f.key == key) return &f;
    }
    return nullptr;
  }

 private:
  bool header(JsonlLine& l, const std::string& type, FeedRecord& out, JsonlSeq& seq);

  JsonlDecodeOptions options_;
  TickConverter& ticks_;
  std::vector<JsonField> fields_;  // reused from line to line
};

}  // namespace tape
