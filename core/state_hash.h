// The canonical encoding of core state, and its hash. Each component writes its fields in a
// documented order as fixed-width little-endian integers, never raw struct memory (determinism
// rule 5, docs/determinism.md). The bytes are the body of a snapshot (restored by StateReader,
// core/state_reader.h);
// the state hash is XXH3-128 over them, so two equal states hash equal whatever path led there.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/types.h"

namespace tape {

class StateHasher {
 public:
  StateHasher() = default;
  StateHasher(const StateHasher&) = delete;
  StateHasher& operator=(const StateHasher&) = delete;

  void u8(uint8_t v) { bytes(&v, 1); }
  void u32(uint32_t v);
  void u64(uint64_t v);
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void f64(double v);  // by IEEE-754 bit pattern
  void str(std::string_view s);  // length-prefixed
  // Domain separator between components, so field runs cannot alias across them.
  void tag(std::string_view name) { str(name); }

  template <typename Tag, typename Rep>
  void v(Strong<Tag, Rep> s) { u64(static_cast<uint64_t>(s.value())); }

  // 32 lowercase hex digits of the hash of everything written so far.
  std::string hex() const;
  // The canonical encoding written so far.
  const std::string& bytes() const { return buf_; }

 private:
  void bytes(const void* p, size_t n) { buf_.append(static_cast<const char*>(p), n); }
  std::string buf_;
};

// XXH3-128 of `bytes` as 32 lowercase hex digits.
std::string hash_hex(std::string_view bytes);

}  // namespace tape
