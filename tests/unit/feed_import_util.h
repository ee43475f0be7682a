// Helpers for the `tape import` tests: write a small file, run the import, read what landed.
#pragma once

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "cli_util.h"

namespace tape::import_test {

using testing_util::CliResult;
using testing_util::run_tape;
using testing_util::TempDir;

// A scratch dir (created) with files written into it.
class Scratch {
 public:
  explicit Scratch(const std::string& name) : dir_(name) {
    std::filesystem::create_directories(dir_.path());
  }
  // Writes `text` to NAME in the dir; returns its path.
  std::string file(const std::string& name, const std::string& text) const {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::string path(const std::string& name) const { return dir_.path() + "/" + name; }
  // Names in the dir (to see that no temporary sibling was left behind).
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
      out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  TempDir dir_;
};

inline CliResult import(const std::string& files, const std::string& format,
                        const std::string& dir, const std::string& extra = "") {
  return run_tape("import " + files + " --format " + format + " --data-dir " + dir + " " + extra);
}

// The values of `key=` in every line of `tape inspect` (e.g. "symbol", "ts_ns", "type").
inline std::vector<std::string> inspect_values(const std::string& dir, const std::string& key) {
  const CliResult r = run_tape("inspect --data-dir " + dir);
  std::vector<std::string> out;
  const std::regex re("(^| )" + key + "=([^ \\n]+)");
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (line.rfind("seq=", 0) == 0 && std::regex_search(line, m, re)) out.push_back(m[2]);
  }
  return out;
}

}  // namespace tape::import_test
