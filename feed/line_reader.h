// A chunked line reader: one buffer, lines yielded in file order as views into it, never the
// whole file in memory. Shared by the JSONL and LOBSTER readers.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tape {

struct LineReaderOptions {
  // Default: 1 MiB. The buffer's starting size; it doubles for a longer line.
  size_t chunk_bytes = size_t{1} << 20;
  // Default: 64 MiB. The longest line accepted; a longer one is Status::invalid naming the line.
  size_t line_bytes_max = size_t{64} << 20;
};

class LineReader {
 public:
  LineReader() = default;
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Status::io naming the file when it cannot be opened.
  [[nodiscard]] Status open(const std::string& path, const LineReaderOptions& options = {});

  // The next line without its "\n" (and a "\r" before it) in `line`, valid until the next call;
  // false at the end of the file. A last line without "\n" is still a line. Status::io on a read
  // failure, Status::invalid for a line longer than line_bytes_max.
  [[nodiscard]] Result<bool> next(std::string_view& line);
  // The next line holding anything but spaces and tabs (blank lines carry no data).
  [[nodiscard]] Result<bool> next_nonblank(std::string_view& line) {
    for (;;) {
      ASSIGN_OR_RETURN(const bool more, next(line));
      if (!more || line.find_first_not_of(" \t") != std::string_view::npos) return more;
    }
  }

  // 1-based number of the line last returned (0 before the first).
  uint64_t line_number() const { return line_number_; }
  // Bytes of the file consumed by the lines returned so far.
  uint64_t bytes_read() const { return consumed_bytes_; }
  const std::string& path() const { return path_; }

 private:
  [[nodiscard]] Status fill();  // moves the unread tail to the front, then reads more

  std::string path_;
  LineReaderOptions options_;
  std::FILE* file_ = nullptr;
  std::vector<char> buf_;
  size_t begin_ = 0;  // first unread byte in buf_
  size_t end_ = 0;    // one past the last valid byte in buf_
  bool eof_ = false;
  uint64_t line_number_ = 0;
  uint64_t consumed_bytes_ = 0;
};

}  // namespace tape
