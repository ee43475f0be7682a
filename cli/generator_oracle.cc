#include "cli/generator_oracle.h"

#include "cli/recovery.h"
#include "core/sequencer.h"
#include "core/state_hash.h"
#include "sim/generator.h"

namespace tape {
namespace {

class GeneratorOracle final : public InputOracle {
 public:
  GeneratorOracle(const Scenario& scenario, uint64_t seed, const Core& core)
      : generator_(scenario, seed, &core.engine()) {}

  Status expect(const Input& in) override {
    return regenerate_and_compare(generator_, sequencer_, in);
  }

  Status expect_snapshot(const SnapshotData& snap) override {
    StateHasher bytes;
    generator_.save_state(bytes);
    if (snap.generator_state != bytes.bytes()) {
      return Status::mismatch("snapshot at seq " + std::to_string(snap.seq.value()) +
                              " holds a generator state the scenario and seed do not reach");
    }
    if (snap.ts_clamped != sequencer_.clamped()) {
      return Status::mismatch("snapshot at seq " + std::to_string(snap.seq.value()) + " counts " +
                              std::to_string(snap.ts_clamped) + " clamped timestamps, the scenario " +
                              std::to_string(sequencer_.clamped()));
    }
    return Status::ok();
  }

  Status expect_end(bool complete) override {
    Timestamp ts;
    InputBody body;
    if (complete && generator_.next(ts, body)) {
      return Status::mismatch("the log says its run completed at seq " +
                              std::to_string(sequencer_.last_seq().value()) +
                              " but the scenario generates more inputs after it");
    }
    return Status::ok();
  }

 private:
  Generator generator_;
  Sequencer sequencer_;
};

}  // namespace

InputOracleFactory generator_oracle(const Scenario& scenario, uint64_t seed) {
  return [&scenario, seed](const Core& core) -> std::unique_ptr<InputOracle> {
    return std::make_unique<GeneratorOracle>(scenario, seed, core);
  };
}

}  // namespace tape
