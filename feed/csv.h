// A streaming CSV reader: one buffer, the file read in chunks, never the whole file. It yields
// rows as fields (views into its buffer, valid until the next call) with the 1-based byte column
// where each field starts, for error messages. Rules (docs/data_formats.md, "CSV"): fields are
// separated by one delimiter byte; a field may be quoted with '"' ("" inside is one quote) and
// may then hold the delimiter, but not a line break; spaces and tabs around an unquoted field
// are dropped; lines end with LF or CRLF; blank lines are skipped; a UTF-8 byte order mark at the
// start is skipped.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tape {

struct CsvField {
  std::string_view text;  // unquoted (and unescaped) content
  uint32_t column = 0;    // 1-based byte column of the field's first byte in its line
};

class CsvReader {
 public:
  // Default: 1 MiB. The longest line accepted (and the buffer's size); a longer line is a bad
  // row "line_too_long".
  static constexpr size_t kLineBytesMax = size_t{1} << 20;
  // Default: 64. Fields of one row beyond this are a bad row "too_many_fields".
  static constexpr size_t kFieldsMax = 64;

  // Opens `path`; Status::io naming it when it cannot be opened.
  static Result<std::unique_ptr<CsvReader>> open(const std::string& path, char delimiter);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  enum class Step : uint8_t { kRow, kBadRow, kEnd };
  // The next non-blank line. kRow: fields() holds it. kBadRow: the line is malformed;
  // bad_column(), bad_reason() ("bad_quote", "line_too_long", "too_many_fields") and
  // bad_detail() say why, and the reader goes on after it. Status::io on a read error.
  [[nodiscard]] Result<Step> next();

  const std::vector<CsvField>& fields() const { return fields_; }
  uint64_t line() const { return line_; }  // 1-based line of the current row
  uint32_t bad_column() const { return bad_column_; }
  const char* bad_reason() const { return bad_reason_; }
  const std::string& bad_detail() const { return bad_detail_; }
  uint64_t bytes_read() const { return consumed_; }  // bytes of the lines yielded so far
  const std::string& path() const { return path_; }

 private:
  CsvReader(std::string path, int fd, char delimiter);
  Status fill();
  bool next_line(std::string_view& line, bool& too_long);
  bool split(std::string_view line);

  std::string path_;
  int fd_ = -1;
  char delimiter_ = ',';
  bool eof_ = false;
  bool first_line_ = true;
  std::vector<char> buf_;
  size_t begin_ = 0;  // first unconsumed byte
  size_t end_ = 0;    // one past the last byte read
  uint64_t line_ = 0;
  uint64_t consumed_ = 0;
  std::vector<CsvField> fields_;
  std::string unescaped_;  // quoted fields with "" live here (reserved per row: views stay valid)
  uint32_t bad_column_ = 0;
  const char* bad_reason_ = "";
  std::string bad_detail_;
};

}  // namespace tape
