// A session Source as an audit's InputOracle: a log must hold exactly the inputs its source
// yields (for a run's log, what its recorded scenario and seed generate), and each snapshot the
// source's position then. `tape audit` uses the scenario's generator.
#pragma once

#include "replay/audit.h"
#include "session/source.h"

namespace tape {

// An oracle over the source `factory` makes for the audit's core.
InputOracleFactory source_oracle(SourceFactory factory);

}  // namespace tape
