// Shared Boost.Program_options plumbing for the subcommands.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "core/status.h"

namespace tape {

namespace po = boost::program_options;

// Parses `args` against `desc` (and `positional`, if any). Returns an exit code to stop with:
// 0 after printing help for --help, 1 after printing a usage error; nullopt to go on.
std::optional<int> parse_options(const char* command, const std::vector<std::string>& args,
                                 const po::options_description& desc,
                                 const po::positional_options_description* positional,
                                 po::variables_map& vm);

// A seed as the command line gives it: decimal digits only (no sign, no spaces), 0 to 2^63-1,
// the range a scenario's `seed` key takes. Status::usage naming `option` otherwise.
Result<uint64_t> parse_seed(const std::string& text, const char* option);

// A count as the command line gives it (--jobs 4): decimal digits only, from `min` to `max`.
// Status::usage naming `option` and the range otherwise ("-1" is refused, not wrapped).
Result<size_t> parse_count(const std::string& text, const char* option, size_t min, size_t max);

}  // namespace tape
