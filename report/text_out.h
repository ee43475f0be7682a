// Buffered text output for the report's CSV files, and the number appenders their rows use.
//
// A TextOut is one of: a file (rows go into a 256 KiB buffer that is written out when it fills
// and at close(), so a CSV of any length costs the buffer), memory (the whole text is kept:
// small reports and tests), or nothing (rows are dropped: `tape report` writes the tearsheet
// only). The first write or close error is kept and returned by close(), naming the file.
// A file is written as PATH.partial and renamed to PATH by a successful close(); one never
// closed (the report failed on the way) is removed, so PATH is either whole or absent.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "core/status.h"

namespace tape {

class TextOut {
 public:
  enum class Mode { kDiscard, kMemory, kFile };

  TextOut() = default;  // kDiscard
  ~TextOut();
  TextOut(TextOut&& other) noexcept;
  TextOut& operator=(TextOut&& other) noexcept;
  TextOut(const TextOut&) = delete;
  TextOut& operator=(const TextOut&) = delete;

  static TextOut memory();
  // Creates (truncates) `path`.partial. Status::io naming `path` on failure.
  static Result<TextOut> file(const std::string& path);

  bool enabled() const { return mode_ != Mode::kDiscard; }
  // Append to this buffer, then call row_done().
  std::string& buf() { return buf_; }
  void row_done() {
    if (mode_ == Mode::kFile && buf_.size() >= kFlushBytes) flush();
    if (mode_ == Mode::kDiscard) buf_.clear();
  }
  // Writes what is buffered and closes the file; the first error of the file's life.
  Status close();
  // kMemory: everything written.
  const std::string& text() const { return buf_; }

 private:
  static constexpr size_t kFlushBytes = 256 * 1024;
  void flush();
  // Closes and removes an unfinished file.
  void abandon();

  Mode mode_ = Mode::kDiscard;
  std::FILE* file_ = nullptr;
  std::string path_;
  std::string buf_;
  bool failed_ = false;
};

// `units` / 10^scale, exactly ("-12.50" for (-1250, 2)); std::to_chars for 64-bit magnitudes.
void append_decimal(std::string& out, __int128 units, int scale);
// As append_decimal, then trailing fractional zeros dropped while more than `keep` remain.
void append_decimal_trimmed(std::string& out, __int128 units, int scale, int keep);
void append_int(std::string& out, int64_t v);
void append_uint(std::string& out, uint64_t v);

}  // namespace tape
