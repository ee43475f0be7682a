// Everything the deterministic core is built from. The scenario parser (sim/) fills it from a
// TOML file; replay rebuilds the same config from the scenario text stored in the log.
// Defaults are written in the structs; values are validated by the parser and clamped at open.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/types.h"

namespace tape {

struct InstrumentConfig {
  std::string symbol;
  // Money minor units per tick (kMoneyScale per currency unit). Default 100 = 0.01.
  int64_t tick_value = 100;
  // Units per lot, multiplies notional. Default 1.
  int64_t lot_size = 1;
  // Initial mid price in ticks; the book's price ladder is first laid out around it.
  Price initial_mid = Price(10'000);
  // Largest quantity one order may carry (any account). Default 1,000,000 lots.
  Qty max_order_qty = Qty(1'000'000);
};

struct FeeConfig {
  // Parts per million of notional; negative is a rebate. Default 0. (1 bps = 100 ppm.)
  int64_t maker_ppm = 0;
  int64_t taker_ppm = 0;
  // Money minor units per lot filled (any side of a managed fill). Default 0.
  int64_t per_lot = 0;
  // Money minor units per order, charged on the order's first fill. Default 0.
  int64_t per_order = 0;
  // Least fee one order pays in total (minor units), topped up on its first fill. Default 0.
  int64_t min_per_order = 0;
};

// How strategy orders are executed for one instrument (DESIGN section 7). kBook: the engine's
// limit order book (scenarios, external orders). kBars / kQuotes: the data venue, which fills
// strategy orders against the data's bars or its best bid/offer and trade prints. kL3: the
// order-level venue (core/l3_venue.h), which rebuilds the book from the data's BookMessageIn
// inputs and queues strategy orders in it.
enum class VenueModel : uint8_t { kBook = 0, kBars = 1, kQuotes = 2, kL3 = 3 };

// The seed of an L3 book: a level-1 orderbook row, the book after the instrument's first
// message (core/l3_book.h). has_* false: that side is empty.
struct BookSeed {
  bool present = false;  // false: no seed, the book starts empty and incomplete
  bool has_bid = false, has_ask = false;
  Price bid, ask;
  Qty bid_qty, ask_qty;
  bool operator==(const BookSeed&) const = default;
};

// When a market order sent after bar t fills, and at what price.
//   kNextOpen:  at bar t+1's open (backtrader's default).
//   kClose:     at bar t's close, at once (the order is sent at that close).
//   kNextClose: at bar t+1's close.
enum class BarFill : uint8_t { kNextOpen = 0, kClose = 1, kNextClose = 2 };

struct VenueConfig {
  VenueModel model = VenueModel::kBook;  // applies to every instrument of the run
  BarFill bar_fill = BarFill::kNextOpen;
  // Share of a bar's volume one order may fill in that bar, parts per million; 0 = no cap.
  int64_t volume_cap_ppm = 0;
  // Ticks added against the taker on every market or stop fill (buys higher, sells lower).
  int64_t slippage_ticks = 0;
  // kL3: per instrument (by id), its book's seed; shorter than the instrument list = no seed.
  std::vector<BookSeed> book_seeds;
  // kL3: the messages are a level-1 file's (every message at the best price of its side), so
  // the book may infer what the file does not show (core/l3_book.h). Default: true.
  bool l3_level1 = true;
};

// How one latency is drawn (core/latency_draw.h has the formulas). kConstant: not drawn, the
// LatencyConfig's *_ns constant applies. Persisted nowhere as a number: the config text is.
enum class LatencyDistKind : uint8_t {
  kConstant = 0,
  kUniform = 1,
  kExponential = 2,
  kLognormal = 3
};

// A latency drawn from a seeded distribution, in ns. The parser checks
// 0 <= min_ns <= center_ns <= max_ns (uniform: min_ns <= max_ns).
struct LatencyDist {
  LatencyDistKind kind = LatencyDistKind::kConstant;
  int64_t min_ns = 0;     // least latency (uniform: lower bound; the others: the shift)
  int64_t max_ns = 0;     // greatest latency; a larger draw is clamped to it
  int64_t center_ns = 0;  // kExponential: the mean; kLognormal: the median; kUniform: unused
  int64_t sigma_ppm = 0;  // kLognormal: sigma of the log, in millionths; else unused
  bool drawn() const { return kind != LatencyDistKind::kConstant; }
  bool operator==(const LatencyDist&) const = default;
};

// Simulated delays, in ns: each constant (*_ns) or drawn (*_dist, drawn() true; *_ns then 0).
// In-flight events are core state (hashed, snapshotted), and so are the draws' RNG states.
struct LatencyConfig {
  int64_t feed_ns = 0;   // a strategy sees market data at ts + feed_ns
  int64_t order_ns = 0;  // an approved order reaches the venue at ts + order_ns
  int64_t ack_ns = 0;    // the venue's answer reaches the strategy ack_ns later
  LatencyDist feed_dist;
  LatencyDist order_dist;
  LatencyDist ack_dist;
  // The seed of the draws: each latency draws from its own stream of it (core/latency_draw.h).
  uint64_t seed = 0;

