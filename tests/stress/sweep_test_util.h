// Shared by the sweep tests (stress: local sweeps; cluster: Slurm): sweep files over the SMA
// example on ORCL's daily bars, and reading a sweep's output dir.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "cli_util.h"

namespace tape::sweep_test {

inline const std::string kOrcl = std::string(TAPE_SHARED_DATA) + "/orcl-1995-2014.txt";
inline const std::string kConfig = std::string(TAPE_SOURCE_DIR) + "/examples/sma_cross/sma_cross.toml";

inline void write_text(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

inline nlohmann::json read_json(const std::string& path) {
  const std::string text = testing_util::slurp(path);
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

// The 3 x 3 grid of the tests: fast in {5, 10, 20}, slow in {30, 50, 100}.
inline std::string grid_sweep_text(const std::string& extra = "") {
  return "[sweep]\nname = \"grid\"\nconfig = \"" + kConfig + "\"\n\n[set]\n\"data.file\" = \"" + kOrcl +
         "\"\n\n[grid]\n\"strategies.0.params.fast\" = [5, 10, 20]\n"
         "\"strategies.0.params.slow\" = [30, 50, 100]\n" + extra;
}

// A sweep of two runs over two data files: ORCL, and a copy whose 100th row is cut short, so
// the second run fails (exit 2, naming the row) however it is placed.
inline std::string failing_sweep_text(const std::string& dir) {
  std::ifstream in(kOrcl);
  std::string line, bad;
  for (int i = 0; std::getline(in, line); ++i) bad += (i == 100 ? line.substr(0, 12) : line) + "\n";
  write_text(dir + "/bad-orcl.txt", bad);
  return "[sweep]\nname = \"fails\"\nconfig = \"" + kConfig + "\"\n\n[zip]\n\"data.file\" = [\"" + kOrcl +
         "\", \"bad-orcl.txt\"]\n";
}

// run id -> the chain head its state records (done runs only).
inline std::map<std::string, std::string> done_heads(const std::string& out) {
  std::map<std::string, std::string> heads;
  const nlohmann::json plan = read_json(out + "/sweep.json");
  for (const auto& run : plan["runs"]) {
    const nlohmann::json st = read_json(out + "/state/" + run["id"].get<std::string>() + ".json");
    if (st.is_object() && st.value("state", "") == "done") heads[run["id"]] = st["chain_head"];
  }
  return heads;
}

// The chain head of `tape backtest` alone with the run's overrides (from sweep.json).
inline std::string single_run_head(const nlohmann::json& run, const std::string& out_dir) {
  std::string args = "backtest " + kConfig + " --out " + out_dir + " --json";
  for (const auto& o : run["overrides"]) args += " --set '" + o.get<std::string>() + "'";
  const testing_util::CliResult r = testing_util::run_tape(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return testing_util::json_string(r.out, "chain_head");
}

}  // namespace tape::sweep_test
