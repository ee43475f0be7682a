// Loading: read the file, resolve includes into one merged table, apply --set overrides, then
// hand the table to read_scenario (scenario_schema.cc) and write canonical_toml.
// toml++ may throw toml::parse_error; it is caught here and never leaves this file.
#include "sim/scenario.h"

#include <filesystem>

#include "sim/scenario_internal.h"
#include "sim/scenario_reader.h"

namespace tape {

const char* phase_kind_name(PhaseKind kind) {
  switch (kind) {
    case PhaseKind::kBurst: return "burst";
    case PhaseKind::kSustained: return "sustained";
    case PhaseKind::kFlashCrash: return "flash_crash";
    case PhaseKind::kHalt: return "halt";
    case PhaseKind::kKillSwitch: return "kill_switch";
    case PhaseKind::kStale: return "stale";
    case PhaseKind::kBadData: return "bad_data";
  }
  return "unknown";
}

const char* bad_kind_name(BadKind kind) {
  static constexpr const char* kNames[kBadKinds] = {
      "crossed_quote", "zero_price", "negative_price", "sentinel_price",
      "zero_qty",      "sentinel_qty", "oversize_qty", "backwards_ts",
      "duplicate_id",  "unknown_id",   "unknown_instrument"};
  const size_t k = static_cast<size_t>(kind);
  return k < kBadKinds ? kNames[k] : "unknown";
}

namespace scenario_detail {
namespace {

namespace fs = std::filesystem;

constexpr int kIncludeDepthMax = 8;

Result<toml::table> parse_toml(std::string_view text, const std::string& name) {
  RETURN_IF_ERROR(prescan_toml(text, name));
  try {
    return toml::parse(text, std::string_view(name));
  } catch (const toml::parse_error& e) {
    return Status::invalid(where(e.source(), name) +
                           ": TOML syntax error: " + std::string(e.description()));
  }
}

// Folds `src` into `dst`: tables merge key by key, anything else in `src` replaces `dst`'s
// value. Values are moved so they keep their source positions.
void merge_into(toml::table& dst, toml::table& src) {
  for (auto&& [key, value] : src) {
    toml::table* sub_src = value.as_table();
    toml::table* sub_dst = dst.get_as<toml::table>(key.str());
    if (sub_src && sub_dst) {
      merge_into(*sub_dst, *sub_src);
      continue;
    }
    dst.erase(key.str());
    dst.insert(key, std::move(value));
  }
}

struct IncludeFrame {
  std::string path;       // as displayed
  fs::path identity;      // for cycle detection
};

Status resolve_includes(toml::table& doc, const std::string& path,
                        std::vector<IncludeFrame>& stack, toml::table& merged);

// Loads `path` with its includes merged underneath it. `context` prefixes I/O errors with the
// include site.
Result<toml::table> load_tree(const std::string& path, std::vector<IncludeFrame>& stack,
                              const std::string& context) {
  std::error_code ec;
  fs::path identity = fs::weakly_canonical(fs::path(path), ec);
  if (ec) identity = fs::absolute(fs::path(path)).lexically_normal();
  for (const IncludeFrame& f : stack) {
    if (f.identity != identity) continue;
    std::string chain;
    for (const IncludeFrame& g : stack) chain += g.path + " -> ";
    return Status::invalid(context + "include cycle: " + chain + path);
  }
  if (static_cast<int>(stack.size()) > kIncludeDepthMax) {
    return Status::invalid(context + "includes nested deeper than " +
                           std::to_string(kIncludeDepthMax));
  }
  ASSIGN_OR_RETURN(std::string text, read_scenario_file(path, context));
  ASSIGN_OR_RETURN(toml::table doc, parse_toml(text, path));
  stack.push_back({path, identity});
  toml::table merged;
  Status st = resolve_includes(doc, path, stack, merged);
  stack.pop_back();
  RETURN_IF_ERROR(st);
  return merged;
}

Status resolve_includes(toml::table& doc, const std::string& path,
                        std::vector<IncludeFrame>& stack, toml::table& merged) {
  if (toml::node* inc = doc.get("include")) {
    const auto* list = inc->as_array();
    bool ok = list != nullptr;
    if (ok) {
      for (const toml::node& item : *list) ok = ok && item.is_string();
    }
    if (!ok) {
      return Status::invalid(where(inc->source(), path) +
                             ": 'include' must be an array of strings (got " + type_name(*inc) +
                             ")");
    }
    const fs::path base = fs::path(path).parent_path();
    for (const toml::node& item : *list) {
      const std::string target = (base / item.value<std::string>().value()).lexically_normal();
      const std::string context = where(item.source(), path) + ": include '" +
                                  *item.value<std::string>() + "': ";
      ASSIGN_OR_RETURN(toml::table sub, load_tree(target, stack, context));
      merge_into(merged, sub);
    }
    doc.erase("include");
  }
  merge_into(merged, doc);
  return Status::ok();
}

// "a.b[2].c" -> {"a", "b", "2", "c"}.
std::vector<std::string> split_key(std::string_view key) {
  std::vector<std::string> parts(1);
  for (const char c : key) {
    if (c == '.' || c == '[') {
      if (!parts.back().empty()) parts.emplace_back();
    } else if (c != ']') {
      parts.back() += c;
    }
  }
  if (parts.back().empty()) parts.pop_back();
  return parts;
}

bool is_index(const std::string& s) {
  return !s.empty() && s.size() < 10 && s.find_first_not_of("0123456789") == std::string::npos;
}

// The value of an override: a TOML value when "v = <text>" parses as one, else the bare text as
// a string. Its source names the override, so later errors point at the --set.
Result<toml::table> parse_override_value(const std::string& text, const std::string& origin) {
  RETURN_IF_ERROR(prescan_toml("v = " + text, origin));
  try {
    toml::table t = toml::parse("v = " + text, std::string_view(origin));
    if (t.size() == 1 && t.contains("v")) return t;
  } catch (const toml::parse_error&) {
  }
  try {
    return toml::parse("v = " + toml_quote(text), std::string_view(origin));
  } catch (const toml::parse_error& e) {
    return Status::invalid(origin + ": " + std::string(e.description()));
  }
}

Status apply_override(toml::table& root, const std::string& spec) {
  const std::string origin = "--set " + spec;
  const size_t eq = spec.find('=');
  const std::vector<std::string> parts = split_key(spec.substr(0, eq));
  if (eq == std::string::npos || parts.empty()) {
    return Status::invalid(origin + ": expected dotted.key=value");
  }
  if (parts.size() > static_cast<size_t>(kKeyPartsMax)) {
    return Status::invalid(origin + ": a key with more than " + std::to_string(kKeyPartsMax) +
                           " dotted parts (the limit)");
  }
  toml::table* table = &root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    toml::node* next = table->get(parts[i]);
    if (next && next->is_array() && i + 2 < parts.size() && is_index(parts[i + 1])) {
      toml::array& arr = *next->as_array();
      const size_t index = std::stoul(parts[++i]);
      if (index >= arr.size() || !arr[index].is_table()) {
        return Status::invalid(origin + ": '" + parts[i - 1] + "' has no table at index " +
                               parts[i] + " (" + std::to_string(arr.size()) + " elements)");
      }
      table = arr[index].as_table();
      continue;
    }
    if (!next) next = &table->insert_or_assign(parts[i], toml::table{}).first->second;
    if (!next->is_table()) {
      return Status::invalid(origin + ": '" + parts[i] + "' is a " + type_name(*next) +
                             ", not a table");
    }
    table = next->as_table();
  }
  ASSIGN_OR_RETURN(toml::table value, parse_override_value(spec.substr(eq + 1), origin));
  table->erase(parts.back());
  table->insert(parts.back(), std::move(*value.get("v")));
  return Status::ok();
}

Result<Scenario> finish(toml::table& merged, const std::string& doc) {
  ASSIGN_OR_RETURN(Scenario s, read_scenario(merged, doc));
  s.source = doc;
  s.canonical_toml = emit_canonical(s);
  return s;
}

}  // namespace

Result<toml::table> load_toml_tree(const std::string& path,
                                   const std::vector<std::string>& overrides) {
  std::vector<IncludeFrame> stack;
  ASSIGN_OR_RETURN(toml::table merged, load_tree(path, stack, ""));
  for (const std::string& spec : overrides) RETURN_IF_ERROR(apply_override(merged, spec));
  return merged;
}

Result<toml::table> parse_toml_tree(std::string_view text, const std::string& source_name) {
  ASSIGN_OR_RETURN(toml::table doc, parse_toml(text, source_name));
  std::vector<IncludeFrame> stack;
  std::error_code ec;
  stack.push_back({source_name, std::filesystem::absolute(source_name, ec).lexically_normal()});
  toml::table merged;
  RETURN_IF_ERROR(resolve_includes(doc, source_name, stack, merged));
  return merged;
}

}  // namespace scenario_detail

