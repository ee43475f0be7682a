#include "core/snapshot.h"

#include <cstring>
#include <vector>

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>
#include <xxhash.h>

#include "core/schema/events.capnp.h"
#include "core/state_hash.h"

namespace tape {
namespace {

constexpr size_t kChecksumBytes = 8;

// XXH3-64 of the message, little-endian: any altered byte of a stored snapshot is caught
// before it is decoded (the state hash inside covers only the core state).
std::string frame_checksum(std::string_view body) {
  const uint64_t h = XXH3_64bits(body.data(), body.size());
  std::string out(kChecksumBytes, '\0');
  for (size_t i = 0; i < kChecksumBytes; ++i) out[i] = static_cast<char>(h >> (8 * i));
  return out;
}

}  // namespace

std::string encode_snapshot(const SnapshotData& s) {
  capnp::MallocMessageBuilder msg(
      static_cast<unsigned>(64 + (s.core_state.size() + s.generator_state.size()) / 8));
  auto b = msg.initRoot<schema::Snapshot>();
  b.setFormatVersion(kSnapshotFormatVersion);
  b.setSeq(s.seq.value());
  b.setTsNs(s.ts.value());
  b.setStateHash(s.state_hash);
  b.setCoreState(kj::arrayPtr(reinterpret_cast<const kj::byte*>(s.core_state.data()),
                              s.core_state.size()));
  b.setGeneratorState(kj::arrayPtr(reinterpret_cast<const kj::byte*>(s.generator_state.data()),
                                   s.generator_state.size()));
  b.setTsClamped(s.ts_clamped);
  auto words = capnp::messageToFlatArray(msg);
  auto bytes = words.asBytes();
  const std::string_view body(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
  return frame_checksum(body) + std::string(body);
}

Result<SnapshotData> decode_snapshot(std::string_view framed, const std::string& context) {
  if (framed.size() < kChecksumBytes) return Status::mismatch(context + ": too short");
  const std::string_view bytes = framed.substr(kChecksumBytes);
  if (framed.substr(0, kChecksumBytes) != frame_checksum(bytes)) {
    return Status::mismatch(context + ": checksum mismatch (the stored bytes were altered)");
  }
  if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0) {
    return Status::mismatch(context + ": not a whole number of 8-byte words");
  }
  // uint64_t storage: capnp::word itself is not movable, which std::vector needs under clang.
  std::vector<uint64_t> aligned(bytes.size() / sizeof(capnp::word));
  std::memcpy(aligned.data(), bytes.data(), bytes.size());
  capnp::ReaderOptions options;
  options.traversalLimitInWords = aligned.size() + 64;
  SnapshotData s;
  try {
    capnp::FlatArrayMessageReader reader(
        kj::arrayPtr(reinterpret_cast<const capnp::word*>(aligned.data()), aligned.size()),
        options);
    auto r = reader.getRoot<schema::Snapshot>();
    if (r.getFormatVersion() != kSnapshotFormatVersion) {
      return Status::invalid(context + ": snapshot format version " +
                             std::to_string(r.getFormatVersion()) + " is not supported");
    }
    s.seq = Seq(r.getSeq());
    s.ts = Timestamp(r.getTsNs());
    s.state_hash = r.getStateHash().cStr();
    auto core = r.getCoreState();
    s.core_state.assign(reinterpret_cast<const char*>(core.begin()), core.size());
    auto gen = r.getGeneratorState();
    s.generator_state.assign(reinterpret_cast<const char*>(gen.begin()), gen.size());
    s.ts_clamped = r.getTsClamped();
  } catch (const kj::Exception& e) {
    return Status::mismatch(context + ": undecodable: " + e.getDescription().cStr());
  }
  if (hash_hex(s.core_state) != s.state_hash) {
    return Status::mismatch(context + ": state bytes do not match the snapshot's state hash");
  }
  return s;
}

}  // namespace tape
