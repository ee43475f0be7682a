// Internal seams of the scenario parser (sim/scenario.cc loads and merges the TOML tree,
// scenario_schema.cc and scenario_lists.cc read it into a Scenario, scenario_emit.cc writes
// canonical TOML).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "sim/scenario.h"

namespace tape::scenario_detail {

class TableReader;

// Limits on scenario text, checked before toml++ sees it (scenario_text.cc). A shipped scenario
// is a few KB with keys of at most 3 parts and arrays of plain values; a canonical scenario of
// 4096 instruments and 4096 phases is under 3 MB.
inline constexpr size_t kScenarioBytesMax = size_t{16} << 20;
inline constexpr int kKeyPartsMax = 32;  // parts of one dotted key, header or --set key
inline constexpr int kNestingMax = 32;   // arrays and inline tables inside one another

// The whole of `path`, which must be a regular file of at most kScenarioBytesMax bytes (a FIFO
// or a device is refused without reading it). `context` prefixes errors with the include site.
Result<std::string> read_scenario_file(const std::string& path, const std::string& context);

// Refuses text over the limits above, naming `name`, the line and the limit. Cheap (one pass,
// no recursion), and string- and comment-aware, so quoted dots and brackets do not count.
Status prescan_toml(std::string_view text, const std::string& name);

// Refuses a scenario outside the core's bounds (core/bounds.h: notional headroom, bus queue
// capacity), or that would reserve more memory than scenario.max_memory_mb or generate more
// inputs than scenario.max_inputs (scenario_limits.cc).
Status check_limits(const Scenario& s, const std::string& doc);

// Reads and validates the merged table (includes resolved, overrides applied, no `include`
// key). `doc` names the document for nodes without a position and gives the default name.
// Leaves `source` and `canonical_toml` empty.
Result<Scenario> read_scenario(const toml::table& root, const std::string& doc);

// Sections shared with other TOML configs (a backtest's): each reads its table of `root` if
// present, checks ranges and reports unknown keys. Money in the risk section is in kMoneyScale
// units.
Status read_fees(TableReader& root, const std::string& doc, FeeConfig& f);
Status read_risk(TableReader& root, const std::string& doc, RiskLimits& k);
Status read_recorder(TableReader& root, const std::string& doc, RecorderOptions& o);
Status read_snapshot(TableReader& root, const std::string& doc, SnapshotOptions& o);

// The TOML tree of `path` with its `include = [...]` files merged under it (the including
// file's keys win) and `overrides` ("dotted.key=value") applied: what a scenario is read from,
// and any other tape config file.
Result<toml::table> load_toml_tree(const std::string& path,
                                   const std::vector<std::string>& overrides);
// The same for text (e.g. a config stored in a log's meta); includes resolve relative to the
// current directory.
Result<toml::table> parse_toml_tree(std::string_view text, const std::string& source_name);

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
    case StrategyKind::kPlugin: return "plugin";
  }
  return "unknown";
}

}  // namespace tape::scenario_detail