Result<Scenario> load_scenario_file(const std::string& path,
                                    const std::vector<std::string>& overrides) {
  ASSIGN_OR_RETURN(toml::table merged, scenario_detail::load_toml_tree(path, overrides));
  return scenario_detail::finish(merged, path);
}

Result<Scenario> parse_scenario_text(std::string_view text, const std::string& source_name) {
  ASSIGN_OR_RETURN(toml::table merged, scenario_detail::parse_toml_tree(text, source_name));
  return scenario_detail::finish(merged, source_name);
}

namespace {

bool same_instrument(const InstrumentConfig& a, const InstrumentConfig& b) {
  return a.symbol == b.symbol && a.tick_value == b.tick_value && a.lot_size == b.lot_size &&
         a.initial_mid == b.initial_mid && a.max_order_qty == b.max_order_qty;
}

bool same_strategy(const StrategyConfig& a, const StrategyConfig& b) {
  const MarketMakerParams& m = a.mm;
  const MarketMakerParams& n = b.mm;
  const MomentumParams& p = a.momentum;
  const MomentumParams& q = b.momentum;
  const FatFingerParams& f = a.fat_finger;
  const FatFingerParams& g = b.fat_finger;
  const bool same_fat_finger =
      f.order_qty == g.order_qty && f.offset_ticks == g.offset_ticks &&
      f.max_position == g.max_position && f.at_ms == g.at_ms &&
      f.oversize_orders == g.oversize_orders && f.size_multiplier == g.size_multiplier &&
      f.burst_at_ms == g.burst_at_ms && f.burst_orders == g.burst_orders;
  return same_fat_finger && a.kind == b.kind && a.name == b.name && a.account == b.account &&
         a.instruments == b.instruments && a.timer_ms == b.timer_ms &&
         m.half_spread_ticks == n.half_spread_ticks && m.quote_qty == n.quote_qty &&
         m.skew_ticks_per_lot == n.skew_ticks_per_lot && m.skew_unit_lots == n.skew_unit_lots &&
         m.max_position == n.max_position && m.requote_ticks == n.requote_ticks &&
         p.window_trades == q.window_trades && p.entry_threshold == q.entry_threshold &&
         p.order_qty == q.order_qty && p.max_position == q.max_position &&
         p.cooldown_ms == q.cooldown_ms;
}

template <typename T, typename Eq>
bool same_list(const std::vector<T>& a, const std::vector<T>& b, Eq eq) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!eq(a[i], b[i])) return false;
  }
  return true;
}

