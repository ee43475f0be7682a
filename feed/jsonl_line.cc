#include "feed/jsonl_line.h"

#include <charconv>
#include <iterator>
#include <nlohmann/json.hpp>

namespace tape {
namespace {

// A char iterator that leaves, in *probe, the address of the last character nlohmann's lexer
// read: when the SAX `key` callback runs, that is the key's closing quote.
struct ProbeIter {
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;
  const char* p = nullptr;
  const char** probe = nullptr;
  reference operator*() const {
    *probe = p;
    return *p;
  }
  ProbeIter& operator++() {
    ++p;
    return *this;
  }
  ProbeIter operator++(int) {
    ProbeIter old = *this;
    ++p;
    return old;
  }
  bool operator==(const ProbeIter& o) const { return p == o.p; }
};

using Kind = JsonField::Kind;

class FlatSax {
 public:
  FlatSax(std::string_view line, std::vector<JsonField>& fields, const char** probe)
      : line_(line), fields_(fields), probe_(probe) {}

  bool null() { return scalar(Kind::kNull); }
  bool boolean(bool v) {
    if (!scalar(Kind::kBool)) return false;
    if (depth_ == 1) fields_[count_ - 1].b = v;
    return true;
  }
  bool number_integer(int64_t v) {
    if (!scalar(Kind::kInteger)) return false;
    if (depth_ == 1) fields_[count_ - 1].i = v;
    return true;
  }
  bool number_unsigned(uint64_t v) {
    if (!scalar(Kind::kUnsigned)) return false;
    if (depth_ == 1) fields_[count_ - 1].u = v;
    return true;
  }
  bool number_float(double, const std::string& raw) { return text(Kind::kFloat, raw); }
  bool string(std::string& v) { return text(Kind::kString, v); }
  bool binary(nlohmann::json::binary_t&) { return scalar(Kind::kCompound); }
  bool start_object(std::size_t) { return open(); }
  bool start_array(std::size_t) {
    if (depth_ == 0) return not_object();
    return open();
  }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(std::string& k) {
    if (depth_ != 1) return true;
    const uint64_t key_end = static_cast<uint64_t>(*probe_ - line_.data()) + 1;
    for (size_t i = 0; i < count_; ++i) {
      if (fields_[i].key == k) {
        error_ = "duplicate key '" + k + "'";
        error_column_ = value_column(key_end);
        return false;
      }
    }
    // Entries past count_ are last line's: reuse them (and their strings' storage).
    if (count_ == fields_.size()) fields_.emplace_back();
    JsonField& f = fields_[count_++];
    f.key.assign(k);
    f.text.clear();
    f.column = value_column(key_end);
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::json::exception& e) {
    // nlohmann's text is "[json.exception.parse_error.101] parse error at line 1, column N: WHAT"
    // (or "[json.exception.out_of_range.406] WHAT"): keep WHAT, our message has the position.
    error_ = e.what();
    if (!error_.empty() && error_[0] == '[') {
      const size_t close = error_.find("] ");
      if (close != std::string::npos) error_ = error_.substr(close + 2);
    }
    if (error_.rfind("parse error", 0) == 0) {
      const size_t colon = error_.find(": ");
      if (colon != std::string::npos) error_ = error_.substr(colon + 2);
    }
    error_column_ = position == 0 ? 1 : position;
    return false;
  }

  size_t count() const { return count_; }
  const std::string& error() const { return error_; }
  uint64_t error_column() const { return error_column_; }

 private:
  // After the key's closing quote: whitespace, ':', whitespace, then the value.
  uint64_t value_column(uint64_t i) const {
    auto ws = [&](uint64_t j) {
      while (j < line_.size() && (line_[j] == ' ' || line_[j] == '\t')) ++j;
      return j;
    };
    i = ws(i);
    if (i < line_.size() && line_[i] == ':') i = ws(i + 1);
    return i + 1;
  }
  bool not_object() {
    error_ = "not a JSON object";
    error_column_ = 1;
    return false;
  }
  bool scalar(Kind kind) {
    if (depth_ == 0) return not_object();
    if (depth_ == 1) fields_[count_ - 1].kind = kind;
    return true;
  }
  bool text(Kind kind, const std::string& v) {
    if (!scalar(kind)) return false;
    if (depth_ == 1) fields_[count_ - 1].text = v;
    return true;
  }
  bool open() {
    if (depth_ == 1) fields_[count_ - 1].kind = Kind::kCompound;
    ++depth_;
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }

