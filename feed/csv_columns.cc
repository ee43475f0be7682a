#include "feed/csv_columns.h"

#include <charconv>
#include <filesystem>

namespace tape {
namespace {

constexpr const char* kNames[] = {"symbol",  "datetime", "date",     "time",     "open",
                                  "high",    "low",      "close",    "adj_close", "volume",
                                  "bid",     "ask",      "bid_size", "ask_size", "price",
                                  "size",    "side"};
static_assert(std::size(kNames) == static_cast<size_t>(CsvCol::kCount));

// Header spellings per field, normalized (lower case, no ' ', '_', '-', '.'). Order matters
// only within one field: the first alias present wins.
const std::vector<std::string_view>& aliases(CsvCol c) {
  static const std::vector<std::string_view> kAliases[] = {
      {"symbol", "ticker", "sym", "instrument"},
      {"datetime", "timestamp", "time", "ts", "date"},
      {"date", "day", "tradedate"},
      {"time", "timeofday"},
      {"open", "o", "openprice"},
      {"high", "h", "highprice"},
      {"low", "l", "lowprice"},
      {"close", "c", "closeprice", "last"},
      {"adjclose", "adjustedclose", "adjcloseprice"},
      {"volume", "vol", "v"},
      {"bid", "bidprice", "bidpx", "bestbid"},
      {"ask", "askprice", "askpx", "offer", "bestask"},
      {"bidsize", "bidqty", "bidsz", "bidvolume", "bidvol"},
      {"asksize", "askqty", "asksz", "askvolume", "askvol", "offersize"},
      {"price", "px", "tradeprice", "last", "lastprice"},
      {"size", "qty", "quantity", "volume", "vol", "amount", "tradesize"},
      {"side", "aggressor", "aggressorside", "buysell", "direction"},
  };
  return kAliases[static_cast<size_t>(c)];
}

std::string normalize(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == ' ' || ch == '_' || ch == '-' || ch == '.') continue;
    out += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
  }
  return out;
}

bool parse_index(std::string_view text, int& out) {
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1) return false;
  out = v - 1;
  return true;
}

std::string known_fields() {
  std::string out;
  for (const char* n : kNames) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

}  // namespace

const char* csv_col_name(CsvCol c) { return kNames[static_cast<size_t>(c)]; }

bool parse_csv_col(std::string_view name, CsvCol& out) {
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if (name == kNames[i]) {
      out = static_cast<CsvCol>(i);
      return true;
    }
  }
  return false;
}

Result<std::vector<ColumnOverride>> parse_column_overrides(const std::string& text) {
  std::vector<ColumnOverride> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    ColumnOverride o;
    if (eq == std::string::npos || eq + 1 == item.size() ||
        !parse_csv_col(item.substr(0, eq), o.field)) {
      return Status::usage("--columns: '" + item + "' is not field=NAME|INDEX (fields: " +
                           known_fields() + ")");
    }
    o.column = item.substr(eq + 1);
    out.push_back(std::move(o));
  }
  return out;
}

Result<ColumnMap> resolve_columns(const std::string& path, const std::vector<CsvField>* header,
                                  size_t field_count, const std::vector<CsvCol>& wanted,
                                  const std::vector<ColumnOverride>& overrides) {
  ColumnMap map;
  std::vector<std::string> normalized;
  for (size_t i = 0; i < field_count; ++i) {
    map.names.push_back(header ? std::string((*header)[i].text) : "column " + std::to_string(i + 1));
    normalized.push_back(header ? normalize((*header)[i].text) : std::string());
  }
  std::vector<bool> taken(field_count, false);
  for (const ColumnOverride& o : overrides) {
    int idx = -1;
    if (!parse_index(o.column, idx)) {
      const std::string want = normalize(o.column);
      for (size_t i = 0; i < field_count && header; ++i) {
        if (normalized[i] == want) {
          idx = static_cast<int>(i);
          break;
        }
      }
    }
    if (idx < 0 || static_cast<size_t>(idx) >= field_count) {
      return Status::invalid(path + ":1: --columns " + csv_col_name(o.field) + "=" + o.column +
                             ": no such column (the file has " + std::to_string(field_count) +
                             (header ? " columns; names are case-insensitive)" : " columns)"));
    }
    map.index[static_cast<size_t>(o.field)] = idx;
    taken[static_cast<size_t>(idx)] = true;
  }
  if (header == nullptr) return map;
  for (CsvCol c : wanted) {
    if (map.has(c)) continue;
    for (std::string_view alias : aliases(c)) {
      for (size_t i = 0; i < field_count; ++i) {
        if (!taken[i] && normalized[i] == alias) {
          map.index[static_cast<size_t>(c)] = static_cast<int>(i);
          taken[i] = true;
          break;
        }
      }
      if (map.has(c)) break;
    }
  }
  return map;
}

std::string symbol_from_path(const std::string& path) {
  std::string stem = std::filesystem::path(path).stem().string();
  const size_t cut = stem.find_first_of("-_");
  std::string head = stem.substr(0, cut);
  bool digits_only = true;
  for (char c : head) digits_only = digits_only && c >= '0' && c <= '9';
  std::string out = head.empty() || digits_only ? stem : head;
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out.empty() ? "DATA" : out;
}

}  // namespace tape
