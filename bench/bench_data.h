// Data the benchmarks generate once per process: a temporary path per name, and a CSV of
// one-minute bars in the generic Date,Time,Open,High,Low,Close,Volume,OpenInterest layout
// (prices with 2 decimals, a seeded xorshift walk), the same rows whatever the count asks for.
#pragma once

#include <cstdint>
#include <string>

namespace tape::bench {

// A path in the temp dir unique to this process.
std::string bench_path(const std::string& name);

// Writes `rows` bars to `path` (once per (path, rows) in a process) and returns the path.
const std::string& minute_bars_csv(const std::string& path, int64_t rows);

}  // namespace tape::bench
