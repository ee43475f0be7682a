// Reads back the canonical state encoding that StateHasher writes, for restoring a snapshot.
// Reads mirror the writes one for one. Reading past the end, or a value out of its range,
// makes the reader fail: every later read returns zero and status() names what went wrong, so
// a restore can read a whole component and check once at the end.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/types.h"

namespace tape {

class StateReader {
 public:
  explicit StateReader(std::string_view bytes) : data_(bytes) {}

  uint8_t u8() { return static_cast<uint8_t>(take(1)); }
  uint32_t u32() { return static_cast<uint32_t>(take(4)); }
  uint64_t u64() { return take(8); }
  int64_t i64() { return static_cast<int64_t>(take(8)); }
  double f64() {
    const uint64_t bits = take(8);
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  std::string str() {
    const uint64_t n = u64();
    if (!ok_ || n > data_.size() - pos_) {
      fail("string runs past the end");
      return {};
    }
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  // Reads a tag and checks it equals `name` (the domain separators StateHasher::tag writes).
  void expect_tag(std::string_view name) {
    if (str() != name && ok_) fail("expected section '" + std::string(name) + "'");
  }
  // A strong type written by StateHasher::v; a value that does not fit its type fails the read.
  template <typename T>
  T v() {
    using Rep = typename T::rep;
    const uint64_t raw = u64();
    const Rep value = static_cast<Rep>(raw);
    if (static_cast<uint64_t>(value) != raw) {
      fail("value " + std::to_string(raw) + " does not fit its type");
      return T();
    }
    return T(value);
  }
  // Marks the read as failed with `why` (for range checks by the caller).
  void fail(const std::string& why) {
    if (ok_) error_ = why + " at byte " + std::to_string(pos_);
    ok_ = false;
  }

  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == data_.size(); }
  size_t position() const { return pos_; }
  Status status() const { return ok_ ? Status::ok() : Status::mismatch("snapshot state: " + error_); }

 private:
  uint64_t take(size_t n) {
    if (!ok_ || data_.size() - pos_ < n) {
      fail("state ends early");
      return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t{static_cast<uint8_t>(data_[pos_ + i])} << (8 * i);
    pos_ += n;
    return v;
  }

  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
  std::string error_;
};

}  // namespace tape
