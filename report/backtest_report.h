// The backtest report, built from a finished run log alone (so `tape report` can rebuild it
// from any run or backtest log): fills, round-trip trades, equity samples, the analytics figures
// (core/analytics.h), and the CSV files. docs/analytics.md has every rule below with examples.
//
// One pass over the log's batches (store's BatchCursor; one batch decoded at a time), inputs in
// seq order, each input's outputs in k order:
//   * Marks, as core/portfolio.h keeps them: a BarIn's close or a TradeIn's price is the
//     instrument's last trade; a Fill output's price too; a valid quote (0 < bid < ask) sets the
//     mid floor((bid + ask) / 2), used only while the instrument has no trade. The input moves
//     the mark before its outputs (the portfolio sees the input first).
//   * Each Fill output queues its managed sides (maker first, then taker: the order in which the
//     portfolio publishes their PositionUpdates, which the recorder stores after the fills of
//     the same step). Each PositionUpdate output takes the oldest queued side, which must be of
//     its (account, instrument) and move the position by the fill's signed quantity; anything
//     else is Status::mismatch naming the seq. Its cash (the account's, all instruments, from 0),
//     realized PnL and fees (this instrument, cumulative) replace the account's; the fee of the
//     fill side is the change in `fees`.
//   * Equity of a strategy account (money minor units, exact, int64 checked) =
//     starting_cash + cash + sum over instruments of position x mark x unit, where
//     unit = tick_size x lot_size x money_scale (money per tick per lot; must be a whole number,
//     else Status::invalid naming the instrument). An instrument without a mark adds 0. Total =
//     the sum over the strategies in the settings.
//   * Sampling (equity_sample_ns = 0): one sample per timestamp at which a BarIn arrived, taken
//     after the last input stamped at that time (so two instruments' bars of one close give one
//     sample); until the first bar, a quote or trade print arrival counts as one (a quotes or
//     trades backtest is sampled at every such time). equity_sample_ns = N > 0: one sample per grid
//     time g = k x N (ns since the epoch) at or after which no input stamped <= g is left, for each
//     g with an input in (g - N, g], stamped g. Each sample also keeps, per instrument, the mark at
//     that time (0: none yet).
//   * Round trips per (account, instrument): a trade opens when the position leaves 0 and
//     closes when it returns to 0. A fill that flips the position closes the trade with the
//     lots that reach 0 and opens the next with the rest, at the same fill: the realized PnL of
//     the fill goes to the closing trade, its fee is split by lots (the closing share rounded
//     half away from zero, the rest to the opening trade). entry_price / exit_price = the
//     volume-weighted price of the fills that opened (added to) / reduced (closed) it; qty =
//     the lots opened; pnl = realized over the trip (before fees); fees = fees over the trip.
//     A position still open at the end of the log is no trade (its value is in the equity).
//   * Times are written as the data file wrote them (TimeStyle): a daily bar (period 1 day)
//     and anything stamped by one as its date `YYYY-MM-DD` in the import's time zone (the date
//     of the day that ends at the stamp when the import stamped the end of the date, else the
//     stamp's own date: `--daily-close`); every other time as `YYYY-MM-DD HH:MM:SS[.fraction]`
//     local to that zone. The zone and daily-close come from the log's meta "import" (a data
//     log, or a backtest that copied it), else UTC (a scenario run: ns since its epoch).
//
// Output as the pass goes: each fill, closed trade and equity sample is written as its CSV row
// the moment it is known (report/text_out.h: to files, to memory, or nowhere), and folded into
// running figures (core/analytics.h RunningFigures), the monthly returns and the charts'
// bounded series (report/chart_series.h).
//
// Memory: one decoded batch, per strategy and instrument a few scalars, the charts' bounded
// series (at most kChartPointsMax points each), one MonthReturn per calendar month, the first
// kMarkersMax trades of each instrument (the price chart's markers) and the closed trades' nets
// in at most ~3,000 buckets (report/chart_series.h NetHistogram; exact counts per histogram
// bin). Nothing per input, per sample or per trade.
// A log without a strategy list (a scenario run) is read twice: once for its accounts, so that
// the CSVs' columns are known before their first row.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/analytics.h"
#include "core/status.h"
#include "core/types.h"
#include "feed/instruments.h"
#include "feed/json.h"
#include "feed/time_parse.h"
#include "report/chart_series.h"
#include "report/text_out.h"
#include "store/event_log.h"

