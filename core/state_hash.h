// Streaming hash over a canonical encoding of core state: each component feeds its fields in a
// documented order as fixed-width little-endian integers, never raw struct memory (DESIGN §3
// rule 5). Two equal states hash equal whatever path led to them. XXH3-128.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <xxhash.h>

#include "core/types.h"

namespace tape {

class StateHasher {
 public:
  StateHasher();
  ~StateHasher();
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

  // 32 lowercase hex digits.
  std::string hex() const;

 private:
  void bytes(const void* p, size_t n);
  XXH3_state_t* state_;
};

}  // namespace tape
