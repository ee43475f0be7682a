#include "feed/csv_readers.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "feed/csv.h"
#include "feed/csv_row.h"

namespace tape {
namespace {

Status header_error(const std::string& path, const std::vector<std::string>& names,
                    const char* what, const std::string& fix) {
  std::string header;
  for (const std::string& n : names) header += (header.empty() ? "" : ",") + n;
  return Status::invalid(path + ":1: no " + what + " column (header: " + header + "); " + fix);
}

std::vector<CsvCol> wanted_columns(CsvKind kind) {
  std::vector<CsvCol> w = {CsvCol::kDate, CsvCol::kTime, CsvCol::kDateTime};
  switch (kind) {
    case CsvKind::kBars:
      w.insert(w.end(), {CsvCol::kOpen, CsvCol::kHigh, CsvCol::kLow, CsvCol::kClose,
                         CsvCol::kAdjClose, CsvCol::kVolume});
      break;
    case CsvKind::kQuotes:
      w.insert(w.end(), {CsvCol::kBid, CsvCol::kAsk, CsvCol::kBidSize, CsvCol::kAskSize});
      break;
    case CsvKind::kTrades:
      w.insert(w.end(), {CsvCol::kPrice, CsvCol::kSize, CsvCol::kSide});
      break;
  }
  return w;
}

std::vector<CsvCol> required_columns(const CsvOptions& o) {
  switch (o.kind) {
    case CsvKind::kBars: {
      std::vector<CsvCol> r = {CsvCol::kOpen, CsvCol::kHigh, CsvCol::kLow, CsvCol::kClose};
      if (o.adjusted) r.push_back(CsvCol::kAdjClose);
      return r;
    }
    case CsvKind::kQuotes: return {CsvCol::kBid, CsvCol::kAsk};
    case CsvKind::kTrades: return {CsvCol::kPrice, CsvCol::kSize};
  }
  return {};
}

// Checks the map against the format: a time, the required prices; moves a lone time column to
// datetime (a "time" header holding full timestamps).
Status check_columns(const std::string& path, const CsvOptions& o, ColumnMap& map) {
  auto& idx = map.index;
  if (!map.has(CsvCol::kDate) && !map.has(CsvCol::kDateTime) && map.has(CsvCol::kTime)) {
    idx[static_cast<size_t>(CsvCol::kDateTime)] = map.at(CsvCol::kTime);
    idx[static_cast<size_t>(CsvCol::kTime)] = -1;
  }
  if (!map.has(CsvCol::kDate) && !map.has(CsvCol::kDateTime)) {
    return header_error(path, map.names, "date or time",
                        "name it with --columns datetime=NAME|INDEX (or date= and time=)");
  }
  for (CsvCol c : required_columns(o)) {
    if (!map.has(c)) {
      return header_error(path, map.names, ("'" + std::string(csv_col_name(c)) + "'").c_str(),
                          "name it with --columns " + std::string(csv_col_name(c)) +
                              "=NAME|INDEX");
    }
  }
  return Status::ok();
}

class CsvRecordReader final : public RecordReader {
 public:
  CsvRecordReader(std::unique_ptr<CsvReader> csv, CsvOptions options, TickConverter& ticks,
                  CsvScan* scan, const ColumnMap& map, bool symbol_column)
      : csv_(std::move(csv)), options_(std::move(options)), row_(*csv_, map, options_, ticks),
        scan_(scan), symbol_column_(symbol_column) {}

  Result<Step> next(FeedRecord& out, BadRow& bad) override {
    for (;;) {
      ASSIGN_OR_RETURN(const CsvReader::Step step, csv_->next());
      if (step == CsvReader::Step::kEnd) return Step::kEnd;
      row_.begin(&bad);
      if (step == CsvReader::Step::kBadRow) {
        row_.malformed();
        return Step::kBadRow;
      }
      if (read_row(out)) return Step::kRecord;
      return Step::kBadRow;
    }
  }
  uint64_t bytes_read() const override { return csv_->bytes_read(); }

