// The tamper-evidence chain of the event log (docs/event_log_format.md, "Chain"). Each batch
// stores link_i = SHA-256(link_{i-1} || u64be(first_seq) || u64be(last_seq) || inputs || outputs)
// with link_0 = 32 zero bytes, so altering, removing, inserting or reordering any batch changes
// every later link. Links are raw 32-byte strings; meta stores the head as 64 lowercase hex digits.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/types.h"

namespace tape {

inline constexpr size_t kChainLinkBytes = 32;

// link_0: the link before the first batch.
std::string zero_link();

// Computes chain links. Keeps one OpenSSL digest context, so a hasher is not thread-safe but is
// cheap to reuse (the log's writer thread owns one; audit can own another).
class ChainHasher {
 public:
  ChainHasher();
  ~ChainHasher();
  ChainHasher(const ChainHasher&) = delete;
  ChainHasher& operator=(const ChainHasher&) = delete;

  // Writes the 32-byte link that follows `prev` (32 bytes) into `out`.
  void link(std::string_view prev, Seq first_seq, Seq last_seq, std::string_view inputs,
            std::string_view outputs, std::string* out);

 private:
  struct Ctx;
  Ctx* ctx_;
};

// One-shot convenience over ChainHasher.
std::string chain_link(std::string_view prev, Seq first_seq, Seq last_seq,
                       std::string_view inputs, std::string_view outputs);

// SHA-256 of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);
// Lowercase hex of arbitrary bytes.
std::string to_hex(std::string_view bytes);
// Inverse of to_hex; Status::invalid on an odd length or a non-hex digit.
Result<std::string> from_hex(std::string_view hex);

}  // namespace tape
