// ImportOptions from text: the values of `tape import`'s flags and of a backtest config's
// [data] table are the same strings ("auto", "5m", "SYM=0.01", "America/New_York", ...), read
// here once. Each error names the option through `label` (a flag "--tick-size" or a config key
// "data.tick_size").
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "feed/import.h"

namespace tape {

// Unset fields keep ImportOptions' defaults.
struct ImportOptionText {
  std::optional<std::string> format;       // bars|quotes|trades|jsonl|lobster
  std::optional<std::string> date_format;  // auto|YYYY-MM-DD|MM/DD/YYYY|DD/MM/YYYY|YYYYMMDD
  std::optional<std::string> time_format;  // auto|unix_s|unix_ms|unix_us|unix_ns
  std::optional<std::string> tz;
  std::optional<std::string> round;       // reject|nearest|down|up
  std::optional<std::string> bar_period;  // auto|none|N{ns,us,ms,s,m,h,d}
  std::optional<std::string> daily_close; // HH:MM[:SS]
  std::optional<std::string> on_bad_row;  // fail|skip
  std::optional<std::string> columns;     // field=NAME|INDEX,...
  std::optional<std::string> delimiter;   // one character, "tab" or "\t"
  std::vector<std::string> ticks;         // auto | DECIMAL | SYM=DECIMAL
  std::optional<int> price_scale;
};

// The option's name as the user wrote it: e.g. "format" -> "--format" or "data.format".
using OptionLabel = std::function<std::string(std::string_view option)>;

// Applies `text` to `o`. Status::usage naming the option for a value it does not take.
Status apply_import_text(const ImportOptionText& text, const OptionLabel& label, ImportOptions& o);

// "5m", "1d", "30s", "250ms", "100us", "10ns", "2h" in ns; -1 for "auto", 0 for "none" or "0".
bool parse_period(const std::string& text, int64_t& ns);

// The format a CSV file's header line says it is: bars (open/high/low/close columns), quotes
// (bid and ask), trades (price); nullopt when the header says none of them or the file cannot
// be read. Names compare case-insensitively after trimming.
std::optional<ImportFormat> detect_csv_format(const std::string& path, char delimiter = ',');

}  // namespace tape
