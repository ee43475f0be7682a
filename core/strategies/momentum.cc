#include "core/strategies/momentum.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include "core/status.h"

namespace tape {
namespace {

constexpr int64_t kPpm = 1'000'000;
constexpr int64_t kNsPerMs = 1'000'000;

// `ppm` (0 .. 1e6) as a decimal with six places: 300000 -> "0.300000".
std::string ppm_text(int64_t ppm) {
  std::string frac = std::to_string(ppm % kPpm);
  frac.insert(0, 6 - frac.size(), '0');
  return std::to_string(ppm / kPpm) + "." + frac;
}

}  // namespace

// ---- MidTrend ----

MidTrend::MidTrend(int capacity)
    : x_(Eigen::VectorXd::LinSpaced(std::max(capacity, 2), 0.0, std::max(capacity, 2) - 1.0)),
      window_(Eigen::VectorXd::Zero(std::max(capacity, 2))) {}

void MidTrend::add(int64_t mid2) {
  if (!anchored_) {
    anchored_ = true;
    anchor_ = mid2;
  }
  const double v = static_cast<double>(mid2 - anchor_);
  const int capacity = static_cast<int>(window_.size());
  if (size_ == capacity) {
    double* d = window_.data();
    std::copy(d + 1, d + capacity, d);  // forward overlap: safe, no allocation
    window_[capacity - 1] = v;
  } else {
    window_[size_++] = v;
  }
}

int64_t MidTrend::last() const { return anchor_ + static_cast<int64_t>(window_[size_ - 1]); }

double MidTrend::numerator() const {
  const auto x = x_.head(size_);
  const auto y = window_.head(size_);
  return static_cast<double>(size_) * x.dot(y) - x.sum() * y.sum();
}

double MidTrend::denominator() const {
  const auto x = x_.head(size_);
  return static_cast<double>(size_) * x.squaredNorm() - x.sum() * x.sum();
}

int MidTrend::slope_sign() const {
  if (size_ < 2) return 0;
  const double num = numerator();
  return (num > 0) - (num < 0);
}

double MidTrend::slope() const {
  if (size_ < 2) return 0.0;
  // Samples are half-ticks: halve for ticks per sample.
  return numerator() / denominator() / 2.0;
}

void MidTrend::hash_state(StateHasher& h) const {
  h.u8(anchored_);
  h.i64(anchor_);
  h.u32(static_cast<uint32_t>(size_));
  for (int i = 0; i < size_; ++i) h.i64(static_cast<int64_t>(window_[i]));
  h.f64(slope());
}

void MidTrend::restore_state(StateReader& r) {
  const uint8_t anchored = r.u8();
  anchor_ = r.i64();
  const uint32_t size = r.u32();
  if (anchored > 1 || size > static_cast<uint32_t>(window_.size()) || (anchored == 0 && size > 0)) {
    r.fail("trend window invalid");
    return;
  }
  anchored_ = anchored == 1;
  constexpr int64_t kExactMax = int64_t{1} << 53;
  for (uint32_t i = 0; i < size && r.ok(); ++i) {
    const int64_t v = r.i64();
    if (v > kExactMax || v < -kExactMax) r.fail("trend sample not exact in a double");
    window_[i] = static_cast<double>(v);
  }
  size_ = r.ok() ? static_cast<int>(size) : 0;
  const double stored = r.f64();
  const double recomputed = slope();
  if (std::memcmp(&stored, &recomputed, sizeof stored) != 0) r.fail("trend slope mismatch");
}

// ---- Momentum ----

namespace {

// The threshold in parts per million: clamped to [0, 1], rounded half away from zero.
int64_t threshold_ppm(const api::Decimal& d) {
  int64_t one = 1;  // 10^scale: the value 1 at the decimal's scale (scale <= 18)
  for (int32_t k = 0; k < d.scale; ++k) one *= 10;
  if (d.units <= 0) return 0;
  if (d.units >= one) return kPpm;
  if (d.scale <= 6) {
    int64_t v = d.units;
    for (int32_t k = d.scale; k < 6; ++k) v *= 10;
    return v;
  }
  int64_t div = 1;
  for (int32_t k = 6; k < d.scale; ++k) div *= 10;
  return d.units / div + (d.units % div >= div / 2 ? 1 : 0);
}

}  // namespace

BuiltinSpec Momentum::spec() {
  const MomentumParams d;
  BuiltinSpec s;
  s.name = "momentum";
  s.kind = StrategyKind::kMomentum;
  s.params = param_decls({
      api::int_param("window_trades", d.window_trades, "trade prints in the imbalance window"),
      api::decimal_param("entry_threshold", ppm_text(std::llround(d.entry_threshold * kPpm)),
                         "|imbalance| in [0, 1] that triggers an order"),
      api::int_param("order_qty", d.order_qty.value(), "lots per order"),
      api::int_param("max_position", d.max_position,
                     "|position| an order may not take it past; 0 = no limit"),
      api::int_param("cooldown_ms", d.cooldown_ms, "simulated ms between orders"),
  });
  s.ranges = {{"window_trades", 1, 1'000'000},
              {"entry_threshold", 0, 1},
              {"order_qty", 1, 1'000'000'000},
              {"max_position", 0, kParamCountMax},
              {"cooldown_ms", 0, kParamHourMs}};
  s.config_params = [](const StrategyConfig& c) {
    const MomentumParams& m = c.momentum;
    // The scenario's threshold is a double: its ppm as the original rounding gave it.
    const int64_t ppm = std::llround(std::clamp(m.entry_threshold, 0.0, 1.0) * kPpm);
    return std::vector<PluginParam>{{"window_trades", std::to_string(m.window_trades)},
                                    {"entry_threshold", ppm_text(ppm)},
                                    {"order_qty", std::to_string(m.order_qty.value())},
                                    {"max_position", std::to_string(m.max_position)},
                                    {"cooldown_ms", std::to_string(m.cooldown_ms)}};
  };
  s.make = [](const api::Params& p, const BuiltinUniverse& u) -> std::unique_ptr<BuiltinStrategy> {
    return std::make_unique<Momentum>(p, u);
  };
  return s;
}

Momentum::Momentum(const api::Params& p, const BuiltinUniverse& universe)
    : flows_(universe.instrument_count) {
  params_.window_trades = p.get_int("window_trades");
  params_.order_qty = Qty(p.get_int("order_qty"));
  params_.max_position = p.get_int("max_position");
  params_.cooldown_ms = p.get_int("cooldown_ms");
  if (params_.window_trades < 1) params_.window_trades = 1;
  if (params_.order_qty.value() < 1) params_.order_qty = Qty(1);
  if (params_.max_position < 0) params_.max_position = 0;
  if (params_.cooldown_ms < 0) params_.cooldown_ms = 0;
  threshold_ppm_ = threshold_ppm(p.get_decimal("entry_threshold"));
  for (InstrumentId id : universe.traded) {
    if (id.value() >= flows_.size()) continue;
    Flow& f = flows_[id.value()];
    f.traded = true;
    f.ring.resize(static_cast<size_t>(params_.window_trades));
  }
}

void Momentum::sample_mid(InstrumentId instrument, int64_t mid2) {
  MidTrend& trend = flows_[instrument.value()].trend;
  if (trend.has_last() && trend.last() == mid2) return;  // sample mid changes only
  trend.add(mid2);
}

void Momentum::on_quote(api::Context&, const api::Quote& quote) {
  if (quote.instrument >= flows_.size() || !flows_[quote.instrument].traded) return;
  if (quote.bid <= 0 || quote.ask <= 0 || quote.bid >= quote.ask) return;
  sample_mid(InstrumentId(quote.instrument), quote.bid + quote.ask);
}

void Momentum::on_book(api::Context&, const api::BookTop& top) {
  if (top.instrument >= flows_.size() || !flows_[top.instrument].traded) return;
  if (!top.has_bid || !top.has_ask || top.bid >= top.ask) return;
  sample_mid(InstrumentId(top.instrument), top.bid + top.ask);
}

void Momentum::on_trade(api::Context& ctx, const api::Trade& trade) {
  if (trade.instrument >= flows_.size()) return;
  Flow& f = flows_[trade.instrument];
  if (!f.traded || trade.qty <= 0) return;
  const Side aggressor = static_cast<Side>(trade.aggressor);
  if (f.count == f.ring.size()) {
    const Print& old = f.ring[f.head];
    (old.aggressor == Side::kBuy ? f.buy_qty : f.sell_qty) -= old.qty;
  } else {
    ++f.count;
  }
  f.ring[f.head] = Print{trade.qty, aggressor};
  (aggressor == Side::kBuy ? f.buy_qty : f.sell_qty) += trade.qty;
  f.head = (f.head + 1) % f.ring.size();
  maybe_trade(ctx, InstrumentId(trade.instrument));
}

bool Momentum::position_allows(const api::Context& ctx, InstrumentId instrument,
                               Side side) const {
  if (params_.max_position == 0) return true;
  const __int128 after = static_cast<__int128>(ctx.position(instrument.value())) +
                         sign(side) * params_.order_qty.value();
  return after <= params_.max_position && after >= -params_.max_position;
}

void Momentum::maybe_trade(api::Context& ctx, InstrumentId instrument) {
  Flow& f = flows_[instrument.value()];
  if (f.count < f.ring.size() || f.pending != 0) return;
  const int64_t now = ctx.now_ns();
  if (f.has_last_order && now - f.last_order_ns < params_.cooldown_ms * kNsPerMs) return;
  const int64_t diff = f.buy_qty - f.sell_qty;
  const int64_t total = f.buy_qty + f.sell_qty;
  if (diff == 0 || total <= 0) return;
  const __int128 lhs = static_cast<__int128>(diff < 0 ? -diff : diff) * kPpm;
  if (lhs < static_cast<__int128>(threshold_ppm_) * total) return;
  const Side side = diff > 0 ? Side::kBuy : Side::kSell;
  if (!position_allows(ctx, instrument, side)) return;
  if (ctx.halted(instrument.value())) return;
  const int trend = f.trend.slope_sign();
  if ((side == Side::kBuy && trend < 0) || (side == Side::kSell && trend > 0)) return;
  f.pending = ctx.market(instrument.value(), static_cast<api::Side>(side), params_.order_qty.value(),
                         api::Tif::kIoc);
  f.has_last_order = true;
  f.last_order_ns = now;
}

void Momentum::on_fill(api::Context&, const api::FillReport& fill) {
  if (fill.instrument >= flows_.size()) return;
  Flow& f = flows_[fill.instrument];
  if (f.pending != 0 && !fill.is_maker && fill.order_id == f.pending && fill.leaves <= 0) {
    f.pending = 0;
  }
}

// A reject, cancel or expiry ends the order in flight.
void Momentum::on_order(api::Context&, const api::OrderEvent& e) {
  if (e.kind != api::OrderEventKind::kRejected && e.kind != api::OrderEventKind::kCancelled &&
      e.kind != api::OrderEventKind::kExpired) {
    return;
  }
  if (e.instrument >= flows_.size()) return;
  Flow& f = flows_[e.instrument];
  if (f.pending == e.order_id) f.pending = 0;
}

int64_t Momentum::imbalance_ppm(InstrumentId instrument) const {
  if (instrument.value() >= flows_.size()) return 0;
  const Flow& f = flows_[instrument.value()];
  const int64_t total = f.buy_qty + f.sell_qty;
  if (total <= 0) return 0;
  return static_cast<int64_t>(static_cast<__int128>(f.buy_qty - f.sell_qty) * kPpm / total);
}

double Momentum::trend_slope(InstrumentId instrument) const {
  if (instrument.value() >= flows_.size()) return 0.0;
  return flows_[instrument.value()].trend.slope();
}

uint64_t Momentum::pending_order(InstrumentId instrument) const {
  if (instrument.value() >= flows_.size()) return 0;
  return flows_[instrument.value()].pending;
}

void Momentum::hash_state(StateHasher& h) const {
  h.tag("momentum");
  for (const Flow& f : flows_) {
    h.u8(f.traded);
    h.u64(f.count);
    // Window contents oldest first, so equal windows hash equal whatever the ring offset.
    const size_t n = f.ring.size();
    for (size_t k = 0; k < f.count; ++k) {
      const Print& p = f.ring[(f.head + n - f.count + k) % n];
      h.i64(p.qty);
      h.u8(static_cast<uint8_t>(p.aggressor));
    }
    h.i64(f.buy_qty);
    h.i64(f.sell_qty);
    h.u64(f.pending);
    h.u8(f.has_last_order);
    h.i64(f.last_order_ns);
    f.trend.hash_state(h);
  }
}

Status Momentum::restore_state(StateReader& r, const IssuedFn& issued) {
  r.expect_tag("momentum");
  for (Flow& f : flows_) {
    if (r.u8() != (f.traded ? 1 : 0)) r.fail("momentum traded instruments differ");
    restore_window(r, f);
    f.pending = r.u64();
    const uint8_t has_last = r.u8();
    f.has_last_order = has_last == 1;
    f.last_order_ns = r.i64();
    if (has_last > 1 || (f.pending != 0 && !issued(OrderId(f.pending)))) {
      r.fail("momentum order state invalid");
    }
    f.trend.restore_state(r);
    if (!r.ok()) break;
  }
  return r.status();
}

// The prints go back oldest first from slot 0; the ring offset is not state (see hash_state).
void Momentum::restore_window(StateReader& r, Flow& f) {
  const uint64_t count = r.u64();
  if (count > f.ring.size()) {
    r.fail("momentum window larger than window_trades");
    return;
  }
  int64_t sums[2] = {0, 0};
  for (uint64_t k = 0; k < count && r.ok(); ++k) {
    Print& p = f.ring[k];
    p.qty = r.i64();
    const uint8_t aggressor = r.u8();
    p.aggressor = static_cast<Side>(aggressor);
    if (p.qty <= 0 || aggressor > 1 ||
        __builtin_add_overflow(sums[aggressor], p.qty, &sums[aggressor])) {
      r.fail("momentum print invalid");
      return;
    }
  }
  f.count = r.ok() ? count : 0;
  f.head = f.ring.empty() ? 0 : f.count % f.ring.size();
  f.buy_qty = r.i64();
  f.sell_qty = r.i64();
  if (f.buy_qty != sums[0] || f.sell_qty != sums[1]) r.fail("momentum window sums disagree");
}

}  // namespace tape
