// Shared by the import fuzz targets (csv_import_fuzz, jsonl_import_fuzz, lobster_import_fuzz):
// the input written to a file (the readers take paths), and one RecordReader drained to its end
// with the checks every reader owes whatever the bytes: no Status (a bad row is a BadRow, never
// an error), a bounded number of steps, each line yielding at most one record or bad row, bad
// rows that name the file and a real line and column, records in time order.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "feed/record.h"

namespace tape::fuzz {

// The input as a file named `name` in a directory of this process's own (so that parallel
// libFuzzer jobs do not share it), rewritten for every input and removed at exit.
inline std::string write_input(const std::string& name, std::string_view bytes) {
  struct Dir {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("tape_fuzz_" + std::to_string(static_cast<long>(::getpid())));
    Dir() { std::filesystem::create_directories(path); }
    ~Dir() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  };
  static const Dir dir;
  const std::string path = (dir.path / name).string();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  TAPE_CHECK(f != nullptr, "cannot write the fuzz input file");
  TAPE_CHECK(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size(), "short write");
  TAPE_CHECK(std::fclose(f) == 0, "cannot close the fuzz input file");
  return path;
}

// The lines of the input as a reader counts them (LF ends a line; a last line without LF is a
// line), for checking the positions readers report.
struct Layout {
  std::string_view bytes;
  std::vector<std::string_view> lines;  // without their '\n'

  explicit Layout(std::string_view b) : bytes(b) {
    size_t start = 0;
    for (size_t i = 0; i < b.size(); ++i) {
      if (b[i] != '\n') continue;
      lines.push_back(b.substr(start, i - start));
      start = i + 1;
    }
    if (start < b.size()) lines.push_back(b.substr(start));
  }
  // Line `n` (1-based), which must exist.
  std::string_view line(uint64_t n) const { return lines[n - 1]; }
};

// A bad row names the file, an existing line, a column inside it (or just past its end, for a
// missing field), a field and a snake_case reason, and its message says all of that.
inline void check_bad_row(const BadRow& bad, const std::string& path, const Layout& layout) {
  TAPE_CHECK(bad.file == path, bad.message().c_str());
  TAPE_CHECK(bad.line >= 1 && bad.line <= layout.lines.size(), bad.message().c_str());
  TAPE_CHECK(bad.column >= 1 && bad.column <= layout.line(bad.line).size() + 1,
             bad.message().c_str());
  // The field is the one at fault; an unknown JSON key is named as written, and may be "".
  TAPE_CHECK(!bad.field.empty() || bad.reason == "unknown_field", bad.message().c_str());
  TAPE_CHECK(!bad.detail.empty(), bad.message().c_str());
  TAPE_CHECK(!bad.reason.empty() &&
                 bad.reason.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos,
             bad.message().c_str());
  const std::string where =
      path + ":" + std::to_string(bad.line) + ":" + std::to_string(bad.column) + ": ";
  TAPE_CHECK(bad.message().rfind(where, 0) == 0, bad.message().c_str());
}

// Everything one reader yielded, in order.
struct Drained {
  std::vector<FeedRecord> records;
  std::vector<BadRow> bad;
  // The line of each outcome in order, records and bad rows alike.
  std::vector<uint64_t> lines;
};

// Whether line `n` holds nothing but blanks (and a UTF-8 byte order mark on line 1).
inline bool blank_line(const Layout& layout, uint64_t n) {
  std::string_view l = layout.line(n);
  if (n == 1 && l.substr(0, 3) == "\xEF\xBB\xBF") l.remove_prefix(3);
  return l.find_first_not_of(" \t\r") == std::string_view::npos;
}

// Reads `reader` to kEnd, checking what every reader promises (see the file comment). With
// `header`, the file's first non-blank line was read by the reader's open (a CSV header).
inline Drained drain(RecordReader& reader, const std::string& path, const Layout& layout,
                     bool header) {
  Drained out;
  const size_t steps_max = layout.lines.size() + 1;  // one outcome per line at most, then kEnd
  uint64_t bytes = 0;
  int64_t last_ts = INT64_MIN;
  for (size_t step = 0;; ++step) {
    TAPE_CHECK(step <= steps_max, "the reader yields more outcomes than the file has lines");
    FeedRecord rec;
    BadRow bad;
    Result<RecordReader::Step> s = reader.next(rec, bad);
    TAPE_CHECK(s.is_ok(), s.status().message().c_str());
    TAPE_CHECK(reader.bytes_read() >= bytes, "bytes_read went backwards");
    bytes = reader.bytes_read();
    TAPE_CHECK(bytes <= layout.bytes.size(), "bytes_read is past the end of the file");
    const uint64_t previous = out.lines.empty() ? 0 : out.lines.back();
    if (s.value() == RecordReader::Step::kEnd) break;
    if (s.value() == RecordReader::Step::kBadRow) {
      check_bad_row(bad, path, layout);
      TAPE_CHECK(bad.line > previous, "two outcomes for one line, or lines out of order");
      out.lines.push_back(bad.line);
      out.bad.push_back(std::move(bad));
      continue;
    }
    TAPE_CHECK(rec.line > previous && rec.line <= layout.lines.size(),
               "a record's line is out of order or past the end of the file");
    TAPE_CHECK(rec.ts_ns >= last_ts, "a record is before the previous one (time_backwards)");
    last_ts = rec.ts_ns;
    out.lines.push_back(rec.line);
    out.records.push_back(std::move(rec));
  }
  // Only lines that are blank (or whitespace) may be left unread past the last yielded line.
  uint64_t last = out.lines.empty() ? 0 : out.lines.back();
  if (header && last == 0) {
    while (last < layout.lines.size() && blank_line(layout, last + 1)) ++last;
    ++last;  // the header
  }
  for (uint64_t n = last + 1; n <= layout.lines.size(); ++n) {
    TAPE_CHECK(blank_line(layout, n), "the reader ended before a line with data");
  }
  return out;
}

// The bad-row reason of the first bad row, "" when there is none.
inline std::string first_reason(const Drained& d) {
  return d.bad.empty() ? std::string() : d.bad.front().reason;
}

// Sets the instrument of any input body (the import pipeline's job; the fuzzers mimic it).
inline void set_instrument(InputBody& body, InstrumentId id) {
  std::visit(
      [&](auto& e) {
        if constexpr (requires { e.instrument; }) e.instrument = id;
      },
      body);
}

}  // namespace tape::fuzz
