// `tape sweep collect DIR`: one row per planned run, whatever became of it, into
// DIR/results.csv, DIR/results.json and DIR/results.html.
//
// A row holds the run's index, id, status, its axis values (zip and grid keys, seed), and for a
// finished run its data, chain head, state hash, final value, trade and fill counts and every
// analytics figure of the total (docs/analytics.md). A run counts as done only when
// verify_finished holds (its log complete, audited clean at its chain head); a run that failed
// is listed with its error, one that has not finished with its state: no run is silently
// missing. results.html is one self-contained page: the table (sortable by any column, a small
// inline script) and, for a two-key grid, a heatmap of one figure (Sharpe by default) per value
// of the other axes.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "feed/json.h"
#include "sweep/plan.h"

namespace tape {

struct CollectOptions {
  // Default: "sharpe". The figure the heatmap shows: a numeric analytics figure's name.
  std::string figure = "sharpe";
};

struct CollectedRow {
  const PlannedRun* run = nullptr;
  std::string status;  // done, failed, bad_log, running, interrupted, pending
  std::string error;   // failed, bad_log: why
  Json summary;        // done: the run's summary.json
};

struct CollectReport {
  SweepPlan plan;
  std::vector<CollectedRow> rows;
  std::vector<std::string> figures;  // figure names over all done runs, first-seen order
  size_t done = 0, failed = 0, unfinished = 0;
  std::string csv_path, json_path, html_path;
};

Result<CollectReport> collect_sweep(const std::string& out, const CollectOptions& options);

// The rows as results.json's object and results.csv's text.
Json results_json(const CollectReport& r, const std::string& figure);
std::string results_csv(const CollectReport& r);
// results.html (collect_html.cc).
std::string results_html(const CollectReport& r, const std::string& figure);

// A figure of a done row (analytics total), null if it has none.
Json row_figure(const CollectedRow& row, const std::string& figure);

}  // namespace tape
