// `tape live` and `tape publish` (docs/live.md).
#include <cstdio>

#include "cli/commands.h"

namespace tape {

int live_command(const std::vector<std::string>&) {
  std::fprintf(stderr, "tape live: not available in this build yet\n");
  return 1;
}

int publish_command(const std::vector<std::string>&) {
  std::fprintf(stderr, "tape publish: not available in this build yet\n");
  return 1;
}

}  // namespace tape
