// Internal seams of the scenario parser (sim/scenario.cc loads and merges the TOML tree,
// scenario_schema.cc and scenario_lists.cc read it into a Scenario, scenario_emit.cc writes
// canonical TOML).
#pragma once

#include <string>

#include <toml++/toml.h>

#include "sim/scenario.h"

namespace tape::scenario_detail {

class TableReader;

// Reads and validates the merged table (includes resolved, overrides applied, no `include`
// key). `doc` names the document for nodes without a position and gives the default name.
// Leaves `source` and `canonical_toml` empty.
Result<Scenario> read_scenario(const toml::table& root, const std::string& doc);

// Sections that need the instruments already read (symbols resolve to ids): [[strategies]]
// and [[phases]] (scenario_lists.cc).
Status read_strategies(TableReader& root, const std::string& doc, Scenario& s);
Status read_phases(TableReader& root, const std::string& doc, Scenario& s);

// The scenario as TOML with every key explicit. read_scenario(parse(emit(s))) equals s.
std::string emit_canonical(const Scenario& s);

// The strategy kinds' TOML spellings, indexed by StrategyKind.
inline const char* strategy_kind_name(StrategyKind kind) {
  switch (kind) {
    case StrategyKind::kMarketMaker: return "market_maker";
    case StrategyKind::kMomentum: return "momentum";
    case StrategyKind::kFatFinger: return "fat_finger";
  }
  return "unknown";
}

}  // namespace tape::scenario_detail