  bool feed_on() const { return feed_ns > 0 || feed_dist.drawn(); }
  bool order_on() const { return order_ns > 0 || order_dist.drawn(); }
  bool ack_on() const { return ack_ns > 0 || ack_dist.drawn(); }
  bool any_drawn() const { return feed_dist.drawn() || order_dist.drawn() || ack_dist.drawn(); }
};

struct EngineOptions {
  // Default: 1 << 20. Preallocated resting-order pool shared by all books; when full, new
  // orders are rejected with kBookFull.
  uint32_t order_pool_capacity = 1u << 20;
  // Default: 4096. Price levels first laid out per book around the initial mid.
  uint32_t ladder_levels_initial = 4096;
  // Default: 1 << 22. Widest span of ticks a book may grow to; prices outside are rejected.
  uint32_t ladder_levels_max = 1u << 22;
  // Default: 4096. An order stops matching after this many fills; its rest is cancelled.
  uint32_t fills_per_order_max = 4096;
};

struct RiskLimits {
  // Each limit applies to managed (strategy) accounts. 0 disables a check.
  Qty max_order_qty = Qty(10'000);
  Money max_notional = Money(0);  // per order, minor units
  int64_t position_limit = 0;     // lots, absolute, per instrument, worst case
  int64_t price_band_bps = 0;     // distance from last trade (or mid) in basis points
  int64_t rate_limit_per_s = 0;   // token refill per simulated second
  int64_t rate_limit_burst = 0;   // token bucket capacity
};

enum class StrategyKind : uint8_t { kMarketMaker = 0, kMomentum = 1, kFatFinger = 2, kPlugin = 3 };

struct MarketMakerParams {
  int64_t half_spread_ticks = 2;  // quote distance from mid
  Qty quote_qty = Qty(10);
  int64_t skew_ticks_per_lot = 0;  // ticks / (position / skew_unit_lots)
  int64_t skew_unit_lots = 10;
  int64_t max_position = 100;  // stop quoting the side that would grow |position| beyond
  int64_t requote_ticks = 1;   // move quotes only when the target moved this far
};

struct MomentumParams {
  int64_t window_trades = 50;    // trades in the order-flow imbalance window
  double entry_threshold = 0.3;  // |imbalance| in [-1, 1] that triggers an order
  Qty order_qty = Qty(5);
  int64_t max_position = 50;
  int64_t cooldown_ms = 100;  // simulated ms between orders
};

// A misbehaving trader for risk drills (core/strategies/fat_finger.h has the behaviour).
struct FatFingerParams {
  Qty order_qty = Qty(10);        // normal order size, lots
  int64_t offset_ticks = 1;       // normal orders rest this many ticks from the mid
  int64_t max_position = 100;     // normal orders skip a side that would pass |position|; 0 = none
  int64_t at_ms = 1000;           // simulated ms when the oversize orders go out
  int64_t oversize_orders = 5;    // how many oversize orders; 0 = none
  int64_t size_multiplier = 100;  // oversize qty = order_qty x size_multiplier
  int64_t burst_at_ms = 2000;     // simulated ms when the burst goes out
  int64_t burst_orders = 100;     // orders sent in one instant at burst_at_ms; 0 = none
};

class PluginFactory;  // core/plugin_strategy.h: makes a plugin strategy's instances

// One `key = value` of a plugin strategy's parameter table, value as written (TOML text of a
// number, string or bool), in the config's order. The plugin declares and validates them.
struct PluginParam {
  std::string key;
  std::string value;
  bool operator==(const PluginParam&) const = default;
};

struct StrategyConfig {
  StrategyKind kind = StrategyKind::kMarketMaker;
  std::string name;
  AccountId account = AccountId(1);       // must be < kExternalAccountBase
  std::vector<InstrumentId> instruments;  // empty = all
  int64_t timer_ms = 0;                   // on_timer period in simulated ms; 0 = none
  MarketMakerParams mm;
  MomentumParams momentum;
  FatFingerParams fat_finger;
  // kPlugin only: the loaded library (session/ loads it; the core only calls the factory), the
  // path as configured, its SHA-256 (hex) and ABI version, and the parameter table.
  std::shared_ptr<const PluginFactory> plugin;
  std::string plugin_path;
  std::string plugin_sha256;
  uint32_t plugin_abi = 0;
  std::vector<PluginParam> params;
};

struct RecorderOptions {
  // Default: 4096. A batch closes when it holds this many inputs.
  uint32_t batch_events_max = 4096;
  // Default: 50. A batch closes when an input arrives this long (simulated) after its first.
  int64_t flush_interval_ms = 50;
  // Default: 8. Batches handed to the sink but not yet written; the core waits when full.
  uint32_t queue_batches_max = 8;
  enum class Sync : uint8_t { kNone = 0, kBatch = 1 };
  Sync sync = Sync::kNone;
};

struct SnapshotOptions {
  // Default: 0 (off). Take a snapshot every this many inputs.
  uint64_t every_events = 0;
};

struct CoreConfig {
  std::vector<InstrumentConfig> instruments;  // InstrumentId = index
  FeeConfig fees;
  VenueConfig venue;
  LatencyConfig latency;
  // Money minor units per currency unit for this run (a power of ten). The core's arithmetic
  // does not depend on it; reports and tick values do. Scenarios use kMoneyScale; a backtest
  // picks the least power of ten >= kMoneyScale that makes every tick x lot a whole number.
  int64_t money_scale = kMoneyScale;
  EngineOptions engine;
  RiskLimits risk;
  std::vector<StrategyConfig> strategies;
  RecorderOptions recorder;
  SnapshotOptions snapshot;
  // Default: 65536. Bound of the bus queue (events derived from one input).
  uint32_t event_queue_capacity = 65536;
};

}  // namespace tape
