#include "session/generator_source.h"

#include "core/core.h"
#include "core/state_hash.h"
#include "core/state_reader.h"

namespace tape {

std::string GeneratorSource::save_state() const {
  StateHasher bytes;
  generator_.save_state(bytes);
  return bytes.bytes();
}

Status GeneratorSource::restore_state(std::string_view bytes) {
  if (bytes.empty()) return Status::invalid("has no generator state to resume from");
  StateReader r(bytes);
  return generator_.restore_state(r);
}

SourceFactory generator_source(const Scenario& scenario, uint64_t seed) {
  return [&scenario, seed](const Core& core) -> std::unique_ptr<Source> {
    return std::make_unique<GeneratorSource>(scenario, seed, &core.engine());
  };
}

}  // namespace tape
