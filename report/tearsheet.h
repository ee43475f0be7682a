// The backtest tearsheet: one self-contained HTML page (inline CSS and inline SVG; no script, no
// font, image or link from the network) that a person reads in any browser, offline.
//
// Sections, each an element with its id (a test finds them): "facts" (config, data, strategies
// with plugin path and SHA-256 or built-in name and version, chain heads, analytics settings),
// "figures" (the figures table, one column per strategy and the total), "equity" (total equity and,
// with several strategies, each one), "drawdown", "monthly" (year x month returns of the total
// equity, colored, with the compounded year), "trade-pnl" (histogram of the trades' net PnL),
// "prices" (per instrument: its mark at each sample with entry and exit markers of its trades).
//
// Bounds: a chart draws at most kChartPointsMax points (report/backtest_report.h): a longer
// series was kept by the report's pass as buckets of consecutive samples, each drawn by its
// first, lowest, highest and last point in time order (report/chart_series.h: the line's shape
// and extremes survive). At most kMarkersMax trades' markers per price chart (the first ones).
// Every string from data (symbols, names, paths) is escaped.
#pragma once

#include <cstddef>
#include <string>

#include "report/backtest_report.h"

namespace tape {

std::string render_tearsheet(const BacktestReport& report);

// `text` as HTML character data or an attribute value: & < > " ' escaped.
std::string html_text(const std::string& text);

}  // namespace tape
