// tape: deterministic market simulation and backtest engine. README.md documents the commands,
// their options and the exit codes.
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

constexpr const char* kUsage =
    "usage: tape <command> [options]\n"
    "\n"
    "commands:\n"
    "  run SCENARIO.toml [--seed N] [--data-dir DIR] [--set key=value]... [--json] [--overwrite]\n"
    "      [--resume] [--check-invariants] [--pace max|realtime|Nx] [--metrics-out F] [--report F]\n"
    "      generate the scenario's market activity, drive it through the engine, record it\n"
    "  replay --data-dir DIR [--from SEQ|TIME] [--to SEQ|TIME] [--verify] [--json]\n"
    "      re-run the core from the recorded inputs; --verify proves every output matches\n"
    "  inspect --data-dir DIR [--from SEQ|TIME] [--to SEQ|TIME] [--type T] [--instrument S]\n"
    "      [--raw] [--json | --jsonl]\n"
    "      print recorded inputs and the outputs derived from them, prices as decimals (--raw:\n"
    "      ticks); --jsonl: the inputs as JSON lines that `import --format jsonl` reads back\n"
    "  audit --data-dir DIR [--expect-head H] [--json]\n"
    "      check a run's or a data log: seqs, decoding, the hash chain, every output and meta\n"
    "      key; exit 3 naming the first bad seq or key; --expect-head: the log must end at\n"
    "      chain head H (as run or import printed it)\n"
    "  snapshot --data-dir DIR [--json]\n"
    "      write a snapshot of the recorded run's state at the end of its log\n"
    "  import FILE... --format bars|quotes|trades|jsonl|lobster --data-dir DIR [--json]\n"
    "      stream market data files into a data log (docs/data_formats.md; --help for options)\n"
    "  backtest CONFIG.toml [--data-dir DATA] [--out DIR] [--set key=value]... [--json]\n"
    "      run a strategy plugin over market data: a run log plus tearsheet.html, trades.csv,\n"
    "      fills.csv, equity.csv and summary.json in DIR (docs/backtest.md)\n"
    "  report --data-dir DIR --out FILE.html\n"
    "      rebuild the tearsheet of a backtest or run log\n"
    "  sweep SWEEP.toml --out DIR [--jobs N] [--shard I/N] | plan | submit | status | collect\n"
    "      a grid of backtests, run locally or as a Slurm array, resumable (docs/sweep.md)\n"
    "  live CONFIG.toml --data-dir DIR [--resume] [--json]\n"
    "      journal inputs from NATS JetStream as they arrive, publish outputs (docs/live.md)\n"
    "  publish FILE --format F --subject S [--rate N]\n"
    "      send a data file or data log into NATS, for live sessions (docs/live.md)\n"
    "  diff DIR_A DIR_B [--raw] [--json]\n"
    "      the first input or output where two runs differ (exit 3), or exit 0 when identical\n"
    "\n"
    "SEQ is an input's seq; TIME a simulated time since the run's start: 12.5s, 1500ms, 250us,\n"
    "42ns, 2m\n"
    "\n"
    "exit codes: 0 ok, 1 usage error, 2 bad input/config/data, 3 verification failed\n"
    "(divergence, corruption, tampering), 4 environment failure (disk full, permission, lock)\n"
    "run 'tape <command> --help' for a command's options\n";

}  // namespace

namespace {

int dispatch(const std::string& command, const std::vector<std::string>& args) {
  if (command == "run") return tape::run_command(args);
  if (command == "replay") return tape::replay_command(args);
  if (command == "inspect") return tape::inspect_command(args);
  if (command == "audit") return tape::audit_command(args);
  if (command == "diff") return tape::diff_command(args);
  if (command == "snapshot") return tape::snapshot_command(args);
  if (command == "import") return tape::import_command(args);
  if (command == "backtest") return tape::backtest_command(args);
  if (command == "report") return tape::report_command(args);
  if (command == "sweep") return tape::sweep_command(args);
  if (command == "live") return tape::live_command(args);
  if (command == "publish") return tape::publish_command(args);
  if (command == "--version" || command == "version") {
    std::printf("tape %s\n", TAPE_VERSION);
    return 0;
  }
  std::fprintf(stderr, "tape: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 1 : 0;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  // Configs are sized at load against a memory budget; an allocation that fails anyway (a
  // ulimit, a busy machine) is an environment failure, said in words, not an abort. A log being
  // written stays consistent: every batch is one atomic write, so it audits and resumes.
  try {
    return dispatch(command, args);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "tape %s: out of memory (an allocation failed); the machine or its limits "
                 "(ulimit -v) leave too little for this config\n", command.c_str());
    return 4;
  }
}
