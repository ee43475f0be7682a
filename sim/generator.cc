#include "sim/generator.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "core/status.h"

namespace tape {
namespace {

constexpr int64_t kNsPerMs = 1'000'000;
// RNG stream ids: the high word names the role, the low word the instrument or phase.
constexpr uint64_t kContentStream = uint64_t{1} << 32;
constexpr uint64_t kArrivalStream = uint64_t{2} << 32;
constexpr uint64_t kPhaseStream = uint64_t{3} << 32;
// At a flash crash's bottom (f = 1) passive orders are placed (1 + kCrashWiden) times further
// away and this share of limit ticks pull a resting order instead; both scale with f.
constexpr double kCrashWiden = 3.0;
constexpr double kCrashCancelShare = 0.5;
// Draws of a live own order (dead ones are dropped) before a cancel/replace becomes a limit.
constexpr int kPickAttempts = 4;

enum TickKind : uint32_t { kQuote = 0, kTrade, kLimit, kMarket, kCancel, kReplace };

// Depth of a crash at t: 0 outside, rising linearly to 1 over the fall, back to 0 over the
// recovery.
double crash_depth(int64_t at_ns, int64_t fall_ns, int64_t recover_ns, int64_t t) {
  const int64_t since = t - at_ns;
  if (since < 0) return 0.0;
  if (since < fall_ns) return static_cast<double>(since) / static_cast<double>(fall_ns);
  const int64_t rising = since - fall_ns;
  if (rising >= recover_ns) return 0.0;
  return 1.0 - static_cast<double>(rising) / static_cast<double>(recover_ns);
}

}  // namespace

uint64_t phase_extra_ticks(const Phase& phase) {
  if (phase.kind == PhaseKind::kBurst) return phase.ticks;
  if (phase.kind != PhaseKind::kSustained) return 0;
  return static_cast<uint64_t>(
      std::llround(phase.rate_per_s * static_cast<double>(phase.duration_ms) / 1000.0));
}

uint64_t phase_injections(const Phase& phase) {
  if (phase.kind != PhaseKind::kBadData) return 0;
  if (phase.count > 0) return phase.count;
  return static_cast<uint64_t>(
      std::llround(phase.rate_per_s * static_cast<double>(phase.duration_ms) / 1000.0));
}

Generator::Generator(const Scenario& scenario, uint64_t seed, const MarketView* market)
    : market_(scenario.market),
      view_(market),
      end_ns_(scenario.duration_ms * kNsPerMs),
      heartbeat_ns_(scenario.market.heartbeat_ms * kNsPerMs),
      vol_per_sqrt_ns_(scenario.market.volatility_ticks_per_sqrt_s / std::sqrt(1e9)),
      mid_floor_(scenario.market.spread_ticks + 1) {
  const EventMix& m = market_.mix;
  const uint32_t weights[6] = {m.quote, m.trade, m.limit, m.market, m.cancel, m.replace};
  uint32_t sum = 0;
  for (int k = 0; k < 6; ++k) mix_cumulative_[k] = sum += weights[k];
  TAPE_CHECK(sum > 0, "market.mix weights must not all be 0");
  TAPE_CHECK(market_.participants > 0 && market_.qty_min <= market_.qty_max,
             "market model not validated");

  const size_t n = scenario.core.instruments.size();
  instruments_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    InstrumentState st(Rng(seed, kContentStream | i));
    st.mid = std::max(scenario.core.instruments[i].initial_mid.value(), mid_floor_);
    st.walk = static_cast<double>(st.mid);
    st.live.reserve(market_.live_orders_max);
    instruments_.push_back(std::move(st));
    arrival_rngs_.emplace_back(seed, kArrivalStream | i);
    max_order_qty_.push_back(scenario.core.instruments[i].max_order_qty);
  }
  build_phases(scenario, seed);
  build_controls(scenario);
  std::vector<int64_t> due(kFirstFlowStream + n + flows_.size(), kNever);
  due[kControlStream] = controls_.empty() ? kNever : controls_[0].ts_ns;
  due[kHeartbeatStream] = heartbeat_ns_ > 0 && heartbeat_ns_ <= end_ns_ ? heartbeat_ns_ : kNever;
  queue_.reset(std::move(due));
  arrival_ns_.assign(n, 0.0);
  for (size_t i = 0; i < n; ++i) schedule_background(i);
  for (size_t f = 0; f < flows_.size(); ++f) schedule_flow(f);
}