  std::string_view line_;
  std::vector<JsonField>& fields_;
  const char** probe_;
  size_t count_ = 0;  // fields of this line
  int depth_ = 0;
  std::string error_;
  uint64_t error_column_ = 1;
};


// The common line in one pass, without the library: a flat object of plain keys and scalar
// values, separated by spaces or tabs only. Anything else (an escape or a byte above 0x7F in a
// string, a nested value, a duplicate key, a long number or one with an exponent, other
// whitespace, any syntax error) returns false and the line goes to nlohmann's parser, which
// decides it and words every error: this pass only ever accepts what the library accepts, with
// the same fields (tests/unit/feed_json_line_test.cc compares the two).
class FlatScan {
 public:
  FlatScan(std::string_view line, std::vector<JsonField>& fields) : s_(line), fields_(fields) {}

  bool run() {
    ws();
    if (!eat('{')) return false;
    ws();
    if (eat('}')) return end();
    for (;;) {
      std::string_view key;
      if (!plain_string(key)) return false;
      for (size_t i = 0; i < count_; ++i) {
        if (fields_[i].key == key) return false;  // the library words the error
      }
      ws();
      if (!eat(':')) return false;
      ws();
      if (count_ == fields_.size()) fields_.emplace_back();
      JsonField& f = fields_[count_++];
      if (f.key != key) f.key.assign(key);  // lines of one shape repeat their keys
      f.column = i_ + 1;
      if (!value(f)) return false;
      ws();
      if (eat('}')) return end();
      if (!eat(',')) return false;
      ws();
    }
  }
  size_t count() const { return count_; }

 private:
  bool end() {
    ws();
    return i_ == s_.size();
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  bool eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool plain_string(std::string_view& out) {
    if (!eat('"')) return false;
    const size_t start = i_;
    for (; i_ < s_.size(); ++i_) {
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        out = s_.substr(start, i_ - start);
        ++i_;
        return true;
      }
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;
    }
    return false;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  bool value(JsonField& f) {
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (c == '"') {
      std::string_view text;
      if (!plain_string(text)) return false;
      f.kind = Kind::kString;
      if (f.text != text) f.text.assign(text);
      return true;
    }
    f.text.clear();
    if (c == 't' || c == 'f') {
      f.kind = Kind::kBool;
      f.b = c == 't';
      return literal(c == 't' ? "true" : "false");
    }
    if (c == 'n') {
      f.kind = Kind::kNull;
      return literal("null");
    }
    return number(f);
  }
  // -?(0|[1-9][0-9]*)(\.[0-9]+)?, at most 30 characters (so a fraction's double is finite).
  bool number(JsonField& f) {
    const size_t start = i_;
    const bool negative = eat('-');
    const size_t int_start = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    const size_t int_digits = i_ - int_start;
    if (int_digits == 0 || (int_digits > 1 && s_[int_start] == '0')) return false;
    bool fraction = false;
    if (eat('.')) {
      const size_t frac_start = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == frac_start) return false;
      fraction = true;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) return false;
    if (i_ - start > 30) return false;
    const char* first = s_.data() + start;
    const char* last = s_.data() + i_;
    if (fraction) {
      f.kind = Kind::kFloat;
      f.text.assign(first, last);
      return true;
    }
    if (negative) {
      f.kind = Kind::kInteger;
      return std::from_chars(first, last, f.i).ec == std::errc();
    }
    f.kind = Kind::kUnsigned;
    return std::from_chars(first, last, f.u).ec == std::errc();  // beyond uint64: the library's
  }

  std::string_view s_;
  std::vector<JsonField>& fields_;
  size_t i_ = 0;
  size_t count_ = 0;
};

}  // namespace

const char* json_kind_name(JsonField::Kind kind) {
  switch (kind) {
    case Kind::kString: return "a string";
    case Kind::kInteger:
    case Kind::kUnsigned:
    case Kind::kFloat: return "a number";
    case Kind::kBool: return "a boolean";
    case Kind::kNull: return "null";
    case Kind::kCompound: return "an object or array";
  }
  return "?";
}

bool parse_json_line(std::string_view line, std::vector<JsonField>& fields, std::string& error,
                     uint64_t& error_column) {
  FlatScan scan(line, fields);
  if (scan.run()) {
    fields.resize(scan.count());
    return true;
  }
  return jsonl_internal::parse_json_line_library(line, fields, error, error_column);
}

namespace jsonl_internal {

bool parse_json_line_library(std::string_view line, std::vector<JsonField>& fields,
                             std::string& error, uint64_t& error_column) {
  const char* probe = line.data();
  FlatSax sax(line, fields, &probe);
  bool ok = false;
  try {
    ok = nlohmann::json::sax_parse(ProbeIter{line.data(), &probe},
                                   ProbeIter{line.data() + line.size(), &probe}, &sax);
  } catch (const std::exception& e) {  // nlohmann reports through parse_error; this is a guard
    fields.resize(sax.count());
    error = e.what();
    error_column = 1;
    return false;
  }
  fields.resize(sax.count());
  if (ok) return true;
  error = sax.error().empty() ? "not a JSON object" : sax.error();
  error_column = sax.error_column();
  return false;
}

}  // namespace jsonl_internal

}  // namespace tape
