// Sweep files (`tape sweep SWEEP.toml`, docs/sweep.md): a base backtest config and what to vary.
//
//   [sweep]  name, config (the base backtest config, relative to this file), seeds, seed_key
//   [set]    fixed overrides applied to every run:      "fees.commission_bps" = 10
//   [grid]   lists multiplied together (cartesian):     "strategies.0.params.fast" = [5, 10, 20]
//   [zip]    lists of one length walked together:      "data.file" = ["day1.csv", "day2.csv"]
//
// Keys are the backtest config's dotted keys, as `tape backtest --set` takes them; they may be
// written quoted ("strategies.0.params.fast") or as TOML dotted keys. Every problem is
// Status::invalid naming the file, line:column and key: an unknown key (with the closest valid
// one), a grid or zip value that is not a non-empty list of plain values, a repeated value, zip
// lists of different lengths, a key named twice, a sweep of more than kSweepRunsMax runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "feed/json.h"

namespace tape {

// Default and limit: a sweep plans at most this many runs (a plan is held in memory and one
// sweep.json; a Slurm array is usually capped near 1000 tasks, a shard may hold many runs).
inline constexpr size_t kSweepRunsMax = 100'000;
// Limit on the values of one axis.
inline constexpr size_t kSweepAxisValuesMax = 10'000;

// One value an axis gives its key.
struct SweepValue {
  std::string toml;  // as `--set key=<toml>` takes it (strings quoted, paths made absolute)
  Json json;         // as sweep.json and results.json record it
  std::string text;  // for people: strings bare, numbers as written
};

struct SweepAxis {
  std::string key;    // dotted backtest key, e.g. "strategies.0.params.fast"
  std::string where;  // "file:line:column" of the key, for errors
  std::vector<SweepValue> values;
};

struct SweepSpec {
  std::string name;        // [sweep] name, else the file's stem
  std::string path;        // the sweep file, absolute
  std::string config;      // the base backtest config, absolute
  std::string config_where;  // "file:line:column" of sweep.config, for errors
  std::vector<std::string> set;  // "key=toml" overrides every run gets, in key order
  std::vector<SweepAxis> zip;    // walked together: all of one length
  std::vector<SweepAxis> grid;   // multiplied, in the order written (the last varies fastest)
  std::vector<int64_t> seeds;    // empty: no seed axis
  std::string seed_key;          // the key each seed is given to (required with seeds)
  std::string seed_where;
};

Result<SweepSpec> load_sweep_file(const std::string& path);

// Number of runs the spec expands to: zip length (or 1) x product of grid lengths x seeds (or 1).
// Status::invalid over kSweepRunsMax.
Result<size_t> sweep_run_count(const SweepSpec& spec);

}  // namespace tape
