// Dates and times from text to nanoseconds since the Unix epoch (UTC), exactly (integers only),
// and the time zone a local time is read in. The rules (formats, ambiguous and nonexistent local
// times) are written in docs/data_formats.md, "Time". The parsers are allocation-free: they run
// once per row on the import's hot path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace date {
class time_zone;
}

namespace tape {

inline constexpr int64_t kNsPerSecond = 1'000'000'000;
inline constexpr int64_t kNsPerDay = 86'400 * kNsPerSecond;

// How a date is written. kAuto tells them apart by shape: "YYYY-MM-DD", "MM/DD/YYYY" (the US
// order, as Yahoo and most US vendors write it) or "YYYYMMDD".
enum class DateFormat : uint8_t { kAuto, kYmd, kMdy, kDmy, kYmdCompact };
// "auto" | "YYYY-MM-DD" | "MM/DD/YYYY" | "DD/MM/YYYY" | "YYYYMMDD"; false for anything else.
bool parse_date_format(std::string_view text, DateFormat& out);
const char* date_format_name(DateFormat f);

// How a time (or a date-time column) is written. kAuto: "HH:MM[:SS[.fraction]]" (a fraction of
// 1 to 9 digits), or "HHMMSS[.fraction]" when it has no colon. kUnix*: the column is a count of
// seconds (a fraction allowed) / ms / us / ns since the epoch, UTC whatever the zone.
enum class TimeFormat : uint8_t { kAuto, kUnixS, kUnixMs, kUnixUs, kUnixNs };
// "auto" | "unix_s" | "unix_ms" | "unix_us" | "unix_ns"; false for anything else.
bool parse_time_format(std::string_view text, TimeFormat& out);
const char* time_format_name(TimeFormat f);

// Days since 1970-01-01 of a date in `format`; false when it is not a valid date (Feb 30 too).
bool parse_date(std::string_view text, DateFormat format, int64_t& days);
// Nanoseconds since midnight of "HH:MM[:SS[.f]]" or "HHMMSS[.f]" (hours 0..23, seconds 0..60:
// a leap second is read as the next second's start); false otherwise.
bool parse_time_of_day(std::string_view text, int64_t& ns);
// A count since the epoch in `format` (one of the kUnix*) as ns; false when not a number or out
// of the int64 ns range.
bool parse_unix_time(std::string_view text, TimeFormat format, int64_t& ns);

// A date-time in one field: DATE, or DATE then 'T' or ' ' then a time, then optionally 'Z' or
// an offset ±HH:MM / ±HHMM / ±HH (ISO 8601 and the "MM/DD/YYYY HH:MM:SS" form alike).
struct DateTime {
  int64_t local_ns = 0;   // as written, before any offset or zone
  bool has_time = false;  // a time part was there
  bool has_offset = false;
  int64_t offset_ns = 0;  // with has_offset: UTC = local - offset
};
bool parse_date_time(std::string_view text, DateFormat format, DateTime& out);

// The zone local times are read in: "UTC", a fixed offset ("+05:30", "-0400", "UTC+2") or an
// IANA name ("America/New_York", from the system's tz database). Cheap to copy; caches the
// offset of the last period it looked up, so consecutive rows cost one comparison.
class TimeZone {
 public:
  TimeZone() = default;  // UTC
  // Status::usage naming the zone when it is neither.
  static Result<TimeZone> parse(std::string_view name);
  const std::string& name() const { return name_; }
  bool is_utc() const { return zone_ == nullptr && offset_ns_ == 0; }

  // The UTC instant of local time `local_ns`. An ambiguous local time (a clock set back) is the
  // earlier of its two instants; a nonexistent one (a clock set forward) returns false.
  bool to_utc(int64_t local_ns, int64_t& utc_ns) const;
  // The first instant whose local time is at or after `local_ns`: to_utc, except that a
  // nonexistent local time gives the instant the clock jumped (used for end-of-day stamps).
  int64_t first_instant_at_or_after(int64_t local_ns) const;

 private:
  bool lookup(int64_t local_s, int64_t& offset_s, bool& nonexistent, int64_t& jump_s) const;

  std::string name_ = "UTC";
  const date::time_zone* zone_ = nullptr;  // null: fixed offset_ns_
  int64_t offset_ns_ = 0;
  // Cache: local seconds in [lo, hi) all have offset cached_offset_s_ (and are unambiguous).
  mutable int64_t cached_lo_s_ = 0;
  mutable int64_t cached_hi_s_ = 0;
  mutable int64_t cached_offset_s_ = 0;
};

// "1995-01-03T00:00:00Z", with a fraction when not whole seconds (for messages and summaries).
std::string format_utc(int64_t ns);

// The UTC calendar fields of `ns` since the epoch (proleptic Gregorian, civil_from_days by
// H. Hinnant; times before the epoch too): what format_utc writes.
struct CivilTime {
  int64_t year, month, day, second_of_day, fraction_ns;
};
CivilTime civil_from_ns(int64_t ns);

}  // namespace tape
