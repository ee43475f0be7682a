#include "cli/options.h"

#include <iostream>

namespace tape {

std::optional<int> parse_options(const char* command, const std::vector<std::string>& args,
                                 const po::options_description& desc,
                                 const po::positional_options_description* positional,
                                 po::variables_map& vm) {
  try {
    auto parser = po::command_line_parser(args).options(desc);
    if (positional) parser.positional(*positional);
    po::store(parser.run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: tape " << command << " [options]\n" << desc;
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "tape " << command << ": " << e.what() << "\n" << desc;
    return 1;
  }
  return std::nullopt;
}

Result<uint64_t> parse_seed(const std::string& text, const char* option) {
  constexpr uint64_t kMax = uint64_t{1} << 63;  // exclusive: the scenario key's INT64_MAX
  uint64_t value = 0;
  bool ok = !text.empty() && text.size() <= 19;
  for (char c : text) {
    if (!ok || c < '0' || c > '9') {
      ok = false;
      break;
    }
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!ok || value >= kMax) {
    return Status::usage(std::string(option) + " must be an integer from 0 to " +
                         std::to_string(kMax - 1) + ", not '" + text + "'");
  }
  return value;
}

Result<size_t> parse_count(const std::string& text, const char* option, size_t min, size_t max) {
  size_t value = 0;
  bool ok = !text.empty() && text.size() <= 9;
  for (char c : text) {
    if (!ok || c < '0' || c > '9') {
      ok = false;
      break;
    }
    value = value * 10 + static_cast<size_t>(c - '0');
  }
  if (!ok || value < min || value > max) {
    return Status::usage(std::string(option) + " must be a whole number from " + std::to_string(min) + " to " +
                         std::to_string(max) + ", not '" + text + "'");
  }
  return value;
}

}  // namespace tape
