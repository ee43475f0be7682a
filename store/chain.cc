#include "store/chain.h"

#include <openssl/evp.h>

#include "core/status.h"

namespace tape {
namespace {

void put_u64be(uint64_t v, unsigned char* out) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<unsigned char>(v & 0xff);
    v >>= 8;
  }
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// The EVP interface, not SHA256_Init: the low-level calls are deprecated in OpenSSL 3 and the
// EVP path picks the SHA-NI implementation where the CPU has it.
struct ChainHasher::Ctx {
  EVP_MD_CTX* md = nullptr;
};

std::string zero_link() { return std::string(kChainLinkBytes, '\0'); }

ChainHasher::ChainHasher() : ctx_(new Ctx) {
  ctx_->md = EVP_MD_CTX_new();
  TAPE_CHECK(ctx_->md != nullptr, "EVP_MD_CTX_new failed");
}

ChainHasher::~ChainHasher() {
  EVP_MD_CTX_free(ctx_->md);
  delete ctx_;
}

void ChainHasher::link(std::string_view prev, Seq first_seq, Seq last_seq,
                       std::string_view inputs, std::string_view outputs, std::string* out) {
  TAPE_CHECK(prev.size() == kChainLinkBytes, "chain link must be 32 bytes");
  unsigned char seqs[16];
  put_u64be(first_seq.value(), seqs);
  put_u64be(last_seq.value(), seqs + 8);
  out->resize(kChainLinkBytes);
  unsigned int len = 0;
  EVP_MD_CTX* md = ctx_->md;
  // These calls fail only on allocation failure or a broken OpenSSL: not an operating error.
  const bool ok = EVP_DigestInit_ex(md, EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(md, prev.data(), prev.size()) == 1 &&
                  EVP_DigestUpdate(md, seqs, sizeof(seqs)) == 1 &&
                  EVP_DigestUpdate(md, inputs.data(), inputs.size()) == 1 &&
                  EVP_DigestUpdate(md, outputs.data(), outputs.size()) == 1 &&
                  EVP_DigestFinal_ex(md, reinterpret_cast<unsigned char*>(out->data()), &len) == 1;
  TAPE_CHECK(ok && len == kChainLinkBytes, "SHA-256 failed");
}

std::string chain_link(std::string_view prev, Seq first_seq, Seq last_seq,
                       std::string_view inputs, std::string_view outputs) {
  ChainHasher hasher;
  std::string out;
  hasher.link(prev, first_seq, last_seq, inputs, outputs, &out);
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  TAPE_CHECK(EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr) == 1,
             "EVP_Digest failed");
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 0xf];
  }
  return out;
}

Result<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return Status::invalid("odd-length hex string");
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_digit(hex[2 * i]);
    const int lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Status::invalid("non-hex digit in '" + std::string(hex) + "'");
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

}  // namespace tape
