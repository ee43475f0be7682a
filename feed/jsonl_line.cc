#include "feed/jsonl_line.h"

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

}  // namespace tape
