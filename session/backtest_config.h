// Backtest config files (`tape backtest CONFIG.toml`): the data, the strategies (plugins or
// built-ins, with their parameter tables), the venue model, latency, fees, risk, starting cash and analytics
// settings. docs/backtest.md documents every key with its unit and default.
//
// Loading = parse the file, merge its `include = [...]` presets under it (the including file's
// keys win), apply `--set dotted.key=value` overrides, then read and validate every key, as for
// scenarios (sim/scenario.h): every failure is Status::invalid naming the file, line:column and
// full dotted key; an unknown key also names the closest valid one.
//
// The config does not name instruments: they are the data's (a data log's meta, or what the
// on-the-fly import found). resolve_backtest() binds the config to them: symbols to ids, the
// run's money scale, plugins loaded and their parameters checked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/analytics.h"
#include "core/config.h"
#include "core/status.h"
#include "feed/import.h"
#include "feed/instruments.h"

namespace tape {

// Where the bars, quotes, trades or book messages come from: exactly one of `log` and `files`.
struct BacktestData {
  std::string log;                 // a data log directory (`tape import`'s output)
  std::vector<std::string> files;  // files to import into the run (relative to the config's dir)
  bool format_auto = true;         // format "auto": from each CSV file's header
  ImportOptions import;            // format and mapping options (files only)
  // L3 (LOBSTER) seeds, session/backtest_seed.h: "auto", "none" or an orderbook file's path.
  std::string book_seed = "auto";
  std::vector<std::string> book_seeds;  // several orderbook files (one per instrument)
};

struct BacktestStrategy {
  std::string name;
  // Exactly one of plugin and builtin.
  std::string plugin;         // path of the shared library, as resolved (config dir relative)
  std::string plugin_sha256;  // optional pin: the library's SHA-256 must equal it
  std::string builtin;        // a built-in strategy's name (core/builtin_strategy.h)
  std::vector<std::string> instruments;  // symbols; empty = every instrument of the data
  int64_t timer_ms = 0;
  int64_t starting_cash = 100'000 * kMoneyScale;  // kMoneyScale units
  std::vector<PluginParam> params;
};

struct BacktestConfig {
  std::string name;            // [backtest] name, else the file stem
  std::string source;          // the file it came from
  std::string canonical_toml;  // the merged tree (includes resolved, overrides applied)
  BacktestData data;
  std::optional<VenueModel> venue_model;  // unset: from the data (bars, quotes/trades, book)
  // Everything but instruments and strategies, money in kMoneyScale units (resolve scales it).
  CoreConfig core;
  std::vector<BacktestStrategy> strategies;
  AnalyticsSettings analytics;   // periods per year, risk-free rate
  int64_t equity_sample_ns = 0;  // 0: one equity sample per bar close
  // A live config (`tape live`): a [live] table and [[instruments]] (live/live_config.h reads
  // them) instead of [data]; `data` is then empty.
  bool live = false;
};

Result<BacktestConfig> load_backtest_file(const std::string& path,
                                          const std::vector<std::string>& overrides = {});
// Parses config text (the canonical_toml a backtest log stores). `source_name` names it in
// errors; relative paths resolve against `base_dir`.
Result<BacktestConfig> parse_backtest_text(std::string_view text, const std::string& source_name,
                                           const std::string& base_dir);

}  // namespace tape
