// One JSONL line as a flat list of (key, scalar value) with each value's column, parsed by
// nlohmann-json's SAX interface so that numbers keep their text (never a double) and every
// value knows where it starts in the line (for file:line:column messages). The common line (a
// flat object of plain keys and scalars) is read first by a one-pass scan that accepts only what
// the library accepts, with the same fields; every other line, and every error, is the
// library's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tape {

struct JsonField {
  enum class Kind : uint8_t {
    kString,    // `text` is the decoded string
    kInteger,   // a negative integer in `i`
    kUnsigned,  // a non-negative integer in `u`
    kFloat,     // a number with a fraction or exponent (or beyond uint64): its text in `text`
    kBool,
    kNull,
    kCompound,  // an object or array (the schema has none)
  };
  std::string key;
  Kind kind = Kind::kNull;
  std::string text;
  int64_t i = 0;
  uint64_t u = 0;
  bool b = false;
  uint64_t column = 1;  // 1-based byte column of the value's first character
};

// The name of a kind for messages ("a string", "a number", ...).
const char* json_kind_name(JsonField::Kind kind);

// Parses `line` as one JSON object into `fields` (cleared first; the vector's storage is reused
// from line to line; entries beyond the line's keys are dropped). On failure returns false with `error` ("expected ... ", "duplicate key
// 'x'", "not a JSON object") and `error_column` (1-based).
bool parse_json_line(std::string_view line, std::vector<JsonField>& fields, std::string& error,
                     uint64_t& error_column);

namespace jsonl_internal {
// parse_json_line through nlohmann's parser alone (what the one-pass scan is checked against).
bool parse_json_line_library(std::string_view line, std::vector<JsonField>& fields,
                             std::string& error, uint64_t& error_column);
}  // namespace jsonl_internal

}  // namespace tape
