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

}  // namespace tape
