// A backtest as a session: the data (a data log, or files imported into a temporary one first)
// is the source, the run log the store, the strategies plugins or built-ins. The run log is a full
// log (every data input as an input, every output), so replay --verify, audit, diff and inspect
// read it like any run's. Its meta (besides what every log has, store/event_log.h):
//   "log_kind"      = "backtest"
//   "backtest"      = the config as TOML, includes merged, overrides applied, paths resolved
//   "backtest_name" = the config's name
//   "instruments"   = the data's instruments (feed/data_log.h), InstrumentId = index
//   "data"          = JSON {"log", "files" [{path, sha256, bytes}], "format", "chain_head",
//                     "seq_last", "import"}: the data log's chain head ties every result to
//                     the exact bytes it was computed from
//   "plugins"       = JSON, in strategy order: [{"strategy", "path", "sha256", "abi"}] for a
//                     plugin, [{"strategy", "builtin", "version", "tape"}] for a built-in
//   "state_hash", "ts_last", "complete" at the end, as for scenario runs.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "feed/instruments.h"
#include "feed/json.h"
#include "session/backtest_config.h"
#include "session/run_metrics.h"
#include "session/session_loop.h"
#include "store/event_log.h"

namespace tape {

inline constexpr std::string_view kLogKindBacktest = "backtest";
inline constexpr std::string_view kMetaBacktest = "backtest";
inline constexpr std::string_view kMetaBacktestName = "backtest_name";
inline constexpr std::string_view kMetaData = "data";
inline constexpr std::string_view kMetaPlugins = "plugins";

// One strategy's plugin (or built-in) as the run used it.
struct PluginRecord {
  std::string strategy;
  std::string path;
  std::string sha256;
  uint32_t abi = 0;
  std::string builtin;   // a built-in's name (path, sha256 and abi then empty)
  uint32_t version = 0;  // a built-in's version (BuiltinSpec::version)
};

// `r` as the log's meta "plugins" lists it: {"strategy", "path", "sha256", "abi"} for a plugin,
// {"strategy", "builtin", "version", "tape"} for a built-in ("tape": the tape version that ran).
Json plugin_record_json(const PluginRecord& r);

// The config bound to its data: the core config (instruments at the run's money scale,
// strategies with their plugins loaded and parameters checked) and what to record about it.
struct ResolvedBacktest {
  CoreConfig core;
  InstrumentTable instruments;
  std::vector<PluginRecord> plugins;
  std::vector<int64_t> starting_cash;  // per strategy, at core.money_scale
};

// Binds `config` to the data's instruments and loads its plugins. `data_kind` is the data's
// import format ("bars", "quotes", "trades", "jsonl", "lobster") for the venue model "auto".
// Status::invalid naming the key for an unknown symbol, a plugin that does not load, a
// parameter the plugin does not declare, or a plugin whose SHA-256 differs from its pin.
Result<ResolvedBacktest> resolve_backtest(const BacktestConfig& config,
                                          const InstrumentTable& instruments,
                                          const std::string& data_kind);

struct BacktestOptions {
  std::string out_dir;  // Required. The run log's directory (created; must not exist
                        // unless `overwrite`).
  bool overwrite = false;
  // Continue the killed or interrupted backtest recorded in out_dir (resume_backtest).
  bool resume = false;
  std::string data_dir;  // Default: the config's data. A data log to use instead.
  // Default: none (files are imported into a temporary data log beside out_dir, removed
  // afterwards). A data cache dir (session/data_cache.h): files are imported there once per
  // distinct data and read from there by every later backtest of the same data.
  std::string data_cache_dir;
  LoopOptions loop;  // progress, stop, after_input (e.g. the report's pass)
  // Default: none. Called once the run log is created and its meta written, before the first
  // input: where a report's pass that follows the run (loop.after_input) starts. An error ends
  // the backtest with it. On resume: once the log is open and the state rebuilt, before the
  // first new input (the log then already holds inputs 1..last_seq()).
  std::function<Status(const EventLog& log)> on_log_ready;
};

struct BacktestOutcome {
  ResolvedBacktest resolved;
  RunMetrics metrics;
  std::string state_hash;
  std::string chain_head;        // the run log's, after its last batch
  std::string data_chain_head;   // the data log's
  std::string data_description;  // "ORCL bars from orcl-1995-2014.txt" etc.
  // With BacktestOptions::data_cache_dir: the entry read, and whether it was there already.
  std::string data_cache_entry;
  bool data_cache_hit = false;
  uint64_t inputs = 0;
  uint64_t bars = 0;     // bar inputs among them
  double elapsed_s = 0;  // import + run (not the report)
  bool interrupted = false;
  uint64_t resumed_from = 0;  // on resume: the snapshot's seq the state was restored from
  uint64_t tail_inputs = 0;   // on resume: inputs of the log replayed after it
  uint64_t resumed_at = 0;    // on resume: the log's last seq when it was reopened
  Json l3;  // the L3 venue's counters (session/backtest_l3.h); null for other venues
};

// Runs the backtest into options.out_dir. Files named by the config are first imported into a
// temporary data log beside out_dir, removed afterwards (or found in options.data_cache_dir).
// With options.resume, resume_backtest.
Result<BacktestOutcome> run_backtest(const BacktestConfig& config, const BacktestOptions& options);

// Continues the backtest a killed or interrupted `tape backtest` left in options.out_dir: its
// latest snapshot (or the start), the logged tail replayed and checked, then the data read on
// from where the log ends. The run must be the same (determinism rule 8), else
// Status::mismatch (exit 3) naming what differs: the config (the first differing line of its
// canonical TOML), a plugin (strategy, path, both hashes), a data file (path, both SHA-256s) or
// the data log (both chain heads). Status::invalid when out_dir holds no backtest log. The data
// is found as a fresh run finds it (options.data_dir, else the log the run recorded, else the
// config's files through options.data_cache_dir or a temporary import).
Result<BacktestOutcome> resume_backtest(const BacktestConfig& config,
                                        const BacktestOptions& options);

// A finished backtest's end as its meta records it.
struct FinishedBacktest {
  uint64_t seq_last = 0;
  std::string state_hash;
  std::string chain_head;
};
// Whether the backtest in `dir` is the one `config` describes and finished (nullopt: not
// finished, or not openable: resume_backtest explains). Opened read-only. Errors as
// resume_backtest's for a different config or plugin, or a dir that holds no backtest log.
Result<std::optional<FinishedBacktest>> finished_backtest(const std::string& dir,
                                                          const BacktestConfig& config,
                                                          const BacktestOptions& options);

// A backtest log's config rebuilt from its meta, its plugins loaded again: Status::mismatch
// (exit 3) naming the strategy and both hashes when a plugin file's SHA-256 or ABI is not the
// recorded one.
struct OpenedBacktest {
  BacktestConfig config;
  ResolvedBacktest resolved;
};
Result<bool> is_backtest_log(const EventLog& log);
Result<OpenedBacktest> open_backtest_config(const EventLog& log);

}  // namespace tape
