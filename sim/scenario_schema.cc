// Reads the merged scenario table into a Scenario. Every key, its type, range and default is
// here (and in scenarios/README.md); a key no reader asks for is reported as unknown.
#include <algorithm>
#include <filesystem>
#include <set>

#include "sim/scenario_internal.h"
#include "sim/scenario_reader.h"

namespace tape::scenario_detail {
namespace {

constexpr int64_t kMaxCount = 1'000'000'000'000;  // generous bound for lots and counts
constexpr int64_t kMaxHourMs = 3'600'000;
constexpr int64_t kMaxDurationMs = int64_t{30} * 24 * kMaxHourMs;  // 30 simulated days
constexpr size_t kMaxInstruments = 4096;
constexpr int64_t kMaxInputsLimit = 1'000'000'000'000'000;  // 10^15
constexpr int64_t kMaxMemoryMbLimit = int64_t{1} << 24;      // 16 TiB

std::string item_path(std::string_view array, size_t index) {
  return std::string(array) + "[" + std::to_string(index) + "]";
}

Status read_header(TableReader& root, const std::string& doc, Scenario& s) {
  ASSIGN_OR_RETURN(const toml::table* t, root.table("scenario"));
  if (!t) return Status::invalid(root.location() + ": missing required table '[scenario]'");
  TableReader r(*t, "scenario", doc);
  s.name = std::filesystem::path(doc).stem().string();
  RETURN_IF_ERROR(r.string("name", s.name));
  if (s.name.empty()) return r.error_at("name", "must not be empty");
  int64_t seed = 1;
  RETURN_IF_ERROR(r.integer("seed", 0, INT64_MAX, seed));
  s.seed = static_cast<uint64_t>(seed);
  RETURN_IF_ERROR(r.decimal("duration_s", 1000, 1, kMaxDurationMs, s.duration_ms, true));
  RETURN_IF_ERROR(r.integer("heartbeat_ms", 0, kMaxHourMs, s.market.heartbeat_ms));
  // Guards checked once the whole scenario is read (check_limits, scenario_limits.cc).
  RETURN_IF_ERROR(r.integer_as("max_inputs", 1, kMaxInputsLimit, s.max_inputs));
  RETURN_IF_ERROR(r.integer_as("max_memory_mb", 1, kMaxMemoryMbLimit, s.max_memory_mb));
  return r.finish();
}

// The keys an instrument and an instrument set share (all but the symbol).
Status read_instrument_fields(TableReader& r, InstrumentConfig& ic) {
  RETURN_IF_ERROR(r.decimal("tick_size", kMoneyScale, 1, kMaxCount, ic.tick_value));
  RETURN_IF_ERROR(r.integer("lot_size", 1, 1'000'000'000, ic.lot_size));
  int64_t price_minor = 0;
  RETURN_IF_ERROR(r.decimal("initial_price", kMoneyScale, 1, kMaxCount, price_minor, true));
  if (price_minor % ic.tick_value != 0) {
    return r.error_at("initial_price", "= " + format_decimal(price_minor, kMoneyScale) +
                                           " is not a multiple of tick_size " +
                                           format_decimal(ic.tick_value, kMoneyScale));
  }
  ic.initial_mid = Price(price_minor / ic.tick_value);
  int64_t max_qty = ic.max_order_qty.value();
  RETURN_IF_ERROR(r.integer("max_order_qty", 1, kMaxCount, max_qty));
  ic.max_order_qty = Qty(max_qty);
  return Status::ok();
}

Status read_instrument(const toml::table& t, size_t index, const std::string& doc,
                       InstrumentConfig& ic) {
  TableReader r(t, item_path("instruments", index), doc);
  RETURN_IF_ERROR(r.string("symbol", ic.symbol, true));
  if (ic.symbol.empty() || ic.symbol.size() > 32) {
    return r.error_at("symbol", "must be 1 to 32 characters");
  }
  RETURN_IF_ERROR(read_instrument_fields(r, ic));
  return r.finish();
}

int64_t decimal_digits(int64_t v) {
  int64_t n = 1;
  for (; v >= 10; v /= 10) ++n;
  return n;
}

// [[instrument_sets]]: `count` instruments <prefix><index zero-padded to width>, index 0 up, all
// with the set's tick_size, lot_size, initial_price and max_order_qty. Appended after
// [[instruments]], sets in file order. `taken` holds the symbols so far.
Status read_instrument_set(const toml::table& t, size_t index, const std::string& doc,
                           std::set<std::string>& taken, Scenario& s) {
  TableReader r(t, item_path("instrument_sets", index), doc);
  std::string prefix;
  RETURN_IF_ERROR(r.string("prefix", prefix, true));
  int64_t count = 0;
  RETURN_IF_ERROR(r.integer("count", 1, kMaxInstruments, count, true));
  int64_t width = decimal_digits(count);
  RETURN_IF_ERROR(r.integer("width", 1, 10, width));
  if (prefix.size() + static_cast<size_t>(std::max(width, decimal_digits(count - 1))) > 32) {
    return r.error_at("prefix", "makes symbols longer than 32 characters");
  }
  if (s.core.instruments.size() + static_cast<size_t>(count) > kMaxInstruments) {
    return r.error_at("count", "= " + std::to_string(count) + " takes the instruments past " +
                                   std::to_string(kMaxInstruments));
  }
  InstrumentConfig proto;
  RETURN_IF_ERROR(read_instrument_fields(r, proto));
  RETURN_IF_ERROR(r.finish());
  for (int64_t k = 0; k < count; ++k) {
    std::string digits = std::to_string(k);
    if (static_cast<int64_t>(digits.size()) < width) {
      digits.insert(0, static_cast<size_t>(width) - digits.size(), '0');
    }
    InstrumentConfig ic = proto;
    ic.symbol = prefix + digits;
    if (!taken.insert(ic.symbol).second) {
      return r.error_at("prefix", "makes symbol \"" + ic.symbol + "\", which is already used");
    }
    s.core.instruments.push_back(std::move(ic));
  }
  return Status::ok();
}

Status read_instruments(TableReader& root, const std::string& doc, Scenario& s) {
  ASSIGN_OR_RETURN(const toml::array* arr, root.table_array("instruments"));
  ASSIGN_OR_RETURN(const toml::array* sets, root.table_array("instrument_sets"));
  if ((!arr || arr->empty()) && (!sets || sets->empty())) {
    return Status::invalid(root.location() +
                           ": at least one [[instruments]] or [[instrument_sets]] is required");
  }
  if (arr && arr->size() > kMaxInstruments) {
    return root.error_at("instruments", "has " + std::to_string(arr->size()) +
                                            " entries, more than " +
                                            std::to_string(kMaxInstruments));
  }
  std::set<std::string> taken;
  for (size_t i = 0; arr && i < arr->size(); ++i) {
    InstrumentConfig ic;
    RETURN_IF_ERROR(read_instrument(*(*arr)[i].as_table(), i, doc, ic));
    if (!taken.insert(ic.symbol).second) {
      TableReader r(*(*arr)[i].as_table(), item_path("instruments", i), doc);
      return r.error_at("symbol", "= \"" + ic.symbol + "\" is already used by another instrument");
    }
    s.core.instruments.push_back(std::move(ic));
  }
  for (size_t i = 0; sets && i < sets->size(); ++i) {
    RETURN_IF_ERROR(read_instrument_set(*(*sets)[i].as_table(), i, doc, taken, s));
  }
  return Status::ok();
}

Status read_mix(TableReader& market, const std::string& doc, EventMix& mix) {
  ASSIGN_OR_RETURN(const toml::table* t, market.table("mix"));
  if (!t) return Status::ok();
  TableReader r(*t, "market.mix", doc);
  constexpr int64_t kMaxWeight = 1'000'000;
  RETURN_IF_ERROR(r.integer_as("quote", 0, kMaxWeight, mix.quote));
  RETURN_IF_ERROR(r.integer_as("trade", 0, kMaxWeight, mix.trade));
  RETURN_IF_ERROR(r.integer_as("limit", 0, kMaxWeight, mix.limit));
  RETURN_IF_ERROR(r.integer_as("market", 0, kMaxWeight, mix.market));
  RETURN_IF_ERROR(r.integer_as("cancel", 0, kMaxWeight, mix.cancel));
  RETURN_IF_ERROR(r.integer_as("replace", 0, kMaxWeight, mix.replace));
  if (mix.total() == 0) return Status::invalid(r.location() + ": 'market.mix' weights are all 0");
  return r.finish();
}

Status read_market(TableReader& root, const std::string& doc, MarketModel& m) {
  ASSIGN_OR_RETURN(const toml::table* t, root.table("market"));
  if (!t) return Status::ok();
  TableReader r(*t, "market", doc);
  RETURN_IF_ERROR(r.number("volatility_ticks_per_sqrt_s", 0, 1e6, m.volatility_ticks_per_sqrt_s));
  RETURN_IF_ERROR(r.number("rate_per_s", 0, 1e8, m.rate_per_s));
  RETURN_IF_ERROR(read_mix(r, doc, m.mix));
  RETURN_IF_ERROR(r.number("placement_mean_ticks", 0, 1e6, m.placement_mean_ticks));
  RETURN_IF_ERROR(r.number("marketable_pct", 0, 100, m.marketable_pct));
  RETURN_IF_ERROR(r.integer("qty_min", 1, 1'000'000'000, m.qty_min));
  RETURN_IF_ERROR(r.integer("qty_max", m.qty_min, 1'000'000'000, m.qty_max));
  RETURN_IF_ERROR(r.integer_as("participants", 1, 1'000'000, m.participants));
  RETURN_IF_ERROR(r.integer("spread_ticks", 1, 1'000'000, m.spread_ticks));
  RETURN_IF_ERROR(r.integer_as("live_orders_max", 1, 1 << 20, m.live_orders_max));
  return r.finish();
}

}  // namespace

Status read_fees(TableReader& root, const std::string& doc, FeeConfig& f) {
  ASSIGN_OR_RETURN(const toml::table* t, root.table("fees"));
  if (!t) return Status::ok();
  TableReader r(*t, "fees", doc);
  // Basis points with up to two decimals; one bp is 100 ppm. A negative fee is a rebate.
  RETURN_IF_ERROR(r.decimal("maker_bps", 100, -100'000, 100'000, f.maker_ppm));
  RETURN_IF_ERROR(r.decimal("taker_bps", 100, -100'000, 100'000, f.taker_ppm));
  return r.finish();
}

namespace {

Status read_engine(TableReader& root, const std::string& doc, CoreConfig& c) {
  ASSIGN_OR_RETURN(const toml::table* t, root.table("engine"));
  if (!t) return Status::ok();
  TableReader r(*t, "engine", doc);
  EngineOptions& e = c.engine;
  RETURN_IF_ERROR(r.integer_as("order_pool_capacity", 1, 1 << 28, e.order_pool_capacity));
  RETURN_IF_ERROR(r.integer_as("ladder_levels_initial", 2, 1 << 24, e.ladder_levels_initial));
  RETURN_IF_ERROR(
      r.integer_as("ladder_levels_max", e.ladder_levels_initial, 1 << 26, e.ladder_levels_max));
  RETURN_IF_ERROR(r.integer_as("fills_per_order_max", 1, 1 << 24, e.fills_per_order_max));
  RETURN_IF_ERROR(r.integer_as("event_queue_capacity", 16, 1 << 24, c.event_queue_capacity));
  return r.finish();
}

}  // namespace

Status read_risk(TableReader& root, const std::string& doc, RiskLimits& k) {
  ASSIGN_OR_RETURN(const toml::table* t, root.table("risk"));
  if (!t) return Status::ok();
  TableReader r(*t, "risk", doc);
  int64_t max_qty = k.max_order_qty.value();
  RETURN_IF_ERROR(r.integer("max_order_qty", 0, kMaxCount, max_qty));
  k.max_order_qty = Qty(max_qty);
  int64_t notional = k.max_notional.value();
  RETURN_IF_ERROR(r.decimal("max_notional", kMoneyScale, 0, kMaxCount * kMoneyScale, notional));
  k.max_notional = Money(notional);
  RETURN_IF_ERROR(r.integer("position_limit", 0, kMaxCount, k.position_limit));
  RETURN_IF_ERROR(r.integer("price_band_bps", 0, 1'000'000, k.price_band_bps));
  RETURN_IF_ERROR(r.integer("rate_limit_per_s", 0, 1'000'000'000, k.rate_limit_per_s));
  RETURN_IF_ERROR(r.integer("rate_limit_burst", 0, 1'000'000'000, k.rate_limit_burst));
  if (k.rate_limit_per_s > 0 && k.rate_limit_burst == 0) {
    return r.error_at("rate_limit_burst", "must be at least 1 when rate_limit_per_s is set");
  }
  return r.finish();
}

Status read_recorder(TableReader& root, const std::string& doc, RecorderOptions& o) {
  ASSIGN_OR_RETURN(const toml::table* t, root.table("recorder"));
  if (!t) return Status::ok();
  TableReader r(*t, "recorder", doc);
  RETURN_IF_ERROR(r.integer_as("batch_events_max", 1, 1 << 20, o.batch_events_max));
  RETURN_IF_ERROR(r.integer("flush_interval_ms", 1, kMaxHourMs, o.flush_interval_ms));
  RETURN_IF_ERROR(r.integer_as("queue_batches_max", 1, 4096, o.queue_batches_max));
  size_t sync = static_cast<size_t>(o.sync);
  RETURN_IF_ERROR(r.choice("sync", {"none", "batch"}, sync));
  o.sync = static_cast<RecorderOptions::Sync>(sync);
  return r.finish();
}

Status read_snapshot(TableReader& root, const std::string& doc, SnapshotOptions& o) {
  ASSIGN_OR_RETURN(const toml::table* t, root.table("snapshot"));
  if (!t) return Status::ok();
  TableReader r(*t, "snapshot", doc);
  RETURN_IF_ERROR(r.integer_as("every_events", 0, kMaxCount, o.every_events));
  return r.finish();
}

Result<Scenario> read_scenario(const toml::table& table, const std::string& doc) {
  Scenario s;
  TableReader root(table, "", doc);
  RETURN_IF_ERROR(read_header(root, doc, s));
  RETURN_IF_ERROR(read_instruments(root, doc, s));
  RETURN_IF_ERROR(read_market(root, doc, s.market));
  RETURN_IF_ERROR(read_fees(root, doc, s.core.fees));
  RETURN_IF_ERROR(read_engine(root, doc, s.core));
  RETURN_IF_ERROR(read_risk(root, doc, s.core.risk));
  RETURN_IF_ERROR(read_strategies(root, doc, s));
  RETURN_IF_ERROR(read_recorder(root, doc, s.core.recorder));
  RETURN_IF_ERROR(read_snapshot(root, doc, s.core.snapshot));
  RETURN_IF_ERROR(read_phases(root, doc, s));
  RETURN_IF_ERROR(root.finish());
  RETURN_IF_ERROR(check_limits(s, doc));
  return s;
}

}  // namespace tape::scenario_detail
