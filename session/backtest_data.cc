// Where a backtest's data comes from: a data log, or the config's files imported into the data
// cache or a temporary data log (session/backtest_internal.h).
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "feed/data_log.h"
#include "feed/import.h"
#include "feed/import_options.h"
#include "feed/json.h"
#include "session/backtest_internal.h"
#include "session/data_cache.h"

namespace tape::backtest_internal {
namespace {

namespace fs = std::filesystem;

Result<std::string> meta_text(const EventLog& log, std::string_view key) {
  ASSIGN_OR_RETURN(std::optional<std::string> v, log.get_meta(key));
  if (!v) return Status::mismatch(log.dir() + ": meta has no " + std::string(key));
  return *v;
}

// The format the data log was imported from (meta import.format).
Result<std::string> data_kind_of(const EventLog& data) {
  ASSIGN_OR_RETURN(std::string text, meta_text(data, kMetaImport));
  std::optional<Json> import = parse_json(text);
  if (!import.has_value() || !import.value().is_object() || !import.value().contains("format") ||
      !import.value()["format"].is_string()) {
    return Status::mismatch(data.dir() + ": meta import has no format");
  }
  return import.value()["format"].get<std::string>();
}

// Every file's format from its header when the config says "auto"; they must agree.
Status detect_format(BacktestData& data) {
  if (!data.format_auto) return Status::ok();
  std::optional<ImportFormat> found;
  for (const std::string& file : data.files) {
    std::optional<ImportFormat> f = detect_csv_format(file, data.import.csv.delimiter);
    if (!f) {
      return Status::invalid(file +
                             ":1: the header names no bar (open, high, low, close), quote "
                             "(bid, ask) or trade (price) columns: set data.format");
    }
    if (found && *found != *f) {
      return Status::invalid(file + ":1: a " + import_format_name(*f) + " file among " +
                             import_format_name(*found) + " files: set data.format");
    }
    found = f;
  }
  if (found) data.import.format = *found;
  return Status::ok();
}

}  // namespace

TempDataLog::TempDataLog(const std::string& out_dir)
    : dir_(fs::path(out_dir).lexically_normal().string() + ".data-" + std::to_string(getpid())) {}

TempDataLog::~TempDataLog() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void remove_stale_temp_data_logs(const std::string& out_dir) {
  const fs::path out = fs::path(out_dir).lexically_normal();
  const std::string prefix = out.filename().string() + ".data-";
  std::error_code ec;
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  for (const fs::directory_entry& e : fs::directory_iterator(parent, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    // <out>.data-<pid>, or the import's own <out>.data-<pid>.importing-<pid> inside it.
    std::string pid_text = name.substr(prefix.size());
    const size_t digits = pid_text.find_first_not_of("0123456789");
    if (digits != std::string::npos) {
      if (pid_text.compare(digits, std::string::npos, ".importing-" + pid_text.substr(0, digits)) !=
          0)
        continue;
      pid_text.resize(digits);
    }
    if (pid_text.empty()) continue;
    const long pid = std::strtol(pid_text.c_str(), nullptr, 10);
    // Alive (or not ours to ask about): left alone.
    if (pid <= 0 || kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    std::error_code rm;
    fs::remove_all(e.path(), rm);
  }
}

Result<OpenedData> open_data(BacktestConfig& config, const BacktestOptions& options) {
  if (!options.data_dir.empty()) {
    config.data.log = options.data_dir;
    config.data.files.clear();
  }
  OpenedData out;
  std::string data_dir = config.data.log;
  if (data_dir.empty() && !options.data_cache_dir.empty()) {
    RETURN_IF_ERROR(detect_format(config.data));
    ASSIGN_OR_RETURN(const CachedData cached, cached_data_log(options.data_cache_dir, config));
    data_dir = cached.dir;
    out.cache_entry = cached.dir;
    out.cache_hit = cached.hit;
  } else if (data_dir.empty()) {
    RETURN_IF_ERROR(detect_format(config.data));
    out.temp = std::make_unique<TempDataLog>(options.out_dir);
    ImportOptions import = config.data.import;
    import.data_dir = out.temp->dir();
    import.sync_files = false;  // removed after the run
    ASSIGN_OR_RETURN(ImportReport report, run_import(config.data.files, import));
    data_dir = out.temp->dir();
  }
  Result<std::unique_ptr<EventLog>> opened = EventLog::open(data_dir, /*read_only=*/true);
  Result<std::optional<std::string>> kind_meta =
      opened.is_ok() ? opened.value()->get_meta(kMetaLogKind) : opened.status();
  const bool is_data = kind_meta.is_ok() &&
                       kind_meta.value() == std::optional<std::string>(std::string(kLogKindData));
  if (!is_data) {
    Status bad = kind_meta.is_ok()
                     ? Status::invalid(data_dir + ": not a data log (write one with tape import)")
                     : kind_meta.status();
    if (!options.data_cache_dir.empty() && config.data.log.empty()) {
      // An entry is never rewritten in place (another run may be reading it).
      return Status::io("data cache entry " + data_dir + " is damaged (" + bad.message() +
                        "): remove it to import the data again");
    }
    return bad;
  }
  out.log = std::move(opened.value());
  ASSIGN_OR_RETURN(out.kind, data_kind_of(*out.log));
  return out;
}

}  // namespace tape::backtest_internal
