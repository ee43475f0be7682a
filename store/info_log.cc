#include "store/info_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace tape::store_internal {
namespace {

// Past this size the next open starts the file afresh: it cannot grow without bound.
constexpr off_t kInfoLogBytesMax = off_t{16} << 20;

class NullLogger final : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char*, va_list) override {}
};

// Lines are kept in a buffer and written with one write(2) when it fills, when RocksDB flushes
// the log (after every open, among others), for any line above INFO (warnings and errors reach
// the file at once) and when the logger goes: each open of a log logs ~400 lines of options,
// and one write per line was ~2,500 system calls in a short backtest.
class AppendLogger final : public rocksdb::Logger {
 public:
  explicit AppendLogger(int fd) : fd_(fd) { buffer_.reserve(kBufferBytes); }
  ~AppendLogger() override {
    write_out();
    ::close(fd_);
  }
  AppendLogger(const AppendLogger&) = delete;
  AppendLogger& operator=(const AppendLogger&) = delete;

  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    rocksdb::Logger::Logv(level, format, ap);  // filters by level, prefixes, calls the one below
    if (level > rocksdb::InfoLogLevel::INFO_LEVEL) Flush();
  }
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
    std::lock_guard lock(mu_);  // RocksDB logs from its background threads too
    if (buffer_.size() + len > kBufferBytes) write_locked();
    buffer_.append(line, len);
  }
  void Flush() override { write_out(); }

 private:
  static constexpr size_t kBufferBytes = 64 << 10;

  void write_out() {
    std::lock_guard lock(mu_);
    write_locked();
  }
  // Whole lines only (O_APPEND keeps them whole); a failure (no space) loses these lines only.
  void write_locked() {
    if (buffer_.empty()) return;
    const ssize_t written = ::write(fd_, buffer_.data(), buffer_.size());
    (void)written;
    buffer_.clear();
  }

  const int fd_;
  std::mutex mu_;
  std::string buffer_;
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
