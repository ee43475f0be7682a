// The `tape` subcommands. Each takes its own arguments (after the subcommand name) and returns
// the process exit code of the CLI contract (README.md, exit codes): 0 ok, 1 usage, 2 bad input, 3
// verification failed.
#pragma once

#include <string>
#include <vector>

namespace tape {

int run_command(const std::vector<std::string>& args);
int replay_command(const std::vector<std::string>& args);
int inspect_command(const std::vector<std::string>& args);
int audit_command(const std::vector<std::string>& args);
int diff_command(const std::vector<std::string>& args);
int snapshot_command(const std::vector<std::string>& args);
int import_command(const std::vector<std::string>& args);
int backtest_command(const std::vector<std::string>& args);
int report_command(const std::vector<std::string>& args);
int sweep_command(const std::vector<std::string>& args);
int live_command(const std::vector<std::string>& args);
int publish_command(const std::vector<std::string>& args);

// Prints "tape: <message>" on stderr and returns the status's exit code.
class Status;
int report_error(const Status& status);

}  // namespace tape
