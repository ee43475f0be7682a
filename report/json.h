// JSON helpers of the reports, on top of feed/json.h (the one way tape renders and reads JSON).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "feed/json.h"

namespace tape {

// `s` escaped as the inside of a JSON string (no surrounding quotes).
std::string json_escape(std::string_view s);

// A double rounded to `decimals` places, so a figure prints as the fixed-point text did
// (0.012575, not 0.012574999999).
double round_to(double v, int decimals);

}  // namespace tape
