#include "store/info_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace tape::store_internal {
namespace {

// Past this size the next open starts the file afresh: it cannot grow without bound.
constexpr off_t kInfoLogBytesMax = off_t{16} << 20;

class NullLogger final : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char*, va_list) override {}
};

class AppendLogger final : public rocksdb::Logger {
 public:
  explicit AppendLogger(int fd) : fd_(fd) {}
  ~AppendLogger() override { ::close(fd_); }
  AppendLogger(const AppendLogger&) = delete;
  AppendLogger& operator=(const AppendLogger&) = delete;

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char line[2048];
    timeval now {};
    ::gettimeofday(&now, nullptr);
    tm t {};
    ::localtime_r(&now.tv_sec, &t);
    int n = std::snprintf(line, sizeof line, "%04d/%02d/%02d-%02d:%02d:%02d.%06ld ",
                          t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min,
                          t.tm_sec, static_cast<long>(now.tv_usec));
    if (n < 0) return;
    va_list copy;
    va_copy(copy, ap);
    const int body = std::vsnprintf(line + n, sizeof line - static_cast<size_t>(n), format, copy);
    va_end(copy);
    if (body < 0) return;
    size_t len = std::min(sizeof line - 1, static_cast<size_t>(n) + static_cast<size_t>(body));
    if (len == 0 || line[len - 1] != '\n') line[len++] = '\n';
    // One write per line (O_APPEND keeps lines whole); a failure (no space) loses the line only.
    const ssize_t written = ::write(fd_, line, len);
    (void)written;
  }

 private:
  const int fd_;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> null_info_log() { return std::make_shared<NullLogger>(); }

std::shared_ptr<rocksdb::Logger> open_info_log(const std::string& dir) {
  const std::string path = dir + "/LOG";
  struct stat st {};
  const bool too_big = ::lstat(path.c_str(), &st) == 0 && st.st_size > kInfoLogBytesMax;
  const int flags = O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC | (too_big ? O_TRUNC : 0);
  const int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return null_info_log();
  return std::make_shared<AppendLogger>(fd);
}

}  // namespace tape::store_internal
