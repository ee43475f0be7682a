// Bytes -> a LOBSTER message file -> the LOBSTER reader (feed/lobster_reader.h) drained to its
// end: with the file's own price scale as the tick (LOBSTER's 0.0001: ticks are the integers
// written), and with the auto tick (a scan pass, then the import pass). The first byte picks
// the price scale (0..18) and the zone (New York or UTC). Beyond the checks of every reader
// (fuzz/feed_fuzz_common.h):
// - at the written scale a record's price is exactly the integer in its line (0 for type 7);
// - no record is before the day's midnight; sizes of types 1..6 are positive;
// - the stats count every record, and never-added orders only among reduce/delete/execute;
// - an auto-tick import's first bad row is never not_on_tick.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "feed/lobster_reader.h"
#include "fuzz/feed_fuzz_common.h"

namespace {

using tape::Decimal;
using tape::TickConverter;
using tape::fuzz::Drained;
using tape::fuzz::Layout;

// 2012-06-21 00:00 in New York (EDT, UTC-4) and in UTC, ns since the epoch.
constexpr int64_t kMidnightUtcNs = 1'340'236'800LL * 1'000'000'000;
constexpr int64_t kMidnightNewYorkNs = kMidnightUtcNs + 4 * 3600LL * 1'000'000'000;

// Drains one reader; `stats` gets a copy of its counters at the end.
Drained read(const std::string& path, const Layout& layout, const tape::LobsterOptions& o,
             TickConverter& ticks, tape::LobsterStats& stats) {
  const tape::LobsterStats* live = nullptr;
  auto reader = tape::open_lobster_reader(path, o, ticks, &live);
  TAPE_CHECK(reader.is_ok() && live != nullptr, reader.status().message().c_str());
  Drained d = tape::fuzz::drain(*reader.value(), path, layout, /*header=*/false);
  stats = *live;
  return d;
}

// The integer in the 5th comma-separated field of `line` (the reader accepted it).
int64_t written_price(std::string_view line) {
  size_t start = 0;
  for (int i = 0; i < 4; ++i) start = line.find(',', start) + 1;
  const size_t end = line.find(',', start);
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(line.data() + start, line.data() + end, v);
  TAPE_CHECK(ec == std::errc() && p == line.data() + end, "a record's price field is not an integer");
  return v;
}

void check_records(const Drained& d, const Layout& layout, int64_t midnight_ns,
                   const tape::LobsterStats& stats, bool written_scale) {
  TAPE_CHECK(stats.messages == d.records.size(), "stats.messages differs from the records yielded");
  uint64_t unknown = 0, candidates = 0;
  for (const auto& [action, n] : stats.unknown_order_by_action) {
    TAPE_CHECK(action == "reduce" || action == "delete" || action == "execute",
               "a never-added order counted under another action");
    unknown += n;
  }
  for (const tape::FeedRecord& r : d.records) {
    TAPE_CHECK(r.symbol == "FUZZ" && r.ts_ns >= midnight_ns, "a record's symbol or day is wrong");
    const auto& m = std::get<tape::BookMessageIn>(r.body);
    const bool book = static_cast<int>(m.action) <= static_cast<int>(tape::BookAction::kCross);
    TAPE_CHECK(!book || m.qty.value() > 0, "a book message of types 1..6 without a positive size");
    if (m.action == tape::BookAction::kReduce || m.action == tape::BookAction::kDelete ||
        m.action == tape::BookAction::kExecute) {
      ++candidates;
    }
    if (!written_scale) continue;
    const int64_t expected = book ? written_price(layout.line(r.line)) : 0;
    TAPE_CHECK(m.price.value() == expected, "a price at the written scale is not the written integer");
  }
  TAPE_CHECK(unknown <= candidates, "more never-added orders than reduce/delete/execute messages");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  tape::LobsterOptions o;
  o.price_scale_digits = data[0] % (tape::kDecimalScaleMax + 1);
  const bool utc = (data[0] & 0x80) != 0;
  if (utc) o.tz = "UTC";
  const int64_t midnight = utc ? kMidnightUtcNs : kMidnightNewYorkNs;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string path =
      tape::fuzz::write_input("FUZZ_2012-06-21_34200000_57600000_message_1.csv", bytes);
  const Layout layout(bytes);
  tape::LobsterStats stats;

  TickConverter written(Decimal{1, o.price_scale_digits}, tape::Rounding::kReject);
  Drained at_scale = read(path, layout, o, written, stats);
  check_records(at_scale, layout, midnight, stats, /*written_scale=*/true);
  TAPE_CHECK(at_scale.bad.empty() || at_scale.bad.front().reason != "not_on_tick",
             "a price at the file's own scale is off its tick");

  TickConverter scanner = TickConverter::scanner();
  check_records(read(path, layout, o, scanner, stats), layout, midnight, stats, false);
  TickConverter ticks(Decimal{1, 2}, tape::Rounding::kReject);
  for (const auto& [symbol, s] : scanner.scales()) ticks.set_tick(symbol, Decimal{1, s});
  const Drained imported = read(path, layout, o, ticks, stats);
  check_records(imported, layout, midnight, stats, false);
  TAPE_CHECK(tape::fuzz::first_reason(imported) != "not_on_tick",
             "the first bad row of an auto-tick import is off the scanned tick");
  return 0;
}
