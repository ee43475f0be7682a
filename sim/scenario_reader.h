// Internal to the scenario parser: reads typed, range-checked values out of one TOML table and
// turns every problem into a Status::invalid that names the file, line:column and full dotted
// key. A reader remembers which keys it was asked for; finish() reports any other key as
// unknown, with the closest asked-for key as a suggestion.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "core/status.h"

namespace tape::scenario_detail {

// "file:line:column" of a region, the file alone when there is no position, `fallback` when the
// region names no file. Overrides carry the file name "--set key=value" and print without a
// position.
std::string where(const toml::source_region& region, const std::string& fallback);

// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions).
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `key` when it is plausibly a typo of it, else "".
std::string closest_key(std::string_view key, const std::vector<std::string>& candidates);

// `value` as an exact count of 1/scale units (e.g. 0.01 with scale 10000 -> 100). False when the
// value is not a whole number of units or does not fit.
bool to_scaled(double value, int64_t scale, int64_t& out);

// `scaled / scale` written as a TOML float with the fewest digits that are exact ("0.01", "5.0").
// scale is a power of ten.
std::string format_decimal(int64_t scaled, int64_t scale);

// `s` as a TOML basic string, quoted and escaped.
std::string toml_quote(std::string_view s);

// A double as a TOML float that parses back to the same value (shortest round-trip digits).
std::string format_double(double value);

// One string element of an array, with where it was written.
struct StringItem {
  std::string value;
  toml::source_region region;
};

class TableReader {
 public:
  // `table` must outlive the reader. `path` is the table's dotted key ("" for the root);
  // `fallback` names the document for nodes without a source position.
  TableReader(const toml::table& table, std::string path, std::string fallback);

  // Integers in [lo, hi]. Absent: `out` keeps its default, or an error when `required`.
  Status integer(std::string_view key, int64_t lo, int64_t hi, int64_t& out,
                 bool required = false);
  template <typename T>
  Status integer_as(std::string_view key, int64_t lo, int64_t hi, T& out, bool required = false) {
    int64_t v = static_cast<int64_t>(out);
    RETURN_IF_ERROR(integer(key, lo, hi, v, required));
    out = static_cast<T>(v);
    return Status::ok();
  }
  // Integer or float in [lo, hi], finite.
  Status number(std::string_view key, double lo, double hi, double& out, bool required = false);
  // A decimal (integer or float) stored as an exact count of 1/scale units; lo/hi in units.
  Status decimal(std::string_view key, int64_t scale, int64_t lo, int64_t hi, int64_t& out,
                 bool required = false);
  Status string(std::string_view key, std::string& out, bool required = false);
  // A string when present; absent leaves `out` unset.
  Status optional_string(std::string_view key, std::optional<std::string>& out);
  Status boolean(std::string_view key, bool& out);
  // A string that must be one of `allowed`; `index` receives its position.
  Status choice(std::string_view key, const std::vector<std::string_view>& allowed, size_t& index,
                bool required = false);
  // An array of strings; absent leaves `out` empty.
  Status string_list(std::string_view key, std::vector<StringItem>& out);
  // A sub-table; nullptr when absent.
  Result<const toml::table*> table(std::string_view key);
  // An array whose every element is a table; nullptr when absent.
  Result<const toml::array*> table_array(std::string_view key);

  // Reports every key of the table that no getter asked for.
  Status finish() const;

  // "path.key" (or "key" at the root).
  std::string full_key(std::string_view key) const;
  // An error located at `key` (its value, else the table) reading "LOCATION: 'path.key' msg".
  Status error_at(std::string_view key, const std::string& message) const;
  // "LOCATION" of the table itself.
  std::string location() const;
  const std::string& fallback() const { return fallback_; }

 private:
  const toml::node* lookup(std::string_view key);
  Status type_error(std::string_view key, const toml::node& node, const char* expected) const;
  Status missing(std::string_view key) const;

  const toml::table& table_;
  std::string path_;
  std::string fallback_;
  std::vector<std::string> known_;
};

// The TOML type of a node in words ("integer", "string", "table", ...).
const char* type_name(const toml::node& node);

}  // namespace tape::scenario_detail
