// What a fresh backtest (session/backtest.cc) and a resumed one (session/backtest_resume.cc)
// share: finding the data, the run log's options and the run itself. Not for other callers.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/status.h"
#include "session/backtest.h"
#include "session/session.h"
#include "store/event_log.h"

namespace tape::backtest_internal {

// A temporary data log for files imported on the fly, `<out_dir>.data-<pid>`; removed when
// destroyed. A killed backtest leaves its own behind: removed (stale_temp_data_logs) when the
// backtest is resumed or run again while that pid is not alive.
class TempDataLog {
 public:
  explicit TempDataLog(const std::string& out_dir);
  ~TempDataLog();
  TempDataLog(const TempDataLog&) = delete;
  TempDataLog& operator=(const TempDataLog&) = delete;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

// Removes the `<out_dir>.data-<pid>` dirs whose process is gone (a killed backtest's).
void remove_stale_temp_data_logs(const std::string& out_dir);

// The data a backtest reads, open read-only.
struct OpenedData {
  std::unique_ptr<TempDataLog> temp;  // files imported on the fly without a cache
  std::unique_ptr<EventLog> log;
  std::string kind;  // the import's format
  std::string cache_entry;
  bool cache_hit = false;
};

// `config`'s data (config.data.log, or its files through the cache or a temporary import).
Result<OpenedData> open_data(BacktestConfig& config, const BacktestOptions& options);

// The run log's options for a backtest of `core` (no WAL, no fsync under sync = none).
LogOptions backtest_log_options(const CoreConfig& core);

// A session source over `data` (which must outlive it); an error opening it lands in `error`.
SourceFactory data_source(const EventLog& data, Status& error);

// Runs `state` on to the data's end (or a stop) into `log`, then writes the end meta and fills
// the outcome's run facts (state hash, chain head, counters, L3 counters, interrupted).
Status run_to_end(SessionState& state, EventLog& log, const EventLog& data,
                  const BacktestOptions& options, RunMetrics& metrics, BacktestOutcome& outcome);

}  // namespace tape::backtest_internal
