#include "session/data_cache.h"

#include <fcntl.h>
#include <signal.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "feed/import.h"
#include "sim/scenario_internal.h"
#include "store/chain.h"
#include "store/event_log.h"

namespace tape {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kCacheFormat = "tape-data-cache-1\n";

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "host";
  std::string out(name);
  for (char& c : out) {
    if (c == '/' || c == '.') c = '_';
  }
  return out.empty() ? "host" : out;
}

// Temporary dirs of imports of `key` on this host whose process is gone: <key>.<host>-<pid>...
void remove_abandoned(const std::string& cache_dir, const std::string& key,
                      const std::string& host) {
  const std::string prefix = key + "." + host + "-";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(cache_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const pid_t pid = static_cast<pid_t>(std::atol(name.c_str() + prefix.size()));
    if (pid <= 0 || pid == getpid()) continue;
    if (::kill(pid, 0) != 0 && errno == ESRCH) fs::remove_all(e.path(), ec);
  }
}

Status sync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::io("cannot open " + dir + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::io("cannot sync " + dir + ": " + std::strerror(err));
  return Status::ok();
}

}  // namespace

Result<std::string> data_cache_key(const BacktestConfig& config) {
  std::ostringstream text;
  text << kCacheFormat << kTapeVersion << "\nlog format " << kLogFormatVersion << "\n";
  ASSIGN_OR_RETURN(toml::table tree,
                   scenario_detail::parse_toml_tree(config.canonical_toml, config.source));
  if (const toml::table* data = tree["data"].as_table()) text << *data << "\n";
  for (const std::string& file : config.data.files) {
    uint64_t bytes = 0;
    ASSIGN_OR_RETURN(std::string sha, file_sha256(file, bytes));
    text << "file " << file << " " << bytes << " " << sha << "\n";
  }
  return sha256_hex(text.str());
}

Result<CachedData> cached_data_log(const std::string& cache_dir, const BacktestConfig& config) {
  ASSIGN_OR_RETURN(const std::string key, data_cache_key(config));
  const std::string entry = (fs::path(cache_dir) / key).string();
  std::error_code ec;
  if (fs::exists(entry, ec)) return CachedData{entry, true};
  fs::create_directories(cache_dir, ec);
  if (ec) return Status::io("cannot create the data cache " + cache_dir + ": " + ec.message());
  const std::string host = host_name();
  remove_abandoned(cache_dir, key, host);
  const std::string mine = entry + "." + host + "-" + std::to_string(getpid());
  fs::remove_all(mine, ec);
  ImportOptions import = config.data.import;
  import.data_dir = mine;
  import.overwrite = false;
  import.sync_files = true;  // kept for later runs
  Result<ImportReport> report = run_import(config.data.files, import);
  if (!report.is_ok()) {
    fs::remove_all(mine, ec);
    return report.status();
  }
  if (::rename(mine.c_str(), entry.c_str()) != 0) {
    const int err = errno;
    fs::remove_all(mine, ec);
    // Another backtest put the same data in place first: use its copy.
    if ((err == ENOTEMPTY || err == EEXIST) && fs::exists(entry, ec))
      return CachedData{entry, true};
    return Status::io("cannot move the imported data to " + entry + ": " + std::strerror(err));
  }
  RETURN_IF_ERROR(sync_dir(cache_dir));
  return CachedData{entry, false};
}

}  // namespace tape
