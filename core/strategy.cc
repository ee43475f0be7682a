#include "core/strategy.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "core/plugin_strategy.h"
#include "core/status.h"

namespace tape {
namespace {

constexpr int kOrderIndexShift = 40;
constexpr uint64_t kMaxStrategies = 4096;
constexpr uint64_t kMaxOrdersPerStrategy = uint64_t{1} << kOrderIndexShift;
constexpr int64_t kNsPerMs = 1'000'000;

std::unique_ptr<HostedStrategy> make_strategy(const StrategyConfig& config,
                                              size_t instrument_count) {
  if (config.kind == StrategyKind::kPlugin) {
    return std::make_unique<PluginStrategy>(config, instrument_count);
  }
  return std::make_unique<BuiltinHost>(
      config, BuiltinUniverse{instrument_count, traded_instruments(config, instrument_count)});
}

// The price of one tick as an exact decimal: tick_value / money_scale (a power of ten).
std::string tick_size_text(int64_t tick_value, int64_t money_scale) {
  if (money_scale <= 0) return std::to_string(tick_value);
  int digits = 0;
  for (int64_t s = money_scale; s >= 10; s /= 10) ++digits;
  const std::string whole = std::to_string(tick_value / money_scale);
  std::string frac = std::to_string(tick_value % money_scale);
  if (frac.size() < size_t(digits)) frac.insert(0, size_t(digits) - frac.size(), '0');
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return frac.empty() ? whole : whole + "." + frac;
}

std::shared_ptr<const StrategyContext::InstrumentNames> instrument_names(const CoreConfig& config) {
  auto names = std::make_shared<StrategyContext::InstrumentNames>();
  names->money_scale = config.money_scale;
  for (const InstrumentConfig& i : config.instruments) {
    names->symbols.push_back(i.symbol);
    names->tick_sizes.push_back(tick_size_text(i.tick_value, config.money_scale));
  }
  return names;
}

}  // namespace

// ---- StrategyContext ----

StrategyContext::StrategyContext(uint32_t index, AccountId account, const SimClock& clock,
                                 const MarketView& market, const Portfolio& portfolio,
                                 EventQueue& queue, std::shared_ptr<const InstrumentNames> names)
    : index_(index),
      account_(account),
      clock_(clock),
      market_(market),
      portfolio_(portfolio),
      queue_(queue),
      names_(std::move(names)) {}

Money StrategyContext::cash() const { return acked_ ? seen_cash_ : portfolio_.cash(account_); }

OrderId StrategyContext::send(OrderIntent order) {
  order.kind = IntentKind::kNew;
  order.id = next_id();
  order.account = account_;
  if (admit()) queue_.publish(order);
  return order.id;
}

void StrategyContext::set_timer(int64_t period_ns) {
  period_ns_ = period_ns > 0 ? period_ns : 0;
  next_due_ns_ = now().value() + period_ns_;
  timer_set_ = true;
}

int64_t StrategyContext::position(InstrumentId instrument) const {
  if (acked_) {
    return instrument.value() < seen_position_.size() ? seen_position_[instrument.value()] : 0;
  }
  return portfolio_.position(account_, instrument);
}

bool StrategyContext::admit() {
  if (runaway_seq_ != 0) return false;
  if (++input_intents_ <= intents_max_) return true;
  runaway_seq_ = clock_.seq().value();
  return false;
}

OrderId StrategyContext::next_id() {
  ++sent_;
  TAPE_CHECK(sent_ < kMaxOrdersPerStrategy, "strategy order id space exhausted");
  return OrderId(kStrategyOrderIdBase + (uint64_t{index_} << kOrderIndexShift) + sent_);
}

bool StrategyContext::issued(OrderId id) const {
  if (strategy_index_of(id) != int64_t{index_}) return false;
  const uint64_t n = id.value() - kStrategyOrderIdBase - (uint64_t{index_} << kOrderIndexShift);
  return n >= 1 && n <= sent_;
}

OrderId StrategyContext::send_limit(InstrumentId instrument, Side side, Price price, Qty qty,
                                    TimeInForce tif) {
  const OrderId id = next_id();
  if (!admit()) return id;
  queue_.publish(OrderIntent{IntentKind::kNew, id, account_, instrument, side, OrderType::kLimit,
                             tif, price, qty, Price(0), false, Timestamp(0)});
  return id;
}

OrderId StrategyContext::send_market(InstrumentId instrument, Side side, Qty qty, TimeInForce tif) {
  const OrderId id = next_id();
  if (!admit()) return id;
  queue_.publish(OrderIntent{IntentKind::kNew, id, account_, instrument, side, OrderType::kMarket,
                             tif, Price(0), qty, Price(0), false, Timestamp(0)});
  return id;
}

void StrategyContext::cancel(InstrumentId instrument, OrderId id) {
  if (!admit()) return;
  OrderIntent intent;
  intent.kind = IntentKind::kCancel;
  intent.id = id;
  intent.account = account_;
  intent.instrument = instrument;
  queue_.publish(intent);
}

void StrategyContext::replace(InstrumentId instrument, OrderId id, Price price, Qty qty) {
  if (!admit()) return;
  OrderIntent intent;
  intent.kind = IntentKind::kReplace;
  intent.id = id;
  intent.account = account_;
  intent.instrument = instrument;
  intent.price = price;
  intent.qty = qty;
  queue_.publish(intent);
}

// ---- Helpers ----

std::vector<InstrumentId> traded_instruments(const StrategyConfig& config,
                                             size_t instrument_count) {
  if (!config.instruments.empty()) return config.instruments;
  std::vector<InstrumentId> all;
  all.reserve(instrument_count);
  for (size_t i = 0; i < instrument_count; ++i) all.push_back(InstrumentId(uint32_t(i)));
  return all;
}

int64_t strategy_index_of(OrderId id) {
  if (id.value() < kStrategyOrderIdBase) return -1;
  return static_cast<int64_t>((id.value() - kStrategyOrderIdBase) >> kOrderIndexShift);
}

int own_fill_sides(const StrategyContext& ctx, const Fill& f, OwnFillSide out[2]) {
  const auto own = [&](OrderId id, AccountId account) {
    return strategy_index_of(id) >= 0 ? ctx.issued(id) && account == ctx.account()
                                      : account == ctx.account();
  };
  int n = 0;
  if (own(f.maker, f.maker_account)) {
    out[n++] = OwnFillSide{f.maker, opposite(f.aggressor), true, f.maker_leaves};
  }
  if (own(f.taker, f.taker_account)) {
    out[n++] = OwnFillSide{f.taker, f.aggressor, false, f.taker_leaves};
  }
  return n;
}

// ---- StrategyHost ----

StrategyHost::StrategyHost(const CoreConfig& config, const SimClock& clock,
                           const MarketView& market, const Portfolio& portfolio,
                           EventQueue& queue) {
  TAPE_CHECK(config.strategies.size() < kMaxStrategies, "too many strategies");
  const size_t n_instruments = config.instruments.size();
  const std::shared_ptr<const StrategyContext::InstrumentNames> names = instrument_names(config);
  slots_.reserve(config.strategies.size());
  for (size_t i = 0; i < config.strategies.size(); ++i) {
    const StrategyConfig& sc = config.strategies[i];
    TAPE_CHECK(is_managed(sc.account), "strategy account must be < kExternalAccountBase");
    std::vector<uint8_t> traded(n_instruments, 0);
    for (InstrumentId id : traded_instruments(sc, n_instruments)) {
      TAPE_CHECK(id.value() < n_instruments, "strategy trades an unknown instrument");
      traded[id.value()] = 1;
    }
    slots_.push_back(
        Slot{StrategyContext(uint32_t(i), sc.account, clock, market, portfolio, queue, names),
             sc.kind, make_strategy(sc, n_instruments), std::move(traded), sc.name, 0, 0});
    Slot& slot = slots_.back();
    slot.ctx.period_ns_ = sc.timer_ms > 0 ? sc.timer_ms * kNsPerMs : 0;
    // The intents one callback sends wait in the bus queue until the callback returns: the cap
    // keeps them within a quarter of it, shared among the strategies, so that a burst is
    // stopped by the cap with its error before it could fill the queue (whose check aborts).
    // (Not below 64: a small queue, or thousands of strategies, still let each requote.)
    const uint64_t share =
        std::max<uint64_t>(64, queue.capacity() / (4 * config.strategies.size()));
    slot.ctx.intents_max_ = std::min(StrategyContext::kIntentsPerInputMax, share) +
                            slot.strategy->intents_per_input_extra();
    if (sc.kind == StrategyKind::kPlugin) plugins_.push_back(i);
  }
  ack_ = LatencyDraw(config.latency.ack_ns, config.latency.ack_dist, config.latency.seed,
                     LatencyKind::kAck);
  if (!ack_.on()) return;
  for (Slot& s : slots_) {
    s.ctx.acked_ = true;  // the portfolio starts every account flat with no cash
    s.ctx.seen_position_.assign(n_instruments, 0);
  }
}

const Status& StrategyHost::status() const {
  static const Status kOk;
  if (!runaway_.is_ok()) return runaway_;
  for (const Slot& s : slots_) {
    if (s.ctx.runaway_seq_ == 0) continue;
    runaway_ = Status::invalid(
        "strategy '" + s.name + "' sent more than " + std::to_string(s.ctx.intents_max_) +
        " orders, cancels and replaces while handling the input at seq " +
        std::to_string(s.ctx.runaway_seq_) +
        " (a strategy answering its own order events without end?); the run stops");
    return runaway_;
  }
  for (size_t i : plugins_) {
    const Status& st = slots_[i].strategy->status();
    if (!st.is_ok()) return st;
  }
  return kOk;
}

bool StrategyHost::trades(const Slot& slot, InstrumentId instrument) const {
  return instrument.value() < slot.trades.size() && slot.trades[instrument.value()] != 0;
}

bool StrategyHost::owns(const Slot& slot, OrderId id, AccountId account) const {
  const int64_t index = strategy_index_of(id);
  if (index >= 0) return index == slot.ctx.index() && account == slot.ctx.account();
  return account == slot.ctx.account();
}

void StrategyHost::on(const QuoteIn& quote) {
  for (Slot& s : slots_) {
    if (!trades(s, quote.instrument)) continue;
    s.strategy->on_quote(s.ctx, quote);
  }
}

void StrategyHost::on(const TradeIn& trade) {
  for (Slot& s : slots_) {
    if (!trades(s, trade.instrument)) continue;
    s.strategy->on_trade(s.ctx, trade);
  }
}

void StrategyHost::on(const BarIn& bar) {
  for (Slot& s : slots_) {
    if (!trades(s, bar.instrument)) continue;
    s.strategy->on_bar(s.ctx, bar);
  }
}

void StrategyHost::on(const BookChanged& changed) {
  for (Slot& s : slots_) {
    if (!trades(s, changed.instrument)) continue;
    s.strategy->on_book(s.ctx, changed.instrument);
  }
}

void StrategyHost::on(const Fill& fill) {
  const TradeIn print{fill.instrument, fill.price, fill.qty, fill.aggressor};
  for (Slot& s : slots_) {
    const bool own =
        owns(s, fill.maker, fill.maker_account) || owns(s, fill.taker, fill.taker_account);
    if (own && ack_.on()) {
      hold_ack(s, fill);
    } else if (own) {
      s.strategy->on_fill(s.ctx, fill);
    }
    if (trades(s, fill.instrument)) s.strategy->on_trade(s.ctx, print);
  }
}

template <typename Event>
void StrategyHost::deliver_order_event(const Event& e) {
  for (Slot& s : slots_) {
    if (!owns(s, e.id, e.account)) continue;
    if (ack_.on()) {
      hold_ack(s, e);
      continue;
    }
    s.strategy->on_order(s.ctx, e);
  }
}

void StrategyHost::on(const OrderAccepted& e) { deliver_order_event(e); }
void StrategyHost::on(const OrderRejected& e) { deliver_order_event(e); }
void StrategyHost::on(const OrderCancelled& e) { deliver_order_event(e); }
void StrategyHost::on(const OrderReplaced& e) { deliver_order_event(e); }

void StrategyHost::advance_time(Timestamp now) {
  const int64_t t = now.value();
  if (!timers_started_) {
    timers_started_ = true;
    for (Slot& s : slots_) s.ctx.next_due_ns_ = t + s.ctx.period_ns_;
    for (Slot& s : slots_) {
      s.ctx.in_timer_ = true;  // ctx.now() = `now`, whatever the clock says
      s.ctx.timer_now_ = now;
      s.strategy->on_start(s.ctx);
      s.ctx.in_timer_ = false;
    }
    return;
  }
  for (Slot& s : slots_) s.fired_in_call = 0;
  // Fire one timer at a time: the earliest due, ties to the lower index. Each firing moves that
  // timer one period on, so the loop ends; the catch-up bound keeps it short after a long gap.
  while (true) {
    Slot* next = nullptr;
    for (Slot& s : slots_) {
      if (s.ctx.period_ns_ == 0 || s.ctx.next_due_ns_ > t) continue;
      if (next == nullptr || s.ctx.next_due_ns_ < next->ctx.next_due_ns_) next = &s;
    }
    if (next == nullptr) return;
    StrategyContext& ctx = next->ctx;
    if (next->fired_in_call == kTimerCatchUpMax) {
      ctx.next_due_ns_ += ((t - ctx.next_due_ns_) / ctx.period_ns_ + 1) * ctx.period_ns_;
      continue;
    }
    ++next->fired_in_call;
    ctx.in_timer_ = true;
    ctx.timer_now_ = Timestamp(ctx.next_due_ns_);
    ctx.timer_set_ = false;
    next->strategy->on_timer(ctx);
    ctx.in_timer_ = false;
    // A set_timer inside on_timer already placed the next firing (at due + its period).
    if (!ctx.timer_set_) ctx.next_due_ns_ += ctx.period_ns_;
  }
}

void StrategyHost::hash_state(StateHasher& h) const {
  h.tag("strategies");
  h.u64(slots_.size());
  h.u8(timers_started_);
  for (const Slot& s : slots_) {
    h.u8(static_cast<uint8_t>(s.kind));
    h.v(s.ctx.account());
    h.u64(s.ctx.orders_sent());
    h.i64(s.ctx.period_ns_);
    h.i64(s.ctx.next_due_ns_);
    s.strategy->hash_state(h);
  }
}

Status StrategyHost::restore_state(StateReader& r) {
  r.expect_tag("strategies");
  if (r.u64() != slots_.size()) r.fail("strategy count differs from the config");
  const uint8_t started = r.u8();
  if (started > 1) r.fail("flag out of range");
  timers_started_ = started == 1;
  for (Slot& s : slots_) {
    if (!r.ok()) break;
    const uint8_t kind = r.u8();
    const uint64_t account = r.u64();  // compared whole: v<AccountId>() would truncate
    const uint64_t sent = r.u64();
    const int64_t period_ns = r.i64();
    s.ctx.next_due_ns_ = r.i64();
    // A plugin may have set its own timer (StrategyContext::set_timer).
    const bool plugin = s.kind == StrategyKind::kPlugin;
    if (kind != static_cast<uint8_t>(s.kind) || account != s.ctx.account().value() ||
        sent >= kMaxOrdersPerStrategy || period_ns < 0 ||
        (!plugin && period_ns != s.ctx.period_ns_)) {
      r.fail("strategy " + std::to_string(s.ctx.index()) + " differs from the config");
      break;
    }
    s.ctx.sent_ = sent;
    s.ctx.period_ns_ = period_ns;
    const Status st = s.strategy->restore_state(r, s.ctx);
    if (!st.is_ok()) break;
  }
  return r.status();
}

}  // namespace tape
