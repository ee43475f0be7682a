#include "cli/run_paths.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace tape {
namespace {

bool safe_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

Status path_error(std::string_view option, const std::string& path, int err) {
  const std::string what =
      std::string(option) + " " + path + ": cannot write there: " + std::strerror(err);
  if (err == EACCES || err == EPERM || err == EROFS || err == ENOSPC || err == EDQUOT) {
    return Status::io(what);
  }
  return Status::invalid(what);
}

}  // namespace

std::string path_safe_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool leading = true;
  for (char c : name) {
    const bool dot_first = leading && c == '.';
    out.push_back(safe_char(c) && !dot_first ? c : '_');
    leading = leading && c == '.';
  }
  return out.empty() ? "scenario" : out;
}

std::string default_data_dir(std::string_view scenario_name, uint64_t seed) {
  return "runs/" + path_safe_name(scenario_name) + "-seed" + std::to_string(seed);
}

Status check_output_path(const std::string& path, std::string_view option) {
  if (path.empty()) return Status::invalid(std::string(option) + ": empty path");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return Status::invalid(std::string(option) + " " + path + ": is a directory");
  }
  // The probe is the temporary write_file creates; O_EXCL so an existing file is never touched.
  const std::string probe = path + ".tmp";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0 && errno != EEXIST) return path_error(option, path, errno);
  if (fd >= 0) {
    ::close(fd);
    ::unlink(probe.c_str());
  } else if (::access(probe.c_str(), W_OK) != 0) {
    return path_error(option, probe, errno);
  }
  return Status::ok();
}

Status write_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!(f << text) || !f.flush()) return Status::io("cannot write " + path);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::io("cannot write " + path + ": " + ec.message());
  return Status::ok();
}

}  // namespace tape
