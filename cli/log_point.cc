#include "cli/log_point.h"

#include <charconv>
#include <limits>
#include <string>

namespace tape {
namespace {

// "12.5" -> (125, 1): the digits without the point and how many followed it. No floating point:
// "0.1s" is exactly 100,000,000 ns.
bool parse_decimal(std::string_view text, uint64_t& digits, int& fraction_digits) {
  digits = 0;
  fraction_digits = -1;
  bool any = false;
  for (const char c : text) {
    if (c == '.' && fraction_digits < 0) {
      fraction_digits = 0;
      continue;
    }
    if (c < '0' || c > '9') return false;
    if (digits > (std::numeric_limits<uint64_t>::max() - 9) / 10) return false;
    digits = digits * 10 + static_cast<uint64_t>(c - '0');
    if (fraction_digits >= 0) ++fraction_digits;
    any = true;
  }
  if (fraction_digits < 0) fraction_digits = 0;
  return any;
}

std::string describe_end(const EventLog& log) {
  const Seq last = log.last_seq();
  if (last.value() == 0) return "the log is empty";
  auto ts = timestamp_of(log, last);
  return "the log ends at seq " + std::to_string(last.value()) +
         (ts.is_ok() ? ", stamped " + std::to_string(ts.value().value()) + " ns" : "");
}

}  // namespace

Result<LogPoint> parse_log_point(std::string_view text) {
  LogPoint point;
  uint64_t seq = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seq);
  if (ec == std::errc() && end == text.data() + text.size()) {
    if (seq == 0) return Status::invalid("'" + std::string(text) + "': seqs start at 1");
    point.seq = Seq(seq);
    return point;
  }
  struct Unit {
    std::string_view suffix;
    uint64_t ns;
  };
  // Longest suffixes first, so "ms" is not read as "s".
  static constexpr Unit kUnits[] = {{"ns", 1}, {"us", 1'000}, {"ms", 1'000'000},
                                    {"s", 1'000'000'000}, {"m", 60'000'000'000}};
  for (const Unit& unit : kUnits) {
    if (!text.ends_with(unit.suffix)) continue;
    uint64_t digits = 0;
    int fraction_digits = 0;
    if (!parse_decimal(text.substr(0, text.size() - unit.suffix.size()), digits, fraction_digits)) {
      break;
    }
    unsigned __int128 ns = static_cast<unsigned __int128>(digits) * unit.ns;
    for (int i = 0; i < fraction_digits; ++i) ns /= 10;
    if (ns > static_cast<unsigned __int128>(std::numeric_limits<int64_t>::max())) break;
    point.is_time = true;
    point.ts = Timestamp(static_cast<int64_t>(ns));
    return point;
  }
  return Status::invalid("'" + std::string(text) +
                         "' is neither a seq nor a simulated time such as 12.5s, 1500ms, 250us, "
                         "42ns or 2m");
}

Result<Seq> resolve_from(const EventLog& log, const LogPoint& point) {
  if (!point.is_time) {
    // Past the end is an empty range, as for a time: an error, never "0 compared, ok". Seq 1
    // of an empty log is the whole (empty) log.
    if (point.seq > log.last_seq() && point.seq.value() > 1) {
      return Status::invalid("no input at seq " + std::to_string(point.seq.value()) + " or after: " +
                             describe_end(log));
    }
    return point.seq;
  }
  ASSIGN_OR_RETURN(Seq seq, first_seq_at_or_after(log, point.ts));
  if (seq > log.last_seq()) {
    return Status::invalid("no input stamped at or after " + std::to_string(point.ts.value()) +
                           " ns: " + describe_end(log));
  }
  return seq;
}

Result<Seq> resolve_to(const EventLog& log, const LogPoint& point) {
  if (!point.is_time) return point.seq;
  ASSIGN_OR_RETURN(Seq after, first_seq_at_or_after(log, Timestamp(point.ts.value() + 1)));
  if (after.value() <= 1) {
    return Status::invalid("no input stamped at or before " + std::to_string(point.ts.value()) +
                           " ns");
  }
  return Seq(after.value() - 1);
}

Result<SeqRange> resolve_range(const EventLog& log, std::string_view from_text,
                               std::string_view to_text) {
  auto from_point = parse_log_point(from_text);
  if (!from_point.is_ok()) return Status::usage("--from " + from_point.status().message());
  SeqRange range;
  ASSIGN_OR_RETURN(range.from, resolve_from(log, from_point.value()));
  if (to_text.empty()) return range;
  auto to_point = parse_log_point(to_text);
  if (!to_point.is_ok()) return Status::usage("--to " + to_point.status().message());
  ASSIGN_OR_RETURN(range.to, resolve_to(log, to_point.value()));
  if (range.to < range.from) {
    const std::string what = "--from " + std::string(from_text) + " (seq " +
                             std::to_string(range.from.value()) + ") is after --to " +
                             std::string(to_text) + " (seq " + std::to_string(range.to.value()) + ")";
    // Two seqs out of order is a usage error; times with no input between them are a fact of
    // the log.
    if (!from_point.value().is_time && !to_point.value().is_time) return Status::usage(what);
    return Status::invalid(what + ": no input lies between them");
  }
  return range;
}

}  // namespace tape
