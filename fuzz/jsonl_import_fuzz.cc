// Bytes -> a JSONL file -> the JSONL reader (feed/jsonl_reader.h) drained to its end: a scan
// pass for the auto tick, then the import pass. Beyond the checks of every reader
// (fuzz/feed_fuzz_common.h):
// - the import pass's first bad row is never not_on_tick: the scanned tick holds every price;
// - sizes are never negative; a heartbeat has no symbol, every other record has one;
// - round trip: the records written back with format_jsonl (what inspect --jsonl exports) read
//   back as the same records (time, symbol, every field), with no bad row.
// The first byte picks the default symbol of lines without one ("" or "DEF").
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/status.h"
#include "feed/instruments.h"
#include "feed/jsonl_reader.h"
#include "fuzz/feed_fuzz_common.h"

namespace {

using tape::Decimal;
using tape::TickConverter;
using tape::fuzz::Drained;
using tape::fuzz::Layout;

Drained read(const std::string& path, const Layout& layout, const tape::JsonlOptions& o,
             TickConverter& ticks) {
  auto reader = tape::open_jsonl_reader(path, o, ticks);
  TAPE_CHECK(reader.is_ok(), reader.status().message().c_str());
  return tape::fuzz::drain(*reader.value(), path, layout, /*header=*/false);
}

void check_records(const Drained& d) {
  for (const tape::FeedRecord& r : d.records) {
    const bool heartbeat = std::holds_alternative<tape::HeartbeatIn>(r.body);
    TAPE_CHECK(r.symbol.empty() == heartbeat, "a heartbeat with a symbol, or a record without");
    std::visit(
        [](const auto& e) {
          if constexpr (requires { e.qty; }) TAPE_CHECK(e.qty.value() >= 0, "negative qty");
          if constexpr (requires { e.volume; }) TAPE_CHECK(e.volume.value() >= 0, "negative volume");
          if constexpr (requires { e.bid_qty; }) {
            TAPE_CHECK(e.bid_qty.value() >= 0 && e.ask_qty.value() >= 0, "negative quote size");
          }
          if constexpr (requires { e.period_ns; }) TAPE_CHECK(e.period_ns >= 0, "negative period");
        },
        r.body);
  }
}

// Writes `d`'s records as format_jsonl lines (instruments numbered by first appearance, each at
// its tick), reads them back with the same ticks and compares.
void check_round_trip(const Drained& d, TickConverter& ticks, const tape::JsonlOptions& o) {
  tape::InstrumentTable table;
  std::map<std::string, uint32_t> ids;
  std::string text;
  uint64_t seq = 0;
  for (const tape::FeedRecord& r : d.records) {
    tape::Input in{tape::Seq(++seq), tape::Timestamp(r.ts_ns), r.body};
    if (!r.symbol.empty()) {
      auto [it, added] = ids.emplace(r.symbol, static_cast<uint32_t>(table.size()));
      if (added) table.push_back({r.symbol, ticks.tick(r.symbol), 1});
      tape::fuzz::set_instrument(in.body, tape::InstrumentId(it->second));
    }
    text += tape::format_jsonl(in, table);
    text += '\n';
  }
  const std::string path = tape::fuzz::write_input("fuzz-roundtrip.jsonl", text);
  const Layout layout(text);
  const Drained back = read(path, layout, o, ticks);
  if (!back.bad.empty()) {
    std::fprintf(stderr, "%s\n", back.bad.front().message().c_str());
  }
  TAPE_CHECK(back.bad.empty(), "a line written by format_jsonl reads back as a bad row");
  TAPE_CHECK(back.records.size() == d.records.size(), "the round trip lost or added records");
  for (size_t i = 0; i < d.records.size(); ++i) {
    const tape::FeedRecord& a = d.records[i];
    const tape::FeedRecord& b = back.records[i];
    TAPE_CHECK(a.ts_ns == b.ts_ns && a.symbol == b.symbol && a.body == b.body,
               "a record read back from format_jsonl differs from the one written");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  tape::JsonlOptions o;
  if (data[0] & 1) o.default_symbol = "DEF";
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string path = tape::fuzz::write_input("fuzz-data.jsonl", bytes);
  const Layout layout(bytes);

  TickConverter scanner = TickConverter::scanner();
  check_records(read(path, layout, o, scanner));
  TickConverter ticks(Decimal{1, 2}, tape::Rounding::kReject);
  for (const auto& [symbol, s] : scanner.scales()) ticks.set_tick(symbol, Decimal{1, s});
  const Drained imported = read(path, layout, o, ticks);
  check_records(imported);
  TAPE_CHECK(tape::fuzz::first_reason(imported) != "not_on_tick",
             "the first bad row of an auto-tick import is off the scanned tick");
  check_round_trip(imported, ticks, o);
  return 0;
}
