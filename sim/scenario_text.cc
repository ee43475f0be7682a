// Guards in front of toml++. A scenario file is read only when it is a regular file under the
// size limit (a FIFO would block the read forever, /dev/zero would fill memory), and text is
// handed to the parser only when a cheap scan finds no key with more dotted parts, and no
// arrays or inline tables nested deeper, than the limits. toml++ recurses once per dotted-key
// part (and so does the destruction of the tree it builds), so a key of 50,000 parts overflows
// the stack: the scan has to run first, on the raw text, and must not recurse itself.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "sim/scenario_internal.h"

namespace tape::scenario_detail {
namespace {

std::string file_kind(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string too_big(const std::string& what, uint64_t bytes) {
  return what + " is " + std::to_string(bytes) + " bytes, more than the limit of " +
         std::to_string(kScenarioBytesMax) + " (" + std::to_string(kScenarioBytesMax >> 20) +
         " MiB)";
}

// Closes a descriptor on every return path.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// The scan's position in the TOML grammar, as far as nesting is concerned.
enum class Mode { kLineStart, kKey, kHeader, kValue, kTrailer };

class Scanner {
 public:
  Scanner(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  Status run() {
    while (i_ < text_.size()) RETURN_IF_ERROR(step());
    return Status::ok();
  }

 private:
  Status step() {
    const char c = text_[i_];
    if (c == '\n') {
      ++line_;
      ++i_;
      // An inline table or array may go on over lines; anything else ends with the line.
      if (stack_.empty()) mode_ = Mode::kLineStart;
      return Status::ok();
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i_;
      return Status::ok();
    }
    if (c == '#') {
      while (i_ < text_.size() && text_[i_] != '\n') ++i_;
      return Status::ok();
    }
    if (c == '"' || c == '\'') {
      if (mode_ == Mode::kLineStart) start_key(Mode::kKey);
      skip_string(c);
      return Status::ok();
    }
    ++i_;
    switch (mode_) {
      case Mode::kLineStart:
        if (c == '[') {
          start_key(Mode::kHeader);
          if (i_ < text_.size() && text_[i_] == '[') ++i_;
        } else {
          start_key(Mode::kKey);
          return key_char(c);
        }
        return Status::ok();
      case Mode::kKey:
        return key_char(c);
      case Mode::kHeader:
        if (c == ']') mode_ = Mode::kTrailer;
        return c == '.' ? add_part() : Status::ok();
      case Mode::kValue:
        return value_char(c);
      case Mode::kTrailer:
        return Status::ok();
    }
    return Status::ok();
  }

  void start_key(Mode mode) {
    mode_ = mode;
    parts_ = 1;
  }

  Status key_char(char c) {
    if (c == '.') return add_part();
    if (c == '=') mode_ = Mode::kValue;
    if (c == '}' && !stack_.empty()) {  // "{}" or a trailing comma: back to the enclosing value
      stack_.pop_back();
      mode_ = Mode::kValue;
    }
    return Status::ok();
  }

  Status value_char(char c) {
    if (c == '[' || c == '{') {
      stack_.push_back(c);
      if (stack_.size() > static_cast<size_t>(kNestingMax)) {
        return Status::invalid(name_ + ":" + std::to_string(line_) +
                               ": arrays and inline tables nested more than " +
                               std::to_string(kNestingMax) + " deep (the limit)");
      }
      if (c == '{') start_key(Mode::kKey);
    } else if ((c == ']' || c == '}') && !stack_.empty()) {
      stack_.pop_back();
    } else if (c == ',' && !stack_.empty() && stack_.back() == '{') {
      start_key(Mode::kKey);
    }
    return Status::ok();
  }

  Status add_part() {
    if (++parts_ > kKeyPartsMax) {
      return Status::invalid(name_ + ":" + std::to_string(line_) + ": a key with more than " +
                             std::to_string(kKeyPartsMax) + " dotted parts (the limit)");
    }
    return Status::ok();
  }

  // Skips a string starting at i_ (basic or literal, one line or multi-line). An unterminated
  // one-line string ends at the newline, as toml++ reports it there.
  void skip_string(char q) {
    const bool multi = text_.compare(i_, 3, std::string(3, q)) == 0;
    i_ += multi ? 3 : 1;
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (c == '\n') {
        if (!multi) return;
        ++line_;
      } else if (c == '\\' && q == '"') {
        if (i_ + 1 < text_.size() && text_[i_ + 1] == '\n') ++line_;
        i_ += 2;
        continue;
      } else if (c == q) {
        if (!multi) {
          ++i_;
          return;
        }
        if (text_.compare(i_, 3, std::string(3, q)) == 0) {
          i_ += 3;
          // Up to two more quotes belong to the content ("""a"""" ends in one quote).
          for (int k = 0; k < 2 && i_ < text_.size() && text_[i_] == q; ++k) ++i_;
          return;
        }
      }
      ++i_;
    }
  }

  std::string_view text_;
  const std::string& name_;
  size_t i_ = 0;
  int64_t line_ = 1;
  Mode mode_ = Mode::kLineStart;
  int parts_ = 1;
  std::vector<char> stack_;  // open '[' and '{' of values
};

}  // namespace

Result<std::string> read_scenario_file(const std::string& path, const std::string& context) {
  const std::string what = context + "cannot read scenario file '" + path + "': ";
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
  if (f.fd < 0) return Status::invalid(what + std::strerror(errno));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return Status::invalid(what + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return Status::invalid(what + "is a directory");
  if (!S_ISREG(st.st_mode)) {
    return Status::invalid(what + "is " + file_kind(st.st_mode) + ", not a regular file");
  }
  if (static_cast<uint64_t>(st.st_size) > kScenarioBytesMax) {
    return Status::invalid(context + too_big("scenario file '" + path + "'",
                                             static_cast<uint64_t>(st.st_size)));
  }
  // Bounded by the limit, not by st_size: a file that grows while it is read stays bounded.
  std::string text;
  text.reserve(static_cast<size_t>(st.st_size));
  char buf[64 << 10];
  for (;;) {
    const ssize_t n = ::read(f.fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return Status::invalid(context + "error reading scenario file '" + path +
                             "': " + std::strerror(errno));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kScenarioBytesMax) {
      return Status::invalid(context + too_big("scenario file '" + path + "'", text.size()));
    }
  }
  return text;
}

Status prescan_toml(std::string_view text, const std::string& name) {
  if (text.size() > kScenarioBytesMax) return Status::invalid(too_big(name, text.size()));
  return Scanner(text, name).run();
}

}  // namespace tape::scenario_detail
