#include "core/state_hash.h"

#include <cstring>

#include <xxhash.h>

namespace tape {

void StateHasher::u32(uint32_t v) {
  uint8_t b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  bytes(b, 4);
}

void StateHasher::u64(uint64_t v) {
  uint8_t b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  bytes(b, 8);
}

void StateHasher::f64(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  u64(bits);
}

void StateHasher::str(std::string_view s) {
  u64(s.size());
  bytes(s.data(), s.size());
}

std::string StateHasher::hex() const { return hash_hex(buf_); }

std::string hash_hex(std::string_view bytes) {
  const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  static const char* kDigits = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[i] = kDigits[(h.high64 >> (60 - 4 * i)) & 0xF];
    out[16 + i] = kDigits[(h.low64 >> (60 - 4 * i)) & 0xF];
  }
  return out;
}

}  // namespace tape