void Generator::build_phases(const Scenario& scenario, uint64_t seed) {
  const size_t n = instruments_.size();
  for (size_t p = 0; p < scenario.phases.size(); ++p) {
    const Phase& ph = scenario.phases[p];
    if (ph.kind == PhaseKind::kFlashCrash) {
      const CrashWindow w{ph.at_ms * kNsPerMs, ph.duration_ms * kNsPerMs,
                          ph.recover_ms * kNsPerMs, ph.drop_pct / 100.0};
      for (size_t i = 0; i < n; ++i) {
        if (ph.instrument < 0 || static_cast<size_t>(ph.instrument) == i) {
          instruments_[i].crashes.push_back(w);
        }
      }
    }
    if (ph.kind == PhaseKind::kStale) {
      const GapWindow g{ph.at_ms * kNsPerMs, (ph.at_ms + ph.duration_ms) * kNsPerMs,
                        1.0 + ph.jump_pct / 100.0};
      for (size_t i = 0; i < n; ++i) {
        if (ph.instrument < 0 || static_cast<size_t>(ph.instrument) == i) {
          instruments_[i].gaps.push_back(g);
        }
      }
    }
    const uint64_t extra = phase_extra_ticks(ph) + phase_injections(ph);
    if (extra == 0 || ph.duration_ms <= 0) continue;
    TickFlow flow{ph.at_ms * kNsPerMs, ph.duration_ms * kNsPerMs, extra, 0,
                  ph.instrument, Rng(seed, kPhaseStream | p)};
    if (ph.kind == PhaseKind::kBadData) {
      flow.bad = true;
      uint32_t sum = 0;
      for (size_t k = 0; k < kBadKinds; ++k) flow.bad_cumulative[k] = sum += ph.bad_weights[k];
      TAPE_CHECK(sum > 0, "bad_data weights must not all be 0");
      flow.backwards_ns = ph.backwards_ms * kNsPerMs;
    }
    flows_.push_back(flow);
  }
}

void Generator::build_controls(const Scenario& scenario) {
  // Sort key (time, phase, on/off, instrument): a total order, so no tie is left to sort.
  using Keyed = std::tuple<int64_t, size_t, int, uint32_t, ControlKind>;
  std::vector<Keyed> keyed;
  const uint32_t n = static_cast<uint32_t>(instruments_.size());
  for (size_t p = 0; p < scenario.phases.size(); ++p) {
    const Phase& ph = scenario.phases[p];
    const int64_t on = ph.at_ms * kNsPerMs;
    const int64_t off = (ph.at_ms + ph.duration_ms) * kNsPerMs;
    if (ph.kind == PhaseKind::kKillSwitch) {
      keyed.emplace_back(on, p, 0, 0, ControlKind::kKillSwitchOn);
      keyed.emplace_back(off, p, 1, 0, ControlKind::kKillSwitchOff);
    } else if (ph.kind == PhaseKind::kHalt) {
      for (uint32_t i = 0; i < n; ++i) {
        if (ph.instrument >= 0 && static_cast<uint32_t>(ph.instrument) != i) continue;
        keyed.emplace_back(on, p, 0, i, ControlKind::kHalt);
        keyed.emplace_back(off, p, 1, i, ControlKind::kResume);
      }
    }
  }
  std::sort(keyed.begin(), keyed.end());
  for (const auto& [ts, phase, off, instrument, kind] : keyed) {
    if (ts > end_ns_) continue;
    controls_.push_back({ts, ControlIn{kind, InstrumentId(instrument)}});
  }
}

bool Generator::stale(size_t i, int64_t ts_ns) const {
  for (const GapWindow& g : instruments_[i].gaps) {
    if (ts_ns >= g.at_ns && ts_ns < g.end_ns) return true;
  }
  return false;
}

void Generator::schedule_background(size_t i) {
  if (!(market_.rate_per_s > 0)) {
    queue_.set(kFirstFlowStream + i, kNever);
    return;
  }
  // Arrival times accumulate in double ns: sub-ns resolution up to 2^52 ns (~52 simulated days).
  double& at = arrival_ns_[i];
  at += arrival_rngs_[i].exponential(market_.rate_per_s) * 1e9;
  // An arrival inside a stale window restarts the clock at the window's end.
  for (bool moved = true; moved;) {
    moved = false;
    for (const GapWindow& g : instruments_[i].gaps) {
      const int64_t t = static_cast<int64_t>(std::min(at, static_cast<double>(kNever / 2)));
      if (t < g.at_ns || t >= g.end_ns) continue;
      at = static_cast<double>(g.end_ns) + arrival_rngs_[i].exponential(market_.rate_per_s) * 1e9;
      moved = true;
    }
  }
  queue_.set(kFirstFlowStream + i,
             at > static_cast<double>(end_ns_) ? kNever : static_cast<int64_t>(at));
}

