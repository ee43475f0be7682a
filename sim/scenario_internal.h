// Internal seams of the scenario parser (sim/scenario.cc loads and merges the TOML tree,
// scenario_schema.cc reads it into a Scenario, scenario_emit.cc writes canonical TOML).
#pragma once

#include <string>

#include <toml++/toml.h>

#include "sim/scenario.h"

namespace tape::scenario_detail {

// Reads and validates the merged table (includes resolved, overrides applied, no `include`
// key). `doc` names the document for nodes without a position and gives the default name.
// Leaves `source` and `canonical_toml` empty.
Result<Scenario> read_scenario(const toml::table& root, const std::string& doc);

// The scenario as TOML with every key explicit. read_scenario(parse(emit(s))) equals s.
std::string emit_canonical(const Scenario& s);

// The strategy kinds' TOML spellings, indexed by StrategyKind.
inline const char* strategy_kind_name(StrategyKind kind) {
  return kind == StrategyKind::kMarketMaker ? "market_maker" : "momentum";
}

}  // namespace tape::scenario_detail
