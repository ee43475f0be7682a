// The scenario's seeded generator as an audit's InputOracle: a run's log must hold exactly the
// inputs its recorded scenario and seed generate, and each snapshot the generator's state then.
#pragma once

#include <memory>

#include "replay/audit.h"
#include "sim/scenario.h"

namespace tape {

// `scenario` must outlive every oracle the factory makes.
InputOracleFactory generator_oracle(const Scenario& scenario, uint64_t seed);

}  // namespace tape
