#include "report/json.h"

#include <cmath>

namespace tape {

std::string dump_json(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string json_escape(std::string_view s) {
  const std::string quoted = dump_json(Json(std::string(s)));
  return quoted.substr(1, quoted.size() - 2);
}

std::optional<Json> parse_json(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

double round_to(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

}  // namespace tape
