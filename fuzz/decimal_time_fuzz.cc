// Text -> the exact number and time parsers of feed/ (feed/decimal.h, feed/time_parse.h, the
// JSONL reader's ISO form). Input: "VALUE" or "VALUE|TICK" (the first '|' splits them). Checks:
// - a parsed decimal formats back to the same units and scale;
// - to_ticks with every rounding: format_ticks of the result parses back to a value that is the
//   input exactly (reject) or within one tick on the rounding's side (down, up, nearest: half);
//   reject succeeds exactly when down and up agree;
// - every time parser never crashes; a parsed date, date-time or ISO time formats back
//   (format_utc) to text that parses to the same instant;
// - a zone's cached offset never changes an answer: a fresh copy gives the same instants.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "feed/decimal.h"
#include "feed/jsonl_fields.h"
#include "feed/time_parse.h"

namespace {

using i128 = __int128;
using tape::Decimal;
using tape::Rounding;

i128 pow10(int n) {
  i128 v = 1;
  while (n-- > 0) v *= 10;
  return v;
}
// `d` in units of 10^-scale (scale >= d.scale, at most 18: fits in i128).
i128 at_scale(Decimal d, int scale) { return static_cast<i128>(d.units) * pow10(scale - d.scale); }

void check_decimal_text(std::string_view text) {
  auto d = tape::parse_decimal(text);
  if (!d.is_ok()) return;
  const std::string s = tape::format_decimal(d.value());
  auto again = tape::parse_decimal(s);
  TAPE_CHECK(again.is_ok() && again.value() == d.value(), "format_decimal does not parse back");
  const Decimal n = tape::normalized(d.value());
  TAPE_CHECK(at_scale(n, d->scale) == d->units && tape::significant_scale(d.value()) == n.scale,
             "normalized changed the value");
}

// value -> ticks -> text -> value, for one tick and rounding.
void check_ticks(Decimal value, Decimal tick) {
  if (tick.units <= 0) return;
  tape::Result<int64_t> q[4] = {tape::to_ticks(value, tick, Rounding::kReject),
                          tape::to_ticks(value, tick, Rounding::kNearest),
                          tape::to_ticks(value, tick, Rounding::kDown),
                          tape::to_ticks(value, tick, Rounding::kUp)};
  if (q[2].is_ok() && q[3].is_ok()) {
    const int64_t gap = q[3].value() - q[2].value();
    TAPE_CHECK(gap == 0 || gap == 1, "down and up are not the same or adjacent ticks");
    TAPE_CHECK(q[0].is_ok() == (gap == 0), "reject disagrees with down == up");
    if (q[1].is_ok()) {
      TAPE_CHECK(q[1].value() == q[2].value() || q[1].value() == q[3].value(),
                 "nearest is neither down nor up");
    }
  }
  for (int r = 0; r < 4; ++r) {
    if (!q[r].is_ok()) continue;
    const std::string text = tape::format_ticks(q[r].value(), tick);
    if (text.find('*') != std::string::npos) continue;  // beyond int64 units, written as a count
    auto back = tape::parse_decimal(text);
    TAPE_CHECK(back.is_ok() && back->scale == tick.scale, "format_ticks does not parse back");
    const int scale = std::max({value.scale, tick.scale, back->scale});
    const i128 v = at_scale(value, scale), b = at_scale(back.value(), scale);
    const i128 t = at_scale(tick, scale);
    TAPE_CHECK(b == static_cast<i128>(q[r].value()) * t, "format_ticks is not ticks x tick");
    switch (static_cast<Rounding>(r)) {
      case Rounding::kReject: TAPE_CHECK(b == v, "an exact tick count is not the value"); break;
      case Rounding::kDown: TAPE_CHECK(b <= v && v - b < t, "down is not the tick below"); break;
      case Rounding::kUp: TAPE_CHECK(b >= v && b - v < t, "up is not the tick above"); break;
      case Rounding::kNearest: {
        const i128 diff = b > v ? b - v : v - b;
        TAPE_CHECK(2 * diff <= t, "nearest is more than half a tick away");
        break;
      }
    }
  }
}

// An instant formatted by format_utc parses back (ISO reader and date-time parser) to itself.
void check_instant(int64_t ns) {
  const std::string text = tape::format_utc(ns);
  int64_t back = 0;
  TAPE_CHECK(tape::parse_iso_ns(text, back) && back == ns, text.c_str());
  // The CSV date parser takes dates of +-106,000 days (1679..2260), a little less than the ns
  // range the ISO reader takes.
  constexpr int64_t kDateNsMax = 106'000 * tape::kNsPerDay;
  if (ns < -kDateNsMax || ns >= kDateNsMax) return;
  tape::DateTime dt;
  TAPE_CHECK(tape::parse_date_time(text, tape::DateFormat::kYmd, dt) && dt.has_offset &&
                 dt.local_ns - dt.offset_ns == ns,
             text.c_str());
}

// Zones whose rules the local times below are read in (a half-hour DST, a far east offset).
const tape::TimeZone& zone(size_t i) {
  static const tape::TimeZone kZones[] = {
      tape::TimeZone::parse("America/New_York").value(),
      tape::TimeZone::parse("Australia/Lord_Howe").value(),
      tape::TimeZone::parse("Pacific/Kiritimati").value(),
      tape::TimeZone::parse("+05:30").value(),
  };
  return kZones[i % 4];
}

void check_local(int64_t local_ns, size_t zone_index, tape::TimeZone& cached) {
  const tape::TimeZone fresh = zone(zone_index);
  int64_t a = 0, b = 0;
  const bool ok = cached.to_utc(local_ns, a);
  TAPE_CHECK(ok == fresh.to_utc(local_ns, b) && (!ok || a == b), "a cached zone answered differently");
  const int64_t first = fresh.first_instant_at_or_after(local_ns);
  TAPE_CHECK(!ok || first == a, "first_instant_at_or_after is not to_utc for an existing time");
  const int64_t day = 86'400LL * tape::kNsPerSecond;
  TAPE_CHECK(first - local_ns < day && local_ns - first < day, "an offset of a day or more");
}

void check_times(std::string_view text, tape::TimeZone& cached, size_t zone_index) {
  using tape::DateFormat;
  for (DateFormat f : {DateFormat::kAuto, DateFormat::kYmd, DateFormat::kMdy, DateFormat::kDmy,
                       DateFormat::kYmdCompact}) {
    int64_t days = 0;
    if (tape::parse_date(text, f, days)) check_instant(days * tape::kNsPerDay);
    tape::DateTime dt;
    if (!tape::parse_date_time(text, f, dt)) continue;
    check_instant(dt.has_offset ? dt.local_ns - dt.offset_ns : dt.local_ns);
    check_local(dt.local_ns, zone_index, cached);
  }
  int64_t ns = 0;
  if (tape::parse_time_of_day(text, ns)) {
    TAPE_CHECK(ns >= 0 && ns < 86'401LL * tape::kNsPerSecond, "a time of day out of the day");
  }
  for (tape::TimeFormat f : {tape::TimeFormat::kUnixS, tape::TimeFormat::kUnixMs,
                             tape::TimeFormat::kUnixUs, tape::TimeFormat::kUnixNs}) {
    if (!tape::parse_unix_time(text, f, ns)) continue;
    const std::string iso = tape::format_utc(ns);
    int64_t back = 0;
    if (tape::parse_iso_ns(iso, back)) TAPE_CHECK(back == ns, iso.c_str());
  }
  if (tape::parse_iso_ns(text, ns)) check_instant(ns);
  (void)tape::TimeZone::parse(text.substr(0, 64));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const size_t bar = text.find('|');
  const std::string_view value = text.substr(0, bar);
  check_decimal_text(text);
  static tape::TimeZone cached[4] = {zone(0), zone(1), zone(2), zone(3)};
  const size_t zone_index = size == 0 ? 0 : data[size - 1] % 4;
  check_times(value, cached[zone_index], zone_index);
  auto v = tape::parse_decimal(value);
  if (!v.is_ok()) return 0;
  if (bar != std::string_view::npos) {
    auto t = tape::parse_decimal(text.substr(bar + 1));
    if (t.is_ok()) check_ticks(v.value(), t.value());
  }
  for (Decimal tick : {Decimal{1, 0}, Decimal{1, 2}, Decimal{5, 2}, Decimal{25, 3},
                       Decimal{1, v->scale}, Decimal{3, 18}}) {
    check_ticks(v.value(), tick);
  }
  return 0;
}
