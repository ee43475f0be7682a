// Bytes -> a CSV file -> the bars, quotes and trades readers (feed/csv_readers.h), each drained to
// its end twice: with the import's default options (a scan pass for the auto tick and bar
// periods, then the import pass) and with an option variant chosen by the first byte. Beyond
// the checks of every reader (fuzz/feed_fuzz_common.h):
// - the import pass's first bad row is never not_on_tick: the scanned tick holds every price;
// - the scan counts exactly the rows it yields;
// - a bar's open and close lie in [low, high], sizes are never negative, bar periods >= 0;
// - prices are exact: a tick ten times finer gives every record's prices times ten.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"
#include "feed/csv_readers.h"
#include "fuzz/feed_fuzz_common.h"

namespace {

using tape::CsvKind;
using tape::CsvOptions;
using tape::Decimal;
using tape::Rounding;
using tape::TickConverter;
using tape::fuzz::Drained;
using tape::fuzz::Layout;

// How the import pass gets its ticks.
struct TickMode {
  bool auto_tick = true;         // the scanned finest scale per symbol (the CLI's default)
  Decimal tick{1, 2};            // otherwise this tick for every symbol
  Rounding rounding = Rounding::kReject;
};

// Prices (in ticks) and sizes (in lots) of a record, for comparisons across passes.
void numbers(const tape::InputBody& body, std::vector<int64_t>& prices, std::vector<int64_t>& sizes) {
  prices.clear();
  sizes.clear();
  if (const auto* b = std::get_if<tape::BarIn>(&body)) {
    prices = {b->open.value(), b->high.value(), b->low.value(), b->close.value()};
    sizes = {b->volume.value(), b->period_ns};
  } else if (const auto* q = std::get_if<tape::QuoteIn>(&body)) {
    prices = {q->bid.value(), q->ask.value()};
    sizes = {q->bid_qty.value(), q->ask_qty.value()};
  } else if (const auto* t = std::get_if<tape::TradeIn>(&body)) {
    prices = {t->price.value()};
    sizes = {t->qty.value(), static_cast<int64_t>(t->aggressor)};
  } else {
    TAPE_CHECK(false, "a CSV reader yielded a body that is not a bar, quote or trade");
  }
}

void check_records(const Drained& d, CsvKind kind) {
  std::vector<int64_t> prices, sizes;
  for (const tape::FeedRecord& r : d.records) {
    TAPE_CHECK(!r.symbol.empty(), "a record without a symbol");
    numbers(r.body, prices, sizes);
    for (int64_t s : sizes) TAPE_CHECK(s >= 0, "a negative size or period");
    if (kind == CsvKind::kBars) {
      const auto& b = std::get<tape::BarIn>(r.body);
      TAPE_CHECK(b.low <= b.high && b.low <= b.open && b.open <= b.high && b.low <= b.close &&
                     b.close <= b.high,
                 "a bar whose open or close is outside [low, high]");
    }
    TAPE_CHECK(std::holds_alternative<tape::BarIn>(r.body) == (kind == CsvKind::kBars) &&
                   std::holds_alternative<tape::QuoteIn>(r.body) == (kind == CsvKind::kQuotes),
               "a record of another kind than the reader's");
  }
}

// Opens and drains one pass; false when the file's header is refused (then it is refused with
// Status::invalid naming the file, never an I/O error or a crash).
bool pass(const std::string& path, const Layout& layout, const CsvOptions& o, TickConverter& ticks,
          tape::CsvScan* scan, Drained& out) {
  auto reader = tape::open_csv_reader(path, o, ticks, scan);
  if (!reader.is_ok()) {
    TAPE_CHECK(reader.status().code() == tape::StatusCode::kInvalidInput, reader.status().message().c_str());
    TAPE_CHECK(reader.status().message().find(path) != std::string::npos,
               "a refused header's message does not name the file");
    return false;
  }
  out = tape::fuzz::drain(*reader.value(), path, layout, o.header);
  check_records(out, o.kind);
  return true;
}

// The same file with a tick ten times finer: every record it has in common with `coarse` (when
// both yielded the same lines) has ten times the ticks and the same sizes and times.
void check_finer_tick(const std::string& path, const Layout& layout, const CsvOptions& o,
                      const std::map<std::string, int>& scales, const Drained& coarse) {
  TickConverter fine(Decimal{1, 3}, Rounding::kReject);  // the import pass's default is 0.01
  for (const auto& [symbol, s] : scales) {
    if (s >= tape::kDecimalScaleMax) return;
    fine.set_tick(symbol, Decimal{1, s + 1});
  }
  Drained d;
  TAPE_CHECK(pass(path, layout, o, fine, nullptr, d), "the header was accepted once, then refused");
  if (d.lines != coarse.lines || d.records.size() != coarse.records.size()) return;
  std::vector<int64_t> pc, sc, pf, sf;
  for (size_t i = 0; i < d.records.size(); ++i) {
    numbers(coarse.records[i].body, pc, sc);
    numbers(d.records[i].body, pf, sf);
    TAPE_CHECK(sc == sf && d.records[i].ts_ns == coarse.records[i].ts_ns &&
                   d.records[i].symbol == coarse.records[i].symbol,
               "a finer tick changed a record's sizes, time or symbol");
    for (size_t k = 0; k < pc.size(); ++k) {
      // Adjusted prices are rounded, so a finer tick may keep a digit the coarse one rounded.
      if (o.adjusted) continue;
      TAPE_CHECK(pf[k] == pc[k] * 10, "a finer tick is not ten times the ticks: a price is inexact");
    }
  }
}

// The import's two passes with `mode`.
// With `finer`, the finer-tick exactness check runs too.
void import(const std::string& path, const Layout& layout, CsvOptions o, const TickMode& mode,
            bool finer) {
  TickConverter scanner = TickConverter::scanner();
  tape::CsvScan scan;
  Drained scanned;
  if (!pass(path, layout, o, scanner, &scan, scanned)) return;
  TAPE_CHECK(scan.rows == scanned.records.size(), "the scan's row count differs from its records");
  if (o.bar_period_ns < 0) o.bar_periods_ns = scan.bar_periods_ns();
  TickConverter ticks(mode.tick, mode.rounding);
  if (mode.auto_tick) {
    for (const auto& [symbol, s] : scanner.scales()) ticks.set_tick(symbol, Decimal{1, s});
  }
  Drained imported;
  TAPE_CHECK(pass(path, layout, o, ticks, nullptr, imported),
             "the header was accepted by the scan, then refused");
  if (mode.auto_tick && !(o.adjusted && mode.rounding == Rounding::kReject)) {
    TAPE_CHECK(tape::fuzz::first_reason(imported) != "not_on_tick",
               "the first bad row of an auto-tick import is off the scanned tick");
  }
  if (mode.auto_tick && finer) check_finer_tick(path, layout, o, scanner.scales(), imported);
}

// Options chosen by the low bits of `v`, with the columns of `kind`.
CsvOptions variant(CsvKind kind, uint8_t v, TickMode& mode) {
  CsvOptions o;
  o.kind = kind;
  mode.rounding = static_cast<Rounding>((v >> 3) & 3);
  switch (v & 7) {
    case 0: o.symbol = "FIXED"; break;
    case 1: o.delimiter = (v & 0x20) ? ';' : '\t'; break;
    case 2: {
      o.header = false;
      const char* names[3][5] = {{"datetime", "open", "high", "low", "close"},
                                 {"datetime", "bid", "ask", "bid_size", "ask_size"},
                                 {"datetime", "price", "size", "side", nullptr}};
      for (int i = 0; i < 5 && names[static_cast<int>(kind)][i] != nullptr; ++i) {
        tape::CsvCol c;
        TAPE_CHECK(tape::parse_csv_col(names[static_cast<int>(kind)][i], c), "unknown column");
        o.columns.push_back({c, std::to_string(i + 1)});
      }
      break;
    }
    case 3: {
      auto tz = tape::TimeZone::parse((v & 0x20) ? "America/New_York" : "Australia/Lord_Howe");
      TAPE_CHECK(tz.is_ok(), "the fuzz time zone is missing from the tz database");
      o.tz = tz.value();
      o.daily_close_ns = (v & 0x40) ? 16 * 3600 * tape::kNsPerSecond : -1;
      break;
    }
    case 4: o.time_format = (v & 0x20) ? tape::TimeFormat::kUnixMs : tape::TimeFormat::kUnixS; break;
    case 5:
      o.date_format = (v & 0x20) ? tape::DateFormat::kDmy : tape::DateFormat::kYmdCompact;
      o.lot_size = 100;
      break;
    case 6:
      o.price_scale = 4;
      mode.auto_tick = (v & 0x20) != 0;
      mode.tick = Decimal{(v & 0x40) ? 5 : 1, 2};
      break;
    case 7:
      o.adjusted = kind == CsvKind::kBars;
      if (o.adjusted && mode.rounding == Rounding::kReject) mode.rounding = Rounding::kNearest;
      o.bar_period_ns = (v & 0x20) ? 0 : 60 * tape::kNsPerSecond;
      break;
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t v = data[0];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string path = tape::fuzz::write_input("fuzz-data.csv", bytes);
  const Layout layout(bytes);
  for (CsvKind kind : {CsvKind::kBars, CsvKind::kQuotes, CsvKind::kTrades}) {
    CsvOptions defaults;
    defaults.kind = kind;
    import(path, layout, defaults, TickMode{}, /*finer=*/true);
    TickMode mode;
    const CsvOptions o = variant(kind, v, mode);
    import(path, layout, o, mode, /*finer=*/false);
  }
  return 0;
}
