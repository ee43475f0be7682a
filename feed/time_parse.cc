#include "feed/time_parse.h"

#include <date/tz.h>

#include <chrono>
#include <cstdio>
#include <limits>

namespace tape {
namespace {

constexpr int64_t kSecondsPerDay = 86'400;
// Days of the ns range (1677-09-21 .. 2262-04-11), kept well inside so that adding a day or an
// offset cannot overflow.
constexpr int64_t kDaysMin = -106'000;
constexpr int64_t kDaysMax = 106'000;

// Reads exactly `n` digits at `p`; false if any is not a digit.
inline bool digits(const char* p, int n, int64_t& v) {
  v = 0;
  for (int i = 0; i < n; ++i) {
    const unsigned d = static_cast<unsigned char>(p[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool valid_ymd(int64_t y, int64_t m, int64_t d) {
  if (m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

bool make_days(int64_t y, int64_t m, int64_t d, int64_t& days) {
  if (!valid_ymd(y, m, d)) return false;
  days = days_from_civil(y, m, d);
  return days >= kDaysMin && days <= kDaysMax;
}

// The shape of a date: "YYYY-MM-DD" (10, '-' at 4), "NN/NN/YYYY" (10, '/' at 2), "YYYYMMDD" (8).
DateFormat detect(std::string_view t) {
  if (t.size() == 10 && t[4] == '-') return DateFormat::kYmd;
  if (t.size() == 10 && t[2] == '/') return DateFormat::kMdy;
  if (t.size() == 8) return DateFormat::kYmdCompact;
  return DateFormat::kAuto;
}

// Length of the date prefix of a date-time field in `format` (0 when it cannot start one).
size_t date_length(std::string_view t, DateFormat format) {
  if (format == DateFormat::kAuto) {
    if (t.size() >= 10 && t[4] == '-') return 10;
    if (t.size() >= 10 && t[2] == '/') return 10;
    return t.size() >= 8 ? 8 : 0;
  }
  return format == DateFormat::kYmdCompact ? 8 : 10;
}

// Fraction of a second, 1..9 digits, as ns.
bool fraction(std::string_view t, int64_t& ns) {
  if (t.empty() || t.size() > 9) return false;
  int64_t v = 0;
  if (!digits(t.data(), static_cast<int>(t.size()), v)) return false;
  for (size_t i = t.size(); i < 9; ++i) v *= 10;
  ns = v;
  return true;
}

// "Z", "+HH:MM", "+HHMM", "+HH" (or '-') as ns east of UTC.
bool parse_offset(std::string_view t, int64_t& offset_ns) {
  if (t == "Z" || t == "z") {
    offset_ns = 0;
    return true;
  }
  if (t.size() < 3 || (t[0] != '+' && t[0] != '-')) return false;
  int64_t h = 0, m = 0;
  if (!digits(t.data() + 1, 2, h)) return false;
  if (t.size() == 6 && t[3] == ':') {
    if (!digits(t.data() + 4, 2, m)) return false;
  } else if (t.size() == 5) {
    if (!digits(t.data() + 3, 2, m)) return false;
  } else if (t.size() != 3) {
    return false;
  }
  if (h > 23 || m > 59) return false;
  offset_ns = (h * 3600 + m * 60) * kNsPerSecond * (t[0] == '-' ? -1 : 1);
  return true;
}

}  // namespace

bool parse_date_format(std::string_view text, DateFormat& out) {
  for (DateFormat f : {DateFormat::kAuto, DateFormat::kYmd, DateFormat::kMdy, DateFormat::kDmy,
                       DateFormat::kYmdCompact}) {
    if (text == date_format_name(f)) {
      out = f;
      return true;
    }
  }
  return false;
}

const char* date_format_name(DateFormat f) {
  switch (f) {
    case DateFormat::kAuto: return "auto";
    case DateFormat::kYmd: return "YYYY-MM-DD";
    case DateFormat::kMdy: return "MM/DD/YYYY";
    case DateFormat::kDmy: return "DD/MM/YYYY";
    case DateFormat::kYmdCompact: return "YYYYMMDD";
  }
  return "?";
}

bool parse_time_format(std::string_view text, TimeFormat& out) {
  for (TimeFormat f : {TimeFormat::kAuto, TimeFormat::kUnixS, TimeFormat::kUnixMs,
                       TimeFormat::kUnixUs, TimeFormat::kUnixNs}) {
    if (text == time_format_name(f)) {
      out = f;
      return true;
    }
  }
  return false;
}

const char* time_format_name(TimeFormat f) {
  switch (f) {
    case TimeFormat::kAuto: return "auto";
    case TimeFormat::kUnixS: return "unix_s";
    case TimeFormat::kUnixMs: return "unix_ms";
    case TimeFormat::kUnixUs: return "unix_us";
    case TimeFormat::kUnixNs: return "unix_ns";
  }
  return "?";
}

bool parse_date(std::string_view t, DateFormat format, int64_t& days) {
  if (format == DateFormat::kAuto) format = detect(t);
  int64_t y = 0, m = 0, d = 0;
  switch (format) {
    case DateFormat::kYmd:
      if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
      if (!digits(t.data(), 4, y) || !digits(t.data() + 5, 2, m) || !digits(t.data() + 8, 2, d))
        return false;
      break;
    case DateFormat::kMdy:
    case DateFormat::kDmy: {
      if (t.size() != 10 || t[2] != '/' || t[5] != '/') return false;
      int64_t a = 0, b = 0;
      if (!digits(t.data(), 2, a) || !digits(t.data() + 3, 2, b) || !digits(t.data() + 6, 4, y))
        return false;
      m = format == DateFormat::kMdy ? a : b;
      d = format == DateFormat::kMdy ? b : a;
      break;
    }
    case DateFormat::kYmdCompact:
      if (t.size() != 8) return false;
      if (!digits(t.data(), 4, y) || !digits(t.data() + 4, 2, m) || !digits(t.data() + 6, 2, d))
        return false;
      break;
    case DateFormat::kAuto: return false;
  }
  return make_days(y, m, d, days);
}

bool parse_time_of_day(std::string_view t, int64_t& ns) {
  int64_t h = 0, m = 0, s = 0, frac = 0;
  size_t rest = 0;
  if (t.size() >= 5 && t[2] == ':') {
    if (!digits(t.data(), 2, h) || !digits(t.data() + 3, 2, m)) return false;
    rest = 5;
    if (t.size() > 5) {
      if (t.size() < 8 || t[5] != ':' || !digits(t.data() + 6, 2, s)) return false;
      rest = 8;
    }
  } else {
    if (t.size() < 6 || !digits(t.data(), 2, h) || !digits(t.data() + 2, 2, m) ||
        !digits(t.data() + 4, 2, s))
      return false;
    rest = 6;
  }
  if (rest < t.size()) {
    if (t[rest] != '.' || !fraction(t.substr(rest + 1), frac)) return false;
  }
  if (h > 23 || m > 59 || s > 60) return false;
  ns = (h * 3600 + m * 60 + s) * kNsPerSecond + frac;
  return true;
}

bool parse_unix_time(std::string_view t, TimeFormat format, int64_t& ns) {
  bool negative = false;
  size_t i = 0;
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) negative = t[i++] == '-';
  const size_t point = t.find('.', i);
  const std::string_view whole = t.substr(i, point == std::string_view::npos ? t.npos : point - i);
  if (whole.empty() || whole.size() > 19) return false;
  int64_t v = 0;
  for (char c : whole) {
    const unsigned d = static_cast<unsigned char>(c) - '0';
    if (d > 9 || v > (std::numeric_limits<int64_t>::max() - 9) / 10) return false;
    v = v * 10 + d;
  }
  int64_t unit = 1;
  switch (format) {
    case TimeFormat::kUnixS: unit = kNsPerSecond; break;
    case TimeFormat::kUnixMs: unit = 1'000'000; break;
    case TimeFormat::kUnixUs: unit = 1'000; break;
    case TimeFormat::kUnixNs: unit = 1; break;
    case TimeFormat::kAuto: return false;
  }
  int64_t frac_ns = 0;
  if (point != std::string_view::npos) {
    // Only seconds take a fraction (ns of it); a fraction of a smaller unit is refused.
    if (format != TimeFormat::kUnixS || !fraction(t.substr(point + 1), frac_ns)) return false;
  }
  if (v > (std::numeric_limits<int64_t>::max() - frac_ns) / unit) return false;
  ns = v * unit + frac_ns;
  if (negative) ns = -ns;
  return true;
}

bool parse_date_time(std::string_view t, DateFormat format, DateTime& out) {
  const size_t n = date_length(t, format);
  if (n == 0 || n > t.size()) return false;
  int64_t days = 0;
  if (!parse_date(t.substr(0, n), format, days)) return false;
  out = DateTime{};
  out.local_ns = days * kNsPerDay;
  if (n == t.size()) return true;
  if (t[n] != 'T' && t[n] != ' ') return false;
  std::string_view rest = t.substr(n + 1);
  // The offset starts at 'Z' or at a sign after the time's first characters.
  size_t off = rest.find_first_of("Zz+-", 2);
  std::string_view time = rest.substr(0, off);
  int64_t tod = 0;
  if (!parse_time_of_day(time, tod)) return false;
  out.local_ns += tod;
  out.has_time = true;
  if (off != std::string_view::npos) {
    if (!parse_offset(rest.substr(off), out.offset_ns)) return false;
    out.has_offset = true;
  }
  return true;
}

Result<TimeZone> TimeZone::parse(std::string_view name) {
  TimeZone z;
  z.name_ = std::string(name);
  if (name == "UTC" || name == "Z" || name == "utc") return z;
  std::string_view off = name;
  if (off.substr(0, 3) == "UTC") off.remove_prefix(3);
  int64_t offset_ns = 0;
  if (!off.empty() && (off[0] == '+' || off[0] == '-')) {
    if (off.size() == 2) {  // "UTC+2"
      const std::string padded = std::string(1, off[0]) + "0" + std::string(off.substr(1));
      if (parse_offset(padded, offset_ns)) {
        z.offset_ns_ = offset_ns;
        return z;
      }
    } else if (parse_offset(off, offset_ns)) {
      z.offset_ns_ = offset_ns;
      return z;
    }
    return Status::usage("time zone '" + z.name_ + "' is not UTC, an offset (+HH:MM) or an IANA name");
  }
  try {
    z.zone_ = date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    return Status::usage("unknown time zone '" + z.name_ +
                         "' (an IANA name such as America/New_York, UTC, or an offset +HH:MM)");
  }
  return z;
}

bool TimeZone::lookup(int64_t local_s, int64_t& offset_s, bool& nonexistent,
                      int64_t& jump_s) const {
  using namespace std::chrono;
  nonexistent = false;
  if (local_s >= cached_lo_s_ && local_s < cached_hi_s_) {
    offset_s = cached_offset_s_;
    return true;
  }
  const date::local_seconds ls{seconds(local_s)};
  const date::local_info info = zone_->get_info(ls);
  if (info.result == date::local_info::nonexistent) {
    nonexistent = true;
    jump_s = info.second.begin.time_since_epoch().count();
    return false;
  }
  // Unique or ambiguous: `first` is the earlier instant's period.
  offset_s = info.first.offset.count();
  if (info.result == date::local_info::unique) {
    // The local span of this period, a day short at both ends so that no neighbouring
    // transition (ambiguity or gap) falls inside.
    const int64_t lo = info.first.begin.time_since_epoch().count() + offset_s + kSecondsPerDay;
    const int64_t hi = info.first.end.time_since_epoch().count() + offset_s - kSecondsPerDay;
    if (lo < hi) {
      cached_lo_s_ = lo;
      cached_hi_s_ = hi;
      cached_offset_s_ = offset_s;
    }
  }
  return true;
}

bool TimeZone::to_utc(int64_t local_ns, int64_t& utc_ns) const {
  if (zone_ == nullptr) {
    utc_ns = local_ns - offset_ns_;
    return true;
  }
  // Floor to seconds: offsets are whole seconds.
  const int64_t local_s = local_ns >= 0 ? local_ns / kNsPerSecond
                                        : -((-local_ns + kNsPerSecond - 1) / kNsPerSecond);
  int64_t offset_s = 0, jump_s = 0;
  bool nonexistent = false;
  if (!lookup(local_s, offset_s, nonexistent, jump_s)) return false;
  utc_ns = local_ns - offset_s * kNsPerSecond;
  return true;
}

int64_t TimeZone::first_instant_at_or_after(int64_t local_ns) const {
  int64_t utc = 0;
  if (to_utc(local_ns, utc)) return utc;
  const int64_t local_s = local_ns / kNsPerSecond;
  int64_t offset_s = 0, jump_s = 0;
  bool nonexistent = false;
  lookup(local_s, offset_s, nonexistent, jump_s);
  return jump_s * kNsPerSecond;
}

CivilTime civil_from_ns(int64_t ns) {
  int64_t days = ns / kNsPerDay;
  int64_t rem = ns % kNsPerDay;
  if (rem < 0) {
    rem += kNsPerDay;
    --days;
  }
  // civil_from_days (H. Hinnant).
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp + (mp < 10 ? 3 : -9);
  return CivilTime{yoe + era * 400 + (m <= 2), m, d, rem / kNsPerSecond, rem % kNsPerSecond};
}

std::string format_utc(int64_t ns) {
  const CivilTime c = civil_from_ns(ns);
  const int64_t y = c.year, m = c.month, d = c.day, secs = c.second_of_day, frac = c.fraction_ns;
  char buf[64];
  int len = std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld",
                          static_cast<long long>(y), static_cast<long long>(m),
                          static_cast<long long>(d), static_cast<long long>(secs / 3600),
                          static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  std::string out(buf, static_cast<size_t>(len));
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(frac));
    std::string f(buf);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out + "Z";
}

}  // namespace tape
