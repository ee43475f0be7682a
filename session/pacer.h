// Pacing: how fast simulated time runs against the wall clock, and when each input is due.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/status.h"
#include "core/types.h"

namespace tape {

struct Pace {
  enum class Kind : uint8_t { kMax, kRealtime, kFactor };
  Kind kind = Kind::kMax;
  double factor = 1;  // kFactor: simulated seconds per wall second
};
// Parses "max", "realtime" or "Nx" (N > 0, e.g. "10x", "0.5x").
Result<Pace> parse_pace(const std::string& text);

// Maps simulated time to the wall-clock moment it is due. The origin is the simulated time the
// run starts from: 0 for a fresh run, the log's last timestamp for a resumed one, so a resumed
// run goes on at its recorded position instead of first waiting out the time already recorded.
class Pacer {
 public:
  using Clock = std::chrono::steady_clock;

  Pacer(const Pace& pace, Timestamp origin, Clock::time_point start)
      : pace_(pace), origin_ns_(origin.value()), start_(start) {}

  bool paced() const { return pace_.kind != Pace::Kind::kMax; }
  // Wall time after the start at which simulated time `ts` is due (0 for `ts` at or before the
  // origin, and always 0 when unpaced).
  std::chrono::nanoseconds offset(Timestamp ts) const {
    if (!paced() || ts.value() <= origin_ns_) return std::chrono::nanoseconds(0);
    const double speed = pace_.kind == Pace::Kind::kRealtime ? 1.0 : pace_.factor;
    return std::chrono::nanoseconds(
        static_cast<int64_t>(static_cast<double>(ts.value() - origin_ns_) / speed));
  }
  Clock::time_point due(Timestamp ts) const { return start_ + offset(ts); }

 private:
  Pace pace_;
  int64_t origin_ns_;
  Clock::time_point start_;
};

}  // namespace tape