namespace tape {

struct StrategyReportSettings {
  std::string name;
  AccountId account = AccountId(1);
  int64_t starting_cash = 0;  // money minor units
  std::string plugin_path;    // empty for a built-in
  std::string plugin_sha256;
  std::string builtin;           // the built-in's name (meta plugins); empty for a plugin
  uint32_t builtin_version = 0;  // the built-in's version as the log recorded it
};

struct RunFacts {
  std::string config_name;
  std::string data_description;  // e.g. the data file or data log and its rows
  std::string data_chain_head;
  std::string run_chain_head;
};

struct BacktestReportSettings {
  // Default: kMoneyScale. Money minor units per currency unit of the run (CoreConfig's).
  int64_t money_scale = kMoneyScale;
  // Default: empty = every managed account that has a PositionUpdate in the log, in account
  // order, named "account N", starting cash 0.
  std::vector<StrategyReportSettings> strategies;
  // periods_per_year (default 252) and risk_free_rate (default 0).
  AnalyticsSettings analytics;
  // Default: 0 = one sample per bar close. Otherwise the sampling grid in ns.
  int64_t equity_sample_ns = 0;
  RunFacts facts;
  // Default: empty = the log's: meta "instruments" when present, else its scenario's.
  InstrumentTable instruments;
  // Default: empty = the log's meta "import" when present. The import meta JSON (time zone and
  // daily-close of the data's times).
  std::string import_meta;
};

// How times are written (see the header comment).
class TimeStyle {
 public:
  TimeStyle() = default;  // UTC, end-of-date daily stamps
  // From an import meta JSON ("options": {"tz", "daily_close_ns"}); UTC when absent or empty.
  static Result<TimeStyle> from_import_meta(const std::string& json);
  // `daily`: the time is a daily bar's stamp.
  std::string render(int64_t ts_ns, bool daily) const;
  void render_to(std::string& out, int64_t ts_ns, bool daily) const;  // appends
  // Local date of the time as (year, month): the monthly returns' bucket.
  void year_month(int64_t ts_ns, bool daily, int& year, int& month) const;
  const std::string& zone() const { return tz_.name(); }

 private:
  // The local wall-clock time of instant `ts_ns` (for a daily stamp: an instant of its date).
  int64_t local_ns(int64_t ts_ns, bool daily) const;
  // The last local day rendered, kept because rows come in time order and most share their
  // day with the row before (a cache: rendering is not thread-safe on one TimeStyle).
  struct Day {
    int64_t day = INT64_MIN;  // days since the epoch, local
    int year = 0, month = 0;
    char date[10] = {};  // YYYY-MM-DD
  };
  // The day of local time `local`; null for a year outside 0..9999 (written by format_utc).
  const Day* day_of(int64_t local) const;
  mutable Day day_;
  TimeZone tz_;
  bool end_of_date_ = true;  // daily bars stamped at the end of their date (no --daily-close)
};

// Chart bounds (the tearsheet's): points per chart, trades marked per price chart.
inline constexpr size_t kChartPointsMax = 4000;
inline constexpr size_t kMarkersMax = 1000;

struct FillRow {
  Stamp time;
  uint32_t strategy = 0;  // index in BacktestReport::strategies
  InstrumentId instrument;
  Side side = Side::kBuy;  // this account's side
  int64_t price = 0;       // ticks
  int64_t qty = 0;         // lots
  int64_t fee = 0;         // money minor units (negative: a rebate)
  bool maker = false;
  uint64_t order_id = 0;
  Seq seq;
};

struct TradeRow {
  uint32_t strategy = 0;
  InstrumentId instrument;
  Side side = Side::kBuy;  // kBuy: long
  Stamp entry, exit;
  // Volume-weighted prices as exact fractions of ticks: sum(price x qty) / sum(qty).
  __int128 entry_ticks_x_qty = 0, exit_ticks_x_qty = 0;
  int64_t entry_qty = 0, exit_qty = 0;
  int64_t pnl = 0;   // money minor units, before fees
  int64_t fees = 0;  // money minor units
};

// One equity series' running figures, and the stamps of its largest drawdown's peak and trough.
struct SeriesFigures {
  explicit SeriesFigures(const AnalyticsSettings& settings = {}) : run(settings) {}
  void add(const Stamp& at, int64_t equity, bool exposed);
  RunningFigures run;
  Stamp peak, max_drawdown_peak, max_drawdown_trough;
};

struct StrategyResult {
  StrategyReportSettings settings;
  SeriesFigures series;
  int64_t final_equity = 0;  // the last sample's; starting cash before any
  __int128 traded_notional = 0;
  int64_t fees = 0;  // all fills, money minor units
  uint64_t fills = 0;
  Figures figures;
  ChartSeries equity_chart{kChartPointsMax};  // currency units
};

// A month of the monthly returns grid: total equity's last sample in the month over the last
// sample of the month before (the first month: over the first sample), minus 1.
struct MonthReturn {
  int year = 0, month = 0;  // month 1..12
  std::optional<double> ret;
};

// Where the CSV rows go (see TextOut): files in `csv_dir` when it is set, else memory when
// `keep_csv_text`, else nowhere.
struct ReportOutput {
  std::string csv_dir;
  bool keep_csv_text = false;
};

struct BacktestReport {
  BacktestReportSettings settings;
  InstrumentTable instruments;
  TimeStyle time_style;
  uint64_t samples = 0;
  std::vector<StrategyResult> strategies;
  SeriesFigures total_series;
  int64_t total_final_equity = 0;               // the last sample's total (0 before any)
  ChartSeries total_chart{kChartPointsMax};     // total equity, currency units
  ChartSeries drawdown_chart{kChartPointsMax};  // total drawdown, percent (<= 0)
  std::vector<ChartSeries> mark_charts;         // per instrument: its mark (currency), when set
  std::vector<TradeRow> marked_trades;          // the first kMarkersMax of each instrument
  NetHistogram trade_nets;                      // pnl - fees of every trade, bucketed
  std::vector<MonthReturn> months;
  Figures total;
  uint64_t fill_count = 0, trade_count = 0;
  // The strategies' fill sides as maker (resting: on the L3 venue, filled from the queue) and
  // as taker, and their lots.
  uint64_t maker_fills = 0, maker_fill_lots = 0, taker_fills = 0, taker_fill_lots = 0;
  uint64_t inputs = 0, bars = 0;
  Stamp first_time, last_time;
  // The CSV texts when built with keep_csv_text (empty otherwise).
  std::string trades_text, fills_text, equity_text;
  std::string csv_dir;  // where the CSVs were streamed (empty: not written)

