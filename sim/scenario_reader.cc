#include "sim/scenario_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace tape::scenario_detail {

std::string where(const toml::source_region& region, const std::string& fallback) {
  std::string file = region.path ? *region.path : fallback;
  if (file.rfind("--set", 0) == 0 || region.begin.line == 0) return file;
  return file + ":" + std::to_string(region.begin.line) + ":" +
         std::to_string(region.begin.column);
}

size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rolling rows of the optimal-string-alignment table.
  std::vector<size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    prev2.swap(prev);
    prev.swap(cur);
  }
  return prev[b.size()];
}

std::string closest_key(std::string_view key, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = SIZE_MAX;
  for (const std::string& c : candidates) {  // first of equal distances wins: request order
    const size_t d = edit_distance(key, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  // A typo changes a few characters; anything further is a different word.
  const size_t plausible = std::max<size_t>(2, std::min(key.size(), best.size()) / 3);
  return best_distance <= plausible ? best : std::string();
}

bool to_scaled(double value, int64_t scale, int64_t& out) {
  if (!std::isfinite(value)) return false;
  const double scaled = value * static_cast<double>(scale);
  if (std::fabs(scaled) >= 0x1.0p53) return false;
  const double rounded = std::nearbyint(scaled);
  // A decimal written in the file is the nearest double to it; scaling can leave an error of a
  // few ulps, never a visible fraction of a unit.
  if (std::fabs(scaled - rounded) > 1e-6 * std::max(1.0, std::fabs(scaled))) return false;
  out = static_cast<int64_t>(rounded);
  return true;
}

std::string format_decimal(int64_t scaled, int64_t scale) {
  const bool negative = scaled < 0;
  const uint64_t mag = negative ? 0 - static_cast<uint64_t>(scaled) : static_cast<uint64_t>(scaled);
  const uint64_t s = static_cast<uint64_t>(scale);
  std::string frac;
  uint64_t rem = mag % s;
  for (uint64_t unit = s / 10; unit > 0; unit /= 10) {
    frac.push_back(static_cast<char>('0' + rem / unit));
    rem %= unit;
  }
  while (frac.size() > 1 && frac.back() == '0') frac.pop_back();
  if (frac.empty()) frac.push_back('0');
  std::string out = negative ? "-" : "";
  out += std::to_string(mag / s);
  out += '.';
  out += frac;
  return out;
}

std::string toml_quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string format_double(double value) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof(buf), value);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

const char* type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    default: return "nothing";
  }
}

TableReader::TableReader(const toml::table& table, std::string path, std::string fallback)
    : table_(table), path_(std::move(path)), fallback_(std::move(fallback)) {}

