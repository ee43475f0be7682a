// Writes a Scenario back as TOML with every key explicit, in a fixed order, so the text stored
// in a log rebuilds the same scenario whatever the defaults of a later binary.
#include "sim/scenario_internal.h"
#include "sim/scenario_reader.h"

namespace tape::scenario_detail {
namespace {

class Writer {
 public:
  void header(std::string_view h) {
    if (!out_.empty()) out_ += '\n';
    out_.append(h).append("\n");
  }
  void raw(std::string_view key, std::string_view v) { out_.append(key).append(" = ").append(v) += '\n'; }
  void str(std::string_view key, std::string_view v) { raw(key, toml_quote(v)); }
  void num(std::string_view key, int64_t v) { raw(key, std::to_string(v)); }
  void num(std::string_view key, uint64_t v) { raw(key, std::to_string(v)); }
  void num(std::string_view key, uint32_t v) { raw(key, std::to_string(v)); }
  void real(std::string_view key, double v) { raw(key, format_double(v)); }
  void dec(std::string_view key, int64_t v, int64_t scale) { raw(key, format_decimal(v, scale)); }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

void emit_head(const Scenario& s, Writer& w) {
  w.header("[scenario]");
  w.str("name", s.name);
  w.num("seed", s.seed);
  w.dec("duration_s", s.duration_ms, 1000);
  w.num("heartbeat_ms", s.market.heartbeat_ms);
  // Guards only bound what a run may cost: written when raised or lowered, so the canonical
  // text of every scenario that keeps the defaults (and of every older log) stays as it was,
  // and a log made with a raised limit re-reads with it.
  if (s.max_inputs != kDefaultMaxInputs) w.num("max_inputs", s.max_inputs);
  if (s.max_memory_mb != kDefaultMaxMemoryMb) w.num("max_memory_mb", s.max_memory_mb);
  for (const InstrumentConfig& ic : s.core.instruments) {
    w.header("[[instruments]]");
    w.str("symbol", ic.symbol);
    w.dec("tick_size", ic.tick_value, kMoneyScale);
    w.num("lot_size", ic.lot_size);
    w.dec("initial_price", ic.initial_mid.value() * ic.tick_value, kMoneyScale);
    w.num("max_order_qty", ic.max_order_qty.value());
  }
}

void emit_market(const MarketModel& m, Writer& w) {
  w.header("[market]");
  w.real("volatility_ticks_per_sqrt_s", m.volatility_ticks_per_sqrt_s);
  w.real("rate_per_s", m.rate_per_s);
  w.real("placement_mean_ticks", m.placement_mean_ticks);
  w.real("marketable_pct", m.marketable_pct);
  w.num("qty_min", m.qty_min);
  w.num("qty_max", m.qty_max);
  w.num("participants", m.participants);
  w.num("spread_ticks", m.spread_ticks);
  w.num("live_orders_max", m.live_orders_max);
  w.header("[market.mix]");
  w.num("quote", m.mix.quote);
  w.num("trade", m.mix.trade);
  w.num("limit", m.mix.limit);
  w.num("market", m.mix.market);
  w.num("cancel", m.mix.cancel);
  w.num("replace", m.mix.replace);
}

void emit_core_options(const CoreConfig& c, Writer& w) {
  w.header("[fees]");
  w.dec("maker_bps", c.fees.maker_ppm, 100);
  w.dec("taker_bps", c.fees.taker_ppm, 100);
  w.header("[engine]");
  w.num("order_pool_capacity", c.engine.order_pool_capacity);
  w.num("ladder_levels_initial", c.engine.ladder_levels_initial);
  w.num("ladder_levels_max", c.engine.ladder_levels_max);
  w.num("fills_per_order_max", c.engine.fills_per_order_max);
  w.num("event_queue_capacity", c.event_queue_capacity);
  w.header("[risk]");
  w.num("max_order_qty", c.risk.max_order_qty.value());
  w.dec("max_notional", c.risk.max_notional.value(), kMoneyScale);
  w.num("position_limit", c.risk.position_limit);
  w.num("price_band_bps", c.risk.price_band_bps);
  w.num("rate_limit_per_s", c.risk.rate_limit_per_s);
  w.num("rate_limit_burst", c.risk.rate_limit_burst);
  w.header("[recorder]");
  w.num("batch_events_max", c.recorder.batch_events_max);
  w.num("flush_interval_ms", c.recorder.flush_interval_ms);
  w.num("queue_batches_max", c.recorder.queue_batches_max);
  w.str("sync", c.recorder.sync == RecorderOptions::Sync::kBatch ? "batch" : "none");
  w.header("[snapshot]");
  w.num("every_events", c.snapshot.every_events);
}

void emit_strategy(const StrategyConfig& sc, const CoreConfig& c, Writer& w) {
  w.header("[[strategies]]");
  w.str("kind", strategy_kind_name(sc.kind));
  w.str("name", sc.name);
  w.num("account", sc.account.value());
  std::string symbols = "[";
  for (const InstrumentId id : sc.instruments) {
    if (symbols.size() > 1) symbols += ", ";
    symbols += toml_quote(c.instruments[id.value()].symbol);
  }
  w.raw("instruments", symbols + "]");
  w.num("timer_ms", sc.timer_ms);
  if (sc.kind == StrategyKind::kMarketMaker) {
    w.num("half_spread_ticks", sc.mm.half_spread_ticks);
    w.num("quote_qty", sc.mm.quote_qty.value());
    w.num("skew_ticks_per_lot", sc.mm.skew_ticks_per_lot);
    w.num("skew_unit_lots", sc.mm.skew_unit_lots);
    w.num("max_position", sc.mm.max_position);
    w.num("requote_ticks", sc.mm.requote_ticks);
  } else if (sc.kind == StrategyKind::kMomentum) {
    w.num("window_trades", sc.momentum.window_trades);
    w.real("entry_threshold", sc.momentum.entry_threshold);
    w.num("order_qty", sc.momentum.order_qty.value());
    w.num("max_position", sc.momentum.max_position);
    w.num("cooldown_ms", sc.momentum.cooldown_ms);
  } else {
    const FatFingerParams& f = sc.fat_finger;
    w.num("order_qty", f.order_qty.value());
    w.num("offset_ticks", f.offset_ticks);
    w.num("max_position", f.max_position);
    w.num("at_ms", f.at_ms);
    w.num("oversize_orders", f.oversize_orders);
    w.num("size_multiplier", f.size_multiplier);
    w.num("burst_at_ms", f.burst_at_ms);
    w.num("burst_orders", f.burst_orders);
  }
}

void emit_phase(const Phase& p, const CoreConfig& c, Writer& w) {
  w.header("[[phases]]");
  w.str("kind", phase_kind_name(p.kind));
  w.num("at_ms", p.at_ms);
  w.num("duration_ms", p.duration_ms);
  if (p.kind == PhaseKind::kBurst) w.num("ticks", p.ticks);
  if (p.kind == PhaseKind::kSustained) w.real("rate_per_s", p.rate_per_s);
  if (p.kind == PhaseKind::kFlashCrash) {
    w.real("drop_pct", p.drop_pct);
    w.num("recover_ms", p.recover_ms);
  }
  if (p.kind == PhaseKind::kStale) w.real("jump_pct", p.jump_pct);
  if (p.kind != PhaseKind::kKillSwitch && p.instrument >= 0) {
    w.str("instrument", c.instruments[static_cast<size_t>(p.instrument)].symbol);
  }
  if (p.kind != PhaseKind::kBadData) return;
  if (p.count > 0) {
    w.num("count", p.count);
  } else {
    w.real("rate_per_s", p.rate_per_s);
  }
  w.num("backwards_ms", p.backwards_ms);
  w.header("[phases.weights]");  // a sub-table of the [[phases]] element just written
  for (size_t k = 0; k < kBadKinds; ++k) {
    w.num(bad_kind_name(static_cast<BadKind>(k)), p.bad_weights[k]);
  }
}

}  // namespace

std::string emit_canonical(const Scenario& s) {
  Writer w;
  emit_head(s, w);
  emit_market(s.market, w);
  emit_core_options(s.core, w);
  for (const StrategyConfig& sc : s.core.strategies) emit_strategy(sc, s.core, w);
  for (const Phase& p : s.phases) emit_phase(p, s.core, w);
  std::string out = "# Canonical scenario written by tape: every key explicit, includes resolved.\n";
  out += w.take();
  return out;
}

}  // namespace tape::scenario_detail
