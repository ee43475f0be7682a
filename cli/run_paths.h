// Paths a run writes to, derived from or named on the command line, checked before the run.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace tape {

// `name` made safe as one path component: every character outside [A-Za-z0-9._-] becomes '_',
// leading dots become '_' (no "..", no hidden name), and an empty name becomes "scenario". So a
// scenario's name can never lead a default data dir out of runs/.
std::string path_safe_name(std::string_view name);

// runs/<name>-seed<N>, with the name made path-safe.
std::string default_data_dir(std::string_view scenario_name, uint64_t seed);

// Proves that a file can be written at `path` (as write_file does: a temporary next to it, then
// a rename) before any work is done, so a bad --report or --metrics-out path is refused up front
// rather than after the whole run. `option` names the flag in the message. A path that is a
// directory or whose parent does not exist is bad input (exit 2); a parent the user may not
// write to is an environment failure (permission, read-only file system: exit 4).
Status check_output_path(const std::string& path, std::string_view option);

// Writes `text` to `path` whole (temporary file, then rename), or names the file it could not.
Status write_file(const std::string& path, const std::string& text);

}  // namespace tape
