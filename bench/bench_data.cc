#include "bench/bench_data.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

namespace tape::bench {

namespace fs = std::filesystem;

std::string bench_path(const std::string& name) {
  return (fs::temp_directory_path() /
          ("tape_bench_" + std::to_string(::getpid()) + "_" + name)).string();
}

const std::string& minute_bars_csv(const std::string& path, int64_t rows) {
  static std::map<std::pair<std::string, int64_t>, std::string> written;
  auto [it, fresh] = written.try_emplace({path, rows}, path);
  if (!fresh) return it->second;
  std::ofstream out(path, std::ios::binary);
  out << "Date,Time,Open,High,Low,Close,Volume,OpenInterest\n";
  int64_t px = 350'000;  // cents
  uint64_t x = 0x9e3779b97f4a7c15ull;
  char line[128];
  for (int64_t i = 0; i < rows; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const int64_t day = i / 1440, minute = i % 1440;
    const int64_t o = px, c = px + static_cast<int64_t>(x % 41) - 20;
    const int64_t h = std::max(o, c) + static_cast<int64_t>((x >> 8) % 10);
    const int64_t l = std::min(o, c) - static_cast<int64_t>((x >> 16) % 10);
    px = c;
    const int n = std::snprintf(
        line, sizeof line, "%04lld-%02lld-%02lld,%02lld:%02lld:00,%lld.%02lld,%lld.%02lld,"
        "%lld.%02lld,%lld.%02lld,%llu,0\n",
        static_cast<long long>(2000 + day / 336), static_cast<long long>(1 + day / 28 % 12),
        static_cast<long long>(1 + day % 28),
        static_cast<long long>(minute / 60), static_cast<long long>(minute % 60),
        static_cast<long long>(o / 100), static_cast<long long>(o % 100),
        static_cast<long long>(h / 100), static_cast<long long>(h % 100),
        static_cast<long long>(l / 100), static_cast<long long>(l % 100),
        static_cast<long long>(c / 100), static_cast<long long>(c % 100),
        static_cast<unsigned long long>((x >> 24) % 5000));
    out.write(line, n);
  }
  return it->second;
}

}  // namespace tape::bench
