// Runs the `tape` binary for end-to-end tests and captures what it printed.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace tape::testing_util {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Runs `tape <args>` from the source dir (so scenarios/ paths resolve); args are passed to sh.
inline CliResult run_tape(const std::string& args) {
  static int counter = 0;
  const std::string base = std::filesystem::temp_directory_path().string() + "/tape_cli_" +
                           std::to_string(::getpid()) + "_" + std::to_string(counter++);
  const std::string cmd = std::string("cd ") + TAPE_SOURCE_DIR + " && " + TAPE_BINARY + " " +
                          args + " >" + base + ".out 2>" + base + ".err";
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  r.out = slurp(base + ".out");
  r.err = slurp(base + ".err");
  std::filesystem::remove(base + ".out");
  std::filesystem::remove(base + ".err");
  return r;
}

// A fresh directory path under the temp dir (not created), removed when the object dies.
class TempDir {
 public:
  explicit TempDir(const std::string& name) {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path().string() + "/tape_test_" +
            std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + name;
    std::filesystem::remove_all(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Pulls `"key":<number>` out of a JSON summary (enough for flat numeric fields).
inline double json_number(const std::string& json, const std::string& key) {
  const auto pos = json.find("\"" + key + "\":");
  if (pos == std::string::npos) return -1;
  return std::stod(json.substr(pos + key.size() + 3));
}

inline std::string json_string(const std::string& json, const std::string& key) {
  const auto pos = json.find("\"" + key + "\":\"");
  if (pos == std::string::npos) return "";
  const auto start = pos + key.size() + 4;
  return json.substr(start, json.find('"', start) - start);
}

}  // namespace tape::testing_util
