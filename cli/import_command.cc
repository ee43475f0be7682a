// `tape import FILE... --format F --data-dir DIR`: files into a data log (feed/import.h;
// formats, options and bad-row reasons in docs/data_formats.md).
#include <chrono>
#include <iostream>
#include "feed/json.h"

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "feed/import.h"
#include "feed/import_options.h"
#include "feed/time_parse.h"

namespace tape {
namespace {

struct CliValues {
  std::string format, date_format = "auto", time_format = "auto", tz, round, bar_period = "auto",
      daily_close, on_bad_row = "fail", columns, delimiter = ",";
  std::vector<std::string> ticks;
  int price_scale = 0;
};

Status apply(const CliValues& v, const po::variables_map& vm, ImportOptions& o) {
  ImportOptionText t;
  t.format = v.format;
  t.date_format = v.date_format;
  t.time_format = v.time_format;
  if (vm.count("tz")) t.tz = v.tz;
  if (vm.count("round")) t.round = v.round;
  t.bar_period = v.bar_period;
  if (vm.count("daily-close")) t.daily_close = v.daily_close;
  t.on_bad_row = v.on_bad_row;
  t.columns = v.columns;
  t.delimiter = v.delimiter;
  t.ticks = v.ticks;
  if (vm.count("price-scale")) t.price_scale = v.price_scale;
  return apply_import_text(t, [](std::string_view option) { return "--" + std::string(option); },
                           o);
}

nlohmann::ordered_json summary_json(const ImportOptions& o, const ImportReport& r,
                                    double elapsed_s) {
  using nlohmann::ordered_json;
  ordered_json files = ordered_json::array();
  uint64_t rows = 0;
  for (const ImportFileReport& f : r.files) {
    rows += f.rows;
    files.push_back({{"path", f.path}, {"sha256", f.sha256}, {"bytes", f.bytes},
                     {"rows", f.rows}, {"imported", f.imported}, {"skipped", f.skipped}});
  }
  ordered_json instruments = ordered_json::array();
  for (const InstrumentSpec& s : r.instruments) {
    instruments.push_back({{"symbol", s.symbol}, {"tick_size", format_decimal(s.tick_size)},
                           {"lot_size", s.lot_size}});
  }
  ordered_json j = {{"data_dir", o.data_dir},
                    {"format", import_format_name(o.format)},
                    {"files", files},
                    {"rows", rows},
                    {"imported", r.inputs},
                    {"skipped", r.bad_rows.total},
                    {"skipped_by_reason", r.bad_rows.by_reason},
                    {"instruments", instruments},
                    {"seq_last", r.last_seq},
                    {"chain_head", r.chain_head},
                    {"first_ts", format_utc(r.first_ts_ns)},
                    {"last_ts", format_utc(r.last_ts_ns)},
                    {"first_ts_ns", r.first_ts_ns},
                    {"last_ts_ns", r.last_ts_ns},
                    {"elapsed_s", elapsed_s},
                    {"rows_per_s", elapsed_s > 0 ? static_cast<double>(rows) / elapsed_s : 0.0}};
  if (o.format == ImportFormat::kLobster) j["unknown_orders"] = r.unknown_orders;
  return j;
}

void print_text(const ImportOptions& o, const ImportReport& r, double elapsed_s) {
  uint64_t rows = 0;
  for (const ImportFileReport& f : r.files) rows += f.rows;
  std::cout << "tape import: " << r.inputs << " " << import_format_name(o.format) << " inputs from "
            << r.files.size() << (r.files.size() == 1 ? " file" : " files") << " into "
            << o.data_dir << "\n";
  for (const ImportFileReport& f : r.files) {
    std::cout << "  " << f.path << ": " << f.rows << " rows, " << f.imported << " imported, "
              << f.skipped << " skipped (sha256 " << f.sha256 << ")\n";
  }
  for (const auto& [reason, n] : r.bad_rows.by_reason) {
    std::cout << "  skipped " << n << " bad rows: " << reason << "\n";
  }
  for (const auto& [action, n] : r.unknown_orders) {
    std::cout << "  " << n << " " << action << " messages name orders never added in the file\n";
  }
  std::cout << "  instruments:";
  for (const InstrumentSpec& s : r.instruments) {
    std::cout << " " << s.symbol << " (tick " << format_decimal(s.tick_size) << ")";
  }
  std::cout << "\n  seq 1.." << r.last_seq << ", " << format_utc(r.first_ts_ns) << " .. "
            << format_utc(r.last_ts_ns) << "\n  chain_head " << r.chain_head << "\n";
  std::printf("  %.3f s, %.0f rows/s\n", elapsed_s,
              elapsed_s > 0 ? static_cast<double>(rows) / elapsed_s : 0.0);
}

}  // namespace

int import_command(const std::vector<std::string>& args) {
  ImportOptions o;
  CliValues v;
  std::vector<std::string> files;
  bool json = false, no_header = false;
  po::options_description desc("tape import FILE... --format F --data-dir DIR");
  desc.add_options()("help,h", "show this help")(
      "file", po::value<std::vector<std::string>>(&files), "files to import (positional)")(
      "format", po::value<std::string>(&v.format)->required(), "bars|quotes|trades|jsonl|lobster")(
      "data-dir", po::value<std::string>(&o.data_dir)->required(), "the data log to write")(
      "overwrite", po::bool_switch(&o.overwrite), "replace the tape log in DIR (at the end)")(
      "symbol", po::value<std::string>(&o.csv.symbol),
      "symbol of every row (default: the file name up to its first '-' or '_', upper-cased)")(
      "symbol-column", po::value<std::string>(&o.csv.symbol_column),
      "column (name or 1-based index) holding each row's symbol")(
      "columns", po::value<std::string>(&v.columns),
      "field=NAME|INDEX,... (fields: datetime date time open high low close adj_close volume "
      "bid ask bid_size ask_size price size side)")(
      "no-header", po::bool_switch(&no_header), "the file has no header line (map with --columns)")(
      "delimiter", po::value<std::string>(&v.delimiter), "field separator (default ',', 'tab')")(
      "date-format", po::value<std::string>(&v.date_format),
      "auto|YYYY-MM-DD|MM/DD/YYYY|DD/MM/YYYY|YYYYMMDD (default auto)")(
      "time-format", po::value<std::string>(&v.time_format),
      "auto|unix_s|unix_ms|unix_us|unix_ns (default auto: HH:MM[:SS[.f]])")(
      "tz", po::value<std::string>(&v.tz),
      "zone of times without an offset: IANA name, UTC or +HH:MM (default UTC; lobster "
      "America/New_York)")(
      "tick-size", po::value<std::vector<std::string>>(&v.ticks)->composing(),
      "auto (default: finest decimals seen per symbol) | DECIMAL | SYM=DECIMAL, repeatable")(
      "lot-size", po::value<int64_t>(&o.csv.lot_size), "units per lot (default 1)")(
      "price-scale", po::value<int>(&v.price_scale),
      "prices are value x 10^N (default 0; lobster 4)")(
      "round", po::value<std::string>(&v.round),
      "reject|nearest|down|up: a price off its tick (default reject; nearest with --adjusted)")(
      "adjusted", po::bool_switch(&o.csv.adjusted),
      "Yahoo bars: close := Adj Close, open/high/low scaled by AdjClose/Close")(
      "bar-period", po::value<std::string>(&v.bar_period),
      "auto|none|N{ns,us,ms,s,m,h,d} (default auto: 1d daily, smallest gap intraday)")(
      "date", po::value<std::string>(&o.date),
      "lobster: the trading day YYYY-MM-DD (default: from the file name TICKER_YYYY-MM-DD_...)")(
      "daily-close", po::value<std::string>(&v.daily_close),
      "stamp daily bars at this local time HH:MM (default: the end of the date)")(
      "on-bad-row", po::value<std::string>(&v.on_bad_row), "fail (default) | skip")(
      "json", po::bool_switch(&json), "print one JSON object");
  po::positional_options_description positional;
  positional.add("file", -1);
  po::variables_map vm;
  if (auto code = parse_options("import", args, desc, &positional, vm)) return *code;
  if (files.empty()) return report_error(Status::usage("import: no FILE given"));
  if (Status st = apply(v, vm, o); !st.is_ok()) return report_error(st);
  o.csv.header = !no_header;

  ProgressBar bar("import");
  o.progress = [&bar](uint64_t done, uint64_t total, uint64_t rows) {
    bar.tick(total ? static_cast<double>(done) / static_cast<double>(total) : 0, rows);
  };
  const auto start = std::chrono::steady_clock::now();
  Result<ImportReport> report = run_import(files, o);
  bar.done();
  if (!report.is_ok()) return report_error(report.status());
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const BadRow& b : report.value().bad_rows.examples) {
    std::cerr << "tape import: skipped " << b.message() << "\n";
  }
  if (json) {
    std::cout << dump_json(summary_json(o, report.value(), elapsed_s)) << "\n";
  } else {
    print_text(o, report.value(), elapsed_s);
  }
  return 0;
}

}  // namespace tape
