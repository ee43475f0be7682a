// Runs the `tape` binary for end-to-end tests and captures what it printed.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace tape::testing_util {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// The bytes of the file at `path` (empty if it cannot be read).
inline std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Reads the file at `path`, lets `edit` change its bytes, writes them back in place.
template <typename Edit>
inline void rewrite_file(const std::string& path, Edit&& edit) {
  std::string bytes = slurp(path);
  edit(bytes);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Runs `<binary> <args>` from the source dir (so scenarios/ paths resolve); args go to sh.
inline CliResult run_binary(const std::string& binary, const std::string& args) {
  static int counter = 0;
  const std::string base = std::filesystem::temp_directory_path().string() + "/tape_cli_" +
                           std::to_string(::getpid()) + "_" + std::to_string(counter++);
  const std::string cmd = std::string("cd ") + TAPE_SOURCE_DIR + " && " + binary + " " +
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

// Runs this build's `tape <args>` (see run_binary).
inline CliResult run_tape(const std::string& args) { return run_binary(TAPE_BINARY, args); }

// Starts `<binary> <args...>` in the source dir with its output discarded; returns its pid.
inline pid_t spawn_binary(const std::string& binary, const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(TAPE_SOURCE_DIR) != 0) _exit(127);
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

inline pid_t spawn_tape(const std::vector<std::string>& args) { return spawn_binary(TAPE_BINARY, args); }

// The last seq a run reported durable in its --durable-trace file (0 before the first). The
// trace only grows and its seqs only rise (a resumed run continues past its predecessor), so the
// last complete line is the maximum; reading just the tail keeps polling cheap while it grows.
inline uint64_t last_traced(const std::string& path) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) return 0;
  const std::streamoff size = f.tellg();
  const std::streamoff from = std::max<std::streamoff>(0, size - 48);
  std::string tail(static_cast<size_t>(size - from), '\0');
  f.seekg(from);
  f.read(tail.data(), static_cast<std::streamsize>(tail.size()));
  const size_t end = tail.rfind('\n');
  if (end == std::string::npos) return 0;
  const size_t begin = end == 0 ? std::string::npos : tail.rfind('\n', end - 1);
  if (begin == std::string::npos && from != 0) return 0;  // cannot happen: lines are short
  const size_t first = begin == std::string::npos ? 0 : begin + 1;
  return std::stoull(tail.substr(first, end - first));
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
