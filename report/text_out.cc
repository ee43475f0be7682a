#include "report/text_out.h"

#include <charconv>
#include <cstring>

namespace tape {

namespace {

std::string partial_path(const std::string& path) { return path + ".partial"; }

}  // namespace

TextOut::~TextOut() { abandon(); }

void TextOut::abandon() {
  if (file_ == nullptr) return;
  std::fclose(file_);
  file_ = nullptr;
  std::remove(partial_path(path_).c_str());
}

TextOut::TextOut(TextOut&& o) noexcept { *this = std::move(o); }

TextOut& TextOut::operator=(TextOut&& o) noexcept {
  if (this == &o) return *this;
  abandon();
  mode_ = o.mode_;
  file_ = o.file_;
  path_ = std::move(o.path_);
  buf_ = std::move(o.buf_);
  failed_ = o.failed_;
  o.file_ = nullptr;
  o.mode_ = Mode::kDiscard;
  return *this;
}

TextOut TextOut::memory() {
  TextOut t;
  t.mode_ = Mode::kMemory;
  return t;
}

Result<TextOut> TextOut::file(const std::string& path) {
  TextOut t;
  t.file_ = std::fopen(partial_path(path).c_str(), "wb");
  if (t.file_ == nullptr) return Status::io("cannot write " + path);
  t.mode_ = Mode::kFile;
  t.path_ = path;
  t.buf_.reserve(kFlushBytes + 4096);
  return t;
}

void TextOut::flush() {
  if (!buf_.empty() && !failed_) {
    failed_ = std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size();
  }
  buf_.clear();
}

Status TextOut::close() {
  if (mode_ != Mode::kFile) return Status::ok();
  flush();
  if (file_ != nullptr) {
    failed_ = std::fclose(file_) != 0 || failed_;
    file_ = nullptr;
  }
  mode_ = Mode::kDiscard;
  const std::string partial = partial_path(path_);
  if (!failed_ && std::rename(partial.c_str(), path_.c_str()) == 0) return Status::ok();
  std::remove(partial.c_str());
  return Status::io("cannot write " + path_);
}

namespace {

// Digits of `mag` into the end of `buf`; returns the first digit.
char* digits_of(unsigned __int128 mag, char* end) {
  char* p = end;
  if (mag <= UINT64_MAX) {
    char tmp[24];
    const auto r = std::to_chars(tmp, tmp + sizeof tmp, static_cast<uint64_t>(mag));
    const size_t n = static_cast<size_t>(r.ptr - tmp);
    p -= n;
    std::memcpy(p, tmp, n);
    return p;
  }
  do {
    *--p = static_cast<char>('0' + static_cast<int>(mag % 10));
    mag /= 10;
  } while (mag != 0);
  return p;
}

}  // namespace

void append_decimal(std::string& out, __int128 units, int scale) {
  char buf[96];
  char* end = buf + sizeof buf;
  const bool negative = units < 0;
  const unsigned __int128 mag =
      negative ? -static_cast<unsigned __int128>(units) : static_cast<unsigned __int128>(units);
  const char* p = digits_of(mag, end);
  size_t n = static_cast<size_t>(end - p);
  if (negative) out += '-';
  if (scale <= 0) {
    out.append(p, n);
    return;
  }
  const size_t s = static_cast<size_t>(scale);
  if (n <= s) {
    out += "0.";
    out.append(s - n, '0');
    out.append(p, n);
    return;
  }
  out.append(p, n - s);
  out += '.';
  out.append(p + (n - s), s);
}

void append_decimal_trimmed(std::string& out, __int128 units, int scale, int keep) {
  const size_t start = out.size();
  append_decimal(out, units, scale);
  const size_t dot = out.find('.', start);
  if (dot == std::string::npos) return;
  while (out.size() - dot - 1 > static_cast<size_t>(keep) && out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
}

void append_int(std::string& out, int64_t v) {
  char tmp[24];
  const auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  out.append(tmp, static_cast<size_t>(r.ptr - tmp));
}

void append_uint(std::string& out, uint64_t v) {
  char tmp[24];
  const auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  out.append(tmp, static_cast<size_t>(r.ptr - tmp));
}

}  // namespace tape
