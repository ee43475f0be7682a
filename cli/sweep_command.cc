// `tape sweep` (docs/sweep.md).
#include <cstdio>

#include "cli/commands.h"

namespace tape {

int sweep_command(const std::vector<std::string>&) {
  std::fprintf(stderr, "tape sweep: not available in this build yet\n");
  return 1;
}

}  // namespace tape
