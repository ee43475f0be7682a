// Events as JSON objects (inspect --json), built with nlohmann-json from core's field lists.
#pragma once

#include <nlohmann/json.hpp>

#include "core/codec.h"

namespace tape {

// {"seq":..,"ts_ns":..,"type":"..",...} in the fields' order; strings escaped by the library.
nlohmann::ordered_json event_json(const EventFields& fields);

}  // namespace tape
