// Raw core and generator state bytes → Core::restore_state and Generator::restore_state, the
// decoders behind every snapshot (the snapshot envelope's checksum would otherwise hide them
// from mutation). Whatever the bytes, restore answers ok or a Status; a core it accepts must
// then process further inputs without a crash (what resume does next).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/core.h"
#include "core/sequencer.h"
#include "core/state_reader.h"
#include "fuzz/fuzz_common.h"
#include "sim/generator.h"

namespace {

// Feeds `count` generated inputs after the restored core's last seq.
void drive(tape::Core& core, uint32_t count) {
  const tape::Scenario& scenario = tape::fuzz::quickstart();
  tape::Generator generator(scenario, 7, &core.engine());
  tape::Sequencer sequencer(core.last_seq(), core.now());
  tape::Timestamp ts;
  tape::InputBody body;
  for (uint32_t i = 0; i < count && generator.next(ts, body); ++i) {
    if (!core.process(sequencer.stamp(ts, body)).is_ok()) return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const tape::Scenario& scenario = tape::fuzz::quickstart();
  // The first byte picks the decoder so one corpus serves both.
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    tape::Core fresh(scenario.core, tape::Recorder::Mode::kEncodeOnly, nullptr);
    tape::Generator generator(scenario, 7, &fresh.engine());
    tape::StateReader r(bytes);
    (void)generator.restore_state(r);
    return 0;
  }
  auto core = std::make_unique<tape::Core>(scenario.core, tape::Recorder::Mode::kEncodeOnly,
                                           nullptr);
  if (core->restore_state(bytes).is_ok()) drive(*core, 256);
  return 0;
}
