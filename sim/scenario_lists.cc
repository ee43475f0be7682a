// [[strategies]] and [[phases]]: read after [[instruments]] so their symbols resolve to ids.
#include <algorithm>

#include "core/builtin_strategy.h"
#include "sim/scenario_internal.h"
#include "sim/scenario_reader.h"

namespace tape::scenario_detail {
namespace {

constexpr int64_t kMaxHourMs = 3'600'000;
constexpr size_t kMaxStrategies = 256;
constexpr size_t kMaxPhases = 4096;

std::string item_path(std::string_view array, size_t index) {
  return std::string(array) + "[" + std::to_string(index) + "]";
}

std::string symbol_list(const CoreConfig& core) {
  std::string list;
  for (const InstrumentConfig& ic : core.instruments) list += (list.empty() ? "" : ", ") + ic.symbol;
  return list;
}

// The id of `symbol`, or an error located at the item that named it.
Result<InstrumentId> resolve_symbol(const TableReader& r, std::string_view key,
                                    const StringItem& item, const CoreConfig& core) {
  for (size_t i = 0; i < core.instruments.size(); ++i) {
    if (core.instruments[i].symbol == item.value) return InstrumentId(static_cast<uint32_t>(i));
  }
  return Status::invalid(where(item.region, r.fallback()) + ": '" + r.full_key(key) +
                         "' names unknown symbol \"" + item.value + "\" (instruments: " +
                         symbol_list(core) + ")");
}

// An integer key of a built-in, in the built-in's declared range (core/builtin_strategy.h: the
// same ranges a backtest's `params` are checked against).
Status ranged(TableReader& r, StrategyKind kind, const char* key, int64_t& out) {
  const ParamRange& range = builtin_range(kind, key);
  return r.integer(key, range.lo, range.hi, out);
}

Status ranged_qty(TableReader& r, StrategyKind kind, const char* key, Qty& out) {
  int64_t qty = out.value();
  RETURN_IF_ERROR(ranged(r, kind, key, qty));
  out = Qty(qty);
  return Status::ok();
}

Status read_market_maker(TableReader& r, MarketMakerParams& p) {
  constexpr StrategyKind k = StrategyKind::kMarketMaker;
  RETURN_IF_ERROR(ranged(r, k, "half_spread_ticks", p.half_spread_ticks));
  RETURN_IF_ERROR(ranged_qty(r, k, "quote_qty", p.quote_qty));
  RETURN_IF_ERROR(ranged(r, k, "skew_ticks_per_lot", p.skew_ticks_per_lot));
  RETURN_IF_ERROR(ranged(r, k, "skew_unit_lots", p.skew_unit_lots));
  RETURN_IF_ERROR(ranged(r, k, "max_position", p.max_position));
  return ranged(r, k, "requote_ticks", p.requote_ticks);
}

Status read_momentum(TableReader& r, MomentumParams& p) {
  constexpr StrategyKind k = StrategyKind::kMomentum;
  RETURN_IF_ERROR(ranged(r, k, "window_trades", p.window_trades));
  const ParamRange& threshold = builtin_range(k, "entry_threshold");
  RETURN_IF_ERROR(r.number("entry_threshold", static_cast<double>(threshold.lo),
                           static_cast<double>(threshold.hi), p.entry_threshold));
  RETURN_IF_ERROR(ranged_qty(r, k, "order_qty", p.order_qty));
  RETURN_IF_ERROR(ranged(r, k, "max_position", p.max_position));
  return ranged(r, k, "cooldown_ms", p.cooldown_ms);
}

Status read_fat_finger(TableReader& r, FatFingerParams& p) {
  constexpr StrategyKind k = StrategyKind::kFatFinger;
  RETURN_IF_ERROR(ranged_qty(r, k, "order_qty", p.order_qty));
  RETURN_IF_ERROR(ranged(r, k, "offset_ticks", p.offset_ticks));
  RETURN_IF_ERROR(ranged(r, k, "max_position", p.max_position));
  RETURN_IF_ERROR(ranged(r, k, "at_ms", p.at_ms));
  RETURN_IF_ERROR(ranged(r, k, "oversize_orders", p.oversize_orders));
  RETURN_IF_ERROR(ranged(r, k, "size_multiplier", p.size_multiplier));
  RETURN_IF_ERROR(ranged(r, k, "burst_at_ms", p.burst_at_ms));
  return ranged(r, k, "burst_orders", p.burst_orders);
}

Status read_strategy(const toml::table& t, size_t index, const std::string& doc,
                     const CoreConfig& core, StrategyConfig& sc) {
  TableReader r(t, item_path("strategies", index), doc);
  size_t kind = 0;
  RETURN_IF_ERROR(r.choice("kind", {"market_maker", "momentum", "fat_finger"}, kind, true));
  sc.kind = static_cast<StrategyKind>(kind);
  sc.name = std::string(strategy_kind_name(sc.kind)) + "_" + std::to_string(index);
  RETURN_IF_ERROR(r.string("name", sc.name));
  if (sc.name.empty()) return r.error_at("name", "must not be empty");
  uint32_t account = static_cast<uint32_t>(index + 1);
  RETURN_IF_ERROR(r.integer_as("account", 1, kExternalAccountBase - 1, account));
  sc.account = AccountId(account);
  std::vector<StringItem> symbols;
  RETURN_IF_ERROR(r.string_list("instruments", symbols));
  for (const StringItem& item : symbols) {
    ASSIGN_OR_RETURN(InstrumentId id, resolve_symbol(r, "instruments", item, core));
    if (std::find(sc.instruments.begin(), sc.instruments.end(), id) != sc.instruments.end()) {
      return r.error_at("instruments", "names \"" + item.value + "\" twice");
    }
    sc.instruments.push_back(id);
  }
  RETURN_IF_ERROR(r.integer("timer_ms", 0, kMaxHourMs, sc.timer_ms));
  if (sc.kind == StrategyKind::kMarketMaker) {
    RETURN_IF_ERROR(read_market_maker(r, sc.mm));
  } else if (sc.kind == StrategyKind::kMomentum) {
    RETURN_IF_ERROR(read_momentum(r, sc.momentum));
  } else {
    RETURN_IF_ERROR(read_fat_finger(r, sc.fat_finger));
  }
  return r.finish();
}

Status read_bad_weights(TableReader& phase, const std::string& path, const std::string& doc,
                        Phase& p) {
  ASSIGN_OR_RETURN(const toml::table* t, phase.table("weights"));
  if (!t) return Status::ok();
  TableReader r(*t, path + ".weights", doc);
  uint64_t total = 0;
  for (size_t k = 0; k < kBadKinds; ++k) {
    RETURN_IF_ERROR(
        r.integer_as(bad_kind_name(static_cast<BadKind>(k)), 0, 1'000'000, p.bad_weights[k]));
    total += p.bad_weights[k];
  }
  if (total == 0) return Status::invalid(r.location() + ": '" + path + ".weights' are all 0");
  return r.finish();
}

// bad_data: exactly one of count and rate_per_s.
Status read_bad_data(TableReader& r, const toml::table& t, const std::string& path,
                     const std::string& doc, Phase& p) {
  const bool has_count = t.contains("count");
  if (has_count == t.contains("rate_per_s")) {
    return Status::invalid(r.location() + ": '" + path +
                           "' needs exactly one of 'count' and 'rate_per_s'");
  }
  if (has_count) {
    RETURN_IF_ERROR(r.integer_as("count", 1, 100'000'000, p.count, true));
  } else {
    RETURN_IF_ERROR(r.number("rate_per_s", 0, 1e7, p.rate_per_s, true));
    if (p.rate_per_s <= 0) return r.error_at("rate_per_s", "must be greater than 0");
  }
  RETURN_IF_ERROR(r.integer("backwards_ms", 1, kMaxHourMs, p.backwards_ms));
  return read_bad_weights(r, path, doc, p);
}

Status read_phase_kind_keys(TableReader& r, const toml::table& t, size_t index,
                            const std::string& doc, const Scenario& s, Phase& p) {
  switch (p.kind) {
    case PhaseKind::kBurst:
      return r.integer_as("ticks", 1, 100'000'000, p.ticks, true);
    case PhaseKind::kSustained:
      RETURN_IF_ERROR(r.number("rate_per_s", 0, 1e7, p.rate_per_s, true));
      if (p.rate_per_s <= 0) return r.error_at("rate_per_s", "must be greater than 0");
      return Status::ok();
    case PhaseKind::kFlashCrash:
      RETURN_IF_ERROR(r.number("drop_pct", 0, 100, p.drop_pct, true));
      if (p.drop_pct <= 0 || p.drop_pct >= 100) {
        return r.error_at("drop_pct", "must be in (0, 100)");
      }
      return r.integer("recover_ms", 0, s.duration_ms, p.recover_ms);
    case PhaseKind::kStale:
      RETURN_IF_ERROR(r.number("jump_pct", -100, 1000, p.jump_pct));
      if (p.jump_pct <= -100) return r.error_at("jump_pct", "must be greater than -100");
      return Status::ok();
    case PhaseKind::kBadData:
      return read_bad_data(r, t, item_path("phases", index), doc, p);
    case PhaseKind::kHalt:
    case PhaseKind::kKillSwitch:
      return Status::ok();
  }
  return Status::ok();
}

Status read_phase(const toml::table& t, size_t index, const std::string& doc, const Scenario& s,
                  Phase& p) {
  TableReader r(t, item_path("phases", index), doc);
  size_t kind = 0;
  RETURN_IF_ERROR(r.choice(
      "kind", {"burst", "sustained", "flash_crash", "halt", "kill_switch", "stale", "bad_data"},
      kind, true));
  p.kind = static_cast<PhaseKind>(kind);
  RETURN_IF_ERROR(r.integer("at_ms", 0, s.duration_ms, p.at_ms, true));
  // A sustained phase without duration_ms runs to the end of the scenario, so a shorter run
  // (--set scenario.duration_s=...) keeps its rate.
  const bool open_ended = p.kind == PhaseKind::kSustained && !t.contains("duration_ms");
  p.duration_ms = s.duration_ms - p.at_ms;
  RETURN_IF_ERROR(r.integer("duration_ms", 1, s.duration_ms, p.duration_ms, !open_ended));
  if (p.duration_ms < 1) return r.error_at("at_ms", "leaves no time before the scenario ends");
  RETURN_IF_ERROR(read_phase_kind_keys(r, t, index, doc, s, p));
  if (p.kind != PhaseKind::kKillSwitch) {
    std::string symbol;
    RETURN_IF_ERROR(r.string("instrument", symbol));
    if (t.contains("instrument")) {
      ASSIGN_OR_RETURN(InstrumentId id,
                       resolve_symbol(r, "instrument", {symbol, t.get("instrument")->source()},
                                      s.core));
      p.instrument = static_cast<int32_t>(id.value());
    }
  }
  const int64_t end_ms = p.at_ms + p.duration_ms + p.recover_ms;
  if (end_ms > s.duration_ms) {
    return Status::invalid(r.location() + ": '" + item_path("phases", index) + "' ends at " +
                           std::to_string(end_ms) + " ms, after the scenario's duration of " +
                           std::to_string(s.duration_ms) + " ms");
  }
  return r.finish();
}

}  // namespace

Status read_strategies(TableReader& root, const std::string& doc, Scenario& s) {
  ASSIGN_OR_RETURN(const toml::array* arr, root.table_array("strategies"));
  if (!arr) return Status::ok();
  if (arr->size() > kMaxStrategies) {
    return root.error_at("strategies", "has more than " + std::to_string(kMaxStrategies));
  }
  for (size_t i = 0; i < arr->size(); ++i) {
    const toml::table& t = *(*arr)[i].as_table();
    StrategyConfig sc;
    RETURN_IF_ERROR(read_strategy(t, i, doc, s.core, sc));
    for (const StrategyConfig& other : s.core.strategies) {
      TableReader r(t, item_path("strategies", i), doc);
      if (other.name == sc.name) return r.error_at("name", "= \"" + sc.name + "\" is used twice");
      if (other.account == sc.account) {
        return r.error_at("account", "= " + std::to_string(sc.account.value()) +
                                         " is already the account of \"" + other.name + "\"");
      }
    }
    s.core.strategies.push_back(std::move(sc));
  }
  return Status::ok();
}

Status read_phases(TableReader& root, const std::string& doc, Scenario& s) {
  ASSIGN_OR_RETURN(const toml::array* arr, root.table_array("phases"));
  if (!arr) return Status::ok();
  if (arr->size() > kMaxPhases) {
    return root.error_at("phases", "has more than " + std::to_string(kMaxPhases));
  }
  for (size_t i = 0; i < arr->size(); ++i) {
    Phase p;
    RETURN_IF_ERROR(read_phase(*(*arr)[i].as_table(), i, doc, s, p));
    s.phases.push_back(p);
  }
  return Status::ok();
}

}  // namespace tape::scenario_detail