std::string TableReader::full_key(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::string TableReader::location() const { return where(table_.source(), fallback_); }

Status TableReader::error_at(std::string_view key, const std::string& message) const {
  const toml::node* node = table_.get(key);
  const std::string loc = node ? where(node->source(), fallback_) : location();
  return Status::invalid(loc + ": '" + full_key(key) + "' " + message);
}

const toml::node* TableReader::lookup(std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
  return table_.get(key);
}

Status TableReader::type_error(std::string_view key, const toml::node& node,
                               const char* expected) const {
  return Status::invalid(where(node.source(), fallback_) + ": '" + full_key(key) + "' must be " +
                         expected + " (got " + type_name(node) + ")");
}

Status TableReader::missing(std::string_view key) const {
  return Status::invalid(location() + ": missing required key '" + full_key(key) + "'");
}

Status TableReader::integer(std::string_view key, int64_t lo, int64_t hi, int64_t& out,
                            bool required) {
  const toml::node* node = lookup(key);
  if (!node) return required ? missing(key) : Status::ok();
  const auto* v = node->as_integer();
  if (!v) return type_error(key, *node, "an integer");
  const int64_t x = v->get();
  if (x < lo || x > hi) {
    return error_at(key, "= " + std::to_string(x) + " is out of range [" + std::to_string(lo) +
                             ", " + std::to_string(hi) + "]");
  }
  out = x;
  return Status::ok();
}

Status TableReader::number(std::string_view key, double lo, double hi, double& out,
                           bool required) {
  const toml::node* node = lookup(key);
  if (!node) return required ? missing(key) : Status::ok();
  double x = 0;
  if (const auto* i = node->as_integer()) {
    x = static_cast<double>(i->get());
  } else if (const auto* f = node->as_floating_point()) {
    x = f->get();
  } else {
    return type_error(key, *node, "a number");
  }
  if (!std::isfinite(x) || x < lo || x > hi) {
    return error_at(key, "= " + format_double(x) + " is out of range [" + format_double(lo) +
                             ", " + format_double(hi) + "]");
  }
  out = x;
  return Status::ok();
}

Status TableReader::decimal(std::string_view key, int64_t scale, int64_t lo, int64_t hi,
                            int64_t& out, bool required) {
  const toml::node* node = lookup(key);
  if (!node) return required ? missing(key) : Status::ok();
  int64_t x = 0;
  if (const auto* i = node->as_integer()) {
    if (__builtin_mul_overflow(i->get(), scale, &x)) x = i->get() < 0 ? INT64_MIN : INT64_MAX;
  } else if (const auto* f = node->as_floating_point()) {
    if (!to_scaled(f->get(), scale, x)) {
      return error_at(key, "= " + format_double(f->get()) + " is not a multiple of " +
                               format_decimal(1, scale));
    }
  } else {
    return type_error(key, *node, "a number");
  }
  if (x < lo || x > hi) {
    return error_at(key, "= " + format_decimal(x, scale) + " is out of range [" +
                             format_decimal(lo, scale) + ", " + format_decimal(hi, scale) + "]");
  }
  out = x;
  return Status::ok();
}

Status TableReader::string(std::string_view key, std::string& out, bool required) {
  const toml::node* node = lookup(key);
  if (!node) return required ? missing(key) : Status::ok();
  const auto* s = node->as_string();
  if (!s) return type_error(key, *node, "a string");
  out = s->get();
  return Status::ok();
}

Status TableReader::optional_string(std::string_view key, std::optional<std::string>& out) {
  if (!table_.contains(key)) {
    lookup(key);
    return Status::ok();
  }
  std::string value;
  RETURN_IF_ERROR(string(key, value));
  out = std::move(value);
  return Status::ok();
}

Status TableReader::boolean(std::string_view key, bool& out) {
  const toml::node* node = lookup(key);
  if (!node) return Status::ok();
  const auto* b = node->as_boolean();
  if (!b) return type_error(key, *node, "true or false");
  out = b->get();
  return Status::ok();
}

Status TableReader::choice(std::string_view key, const std::vector<std::string_view>& allowed,
                           size_t& index, bool required) {
  std::string value;
  const bool present = table_.contains(key);
  RETURN_IF_ERROR(string(key, value, required));
  if (!present) return Status::ok();
  const auto it = std::find(allowed.begin(), allowed.end(), value);
  if (it != allowed.end()) {
    index = static_cast<size_t>(it - allowed.begin());
    return Status::ok();
  }
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "\"" : ", \"") + std::string(a) + "\"";
  return error_at(key, "= \"" + value + "\" is not one of " + list);
}

Status TableReader::string_list(std::string_view key, std::vector<StringItem>& out) {
  out.clear();
  const toml::node* node = lookup(key);
  if (!node) return Status::ok();
  const auto* arr = node->as_array();
  if (!arr) return type_error(key, *node, "an array of strings");
  for (const toml::node& item : *arr) {
    const auto* s = item.as_string();
    if (!s) return type_error(key, item, "an array of strings");
    out.push_back({s->get(), item.source()});
  }
  return Status::ok();
}

Result<const toml::table*> TableReader::table(std::string_view key) {
  const toml::node* node = lookup(key);
  if (!node) return static_cast<const toml::table*>(nullptr);
  const auto* t = node->as_table();
  if (!t) return type_error(key, *node, "a table");
  return t;
}

Result<const toml::array*> TableReader::table_array(std::string_view key) {
  const toml::node* node = lookup(key);
  if (!node) return static_cast<const toml::array*>(nullptr);
  const auto* arr = node->as_array();
  if (!arr) return type_error(key, *node, "an array of tables");
  for (const toml::node& item : *arr) {
    if (!item.is_table()) return type_error(key, item, "an array of tables");
  }
  return arr;
}

Status TableReader::finish() const {
  for (const auto& [k, v] : table_) {  // toml::table is ordered by key: a stable first report
    const std::string_view key = k.str();
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    const toml::source_region& region = k.source().begin.line ? k.source() : v.source();
    std::string msg = where(region, fallback_) + ": unknown key '" + full_key(key) + "'";
    const std::string suggestion = closest_key(key, known_);
    if (!suggestion.empty()) {
      msg += " (did you mean '" + suggestion + "'?)";
    } else if (!known_.empty()) {
      std::string list;
      for (const std::string& c : known_) list += (list.empty() ? "" : ", ") + c;
      msg += " (valid keys: " + list + ")";
    }
    return Status::invalid(msg);
  }
  return Status::ok();
}

}  // namespace tape::scenario_detail
