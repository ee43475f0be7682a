// The data cache of on-the-fly imports (`tape backtest --data-cache DIR`; `tape sweep` gives every
// run its out dir's `data-cache`): the files a config names are imported once per distinct data
// into DIR/<key>, and every later backtest of the same data reads that data log instead of
// importing the files again. A grid of 100 runs over one file imports it once, not 100 times.
//
// The key is the SHA-256 of: the cache's format, tape's version, the log format version, the
// config's [data] table as stored in the run's meta (paths resolved, the import options), and
// each file's resolved path, size and SHA-256. Any change to a file's bytes or to an import
// option is a new key. An import is deterministic, so the cached log holds exactly what a fresh
// import writes: a run's log, chain head, state hash and outputs are the same with the cache as
// without it (tests/unit/data_cache_test.cc).
//
// An entry is written like any import (into a temporary dir, renamed into place only once
// complete) and fsynced, being kept. Two backtests that miss the same key at once both import it;
// the first rename wins and the other's copy is removed. An entry is never changed after it is
// in place: one that does not open as a data log is an error naming it (remove the dir to import
// the data again). A temporary dir left by a killed import on this host is removed by the next
// import of the same key.
#pragma once

#include <string>

#include "core/status.h"
#include "session/backtest_config.h"

namespace tape {

// The cache key of `config`'s data files (64 hex digits). Status::invalid naming a file that
// cannot be read.
Result<std::string> data_cache_key(const BacktestConfig& config);

struct CachedData {
  std::string dir;   // the entry: cache_dir/<key>
  bool hit = false;  // it was there already (false: imported by this call)
};

// The data log holding `config`'s files in the cache at `cache_dir` (created if missing):
// the existing entry, or a new one imported now (its format detected from the headers when the
// config says "auto", as without the cache). Import errors are the import's own (file, line,
// column, key); Status::io for the cache dir.
Result<CachedData> cached_data_log(const std::string& cache_dir, const BacktestConfig& config);

}  // namespace tape
