// The invariant checker as the session loop's InputCheck (`run --check-invariants`).
#pragma once

#include <memory>
#include <optional>

#include "replay/invariants.h"
#include "session/run.h"

namespace tape {

class InvariantCheck final : public InputCheck {
 public:
  explicit InvariantCheck(InvariantChecker checker) : checker_(std::move(checker)) {}

  bool after_input(const Input& in, const Core& core) override;
  bool at_end(const Core& core) override;
  uint64_t checked() const override { return checker_.checked(); }
  std::string failure() const override;

 private:
  InvariantChecker checker_;
  std::optional<InvariantBreach> breach_;
};

// A fresh run checks from the config; a resumed one from the restored core's orders,
// positions and cash.
CheckFactory invariant_check(const CoreConfig& config);

}  // namespace tape
