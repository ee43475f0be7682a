#include "report/json.h"

#include <cmath>

namespace tape {

std::string json_escape(std::string_view s) {
  const std::string quoted = dump_json(Json(std::string(s)));
  return quoted.substr(1, quoted.size() - 2);
}

double round_to(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

}  // namespace tape
