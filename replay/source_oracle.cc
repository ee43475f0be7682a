#include "replay/source_oracle.h"

#include "core/sequencer.h"
#include "session/session.h"

namespace tape {
namespace {

std::string at(Seq seq) { return "snapshot at seq " + std::to_string(seq.value()); }

class SourceOracle final : public InputOracle {
 public:
  explicit SourceOracle(std::unique_ptr<Source> source) : source_(std::move(source)) {}

  Status expect(const Input& in) override { return next_matches(*source_, sequencer_, in); }

  Status expect_snapshot(const SnapshotData& snap) override {
    if (snap.generator_state != source_->save_state()) {
      return Status::mismatch(at(snap.seq) +
                              " holds a generator state the scenario and seed do not reach");
    }
    if (snap.ts_clamped != sequencer_.clamped()) {
      return Status::mismatch(at(snap.seq) + " counts " + std::to_string(snap.ts_clamped) +
                              " clamped timestamps, the scenario " +
                              std::to_string(sequencer_.clamped()));
    }
    return Status::ok();
  }

  Status expect_end(bool complete) override {
    Timestamp ts;
    InputBody body;
    if (complete && source_->next(ts, body)) {
      return Status::mismatch("the log says its run completed at seq " +
                              std::to_string(sequencer_.last_seq().value()) +
                              " but the scenario generates more inputs after it");
    }
    return source_->status();
  }

 private:
  std::unique_ptr<Source> source_;
  Sequencer sequencer_;
};

}  // namespace

InputOracleFactory source_oracle(SourceFactory factory) {
  return [factory = std::move(factory)](const Core& core) -> std::unique_ptr<InputOracle> {
    return std::make_unique<SourceOracle>(factory(core));
  };
}

}  // namespace tape
