// Scenario files: a TOML description of a simulated market (instruments, order-flow model,
// phases) and of the core that runs it (fees, engine, risk, strategies, recorder, snapshots).
// scenarios/README.md documents every key with its unit and default.
//
// Loading = parse the file, merge its `include = [...]` files under it (the including file's
// keys win; arrays are replaced, not concatenated), apply `--set dotted.key=value` overrides,
// then read and validate every key. Every failure is Status::invalid naming the file, the
// line:column and the full dotted key; an unknown key also names the closest valid one.
//
// canonical_toml is the fully resolved scenario written back as TOML with every key explicit
// (defaults included, no includes): replay rebuilds the scenario from this text stored in the
// log, so a later change of a default cannot change an old run.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/status.h"

namespace tape {

enum class PhaseKind : uint8_t {
  kBurst,
  kSustained,
  kFlashCrash,
  kHalt,
  kKillSwitch,
  kStale,
  kBadData,
};
inline constexpr size_t kPhaseKinds = 7;

// The TOML spelling of a phase kind ("burst", "sustained", "flash_crash", "halt", "kill_switch",
// "stale", "bad_data").
const char* phase_kind_name(PhaseKind kind);

// What one bad_data injection is (scenarios/README.md, sim/generator.h).
enum class BadKind : uint8_t {
  kCrossedQuote,       // QuoteIn with bid >= ask
  kZeroPrice,          // a price of 0 in a quote, trade, limit order or replace
  kNegativePrice,      // a negative price, same forms
  kSentinelPrice,      // INT64_MAX or INT64_MIN as a price, same forms
  kZeroQty,            // a quantity of 0, same forms
  kSentinelQty,        // INT64_MAX or INT64_MIN as a quantity, same forms
  kOversizeQty,        // limit order or replace above the instrument's max_order_qty
  kBackwardsTs,        // a valid quote stamped before the previous input
  kDuplicateId,        // a new order re-using the id of a live order
  kUnknownId,          // cancel or replace of an id never issued
  kUnknownInstrument,  // quote, trade, order or cancel naming instrument id >= the count
};
inline constexpr size_t kBadKinds = 11;

// The TOML spelling of a bad kind ("crossed_quote", ..., "unknown_instrument").
const char* bad_kind_name(BadKind kind);

// A scheduled change to the market. Times are simulated ms from the scenario start.
struct Phase {
  PhaseKind kind = PhaseKind::kBurst;
  int64_t at_ms = 0;        // start
  int64_t duration_ms = 0;  // length of the window (halt / kill switch: until the resume / off)
  uint64_t ticks = 0;       // burst: extra market events spread over [at, at + duration)
  double rate_per_s = 0;    // sustained: extra market events per simulated second; bad_data:
                            // injections per simulated second when count = 0
  double drop_pct = 0;      // flash crash: mid falls this % (0, 100) linearly over duration_ms
  int64_t recover_ms = 0;   // flash crash: then climbs back linearly over this long
  int32_t instrument = -1;  // instrument index; -1 = all (kill switch: always all)
  double jump_pct = 0;      // stale: the mid jumps this % (> -100) when the feed resumes
  uint64_t count = 0;       // bad_data: injections over the window (0: from rate_per_s)
  int64_t backwards_ms = 100;  // bad_data: a backwards_ts input goes back up to this far
  std::array<uint32_t, kBadKinds> bad_weights{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};  // by BadKind
  bool operator==(const Phase&) const = default;
};

// Relative weights of the event kinds a background tick draws from. Integers so the draw is a
// plain unbiased integer pick.
struct EventMix {
  uint32_t quote = 30;    // QuoteIn: BBO around the mid
  uint32_t trade = 10;    // TradeIn: print near the mid
  uint32_t limit = 35;    // NewOrderIn limit GTC (some marketable)
  uint32_t market = 5;    // NewOrderIn market IOC
  uint32_t cancel = 15;   // CancelIn of one of the participant's own resting orders
  uint32_t replace = 5;   // ReplaceIn of one of the participant's own resting orders
  uint32_t total() const { return quote + trade + limit + market + cancel + replace; }
  bool operator==(const EventMix&) const = default;
};

// Background order flow, the same model for every instrument.
struct MarketModel {
  // Default 2. Standard deviation of the mid's random walk over one simulated second, in ticks.
  double volatility_ticks_per_sqrt_s = 2.0;
  // Default 1000. Background market events per simulated second PER INSTRUMENT (Poisson); 0 =
  // no background flow (phases only).
  double rate_per_s = 1000.0;
  EventMix mix;
  // Default 4. Mean distance from the mid of passive limit orders, in ticks (1 + exponential).
  double placement_mean_ticks = 4.0;
  // Default 10. Percent of limit orders priced through the mid (marketable).
  double marketable_pct = 10.0;
  // Default 1..100. Order, quote and trade quantities are uniform in [qty_min, qty_max] lots.
  int64_t qty_min = 1;
  int64_t qty_max = 100;
  // Default 16. External participants; participant p trades as account kExternalAccountBase + p.
  uint32_t participants = 16;
  // Default 2. Quote spread in ticks (ask - bid).
  int64_t spread_ticks = 2;
  // Default 256. Bound on each instrument's set of own live order ids the flow may cancel or
  // replace; when full, a limit tick cancels one of them instead.
  uint32_t live_orders_max = 256;
  // Default 100. A HeartbeatIn every this many simulated ms; 0 = none. TOML: [scenario].
  int64_t heartbeat_ms = 100;
  bool operator==(const MarketModel&) const = default;
};

// Load-time guards (scenarios/README.md). They bound what a run may cost, never what it does,
// so canonical_toml writes them only when they differ from these defaults.
inline constexpr uint64_t kDefaultMaxInputs = 1'000'000'000;
inline constexpr uint64_t kDefaultMaxMemoryMb = 4096;

struct Scenario {
  std::string name;            // [scenario] name, else the file stem
  std::string source;          // file path it came from (not part of canonical_toml)
  std::string canonical_toml;  // fully resolved scenario as TOML (see the file comment)
  uint64_t seed = 1;           // default seed; the CLI's --seed overrides
  int64_t duration_ms = 0;     // simulated length; inputs are stamped in [0, duration]
  CoreConfig core;             // instruments, fees, engine, risk, strategies, recorder, snapshot
  MarketModel market;
  std::vector<Phase> phases;
  // [scenario] max_inputs: a run expected to generate more inputs than this is refused at load.
  uint64_t max_inputs = kDefaultMaxInputs;
  // [scenario] max_memory_mb: a core whose start-up reservations exceed this is refused at load.
  uint64_t max_memory_mb = kDefaultMaxMemoryMb;
};

// What a scenario will cost, estimated at load from its keys (sim/scenario_limits.cc).
struct ResourceEstimate {
  double inputs = 0;         // expected inputs of the whole run (background flow at its mean rate,
                             // heartbeats, phase ticks and injections, control inputs)
  double log_bytes = 0;      // rough size of the log those inputs and their outputs make
  double memory_bytes = 0;   // what the core and generator reserve at start (books' ladders,
                             // order pool and id map, event queue, recorder batches, live ids)
};
ResourceEstimate estimate_resources(const Scenario& s);

// Field-by-field equality of everything except `source` and `canonical_toml` (CoreConfig
// compared field by field here: core/config.h declares no operator==).
bool same_scenario(const Scenario& a, const Scenario& b);

// Reads `path`, its includes and `overrides` ("dotted.key=value"; the value is a TOML value, or
// a string when it does not parse as one). Array elements are addressed by index:
// "instruments.0.initial_price=101.5" or "instruments[0].initial_price=101.5".
Result<Scenario> load_scenario_file(const std::string& path,
                                    const std::vector<std::string>& overrides = {});

// Parses scenario text (e.g. canonical_toml from a log). Includes are resolved relative to the
// current directory; `source_name` names the text in error messages.
Result<Scenario> parse_scenario_text(std::string_view text, const std::string& source_name);

}  // namespace tape
