// A sweep's plan: its runs in a fixed order, each with the `--set` overrides that make its
// config from the base and a stable id. The plan is written to DIR/sweep.json, which `status`,
// `collect` and every shard read.
//
// Order: zip entry, then the grid in the order written (the last key varies fastest), then the
// seed. Run index i belongs to shard I of N when i % N == I.
//
// A run's id is the first 16 hex digits of SHA-256 over its resolved canonical config (includes
// merged, overrides applied: what `tape backtest` records in its log) with every file named by
// the bytes it holds instead of its path: each data file by its SHA-256, a data log by its chain
// head, each plugin library by its SHA-256. So the same grid point has the same id on every
// machine, in every checkout and output dir, and a changed data file or rebuilt plugin is a new
// run, never a stale result taken for a finished one.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "feed/json.h"
#include "sweep/sweep_file.h"

namespace tape {

struct PlannedRun {
  size_t index = 0;
  std::string id;                      // 16 lowercase hex digits
  std::vector<std::string> overrides;  // "key=toml", as `tape backtest --set` takes them
  Json params = Json::object();        // the axes' values: {key: value}, zip then grid keys
  std::optional<int64_t> seed;
};

struct SweepPlan {
  std::string name;
  std::string sweep_file;  // absolute
  std::string config;      // the base backtest config, absolute
  std::vector<std::string> zip_keys, grid_keys;
  std::string seed_key;    // empty: no seeds
  std::vector<PlannedRun> runs;
};

// Expands the spec and checks every run as `tape backtest` would before it starts: the config
// loads with its overrides (unknown keys, bad values), each plugin loads and accepts its
// parameters. An axis value at fault is named with its key and where the sweep file gives it;
// two runs that resolve to one config are an error naming both.
Result<SweepPlan> make_plan(const SweepSpec& spec);

// The runs of shard `shard` of `shards` (index % shards == shard).
std::vector<const PlannedRun*> shard_runs(const SweepPlan& plan, size_t shard, size_t shards);

// sweep.json's object, and back (Status::invalid naming the file and what is wrong).
Json plan_to_json(const SweepPlan& plan);
Result<SweepPlan> plan_from_json(const Json& j, const std::string& file);

// "I/N" with 0 <= I < N <= kSweepRunsMax. Status::usage (exit 1) naming `--shard` and the text.
struct Shard {
  size_t index = 0;
  size_t count = 1;
};
Result<Shard> parse_shard(const std::string& text);

}  // namespace tape