bool same_core(const CoreConfig& a, const CoreConfig& b) {
  const EngineOptions& e = a.engine;
  const EngineOptions& f = b.engine;
  const RiskLimits& r = a.risk;
  const RiskLimits& k = b.risk;
  return same_list(a.instruments, b.instruments, same_instrument) &&
         same_list(a.strategies, b.strategies, same_strategy) &&
         a.fees.maker_ppm == b.fees.maker_ppm && a.fees.taker_ppm == b.fees.taker_ppm &&
         e.order_pool_capacity == f.order_pool_capacity &&
         e.ladder_levels_initial == f.ladder_levels_initial &&
         e.ladder_levels_max == f.ladder_levels_max &&
         e.fills_per_order_max == f.fills_per_order_max &&
         r.max_order_qty == k.max_order_qty && r.max_notional == k.max_notional &&
         r.position_limit == k.position_limit && r.price_band_bps == k.price_band_bps &&
         r.rate_limit_per_s == k.rate_limit_per_s && r.rate_limit_burst == k.rate_limit_burst &&
         a.recorder.batch_events_max == b.recorder.batch_events_max &&
         a.recorder.flush_interval_ms == b.recorder.flush_interval_ms &&
         a.recorder.queue_batches_max == b.recorder.queue_batches_max &&
         a.recorder.sync == b.recorder.sync &&
         a.snapshot.every_events == b.snapshot.every_events &&
         a.event_queue_capacity == b.event_queue_capacity;
}

}  // namespace

bool same_scenario(const Scenario& a, const Scenario& b) {
  return a.name == b.name && a.seed == b.seed && a.duration_ms == b.duration_ms &&
         a.max_inputs == b.max_inputs && a.max_memory_mb == b.max_memory_mb &&
         a.market == b.market && a.phases == b.phases && same_core(a.core, b.core);
}

}  // namespace tape
