#include "session/pacer.h"

#include <cstdlib>

namespace tape {

Result<Pace> parse_pace(const std::string& text) {
  if (text == "max") return Pace{};
  if (text == "realtime") return Pace{Pace::Kind::kRealtime, 1};
  if (text.size() >= 2 && text.back() == 'x') {
    char* end = nullptr;
    const double f = std::strtod(text.c_str(), &end);
    if (end == text.c_str() + text.size() - 1 && f > 0 && f <= 1e9) {
      return Pace{Pace::Kind::kFactor, f};
    }
  }
  return Status::usage("--pace must be max, realtime or Nx (e.g. 10x), not '" + text + "'");
}

}  // namespace tape
