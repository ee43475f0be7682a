// What `tape backtest` writes next to its run log, and `tape report` rebuilds from any log:
// the report (report/backtest_report.h) with its settings read from the log's meta, then
// trades.csv, fills.csv, equity.csv, tearsheet.html and summary.json.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "feed/json.h"
#include "report/backtest_report.h"
#include "session/backtest.h"
#include "store/event_log.h"

namespace tape {

// The report settings a log implies: for a backtest log its config (strategy names, accounts,
// starting cash at the run's money scale, plugins, analytics settings) and data record; for a
// scenario run its managed accounts with no starting cash; for a data log none (no strategies).
// Plugins are not loaded: a report reads the log alone.
Result<BacktestReportSettings> report_settings_of(const EventLog& log);

// Makes the backtest run with `options` build its report as it goes, as `tape backtest` does:
// once its run log is ready the pass starts (into `pass`, its CSV rows streamed as `output`
// says) with the settings report_settings_of reads from it, reads what the log already holds
// (a resumed backtest's first inputs), then follows the run input by input. After run_backtest, set
// the run's facts on pass->settings() and finish it.
void follow_with_report(BacktestOptions& options, const ReportOutput& output,
                        std::unique_ptr<BacktestReportPass>& pass);

// summary.json's object: the run facts, counts (bars, inputs, fills, trades_closed),
// final_value, the figures, and whatever the caller adds (`extra`'s members are merged in).
Json backtest_summary(const BacktestReport& report, const Json& extra);

// Writes the CSVs (unless the report streamed them into `dir`), tearsheet.html and (when `summary`
// is an object) summary.json into `dir`.
Status write_backtest_files(const BacktestReport& report, const Json& summary,
                            const std::string& dir);

}  // namespace tape