  // Figures per strategy and in total, members in a fixed order; an absent figure is null,
  // never NaN. Money in currency units, ratios as fractions, durations in ns and days.
  Json figures_json() const;
  // trades.csv, fills.csv and equity.csv in `dir` (created if missing): nothing to do when the
  // pass streamed them there; the kept texts otherwise. Status::io naming the file on failure,
  // Status::invalid when the rows were neither streamed there nor kept.
  Status write_csvs(const std::string& dir) const;
  // The CSV texts (built with keep_csv_text).
  const std::string& trades_csv() const { return trades_text; }
  const std::string& fills_csv() const { return fills_text; }
  const std::string& equity_csv() const { return equity_text; }

  // Renderings used by the CSVs and the tearsheet.
  std::string money(int64_t minor) const;  // exact, at least 2 decimals ("1234.50")
  void append_money(std::string& out, int64_t minor) const;
  std::string price(InstrumentId instrument, int64_t ticks) const;
  // sum / qty ticks as a decimal: exact at the tick's scale when it divides, else rounded half
  // away from zero at the tick's scale + 4 digits (trailing zeros trimmed to the tick's scale).
  std::string vwap(InstrumentId instrument, __int128 ticks_x_qty, int64_t qty) const;
  std::string time(const Stamp& s) const { return time_style.render(s.ts_ns, s.daily); }
  std::string symbol(InstrumentId instrument) const;
  // True when trades.csv leads with strategy,instrument: more than one strategy or instrument.
  bool multi() const;

  // The CSV headers and rows (what the pass writes).
  std::string trades_header() const;
  std::string fills_header() const;
  std::string equity_header() const;
  void trade_row(std::string& out, const TradeRow& t) const;
  void fill_row(std::string& out, const FillRow& f) const;
  // One equity sample: its time, each strategy's equity, the total and the drawdown fraction.
  void equity_row(std::string& out, const Stamp& at, const std::vector<int64_t>& equity,
                  int64_t total, double drawdown) const;
};

// The settings as one JSON object (money as integer minor units, strings as given), so that a
// backtest can keep them in its run log's meta and `tape report` rebuild the same report; and
// back. Unknown keys are refused naming them; missing keys keep their defaults.
Json settings_json(const BacktestReportSettings& settings);
Result<BacktestReportSettings> settings_from_json(const Json& json);

// The report's pass, fed one input at a time with that input's outputs (seq order, outputs in
// k order), so that a backtest builds its report as the run makes its outputs instead of reading
// its log a second time (cli/backtest_command.cc). start() reads from `log` only what the pass
// needs before its first input (instruments, import meta, and the accounts when the settings
// name none: that alone reads the whole log), all in a backtest log's meta from its start.
// build_backtest_report is this pass over the log's batches: both give the same report.
class BacktestReportPass {
 public:
  static Result<std::unique_ptr<BacktestReportPass>> start(const EventLog& log,
                                                           const BacktestReportSettings& settings,
                                                           const ReportOutput& output = {});
  ~BacktestReportPass();
  BacktestReportPass(const BacktestReportPass&) = delete;
  BacktestReportPass& operator=(const BacktestReportPass&) = delete;
  // Errors as build_backtest_report's; the pass is then unusable.
  Status input(const Input& in, std::span<const Output> outputs);
  // The report's settings, e.g. to set facts known only at the end (the run's chain head).
  BacktestReportSettings& settings();
  // Once, after the last input.
  Result<BacktestReport> finish();

 private:
  BacktestReportPass();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Feeds `pass` every input of `log` with its outputs, from the first to the log's last seq (a
// resumed backtest's pass reads what the log already holds before it follows the run).
Status feed_report_pass(BacktestReportPass& pass, const EventLog& log);

// Reads `log` to its end, writing the CSV rows to `output` as it goes. Errors: Status::mismatch
// (corrupt log or outputs that contradict each other, naming the seq), Status::invalid (an
// instrument whose money unit is not whole, an equity leaving int64).
Result<BacktestReport> build_backtest_report(const EventLog& log,
                                             const BacktestReportSettings& settings,
                                             const ReportOutput& output = {});

}  // namespace tape