void Generator::schedule_flow(size_t f) {
  TickFlow& flow = flows_[f];
  const size_t stream = kFirstFlowStream + instruments_.size() + f;
  if (flow.emitted >= flow.count) {
    queue_.set(stream, kNever);
    return;
  }
  // Tick k lands at a uniform offset inside slot k of count equal slots: exactly `count` ticks,
  // in order, inside [at, at + duration).
  const double slot = (static_cast<double>(flow.emitted) + flow.rng.uniform01()) /
                      static_cast<double>(flow.count);
  const int64_t offset = std::min(static_cast<int64_t>(slot * static_cast<double>(flow.duration_ns)),
                                  flow.duration_ns - 1);
  queue_.set(stream, flow.at_ns + offset > end_ns_ ? kNever : flow.at_ns + offset);
}

bool Generator::next(Timestamp& ts, InputBody& body) {
  while (true) {
    const size_t best = queue_.top();  // the earliest stream; the lower one wins a tie
    const int64_t best_ns = queue_.due(best);
    if (best_ns == kNever) return false;
    int64_t stamp = best_ns;
    if (!emit(best, best_ns, stamp, body)) continue;
    ts = Timestamp(stamp);
    last_ns_ = std::max(last_ns_, stamp);
    return true;
  }
}

bool Generator::emit(size_t stream, int64_t due_ns, int64_t& stamp, InputBody& body) {
  const size_t n = instruments_.size();
  if (stream == kHeartbeatStream) {
    body = HeartbeatIn{};
    queue_.set(stream, due_ns <= end_ns_ - heartbeat_ns_ ? due_ns + heartbeat_ns_ : kNever);
    return true;
  }
  if (stream == kControlStream) {
    ++ticks_;
    body = controls_[next_control_].control;
    ++next_control_;
    queue_.set(stream, next_control_ < controls_.size() ? controls_[next_control_].ts_ns : kNever);
    return true;
  }
  if (stream < kFirstFlowStream + n) {
    ++ticks_;
    const size_t i = stream - kFirstFlowStream;
    make_tick(static_cast<uint32_t>(i), due_ns, body);
    schedule_background(i);
    return true;
  }
  return emit_flow(stream - kFirstFlowStream - n, due_ns, stamp, body);
}

bool Generator::emit_flow(size_t f, int64_t due_ns, int64_t& stamp, InputBody& body) {
  TickFlow& flow = flows_[f];
  bool emitted = true;
  if (flow.bad) {
    make_bad(flow, stamp, body);
  } else {
    const size_t n = instruments_.size();
    const uint32_t i = flow.instrument >= 0 ? static_cast<uint32_t>(flow.instrument)
                                            : static_cast<uint32_t>(flow.rng.uniform_below(n));
    emitted = !stale(i, due_ns);
    if (emitted) make_tick(i, due_ns, body);
  }
  ticks_ += emitted ? 1 : 0;
  ++flow.emitted;
  schedule_flow(f);
  return emitted;
}

double Generator::step_mid(InstrumentState& st, int64_t ts_ns) {
  const int64_t dt = ts_ns - st.last_ns;
  if (dt > 0) {
    if (vol_per_sqrt_ns_ > 0) {
      double z = st.spare_normal;
      if (!st.has_spare) st.rng.normal_pair(z, st.spare_normal);
      st.has_spare = !st.has_spare;
      st.walk += vol_per_sqrt_ns_ * std::sqrt(static_cast<double>(dt)) * z;
      st.walk = std::max(st.walk, static_cast<double>(mid_floor_));
    }
    st.last_ns = ts_ns;
  }
  double factor = 1.0;
  double thin = 0.0;
  for (const GapWindow& g : st.gaps) {
    if (ts_ns >= g.end_ns) factor *= g.jump;
  }
  for (const CrashWindow& c : st.crashes) {
    const double f = crash_depth(c.at_ns, c.fall_ns, c.recover_ns, ts_ns);
    factor *= 1.0 - c.drop * f;
    thin = std::max(thin, f);
  }
  // walk * factor > 0, so adding 0.5 and truncating rounds half up.
  st.mid = std::max(mid_floor_, static_cast<int64_t>(st.walk * factor + 0.5));
  return thin;
}

