#include "session/backtest_config.h"

#include <cmath>
#include <filesystem>
#include <sstream>

#include "core/builtin_strategy.h"
#include "feed/import_options.h"
#include "sim/scenario_internal.h"
#include "sim/scenario_reader.h"

namespace tape {
namespace {

using scenario_detail::StringItem;
using scenario_detail::TableReader;
namespace fs = std::filesystem;

constexpr int64_t kMaxMoney = 1'000'000'000'000;  // currency units
constexpr int64_t kMaxLatencyNs = int64_t{3600} * 1'000'000'000;
constexpr size_t kMaxStrategies = 256;
constexpr uint64_t kLiveSnapshotEvery = 100'000;
constexpr int64_t kBacktestFlushIntervalMs = 1'000'000'000'000;  // ~31 years: size bound only

// A relative path is relative to the config file's directory.
std::string resolve_path(const std::string& path, const std::string& base_dir) {
  if (path.empty() || fs::path(path).is_absolute() || base_dir.empty()) return path;
  return (fs::path(base_dir) / path).lexically_normal().string();
}

// A plugin named without a path ("sma_cross"): lib<name>.so beside the config, then where a tape
// build puts the shipped examples (<tape's dir>/examples/<name>/), then an installed tape's
// plugin dir (<prefix>/lib/tape/plugins). Anything with a '/' or a ".so" is a path.
Result<std::string> resolve_plugin(const std::string& plugin, const std::string& base_dir,
                                   const TableReader& r) {
  if (plugin.find('/') != std::string::npos || plugin.ends_with(".so")) {
    return resolve_path(plugin, base_dir);
  }
  const std::string file = "lib" + plugin + ".so";
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates = {fs::path(base_dir) / file};
  if (!ec) {
    candidates.push_back(exe.parent_path() / "examples" / plugin / file);
    candidates.push_back(exe.parent_path().parent_path() / "lib" / "tape" / "plugins" / file);
  }
  std::string looked;
  for (const fs::path& c : candidates) {
    if (fs::is_regular_file(c, ec)) return c.lexically_normal().string();
    looked += (looked.empty() ? "" : ", ") + c.lexically_normal().string();
  }
  return r.error_at("plugin", "\"" + plugin + "\" names no plugin library (looked for " + looked +
                                  "); give the library's path");
}

Status read_header(TableReader& root, const std::string& source, BacktestConfig& c) {
  ASSIGN_OR_RETURN(const toml::table* t, root.table("backtest"));
  c.name = fs::path(source).stem().string();
  if (!t) return Status::ok();
  TableReader r(*t, "backtest", source);
  RETURN_IF_ERROR(r.string("name", c.name));
  // The seed of the run's random draws (drawn latencies): each draws from its own stream of it.
  int64_t seed = 0;
  RETURN_IF_ERROR(r.integer("seed", 0, INT64_MAX, seed));
  c.core.latency.seed = static_cast<uint64_t>(seed);
  return r.finish();
}

Status read_data(TableReader& root, const std::string& source, const std::string& base_dir,
                 BacktestData& d) {
  ASSIGN_OR_RETURN(const toml::table* t, root.table("data"));
  if (!t) return root.error_at("data", "is required: a [data] table with log or file(s)");
  TableReader r(*t, "data", source);
  std::string log, file;
  RETURN_IF_ERROR(r.string("log", log));
  RETURN_IF_ERROR(r.string("file", file));
  std::vector<StringItem> files;
  RETURN_IF_ERROR(r.string_list("files", files));
  const int named = !log.empty() + !file.empty() + !files.empty();
  if (named != 1) {
    return r.error_at("log", "name exactly one of data.log (a data log), data.file or data.files");
  }
  d.log = resolve_path(log, base_dir);
  if (!file.empty()) d.files.push_back(resolve_path(file, base_dir));
  for (const StringItem& f : files) d.files.push_back(resolve_path(f.value, base_dir));

  ImportOptionText text;
  std::string format = "auto";
  RETURN_IF_ERROR(r.string("format", format));
  d.format_auto = format == "auto";
  if (!d.format_auto) text.format = format;
  RETURN_IF_ERROR(r.optional_string("date_format", text.date_format));
  RETURN_IF_ERROR(r.optional_string("time_format", text.time_format));
  RETURN_IF_ERROR(r.optional_string("tz", text.tz));
  RETURN_IF_ERROR(r.optional_string("round", text.round));
  RETURN_IF_ERROR(r.optional_string("bar_period", text.bar_period));
  RETURN_IF_ERROR(r.optional_string("daily_close", text.daily_close));
  RETURN_IF_ERROR(r.optional_string("on_bad_row", text.on_bad_row));
  RETURN_IF_ERROR(r.optional_string("columns", text.columns));
  RETURN_IF_ERROR(r.optional_string("delimiter", text.delimiter));
  std::optional<std::string> tick;
  RETURN_IF_ERROR(r.optional_string("tick_size", tick));
  if (tick) text.ticks.push_back(*tick);
  int64_t price_scale = -1;
  RETURN_IF_ERROR(r.integer("price_scale", -1, 18, price_scale));
  if (price_scale >= 0) text.price_scale = static_cast<int>(price_scale);
  RETURN_IF_ERROR(r.string("symbol", d.import.csv.symbol));
  RETURN_IF_ERROR(r.string("symbol_column", d.import.csv.symbol_column));
  RETURN_IF_ERROR(r.integer("lot_size", 1, 1'000'000'000, d.import.csv.lot_size));
  RETURN_IF_ERROR(r.boolean("header", d.import.csv.header));
  RETURN_IF_ERROR(r.boolean("adjusted", d.import.csv.adjusted));
  RETURN_IF_ERROR(r.string("date", d.import.date));
  RETURN_IF_ERROR(r.string("book_seed", d.book_seed));
  if (d.book_seed.empty()) return r.error_at("book_seed", "\"auto\", \"none\" or a path");
  if (d.book_seed != "auto" && d.book_seed != "none")
    d.book_seed = resolve_path(d.book_seed, base_dir);
  std::vector<StringItem> seeds;
  RETURN_IF_ERROR(r.string_list("book_seeds", seeds));
  for (const StringItem& f : seeds) d.book_seeds.push_back(resolve_path(f.value, base_dir));
  Status applied = apply_import_text(
      text,
      [](std::string_view option) {
        std::string key(option);
        for (char& c : key) c = c == '-' ? '_' : c;
        return "data." + key;
      },
      d.import);
  if (!applied.is_ok()) return Status::invalid(r.location() + ": " + applied.message());
  return r.finish();
}

Status read_venue(TableReader& root, const std::string& source, BacktestConfig& c) {
  ASSIGN_OR_RETURN(const toml::table* t, root.table("venue"));
  if (!t) return Status::ok();
  TableReader r(*t, "venue", source);
  size_t model = 0;
  RETURN_IF_ERROR(r.choice("model", {"auto", "book", "bars", "quotes", "l3"}, model));
  if (model > 0) c.venue_model = static_cast<VenueModel>(model - 1);
  size_t fill = static_cast<size_t>(c.core.venue.bar_fill);
  RETURN_IF_ERROR(r.choice("bar_fill", {"next_open", "close", "next_close"}, fill));
  c.core.venue.bar_fill = static_cast<BarFill>(fill);
  // A share of the bar's volume, 0 < cap <= 1, to the ppm.
  RETURN_IF_ERROR(r.decimal("volume_cap", 1'000'000, 0, 1'000'000, c.core.venue.volume_cap_ppm));
  RETURN_IF_ERROR(r.integer("slippage_ticks", 0, 1'000'000, c.core.venue.slippage_ticks));
  return r.finish();
}

// Milliseconds with up to six decimals (to the ns), 0 to an hour; a float must be finite.
Status read_ms(TableReader& r, const toml::table& t, std::string_view key, int64_t& out,
               bool required = false) {
  if (const toml::node* n = t.get(key);
      n != nullptr && n->is_floating_point() && !std::isfinite(n->as_floating_point()->get())) {
    return r.error_at(key, "must be a finite number of milliseconds");
  }
  return r.decimal(key, 1'000'000, 0, kMaxLatencyNs, out, required);
}

// `latency.<name> = { dist = "...", ... }` (docs/backtest.md "Latency"): only the keys of that
// distribution are read, so any other is an unknown key.
Status read_latency_dist(const toml::table& t, const std::string& path, const std::string& source,
                         LatencyDist& d) {
  TableReader r(t, path, source);
  size_t kind = 0;
  RETURN_IF_ERROR(r.choice("dist", {"uniform", "exponential", "lognormal"}, kind, true));
  d.kind = static_cast<LatencyDistKind>(kind + 1);
  d.min_ns = 0;
  d.max_ns = kMaxLatencyNs;
  const char* center = d.kind == LatencyDistKind::kExponential ? "mean_ms" : "median_ms";
  const bool uniform = d.kind == LatencyDistKind::kUniform;
  const bool lognormal = d.kind == LatencyDistKind::kLognormal;
  RETURN_IF_ERROR(read_ms(r, t, "min_ms", d.min_ns));
  RETURN_IF_ERROR(read_ms(r, t, "max_ms", d.max_ns));
  if (!uniform) RETURN_IF_ERROR(read_ms(r, t, center, d.center_ns));
  if (lognormal) RETURN_IF_ERROR(r.decimal("sigma", 1'000'000, 0, 4'000'000, d.sigma_ppm));
  // Unknown keys first: a misspelt key is reported as such, not as the key it misses.
  RETURN_IF_ERROR(r.finish());
  const std::string named = "is required with dist = \"" + *t["dist"].value<std::string>() + "\"";
  for (const char* key :
       {uniform ? "min_ms" : center, uniform ? "max_ms" : "", lognormal ? "sigma" : ""}) {
    if (*key != '\0' && !t.contains(key)) return r.error_at(key, named);
  }
  if (d.min_ns > d.max_ns) return r.error_at("max_ms", "is below min_ms");
  if (!uniform && (d.center_ns < d.min_ns || d.center_ns > d.max_ns)) {
    return r.error_at(center, "must lie in [min_ms, max_ms]");
  }
  return Status::ok();
}

// One latency: `<name>_ms` (a constant) or the table `<name>` (a distribution), not both.
Status read_one_latency(TableReader& r, const toml::table& t, const std::string& name,
                        const std::string& source, int64_t& constant_ns, LatencyDist& dist) {
  RETURN_IF_ERROR(read_ms(r, t, name + "_ms", constant_ns));
  const toml::node* node = t.get(name);
  if (node != nullptr && !node->is_table()) {
    return r.error_at(name, std::string("must be a table like { dist = \"uniform\", min_ms = 1, "
                                        "max_ms = 3 } (got ") +
                                scenario_detail::type_name(*node) + ")");
  }
  ASSIGN_OR_RETURN(const toml::table* d, r.table(name));
  if (d == nullptr) return Status::ok();
  if (t.contains(name + "_ms")) {
    return r.error_at(name, "give either latency." + name + "_ms (a constant) or latency." + name +
                                " (a distribution), not both");
  }
  return read_latency_dist(*d, "latency." + name, source, dist);
}

Status read_latency(TableReader& root, const std::string& source, LatencyConfig& l) {
  ASSIGN_OR_RETURN(const toml::table* t, root.table("latency"));
  if (!t) return Status::ok();
  TableReader r(*t, "latency", source);
  RETURN_IF_ERROR(read_one_latency(r, *t, "feed", source, l.feed_ns, l.feed_dist));
  RETURN_IF_ERROR(read_one_latency(r, *t, "order", source, l.order_ns, l.order_dist));
  RETURN_IF_ERROR(read_one_latency(r, *t, "ack", source, l.ack_ns, l.ack_dist));
  return r.finish();
}

Status read_backtest_fees(TableReader& root, const std::string& source, FeeConfig& f) {
  ASSIGN_OR_RETURN(const toml::table* t, root.table("fees"));
  if (!t) return Status::ok();
  TableReader r(*t, "fees", source);
  // Basis points with up to two decimals (one bp = 100 ppm); `commission_bps` sets both sides.
  int64_t both = 0;
  RETURN_IF_ERROR(r.decimal("commission_bps", 100, -100'000, 100'000, both));
  if (both != 0) f.maker_ppm = f.taker_ppm = both;
  RETURN_IF_ERROR(r.decimal("maker_bps", 100, -100'000, 100'000, f.maker_ppm));
  RETURN_IF_ERROR(r.decimal("taker_bps", 100, -100'000, 100'000, f.taker_ppm));
  // Currency amounts, in kMoneyScale units until the run's money scale is known.
  RETURN_IF_ERROR(r.decimal("per_share", kMoneyScale, 0, kMaxMoney, f.per_lot));
  RETURN_IF_ERROR(r.decimal("per_order", kMoneyScale, 0, kMaxMoney, f.per_order));
  RETURN_IF_ERROR(r.decimal("min_per_order", kMoneyScale, 0, kMaxMoney, f.min_per_order));
  return r.finish();
}

Status read_analytics(TableReader& root, const std::string& source, AnalyticsSettings& a,
                      int64_t& equity_sample_ns) {
  ASSIGN_OR_RETURN(const toml::table* t, root.table("analytics"));
  if (!t) return Status::ok();
  TableReader r(*t, "analytics", source);
  RETURN_IF_ERROR(r.number("periods_per_year", 1, 1e9, a.periods_per_year));
  RETURN_IF_ERROR(r.number("risk_free_rate", -1, 10, a.risk_free_rate));
  std::string every = "bar";
  RETURN_IF_ERROR(r.string("equity_sample", every));
  if (every == "bar") {
    equity_sample_ns = 0;
  } else if (!parse_period(every, equity_sample_ns) || equity_sample_ns <= 0) {
    return r.error_at("equity_sample", "must be \"bar\" or a period like \"1d\", \"5m\"");
  }
  return r.finish();
}

// A parameter's value as TOML text: what the plugin parses against its declaration.
Result<std::string> param_text(const toml::node& node, const TableReader& r,
                               const std::string& key) {
  std::ostringstream out;
  if (node.is_string()) {
    return node.value<std::string>().value();
  }
  if (node.is_integer() || node.is_floating_point() || node.is_boolean()) {
    if (node.is_integer()) out << node.value<int64_t>().value();
    if (node.is_boolean()) out << (node.value<bool>().value() ? "true" : "false");
    if (node.is_floating_point())
      out << scenario_detail::format_double(node.value<double>().value());
    return out.str();
  }
  return r.error_at(key, std::string("must be a number, string or boolean (got ") +
                             scenario_detail::type_name(node) + ")");
}

// `plugin = "..."` (and its optional `plugin_sha256` pin) or `builtin = "<name>"`.
Status read_strategy_source(TableReader& r, const toml::table& t, const std::string& base_dir,
                            BacktestStrategy& s) {
  if (t.contains("plugin") == t.contains("builtin")) {
    return r.error_at(t.contains("plugin") ? "builtin" : "plugin",
                      "give exactly one of 'plugin' and 'builtin'");
  }
  if (t.contains("builtin")) {
    RETURN_IF_ERROR(r.string("builtin", s.builtin, /*required=*/true));
    if (find_builtin(s.builtin) != nullptr) return Status::ok();
    std::vector<std::string> names;
    for (const BuiltinSpec& b : builtin_specs()) names.push_back(b.name);
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    const std::string near = scenario_detail::closest_key(s.builtin, names);
    return r.error_at("builtin", "\"" + s.builtin + "\" is no built-in strategy" +
                                     (near.empty() ? "" : " (did you mean '" + near + "'?)") +
                                     "; built-ins: " + list);
  }
  RETURN_IF_ERROR(r.string("plugin", s.plugin, /*required=*/true));
  ASSIGN_OR_RETURN(s.plugin, resolve_plugin(s.plugin, base_dir, r));
  return r.string("plugin_sha256", s.plugin_sha256);
}

Status read_strategies(TableReader& root, const std::string& source, const std::string& base_dir,
                       BacktestConfig& c) {
  ASSIGN_OR_RETURN(const toml::array* list, root.table_array("strategies"));
  if (!list || list->empty()) {
    if (c.live) return Status::ok();  // a live session may only journal (and match) the feed
    return root.error_at("strategies",
                         "is required: at least one [[strategies]] with a plugin or builtin");
  }
  if (list->size() > kMaxStrategies) {
    return root.error_at("strategies", "has more than " + std::to_string(kMaxStrategies));
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const toml::table& t = *(*list)[i].as_table();
    const std::string path = "strategies[" + std::to_string(i) + "]";
    TableReader r(t, path, source);
    BacktestStrategy s;
    s.name = "strategy" + std::to_string(i + 1);
    RETURN_IF_ERROR(r.string("name", s.name));
    RETURN_IF_ERROR(read_strategy_source(r, t, base_dir, s));
    std::vector<StringItem> symbols;
    RETURN_IF_ERROR(r.string_list("instruments", symbols));
    for (const StringItem& item : symbols) s.instruments.push_back(item.value);
    RETURN_IF_ERROR(r.integer("timer_ms", 0, kMaxLatencyNs / 1'000'000, s.timer_ms));
    RETURN_IF_ERROR(
        r.decimal("starting_cash", kMoneyScale, 0, kMaxMoney * kMoneyScale, s.starting_cash));
    ASSIGN_OR_RETURN(const toml::table* params, r.table("params"));
    if (params) {
      for (auto&& [key, value] : *params) {
        ASSIGN_OR_RETURN(std::string text,
                         param_text(value, r, "params." + std::string(key.str())));
        s.params.push_back(PluginParam{std::string(key.str()), std::move(text)});
      }
    }
    RETURN_IF_ERROR(r.finish());
    for (const BacktestStrategy& other : c.strategies) {
      if (other.name == s.name) {
        return r.error_at("name", "\"" + s.name + "\" names two strategies");
      }
    }
    c.strategies.push_back(std::move(s));
  }
  return Status::ok();
}

Result<BacktestConfig> read_backtest(const toml::table& tree, const std::string& source,
                                     const std::string& base_dir) {
  BacktestConfig c;
  c.source = source;
  TableReader root(tree, "", source);
  RETURN_IF_ERROR(read_header(root, source, c));
  // A [live] table makes it a live config (live/live_config.h reads [live] and [[instruments]]):
  // its inputs come from the feed, so it has no [data].
  c.live = tree.contains("live");
  if (c.live) {
    if (tree.contains("data")) {
      return root.error_at("data",
                           "a live config ([live]) takes its inputs from the feed: remove "
                           "[data]");
    }
    ASSIGN_OR_RETURN(const toml::table* live, root.table("live"));
    ASSIGN_OR_RETURN(const toml::array* instruments, root.table_array("instruments"));
    (void)live;
    (void)instruments;
  } else {
    RETURN_IF_ERROR(read_data(root, source, base_dir, c.data));
  }
  RETURN_IF_ERROR(read_venue(root, source, c));
  RETURN_IF_ERROR(read_latency(root, source, c.core.latency));
  RETURN_IF_ERROR(read_backtest_fees(root, source, c.core.fees));
  // Strategy orders in a backtest are the run's own: the scenario default of 10,000 lots per
  // order would be an arbitrary ceiling, so it is off unless the config sets one.
  c.core.risk.max_order_qty = Qty(0);
  RETURN_IF_ERROR(scenario_detail::read_risk(root, source, c.core.risk));
  // A backtest's inputs arrive as fast as the core takes them: a batch bound in simulated time
  // (a scenario's 50 ms) would close one batch per daily bar. Batches close by size unless the
  // config sets [recorder] flush_interval_ms.
  // Live inputs arrive on the wall clock: there the scenario's time bound (50 ms) holds.
  if (!c.live) c.core.recorder.flush_interval_ms = kBacktestFlushIntervalMs;
  RETURN_IF_ERROR(scenario_detail::read_recorder(root, source, c.core.recorder));
  // A live session snapshots by default, so that a resume replays a bounded tail.
  if (c.live) c.core.snapshot.every_events = kLiveSnapshotEvery;
  RETURN_IF_ERROR(scenario_detail::read_snapshot(root, source, c.core.snapshot));
  RETURN_IF_ERROR(read_analytics(root, source, c.analytics, c.equity_sample_ns));
  RETURN_IF_ERROR(read_strategies(root, source, base_dir, c));
  RETURN_IF_ERROR(root.finish());
  // The stored form names every file by its resolved path, so a log's config reads back the
  // same wherever it is opened from.
  toml::table canon = tree;
  if (toml::table* d = canon["data"].as_table()) {
    if (!c.data.log.empty()) d->insert_or_assign("log", c.data.log);
    d->erase("file");
    if (!c.data.files.empty()) {
      toml::array files;
      for (const std::string& f : c.data.files) files.push_back(f);
      d->insert_or_assign("files", std::move(files));
    }
    if (d->contains("book_seed")) d->insert_or_assign("book_seed", c.data.book_seed);
    if (!c.data.book_seeds.empty()) {
      toml::array seeds;
      for (const std::string& f : c.data.book_seeds) seeds.push_back(f);
      d->insert_or_assign("book_seeds", std::move(seeds));
    }
  }
  if (toml::array* list = canon["strategies"].as_array()) {
    for (size_t i = 0; i < list->size() && i < c.strategies.size(); ++i) {
      toml::table* t = (*list)[i].as_table();
      if (t != nullptr && !c.strategies[i].plugin.empty()) {
        t->insert_or_assign("plugin", c.strategies[i].plugin);
      }
    }
  }
  std::ostringstream text;
  text << canon;
  c.canonical_toml = text.str();
  return c;
}

}  // namespace

Result<BacktestConfig> load_backtest_file(const std::string& path,
                                          const std::vector<std::string>& overrides) {
  ASSIGN_OR_RETURN(toml::table tree, scenario_detail::load_toml_tree(path, overrides));
  std::error_code ec;
  const std::string base = fs::absolute(fs::path(path), ec).parent_path().string();
  return read_backtest(tree, path, base);
}

Result<BacktestConfig> parse_backtest_text(std::string_view text, const std::string& source_name,
                                           const std::string& base_dir) {
  ASSIGN_OR_RETURN(toml::table tree, scenario_detail::parse_toml_tree(text, source_name));
  return read_backtest(tree, source_name, base_dir);
}

}  // namespace tape
