// `tape sweep`'s subcommands besides running and planning (cli/sweep_command.cc dispatches):
// each takes the arguments after its name and returns the CLI exit code.
#pragma once

#include <string>
#include <vector>

namespace tape {

int sweep_submit_command(const std::vector<std::string>& args);
int sweep_status_command(const std::vector<std::string>& args);
int sweep_collect_command(const std::vector<std::string>& args);

}  // namespace tape
