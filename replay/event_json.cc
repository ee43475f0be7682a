#include "replay/event_json.h"

namespace tape {

nlohmann::ordered_json event_json(const EventFields& fields) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const EventField& f : fields) {
    std::visit([&](const auto& v) { j[f.key] = v; }, f.value);
  }
  return j;
}

}  // namespace tape