void Generator::make_tick(uint32_t i, int64_t ts_ns, InputBody& body) {
  InstrumentState& st = instruments_[i];
  const double thin = step_mid(st, ts_ns);
  const uint32_t draw = static_cast<uint32_t>(st.rng.uniform_below(mix_cumulative_[5]));
  uint32_t kind = 0;
  while (draw >= mix_cumulative_[kind]) ++kind;
  const InstrumentId instrument(i);
  const int64_t half = market_.spread_ticks / 2;
  switch (kind) {
    case kQuote: {
      const int64_t bid = st.mid - half;
      body = QuoteIn{instrument, Price(bid), Qty(draw_qty(st.rng)),
                     Price(bid + market_.spread_ticks), Qty(draw_qty(st.rng))};
      return;
    }
    case kTrade: {
      const int64_t price = st.mid + st.rng.uniform_int(-half, half);
      const Side aggressor = (st.rng.next_u64() >> 63) ? Side::kSell : Side::kBuy;
      body = TradeIn{instrument, Price(price), Qty(draw_qty(st.rng)), aggressor};
      return;
    }
    case kMarket: {
      const Side side = (st.rng.next_u64() >> 63) ? Side::kSell : Side::kBuy;
      const uint32_t p = static_cast<uint32_t>(st.rng.uniform_below(market_.participants));
      body = NewOrderIn{OrderId(next_order_id_++), AccountId(kExternalAccountBase + p),
                        instrument, side, OrderType::kMarket, TimeInForce::kIoc, Price(0),
                        Qty(draw_qty(st.rng))};
      return;
    }
    case kCancel:
      if (!make_cancel(i, body)) make_limit(i, thin, body);
      return;
    case kReplace:
      if (!make_replace(i, thin, body)) make_limit(i, thin, body);
      return;
    default:  // kLimit; a crash pulls liquidity instead of adding some
      if (thin > 0 && st.rng.bernoulli(kCrashCancelShare * thin) && make_cancel(i, body)) return;
      make_limit(i, thin, body);
      return;
  }
}

void Generator::make_limit(uint32_t i, double thin, InputBody& body) {
  InstrumentState& st = instruments_[i];
  // A full live set pulls one of its orders instead, which keeps the flow's resting orders
  // bounded (dead ids found on the way are dropped, making room).
  if (st.live.size() >= market_.live_orders_max && make_cancel(i, body)) return;
  const Side side = (st.rng.next_u64() >> 63) ? Side::kSell : Side::kBuy;
  const uint32_t p = static_cast<uint32_t>(st.rng.uniform_below(market_.participants));
  const int64_t distance = st.rng.bernoulli(market_.marketable_pct / 100.0)
                               ? -st.rng.uniform_int(1, market_.spread_ticks)
                               : passive_distance(st, thin);
  const int64_t price = std::max<int64_t>(1, st.mid - sign(side) * distance);
  const OrderId id(next_order_id_++);
  const AccountId account(kExternalAccountBase + p);
  if (st.live.size() < market_.live_orders_max) st.live.push_back({id, account, side});
  body = NewOrderIn{id,          account,           InstrumentId(i), side, OrderType::kLimit,
                    TimeInForce::kGtc, Price(price), Qty(draw_qty(st.rng))};
}

bool Generator::make_cancel(uint32_t i, InputBody& body) {
  InstrumentState& st = instruments_[i];
  const int idx = pick_live(st, st.rng);
  if (idx < 0) return false;
  const LiveOrder o = st.live[static_cast<size_t>(idx)];
  st.live[static_cast<size_t>(idx)] = st.live.back();
  st.live.pop_back();
  body = CancelIn{o.id, o.account, InstrumentId(i)};
  return true;
}

bool Generator::make_replace(uint32_t i, double thin, InputBody& body) {
  InstrumentState& st = instruments_[i];
  const int idx = pick_live(st, st.rng);
  if (idx < 0) return false;
  const LiveOrder& o = st.live[static_cast<size_t>(idx)];
  const int64_t price = std::max<int64_t>(1, st.mid - sign(o.side) * passive_distance(st, thin));
  body = ReplaceIn{o.id, o.account, InstrumentId(i), Price(price), Qty(draw_qty(st.rng))};
  return true;
}

int64_t Generator::passive_distance(InstrumentState& st, double thin) {
  const double scale = market_.placement_mean_ticks * (1.0 + kCrashWiden * thin);
  return 1 + static_cast<int64_t>(st.rng.exponential(1.0) * scale);
}

int Generator::pick_live(InstrumentState& st, Rng& rng) {
  for (int attempt = 0; attempt < kPickAttempts && !st.live.empty(); ++attempt) {
    const size_t idx = rng.uniform_below(st.live.size());
    if (view_ == nullptr || view_->is_resting(st.live[idx].id)) return static_cast<int>(idx);
    st.live[idx] = st.live.back();
    st.live.pop_back();
  }
  return -1;
}

}  // namespace tape
