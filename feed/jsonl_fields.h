// Internals of the JSONL reader: typed access to one line's fields with bad-row reporting, the
// ISO-8601 timestamp form and exact JSON number text.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/types.h"
#include "feed/jsonl_line.h"
#include "feed/record.h"

namespace tape {

// "YYYY-MM-DDTHH:MM:SS[.f]" (or a space for 'T'; up to 9 fraction digits) then "Z" or
// +-HH:MM / +-HHMM / +-HH, as ns since the epoch, exactly; false for anything else (a time
// without a zone, one outside int64 ns).
bool parse_iso_ns(std::string_view s, int64_t& ns);

// A JSON number's text ("45.66", "4566e-2", "-1.5E+3") as an exact Decimal; false when it does
// not fit (more than 18 digits after the point, beyond int64 units).
bool parse_number_text(const std::string& text, Decimal& out);

// Decodes one line's fields; every getter fills `bad` and returns false on a problem.
class JsonlLine {
 public:
  JsonlLine(const std::vector<JsonField>& fields, BadRow& bad) : fields_(fields), bad_(bad) {}

  const JsonField* find(std::string_view key) const {
    for (const JsonField& f : fields_) {
      if (f.key == key) return &f;
    }
    return nullptr;
  }
  bool fail(const JsonField* f, std::string_view field, const char* reason, std::string detail) {
    bad_.column = f == nullptr ? 1 : f->column;
    bad_.field = std::string(field);
    bad_.reason = reason;
    bad_.detail = std::move(detail);
    return false;
  }
  const JsonField* need(std::string_view key) {
    const JsonField* f = find(key);
    if (f == nullptr) fail(nullptr, key, "missing_field", "missing");
    return f;
  }
  bool string(std::string_view key, std::string& out) {
    const JsonField* f = need(key);
    if (f == nullptr) return false;
    if (f->kind != JsonField::Kind::kString) return wrong_type(f, "a string");
    out = f->text;
    return true;
  }
  bool wrong_type(const JsonField* f, const char* wanted) {
    return fail(f, f->key, "bad_type",
                std::string(json_kind_name(f->kind)) + ", expected " + wanted);
  }
  // An integer in [lo, hi]; below zero with `size` is negative_size.
  bool integer(const JsonField* f, int64_t lo, uint64_t hi, bool size, int64_t& out);
  bool integer(std::string_view key, int64_t lo, uint64_t hi, bool size, int64_t& out) {
    const JsonField* f = need(key);
    return f != nullptr && integer(f, lo, hi, size, out);
  }
  bool price(std::string_view key, const std::string& symbol, TickConverter& ticks, Price& out);
  // A JSON true or false: bad_type for anything else.
  bool boolean(const JsonField* f, bool& out);
  // A time as ns since the epoch: an integer, or an ISO-8601 string with its zone (parse_iso_ns);
  // bad_time for an unreadable string.
  bool time_ns(const JsonField* f, int64_t& out);
  // A string that is one of `names`: missing_field (unless `optional`), bad_type, bad_enum.
  template <typename E>
  bool enumerated(std::string_view key, std::initializer_list<std::pair<const char*, E>> names,
                  E& out, bool optional = false);

 private:
  const std::vector<JsonField>& fields_;
  BadRow& bad_;
};

template <typename E>
bool JsonlLine::enumerated(std::string_view key,
                           std::initializer_list<std::pair<const char*, E>> names, E& out,
                           bool optional) {
  const JsonField* f = find(key);
  if (f == nullptr) return optional || fail(nullptr, key, "missing_field", "missing");
  if (f->kind != JsonField::Kind::kString) return wrong_type(f, "a string");
  std::string allowed;
  for (const auto& [name, value] : names) {
    if (f->text == name) {
      out = value;
      return true;
    }
    allowed += allowed.empty() ? name : std::string(", ") + name;
  }
  return fail(f, key, "bad_enum", "'" + f->text + "' is not one of " + allowed);
}


}  // namespace tape
