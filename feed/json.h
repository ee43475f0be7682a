// The one way tape renders and reads JSON documents: nlohmann-json, objects keeping the order
// their members were added in (so a document reads the same on every run and every build).
// feed/ is the lowest folder that writes JSON (data log meta, JSON lines); report/ and cli/ use
// the same functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tape {

using Json = nlohmann::ordered_json;

// One line, no spaces ("key":value), as the CLI prints --json. Bytes that are not UTF-8 (a
// path can hold any) become U+FFFD instead of throwing.
std::string dump_json(const Json& j);

// Parses `text` as one JSON document; nullopt if it is not one (never throws).
std::optional<Json> parse_json(std::string_view text);

}  // namespace tape
