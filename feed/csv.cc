#include "feed/csv.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tape {
namespace {

inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

Result<std::unique_ptr<CsvReader>> CsvReader::open(const std::string& path, char delimiter) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::io(path + ": cannot open: " + std::strerror(errno));
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<CsvReader>(new CsvReader(path, fd, delimiter));
}

CsvReader::CsvReader(std::string path, int fd, char delimiter)
    : path_(std::move(path)), fd_(fd), delimiter_(delimiter), buf_(kLineBytesMax) {
  fields_.reserve(kFieldsMax);
}

CsvReader::~CsvReader() {
  if (fd_ >= 0) ::close(fd_);
}

// Moves the unconsumed bytes to the front and reads until the buffer is full or the file ends.
Status CsvReader::fill() {
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  while (end_ < buf_.size() && !eof_) {
    const ssize_t n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::io(path_ + ": read failed: " + std::strerror(errno));
    }
    if (n == 0) eof_ = true;
    end_ += static_cast<size_t>(n);
  }
  return Status::ok();
}

// One line without its terminator; false at the end of the file. `too_long`: the line did not
// fit the buffer and was skipped to its end (`line` is then its first kLineBytesMax bytes'
// worth of nothing: empty).
bool CsvReader::next_line(std::string_view& line, bool& too_long) {
  too_long = false;
  for (;;) {
    const char* start = buf_.data() + begin_;
    const void* nl = std::memchr(start, '\n', end_ - begin_);
    if (nl != nullptr) {
      const size_t len = static_cast<size_t>(static_cast<const char*>(nl) - start);
      line = too_long ? std::string_view() : std::string_view(start, len);
      begin_ += len + 1;
      consumed_ += len + 1;
      return true;
    }
    if (eof_) {
      if (begin_ == end_) {
        if (too_long) line = std::string_view();
        return too_long;
      }
      line = too_long ? std::string_view() : std::string_view(start, end_ - begin_);
      consumed_ += end_ - begin_;
      begin_ = end_;
      return true;
    }
    if (begin_ == 0 && end_ == buf_.size()) {  // a line longer than the buffer: drop its bytes
      too_long = true;
      consumed_ += end_;
      begin_ = end_ = 0;
    }
    Status st = fill();
    if (!st.is_ok()) {
      bad_detail_ = st.message();
      eof_ = true;
      end_ = begin_;
      bad_reason_ = "io";
      return false;
    }
  }
}

// Splits `line` into fields_; false (bad_* set) when it is malformed.
bool CsvReader::split(std::string_view line) {
  fields_.clear();
  bool reserved = false;
  size_t i = 0;
  const size_t n = line.size();
  for (;;) {
    if (fields_.size() == kFieldsMax) {
      bad_column_ = static_cast<uint32_t>(i + 1);
      bad_reason_ = "too_many_fields";
      bad_detail_ = "more than " + std::to_string(kFieldsMax) + " fields";
      return false;
    }
    while (i < n && is_blank(line[i]) && line[i] != delimiter_) ++i;
    const size_t field_start = i;
    if (i < n && line[i] == '"') {
      // Quoted: up to the closing quote; "" is a quote.
      size_t j = i + 1;
      bool escaped = false;
      for (; j < n; ++j) {
        if (line[j] != '"') continue;
        if (j + 1 < n && line[j + 1] == '"') {
          escaped = true;
          ++j;
          continue;
        }
        break;
      }
      if (j >= n) {
        bad_column_ = static_cast<uint32_t>(field_start + 1);
        bad_reason_ = "bad_quote";
        bad_detail_ = "quoted field has no closing quote on its line";
        return false;
      }
      std::string_view text = line.substr(i + 1, j - i - 1);
      if (escaped) {
        if (!reserved) {
          unescaped_.clear();
          unescaped_.reserve(n);
          reserved = true;
        }
        const size_t from = unescaped_.size();
        for (size_t k = 0; k < text.size(); ++k) {
          unescaped_.push_back(text[k]);
          if (text[k] == '"') ++k;
        }
        text = std::string_view(unescaped_.data() + from, unescaped_.size() - from);
      }
      fields_.push_back({text, static_cast<uint32_t>(field_start + 1)});
      i = j + 1;
      while (i < n && is_blank(line[i]) && line[i] != delimiter_) ++i;
      if (i < n && line[i] != delimiter_) {
        bad_column_ = static_cast<uint32_t>(i + 1);
        bad_reason_ = "bad_quote";
        bad_detail_ = "text after a closing quote";
        return false;
      }
    } else {
      // A byte loop: fields are short, a memchr call per field costs more than it saves.
      size_t e = i;
      while (e < n && line[e] != delimiter_) ++e;
      size_t t = e;
      while (t > i && is_blank(line[t - 1]) && line[t - 1] != delimiter_) --t;
      fields_.push_back({line.substr(i, t - i), static_cast<uint32_t>(field_start + 1)});
      i = e;
    }
    if (i >= n) return true;
    ++i;  // the delimiter
  }
}

Result<CsvReader::Step> CsvReader::next() {
  for (;;) {
    if (begin_ == end_ && !eof_) RETURN_IF_ERROR(fill());
    std::string_view line;
    bool too_long = false;
    if (!next_line(line, too_long)) {
      if (std::strcmp(bad_reason_, "io") == 0) return Status::io(bad_detail_);
      return Step::kEnd;
    }
    ++line_;
    if (too_long) {
      bad_column_ = 1;
      bad_reason_ = "line_too_long";
      bad_detail_ = "line longer than " + std::to_string(kLineBytesMax) + " bytes";
      return Step::kBadRow;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first_line_) {
      first_line_ = false;
      if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    }
    size_t k = 0;
    while (k < line.size() && is_blank(line[k])) ++k;
    if (k == line.size()) continue;  // blank line
    if (!split(line)) return Step::kBadRow;
    return Step::kRow;
  }
}

}  // namespace tape
