// Shared by the fuzz targets: one quickstart scenario, parsed once, whose config builds the cores
// and generators that state bytes are restored into.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "sim/scenario.h"

namespace tape::fuzz {

// The shipped quickstart scenario (path baked in at build time). A fuzz target cannot run
// without it, so a load failure stops the process before any input is tried.
inline const Scenario& quickstart() {
  static const Scenario scenario = [] {
    auto s = load_scenario_file(TAPE_SOURCE_DIR "/scenarios/quickstart.toml", {});
    if (!s.is_ok()) {
      std::fprintf(stderr, "fuzz: %s\n", s.status().message().c_str());
      std::abort();
    }
    return std::move(s).value();
  }();
  return scenario;
}

}  // namespace tape::fuzz
