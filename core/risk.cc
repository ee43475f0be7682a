#include "core/risk.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "core/bounds.h"
#include "core/status.h"

namespace tape {
namespace {

constexpr int64_t kMilliPerToken = 1000;
// ns x (tokens/s) per milli-token: 1e9 ns/s / 1000 milli-tokens per token.
constexpr int64_t kRefillUnitsPerMilli = 1'000'000;

}  // namespace

Risk::Risk(const CoreConfig& config, const SimClock& clock, EventQueue& queue)
    : instruments_(config.instruments),
      limits_(config.risk),
      clock_(clock),
      queue_(queue),
      references_(config.instruments.size()),
      exposures_(kExternalAccountBase),
      buckets_(kExternalAccountBase) {
  if (limits_.rate_limit_burst < 1) limits_.rate_limit_burst = 1;
  if (limits_.rate_limit_per_s < 0) limits_.rate_limit_per_s = 0;
}

// ---- Intents ----

void Risk::on(const OrderIntent& intent) {
  TAPE_CHECK(is_managed(intent.account), "order intent from an unmanaged account");
  ++counters_.checked;
  if (intent.kind == IntentKind::kCancel) {
    decide(intent, RejectReason::kNone);
    return;
  }
  const RejectReason reason = check(intent);
  if (reason == RejectReason::kNone && intent.kind == IntentKind::kNew) {
    auto [it, inserted] = open_orders_.try_emplace(
        intent.id.value(), OpenOrder{intent.account, intent.instrument, intent.side, 0, false});
    if (inserted) set_open(it, intent.qty.value());
  }
  decide(intent, reason);
}

void Risk::decide(const OrderIntent& intent, RejectReason reason) {
  const bool approved = reason == RejectReason::kNone;
  queue_.publish(RiskDecision{intent, approved, reason});
  if (approved) {
    ++counters_.approved;
    return;
  }
  ++counters_.rejects_by_reason[static_cast<size_t>(reason) % counters_.rejects_by_reason.size()];
  queue_.publish(OrderRejected{intent.id, intent.account, intent.instrument, reason});
}

RejectReason Risk::check(const OrderIntent& intent) {
  if (kill_switch_) return RejectReason::kKillSwitch;
  if (intent.instrument.value() >= instruments_.size()) return RejectReason::kUnknownInstrument;
  if (intent.kind == IntentKind::kNew) {
    const RejectReason order = check_order_type(intent);
    if (order != RejectReason::kNone) return order;
  }
  if (limits_.max_order_qty.value() > 0 && intent.qty > limits_.max_order_qty) {
    return RejectReason::kMaxOrderQty;
  }
  if (!notional_ok(intent)) return RejectReason::kMaxNotional;
  if (!position_ok(intent)) return RejectReason::kPositionLimit;
  if (!band_ok(intent)) return RejectReason::kPriceBand;
  if (!take_token(intent.account)) return RejectReason::kRateLimit;
  return RejectReason::kNone;
}

RejectReason Risk::check_order_type(const OrderIntent& intent) const {
  const bool stop = intent.type == OrderType::kStop || intent.type == OrderType::kStopLimit;
  const bool rests = intent.tif == TimeInForce::kGtc || intent.tif == TimeInForce::kDay ||
                     intent.tif == TimeInForce::kGtd;
  // Enums out of range are left to the engine (kInvalidOrderType), as before these checks.
  if (intent.post_only && (intent.type != OrderType::kLimit || !rests)) {
    return RejectReason::kInvalidOrderType;
  }
  if (stop && !is_valid_price(intent.stop_price)) return RejectReason::kInvalidStopPrice;
  if (intent.tif == TimeInForce::kGtd && intent.expire <= clock_.now()) {
    return RejectReason::kInvalidExpiry;
  }
  return RejectReason::kNone;
}

// The price an order's notional and band are judged at (checks 4 and 6): a stop's is its stop
// price, since it becomes a market order there.
Price Risk::judged_price(const OrderIntent& intent) {
  return intent.type == OrderType::kStop ? intent.stop_price : intent.price;
}

// With no max_notional set, an order whose notional at its own price does not fit int64 is still
// refused: the portfolio could never book a fill of it.
bool Risk::notional_ok(const OrderIntent& intent) const {
  Price price = judged_price(intent);
  if (intent.type == OrderType::kMarket) {
    const std::optional<Price> ref = reference_price(intent.instrument);
    if (!ref) return limits_.max_notional.value() <= 0;
    price = *ref;
  }
  int64_t n = 0;
  const bool fits = checked_notional(instruments_[intent.instrument.value()], price, intent.qty, &n);
  if (limits_.max_notional.value() > 0) return fits && n <= limits_.max_notional.value();
  // An order the engine will reject anyway (bad price or qty) is left for it to name.
  return fits || !is_valid_price(price) || intent.qty.value() <= 0;
}

bool Risk::position_ok(const OrderIntent& intent) const {
  if (limits_.position_limit <= 0) return true;
  Side side = intent.side;
  int64_t replaced_open = 0;
  if (intent.kind == IntentKind::kReplace) {
    auto it = open_orders_.find(intent.id.value());
    if (it == open_orders_.end()) return true;  // the engine rejects it (kUnknownOrderId)
    side = it->second.side;
    replaced_open = it->second.open_qty;
  }
  const Exposure* e = find_exposure(intent.account, intent.instrument);
  const int64_t position = e ? e->position : 0;
  const int64_t open_same = e ? e->open[static_cast<int>(side)] : 0;
  const __int128 worst =
      static_cast<__int128>(position) +
      sign(side) * (static_cast<__int128>(open_same) - replaced_open + intent.qty.value());
  const __int128 magnitude = worst < 0 ? -worst : worst;
  return magnitude <= limits_.position_limit;
}

bool Risk::band_ok(const OrderIntent& intent) const {
  if (limits_.price_band_bps <= 0 || intent.type == OrderType::kMarket) return true;
  const std::optional<Price> ref = reference_price(intent.instrument);
  if (!ref) return true;
  const __int128 diff = static_cast<__int128>(judged_price(intent).value()) - ref->value();
  const __int128 distance = diff < 0 ? -diff : diff;
  return distance * 10'000 <= static_cast<__int128>(limits_.price_band_bps) * ref->value();
}

bool Risk::take_token(AccountId account) {
  if (limits_.rate_limit_per_s <= 0) return true;
  const int64_t capacity = limits_.rate_limit_burst * kMilliPerToken;
  Bucket& b = buckets_[account.value()];
  const int64_t now = clock_.now().value();
  if (!b.started) {
    b = Bucket{true, capacity, 0, now};
  } else if (now > b.last_ns) {
    const __int128 units =
        static_cast<__int128>(now - b.last_ns) * limits_.rate_limit_per_s + b.remainder;
    const __int128 milli = b.milli_tokens + units / kRefillUnitsPerMilli;
    b.remainder = static_cast<int64_t>(units % kRefillUnitsPerMilli);
    if (milli >= capacity) {
      b.milli_tokens = capacity;
      b.remainder = 0;
    } else {
      b.milli_tokens = static_cast<int64_t>(milli);
    }
    b.last_ns = now;
  }
  if (b.milli_tokens < kMilliPerToken) return false;
  b.milli_tokens -= kMilliPerToken;
  return true;
}

// ---- Market state ----

std::optional<Price> Risk::reference_price(InstrumentId instrument) const {
  if (instrument.value() >= references_.size()) return std::nullopt;
  const Reference& r = references_[instrument.value()];
  if (r.has_trade) return Price(r.trade);
  if (r.has_mid) return Price(r.mid);
  return std::nullopt;
}

void Risk::on(const QuoteIn& quote) {
  if (quote.instrument.value() >= references_.size()) return;
  if (quote.bid.value() <= 0 || quote.ask.value() <= 0 || quote.bid >= quote.ask) return;
  Reference& r = references_[quote.instrument.value()];
  r.has_mid = true;
  r.mid = (quote.bid.value() + quote.ask.value()) / 2;
}

void Risk::on(const TradeIn& trade) {
  if (trade.instrument.value() >= references_.size()) return;
  Reference& r = references_[trade.instrument.value()];
  r.has_trade = true;
  r.trade = trade.price.value();
}

void Risk::on(const BarIn& bar) { on(TradeIn{bar.instrument, bar.close, bar.volume, Side::kBuy}); }

void Risk::on(const ControlIn& control) {
  if (control.kind == ControlKind::kKillSwitchOn) kill_switch_ = true;
  if (control.kind == ControlKind::kKillSwitchOff) kill_switch_ = false;
}

// ---- Positions and open quantity ----

Risk::Exposure& Risk::exposure(AccountId account, InstrumentId instrument) {
  std::vector<Exposure>& per_instrument = exposures_[account.value()];
  if (per_instrument.empty()) per_instrument.resize(instruments_.size());
  return per_instrument[instrument.value()];
}

const Risk::Exposure* Risk::find_exposure(AccountId account, InstrumentId instrument) const {
  if (!is_managed(account)) return nullptr;
  const std::vector<Exposure>& per_instrument = exposures_[account.value()];
  if (instrument.value() >= per_instrument.size()) return nullptr;
  return &per_instrument[instrument.value()];
}

int64_t Risk::position(AccountId account, InstrumentId instrument) const {
  const Exposure* e = find_exposure(account, instrument);
  return e ? e->position : 0;
}

int64_t Risk::open_qty(AccountId account, InstrumentId instrument, Side side) const {
  const Exposure* e = find_exposure(account, instrument);
  return e ? e->open[static_cast<int>(side)] : 0;
}

void Risk::set_open(std::map<uint64_t, OpenOrder>::iterator it, int64_t open_qty) {
  OpenOrder& o = it->second;
  Exposure& e = exposure(o.account, o.instrument);
  // A non-positive quantity closes the order: it must take nothing out of the totals that it
  // did not put in (an intent with qty <= 0 is approved here and rejected by the engine).
  const int64_t open = open_qty > 0 ? open_qty : 0;
  e.open[static_cast<int>(o.side)] += open - o.open_qty;
  o.open_qty = open;
  if (open == 0) open_orders_.erase(it);
}

void Risk::on(const Fill& fill) {
  if (fill.instrument.value() >= references_.size()) return;
  Reference& r = references_[fill.instrument.value()];
  r.has_trade = true;
  r.trade = fill.price.value();
  const struct {
    AccountId account;
    OrderId id;
    Side side;
    Qty leaves;
  } sides[2] = {{fill.maker_account, fill.maker, opposite(fill.aggressor), fill.maker_leaves},
                {fill.taker_account, fill.taker, fill.aggressor, fill.taker_leaves}};
  for (const auto& s : sides) {
    if (!is_managed(s.account)) continue;
    // Saturating: a position past int64 stops the run in the portfolio at this same fill.
    int64_t& position = exposure(s.account, fill.instrument).position;
    if (__builtin_add_overflow(position, sign(s.side) * fill.qty.value(), &position)) {
      position = s.side == Side::kBuy ? INT64_MAX : INT64_MIN;
    }
    auto it = open_orders_.find(s.id.value());
    if (it != open_orders_.end()) set_open(it, s.leaves.value());
  }
}

void Risk::on(const OrderAccepted& accepted) {
  if (!is_managed(accepted.account) || accepted.instrument.value() >= instruments_.size()) return;
  auto [it, inserted] = open_orders_.try_emplace(
      accepted.id.value(),
      OpenOrder{accepted.account, accepted.instrument, accepted.side, 0, true});
  it->second.accepted = true;
  if (inserted) set_open(it, accepted.qty.value());
}

void Risk::on(const OrderCancelled& cancelled) {
  auto it = open_orders_.find(cancelled.id.value());
  if (it != open_orders_.end()) set_open(it, 0);
}

void Risk::on(const OrderReplaced& replaced) {
  auto it = open_orders_.find(replaced.id.value());
  if (it != open_orders_.end()) set_open(it, replaced.qty.value());
}

void Risk::on(const OrderRejected& rejected) {
  // A reject of an accepted order refers to a cancel or replace of it: the order stands.
  auto it = open_orders_.find(rejected.id.value());
  if (it != open_orders_.end() && !it->second.accepted) set_open(it, 0);
}

// ---- State ----

namespace {

bool read_flag(StateReader& r) {
  const uint8_t v = r.u8();
  if (v > 1) r.fail("flag out of range");
  return v == 1;
}

// StateReader::v<T>() keeps only the low bits of a 32-bit id; these must fit whole.
template <typename Id>
Id read_id32(StateReader& r) {
  const uint64_t v = r.u64();
  if (v > UINT32_MAX) r.fail("id out of range");
  return Id(static_cast<uint32_t>(v));
}

}  // namespace

void Risk::hash_state(StateHasher& h) const {
  h.tag("risk");
  h.u8(kill_switch_);
  for (const Reference& r : references_) {
    h.u8(r.has_trade);
    h.i64(r.trade);
    h.u8(r.has_mid);
    h.i64(r.mid);
  }
  h.tag("exposures");
  auto exposed = [](const std::vector<Exposure>& v) {
    return std::any_of(v.begin(), v.end(), [](const Exposure& e) {
      return e.position != 0 || e.open[0] != 0 || e.open[1] != 0;
    });
  };
  h.u32(static_cast<uint32_t>(std::count_if(exposures_.begin(), exposures_.end(), exposed)));
  for (uint32_t a = 0; a < exposures_.size(); ++a) {
    if (!exposed(exposures_[a])) continue;
    h.u32(a);
    for (const Exposure& e : exposures_[a]) {
      h.i64(e.position);
      h.i64(e.open[0]);
      h.i64(e.open[1]);
    }
  }
  h.tag("open_orders");
  h.u64(open_orders_.size());
  for (const auto& [id, o] : open_orders_) {
    h.u64(id);
    h.v(o.account);
    h.v(o.instrument);
    h.u8(static_cast<uint8_t>(o.side));
    h.i64(o.open_qty);
    h.u8(o.accepted);
  }
  h.tag("buckets");
  h.u32(static_cast<uint32_t>(
      std::count_if(buckets_.begin(), buckets_.end(), [](const Bucket& b) { return b.started; })));
  for (uint32_t a = 0; a < buckets_.size(); ++a) {
    const Bucket& b = buckets_[a];
    if (!b.started) continue;
    h.u32(a);
    h.i64(b.milli_tokens);
    h.i64(b.remainder);
    h.i64(b.last_ns);
  }
  h.tag("counters");
  h.u64(counters_.checked);
  h.u64(counters_.approved);
  for (uint64_t c : counters_.rejects_by_reason) h.u64(c);
}

Status Risk::restore_state(StateReader& r) {
  r.expect_tag("risk");
  kill_switch_ = read_flag(r);
  for (Reference& ref : references_) {
    ref.has_trade = read_flag(r);
    ref.trade = r.i64();
    ref.has_mid = read_flag(r);
    ref.mid = r.i64();
  }
  restore_exposures(r);
  restore_open_orders(r);
  restore_buckets(r);
  r.expect_tag("counters");
  counters_.checked = r.u64();
  counters_.approved = r.u64();
  for (uint64_t& c : counters_.rejects_by_reason) c = r.u64();
  return r.status();
}

void Risk::restore_exposures(StateReader& r) {
  r.expect_tag("exposures");
  const uint32_t n = r.u32();
  if (n > kExternalAccountBase) r.fail("more exposed accounts than managed ids");
  int64_t previous = -1;
  for (uint32_t k = 0; k < n && r.ok(); ++k) {
    const uint32_t a = r.u32();
    if (a >= kExternalAccountBase || int64_t{a} <= previous) {
      r.fail("exposure account id out of range or order");
      return;
    }
    previous = a;
    bool any = false;
    std::vector<Exposure>& per_instrument = exposures_[a];
    per_instrument.resize(instruments_.size());
    for (Exposure& e : per_instrument) {
      e.position = r.i64();
      e.open[0] = r.i64();
      e.open[1] = r.i64();
      any = any || e.position != 0 || e.open[0] != 0 || e.open[1] != 0;
    }
    if (!any) r.fail("exposure listed with no position or open quantity");
  }
}

void Risk::restore_open_orders(StateReader& r) {
  r.expect_tag("open_orders");
  const uint64_t n = r.u64();
  // Rebuild the per-side totals from the orders and check them against the exposures read.
  std::vector<std::vector<Exposure>> open_sums(exposures_.size());
  uint64_t previous = 0;
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    const uint64_t id = r.u64();
    OpenOrder o;
    o.account = read_id32<AccountId>(r);
    o.instrument = read_id32<InstrumentId>(r);
    const uint8_t side = r.u8();
    o.side = static_cast<Side>(side);
    o.open_qty = r.i64();
    o.accepted = read_flag(r);
    if (!r.ok()) return;
    if ((k > 0 && id <= previous) || !is_managed(o.account) ||
        o.instrument.value() >= instruments_.size() || side > 1 || o.open_qty <= 0) {
      r.fail("open order " + std::to_string(id) + " invalid");
      return;
    }
    previous = id;
    open_orders_.emplace_hint(open_orders_.end(), id, o);
    std::vector<Exposure>& sums = open_sums[o.account.value()];
    if (sums.empty()) sums.resize(instruments_.size());
    sums[o.instrument.value()].open[side] += o.open_qty;
  }
  for (uint32_t a = 0; a < exposures_.size() && r.ok(); ++a) {
    for (uint32_t i = 0; i < instruments_.size(); ++i) {
      const Exposure* e = find_exposure(AccountId(a), InstrumentId(i));
      for (int side = 0; side < 2; ++side) {
        const int64_t want = open_sums[a].empty() ? 0 : open_sums[a][i].open[side];
        if ((e ? e->open[side] : 0) != want) {
          r.fail("open quantity of account " + std::to_string(a) + " disagrees with its orders");
          return;
        }
      }
    }
  }
}

void Risk::restore_buckets(StateReader& r) {
  r.expect_tag("buckets");
  const uint32_t n = r.u32();
  if (n > kExternalAccountBase) r.fail("more token buckets than managed ids");
  const int64_t capacity = limits_.rate_limit_burst * kMilliPerToken;
  int64_t previous = -1;
  for (uint32_t k = 0; k < n && r.ok(); ++k) {
    const uint32_t a = r.u32();
    Bucket b;
    b.started = true;
    b.milli_tokens = r.i64();
    b.remainder = r.i64();
    b.last_ns = r.i64();
    if (!r.ok()) return;
    if (a >= kExternalAccountBase || int64_t{a} <= previous || b.milli_tokens < 0 ||
        b.milli_tokens > capacity || b.remainder < 0 || b.remainder >= kRefillUnitsPerMilli) {
      r.fail("token bucket of account " + std::to_string(a) + " invalid");
      return;
    }
    previous = a;
    buckets_[a] = b;
  }
}

}  // namespace tape