 private:
  bool read_row(FeedRecord& out) {
    SymbolState* sym = symbol_column_ ? row_.symbol_of_row(states_, last_)
                                      : &single(options_.symbol);
    if (sym == nullptr) return false;
    int64_t ts = 0;
    bool daily = false;
    if (!row_.timestamp(ts, daily)) return false;
    // The prices are read before the time order is checked, so that a scan pass (tick auto)
    // sees every row's decimals: a row its import pass takes (after skipping a bad one the scan
    // could not see: high below low is invisible to prices that are all 1) is never off a tick
    // the scan chose.
    bool ok = false;
    switch (options_.kind) {
      case CsvKind::kBars: ok = row_.bar(*sym, ts, daily, out.body); break;
      case CsvKind::kQuotes: ok = row_.quote(*sym, out.body); break;
      case CsvKind::kTrades: ok = row_.trade(*sym, out.body); break;
    }
    if (!ok) return false;
    if (ts < last_ts_) return row_.backwards(ts, last_ts_);
    // Two bars of one symbol at one time contradict each other only when bars have a period;
    // rows of an irregular series (period 0: one bar per trade tick) may share a time.
    if (options_.kind == CsvKind::kBars && ts == sym->last_ts &&
        (daily ? sym->daily_period_ns : sym->intraday_period_ns) > 0) {
      return row_.duplicate(ts);
    }
    if (scan_ != nullptr) {
      ++scan_->rows;
      if (sym->last_ts != std::numeric_limits<int64_t>::min() && ts > sym->last_ts) {
        const int64_t gap = ts - sym->last_ts;
        CsvScan::Gaps& g = scan_->gaps[sym->symbol];
        g.min_ns = g.min_ns == 0 ? gap : std::min(g.min_ns, gap);
        g.gcd_ns = std::gcd(g.gcd_ns, gap);
      }
    }
    sym->last_ts = ts;
    last_ts_ = ts;
    out.ts_ns = ts;
    if (out.symbol != sym->symbol) out.symbol = sym->symbol;
    out.line = csv_->line();
    return true;
  }

  SymbolState& single(const std::string& symbol) {
    if (states_.empty()) states_.push_back(row_.make_state(symbol));
    return states_.front();
  }

  std::unique_ptr<CsvReader> csv_;
  const CsvOptions options_;
  CsvRow row_;
  CsvScan* scan_;
  bool symbol_column_;
  std::vector<SymbolState> states_;
  size_t last_ = 0;
  int64_t last_ts_ = std::numeric_limits<int64_t>::min();
};

}  // namespace

std::map<std::string, int64_t> CsvScan::bar_periods_ns() const {
  std::map<std::string, int64_t> out;
  for (const auto& [symbol, g] : gaps) out[symbol] = g.gcd_ns == g.min_ns ? g.min_ns : 0;
  return out;
}

const char* csv_kind_name(CsvKind k) {
  switch (k) {
    case CsvKind::kBars: return "bars";
    case CsvKind::kQuotes: return "quotes";
    case CsvKind::kTrades: return "trades";
  }
  return "?";
}

Result<std::unique_ptr<RecordReader>> open_csv_reader(const std::string& path,
                                                      const CsvOptions& options,
                                                      TickConverter& ticks, CsvScan* scan) {
  ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> csv, CsvReader::open(path, options.delimiter));
  std::vector<ColumnOverride> overrides = options.columns;
  if (!options.symbol_column.empty()) overrides.push_back({CsvCol::kSymbol, options.symbol_column});
  std::vector<CsvCol> wanted = wanted_columns(options.kind);
  if (options.symbol.empty()) wanted.insert(wanted.begin(), CsvCol::kSymbol);
  Result<ColumnMap> map = Status::invalid("unset");
  if (options.header) {
    ASSIGN_OR_RETURN(const CsvReader::Step step, csv->next());
    if (step == CsvReader::Step::kEnd) return Status::invalid(path + ": empty file (no header)");
    if (step == CsvReader::Step::kBadRow) {
      return Status::invalid(path + ":1:" + std::to_string(csv->bad_column()) + ": header: " +
                             csv->bad_detail() + " (" + csv->bad_reason() + ")");
    }
    map = resolve_columns(path, &csv->fields(), csv->fields().size(), wanted, overrides);
  } else {
    map = resolve_columns(path, nullptr, CsvReader::kFieldsMax, wanted, overrides);
  }
  if (!map.is_ok()) return map.status();
  RETURN_IF_ERROR(check_columns(path, options, map.value()));
  const bool symbol_column = map.value().has(CsvCol::kSymbol);
  CsvOptions resolved = options;
  if (!symbol_column && resolved.symbol.empty()) resolved.symbol = symbol_from_path(path);
  return std::unique_ptr<RecordReader>(new CsvRecordReader(
      std::move(csv), std::move(resolved), ticks, scan, map.value(), symbol_column));
}

}  // namespace tape
