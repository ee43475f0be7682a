#include "replay/invariant_check.h"

namespace tape {

bool InvariantCheck::after_input(const Input& in, const Core& core) {
  breach_ = checker_.after_input(in, core);
  return breach_.has_value();
}

bool InvariantCheck::at_end(const Core& core) {
  breach_ = checker_.at_end(core);
  return breach_.has_value();
}

std::string InvariantCheck::failure() const {
  if (!breach_) return "";
  return "invariant '" + breach_->invariant + "' broken at seq " + std::to_string(breach_->seq) +
         ": " + breach_->detail;
}

CheckFactory invariant_check(const CoreConfig& config) {
  return [&config](const Core& core, bool resumed) -> Result<std::unique_ptr<InputCheck>> {
    if (!resumed) return std::unique_ptr<InputCheck>(new InvariantCheck(InvariantChecker(config)));
    ASSIGN_OR_RETURN(InvariantChecker c, InvariantChecker::resume_at(core));
    return std::unique_ptr<InputCheck>(new InvariantCheck(std::move(c)));
  };
}

}  // namespace tape
