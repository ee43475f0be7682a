#include "feed/line_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tape {

LineReader::~LineReader() {
  if (file_ != nullptr) std::fclose(file_);
}

Status LineReader::open(const std::string& path, const LineReaderOptions& options) {
  path_ = path;
  options_ = options;
  if (options_.chunk_bytes < 64) options_.chunk_bytes = 64;
  if (options_.line_bytes_max < options_.chunk_bytes) options_.line_bytes_max = options_.chunk_bytes;
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) return Status::io(path + ": cannot open: " + std::strerror(errno));
  buf_.resize(options_.chunk_bytes);
  return Status::ok();
}

Status LineReader::fill() {
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buf_.size()) {
    // The unread part is one line that fills the buffer: grow it, within the bound.
    if (buf_.size() >= options_.line_bytes_max + 2) {
      return Status::invalid(path_ + ":" + std::to_string(line_number_ + 1) +
                             ": line longer than " + std::to_string(options_.line_bytes_max) +
                             " bytes");
    }
    buf_.resize(std::min(buf_.size() * 2, options_.line_bytes_max + 2));
  }
  const size_t n = std::fread(buf_.data() + end_, 1, buf_.size() - end_, file_);
  end_ += n;
  if (n == 0) {
    if (std::ferror(file_)) return Status::io(path_ + ": read failed: " + std::strerror(errno));
    eof_ = true;
  }
  return Status::ok();
}

Result<bool> LineReader::next(std::string_view& line) {
  if (file_ == nullptr) return Status::io(path_ + ": not open");
  size_t scan_from = begin_;
  for (;;) {
    const void* nl = std::memchr(buf_.data() + scan_from, '\n', end_ - scan_from);
    if (nl != nullptr) {
      const size_t pos = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data());
      size_t len = pos - begin_;
      if (len > options_.line_bytes_max) {
        return Status::invalid(path_ + ":" + std::to_string(line_number_ + 1) +
                               ": line longer than " + std::to_string(options_.line_bytes_max) +
                               " bytes");
      }
      consumed_bytes_ += len + 1;
      if (len > 0 && buf_[begin_ + len - 1] == '\r') --len;
      line = std::string_view(buf_.data() + begin_, len);
      begin_ = pos + 1;
      ++line_number_;
      return true;
    }
    if (eof_) {
      if (begin_ == end_) return false;
      size_t len = end_ - begin_;
      consumed_bytes_ += len;
      if (buf_[begin_ + len - 1] == '\r') --len;
      line = std::string_view(buf_.data() + begin_, len);
      begin_ = end_;
      ++line_number_;
      return true;
    }
    const size_t scanned = end_ - begin_;
    RETURN_IF_ERROR(fill());
    scan_from = begin_ + scanned;
  }
}

}  // namespace tape
