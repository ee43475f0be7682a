#include "core/plugin_strategy.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <span>
#include <utility>
#include <vector>

#include "core/strategy.h"

namespace tape {
namespace {

// ---- The host table handed to the plugin ----

using CallScope = PluginCallScope;

StrategyContext& ctx_of(void* self) { return *static_cast<CallScope*>(self)->ctx; }

bool known(void* self, uint32_t instrument) {
  return instrument < ctx_of(self).instrument_count();
}

int64_t host_now_ns(void* self) { return ctx_of(self).now().value(); }
int64_t host_position(void* self, uint32_t i) {
  return ctx_of(self).position(InstrumentId(i));
}
int64_t host_cash(void* self) { return ctx_of(self).cash().value(); }
int64_t host_money_scale(void* self) { return ctx_of(self).money_scale(); }
uint32_t host_instrument_count(void* self) {
  return static_cast<uint32_t>(ctx_of(self).instrument_count());
}
const char* host_symbol(void* self, uint32_t i) {
  return known(self, i) ? ctx_of(self).symbol(InstrumentId(i)).c_str() : nullptr;
}
const char* host_tick_size(void* self, uint32_t i) {
  return known(self, i) ? ctx_of(self).tick_size(InstrumentId(i)).c_str() : nullptr;
}
int host_top(void* self, uint32_t i, tape_book_top_v1* out) {
  if (!known(self, i)) return 0;
  const TopOfBook t = ctx_of(self).market().top(InstrumentId(i));
  *out = tape_book_top_v1{i,
                          uint8_t(t.has_bid ? 1 : 0),
                          uint8_t(t.has_ask ? 1 : 0),
                          t.bid.value(),
                          t.bid_qty.value(),
                          t.ask.value(),
                          t.ask_qty.value()};
  return 1;
}

uint64_t host_send(void* self, const tape_order_spec_v1* spec) {
  CallScope& scope = *static_cast<CallScope*>(self);
  if (spec->side > TAPE_SIDE_SELL || spec->type > TAPE_ORDER_STOP_LIMIT ||
      spec->tif > TAPE_TIF_GTD || spec->post_only > 1) {
    scope.strategy->fail_call("order with side " + std::to_string(spec->side) + ", type " +
                              std::to_string(spec->type) + ", tif " + std::to_string(spec->tif) +
                              ", post_only " + std::to_string(spec->post_only) +
                              ": a value out of range");
    return 0;
  }
  OrderIntent o;
  o.instrument = InstrumentId(spec->instrument);
  o.side = static_cast<Side>(spec->side);
  o.type = static_cast<OrderType>(spec->type);
  o.tif = static_cast<TimeInForce>(spec->tif);
  o.price = Price(spec->price);
  o.qty = Qty(spec->qty);
  o.stop_price = Price(spec->stop_price);
  o.post_only = spec->post_only != 0;
  o.expire = Timestamp(spec->expire_ns);
  return scope.ctx->send(o).value();
}
void host_cancel(void* self, uint32_t i, uint64_t id) {
  ctx_of(self).cancel(InstrumentId(i), OrderId(id));
}
void host_replace(void* self, uint32_t i, uint64_t id, int64_t price, int64_t qty) {
  ctx_of(self).replace(InstrumentId(i), OrderId(id), Price(price), Qty(qty));
}
void host_set_timer(void* self, int64_t period_ns) { ctx_of(self).set_timer(period_ns); }
int host_halted(void* self, uint32_t i) {
  return known(self, i) && ctx_of(self).market().halted(InstrumentId(i)) ? 1 : 0;
}
int host_book_has_own_orders(void* self) {
  return ctx_of(self).market().holds_strategy_orders() ? 1 : 0;
}
uint32_t host_depth(void* self, uint32_t i, uint8_t side, tape_level_v1* out, uint32_t max) {
  if (!known(self, i) || side > TAPE_SIDE_SELL || out == nullptr) return 0;
  // A small buffer for the common ask (LevelView zero-initializes), the heap beyond it.
  constexpr uint32_t kOnStack = 2;
  std::array<LevelView, kOnStack> stack;
  std::vector<LevelView> heap;
  std::span<LevelView> levels(stack.data(), std::min(max, kOnStack));
  if (max > kOnStack) {
    heap.resize(max);
    levels = heap;
  }
  const size_t n = ctx_of(self).market().depth(InstrumentId(i), static_cast<Side>(side), levels);
  for (size_t k = 0; k < n; ++k) {
    out[k] = tape_level_v1{levels[k].price.value(), levels[k].qty.value(), levels[k].orders};
  }
  return static_cast<uint32_t>(n);
}

tape_host_v1 host_table(CallScope* scope) {
  return tape_host_v1{sizeof(tape_host_v1),
                      scope,
                      &host_now_ns,
                      &host_position,
                      &host_cash,
                      &host_money_scale,
                      &host_instrument_count,
                      &host_symbol,
                      &host_tick_size,
                      &host_top,
                      &host_send,
                      &host_cancel,
                      &host_replace,
                      &host_set_timer,
                      &host_halted,
                      &host_depth,
                      &host_book_has_own_orders};
}

void append_bytes(void* sink, const uint8_t* data, size_t len) {
  static_cast<std::string*>(sink)->append(reinterpret_cast<const char*>(data), len);
}

}  // namespace

// ---- PluginStrategy ----

void PluginStrategy::bind_host() {
  scope_ = CallScope{this, nullptr};
  host_ = host_table(&scope_);
}

PluginStrategy::PluginStrategy(const StrategyConfig& config, size_t)
    : factory_(config.plugin), strategy_name_(config.name) {
  TAPE_CHECK(factory_ != nullptr, "a plugin strategy needs its loaded plugin");
  bind_host();
  Result<std::vector<PluginParamValue>> values = factory_->resolve(config.params);
  if (!values.is_ok()) {
    status_ = Status::invalid("plugin '" + factory_->name() + "' (" + factory_->path() +
                              "), strategy '" + strategy_name_ + "': " +
                              values.status().message());
    return;
  }
  Result<void*> instance = factory_->create(values.value());
  if (!instance.is_ok()) {
    status_ = Status::invalid(instance.status().message() + " (strategy '" + strategy_name_ + "')");
    return;
  }
  instance_ = instance.value();
}

PluginStrategy::~PluginStrategy() {
  if (instance_ != nullptr) factory_->table().destroy(instance_);
}

PluginStrategy::PluginStrategy(PluginStrategy&& other) noexcept
    : factory_(std::move(other.factory_)),
      strategy_name_(std::move(other.strategy_name_)),
      instance_(std::exchange(other.instance_, nullptr)),
      status_(std::move(other.status_)),
      call_error_(std::move(other.call_error_)) {
  bind_host();
}

void PluginStrategy::fail(std::string what, const std::string& why, uint64_t seq) const {
  if (!status_.is_ok()) return;
  const std::string at = seq == 0 ? "" : " at seq " + std::to_string(seq);
  status_ = Status::invalid("plugin '" + factory_->name() + "' (" + factory_->path() +
                            "), strategy '" + strategy_name_ + "': " + what + " failed" + at +
                            ": " + why);
}

void PluginStrategy::fail_call(std::string why) {
  if (call_error_.empty()) call_error_ = std::move(why);
}

// Runs one callback with a host table bound to `ctx`. After a failure the instance is never
// called again: its state may be half-updated.
template <typename Call>
void PluginStrategy::call(StrategyContext& ctx, const char* what, Call&& fn) {
  if (instance_ == nullptr || !status_.is_ok()) return;
  scope_.ctx = &ctx;
  // Only the terminator: zeroing all kPluginErrLen bytes on every callback cost more than most
  // callbacks (error_text reads at most kPluginErrLen bytes).
  std::array<char, kPluginErrLen> err;
  err[0] = '\0';
  const int rc = fn(factory_->table(), &host_, err.data());
  if (rc != TAPE_OK) {
    fail(what, plugin_error_text(err.data(), err.size()), ctx.seq().value());
  } else if (!call_error_.empty()) {
    fail(what, call_error_, ctx.seq().value());
  }
  call_error_.clear();
}

void PluginStrategy::on_start(StrategyContext& ctx) {
  call(ctx, "on_start", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_start(instance_, h, err, kPluginErrLen);
  });
}

void PluginStrategy::on_bar(StrategyContext& ctx, const BarIn& b) {
  const tape_bar_v1 bar{b.instrument.value(), b.open.value(), b.high.value(), b.low.value(),
                        b.close.value(),      b.volume.value(), b.period_ns};
  call(ctx, "on_bar", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_bar(instance_, h, &bar, err, kPluginErrLen);
  });
}

void PluginStrategy::on_quote(StrategyContext& ctx, const QuoteIn& q) {
  const tape_quote_v1 quote{q.instrument.value(), q.bid.value(), q.bid_qty.value(),
                            q.ask.value(), q.ask_qty.value()};
  call(ctx, "on_quote", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_quote(instance_, h, &quote, err, kPluginErrLen);
  });
}

void PluginStrategy::on_trade(StrategyContext& ctx, const TradeIn& tr) {
  const tape_trade_v1 trade{tr.instrument.value(), tr.price.value(), tr.qty.value(),
                            static_cast<uint8_t>(tr.aggressor)};
  call(ctx, "on_trade", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_trade(instance_, h, &trade, err, kPluginErrLen);
  });
}

void PluginStrategy::on_book(StrategyContext& ctx, InstrumentId instrument) {
  const TopOfBook b = ctx.market().top(instrument);
  const tape_book_top_v1 top{instrument.value(),  uint8_t(b.has_bid ? 1 : 0),
                             uint8_t(b.has_ask ? 1 : 0), b.bid.value(),
                             b.bid_qty.value(),   b.ask.value(),
                             b.ask_qty.value()};
  call(ctx, "on_book", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_book(instance_, h, &top, err, kPluginErrLen);
  });
}

// One report per side the strategy owns (own_fill_sides).
void PluginStrategy::on_fill(StrategyContext& ctx, const Fill& f) {
  OwnFillSide sides[2];
  const int n = own_fill_sides(ctx, f, sides);
  for (int i = 0; i < n; ++i) {
    const tape_fill_v1 report{f.instrument.value(), sides[i].id.value(),
                              static_cast<uint8_t>(sides[i].side), uint8_t(sides[i].is_maker ? 1 : 0),
                              f.price.value(), f.qty.value(), sides[i].leaves.value()};
    call(ctx, "on_fill", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
      return t.on_fill(instance_, h, &report, err, kPluginErrLen);
    });
  }
}

namespace {

tape_order_event_v1 order_event(uint8_t kind, OrderId id, InstrumentId instrument) {
  tape_order_event_v1 e{};
  e.kind = kind;
  e.order_id = id.value();
  e.instrument = instrument.value();
  e.reason_name = "";
  return e;
}

}  // namespace

void PluginStrategy::on_order(StrategyContext& ctx, const OrderAccepted& a) {
  tape_order_event_v1 e = order_event(TAPE_ORDER_EVENT_ACCEPTED, a.id, a.instrument);
  e.side = static_cast<uint8_t>(a.side);
  e.type = static_cast<uint8_t>(a.type);
  e.tif = static_cast<uint8_t>(a.tif);
  e.post_only = a.post_only ? 1 : 0;
  e.price = a.price.value();
  e.qty = a.qty.value();
  e.stop_price = a.stop_price.value();
  e.expire_ns = a.expire.value();
  call(ctx, "on_order", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_order(instance_, h, &e, err, kPluginErrLen);
  });
}

void PluginStrategy::on_order(StrategyContext& ctx, const OrderRejected& r) {
  tape_order_event_v1 e = order_event(TAPE_ORDER_EVENT_REJECTED, r.id, r.instrument);
  e.reason = static_cast<uint16_t>(r.reason);
  e.reason_name = reject_reason_name(r.reason);
  call(ctx, "on_order", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_order(instance_, h, &e, err, kPluginErrLen);
  });
}

void PluginStrategy::on_order(StrategyContext& ctx, const OrderCancelled& c) {
  const uint8_t kind = c.reason == CancelReason::kExpired ? TAPE_ORDER_EVENT_EXPIRED
                                                          : TAPE_ORDER_EVENT_CANCELLED;
  tape_order_event_v1 e = order_event(kind, c.id, c.instrument);
  e.qty = c.qty.value();
  e.reason = static_cast<uint16_t>(c.reason);
  e.reason_name = cancel_reason_name(c.reason);
  call(ctx, "on_order", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_order(instance_, h, &e, err, kPluginErrLen);
  });
}

void PluginStrategy::on_order(StrategyContext& ctx, const OrderReplaced& r) {
  tape_order_event_v1 e = order_event(TAPE_ORDER_EVENT_REPLACED, r.id, r.instrument);
  e.price = r.price.value();
  e.qty = r.qty.value();
  e.priority_kept = r.priority_kept ? 1 : 0;
  call(ctx, "on_order", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_order(instance_, h, &e, err, kPluginErrLen);
  });
}

void PluginStrategy::on_timer(StrategyContext& ctx) {
  call(ctx, "on_timer", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_timer(instance_, h, err, kPluginErrLen);
  });
}

void PluginStrategy::hash_state(StateHasher& h) const {
  std::string bytes;
  if (instance_ != nullptr) {
    std::array<char, kPluginErrLen> err{};
    const int rc =
        factory_->table().save_state(instance_, &bytes, &append_bytes, err.data(), err.size());
    if (rc != TAPE_OK) {
      bytes.clear();
      fail("save_state", plugin_error_text(err.data(), err.size()), 0);
    }
  }
  h.str(bytes);
}

Status PluginStrategy::restore_state(StateReader& r, const StrategyContext&) {
  const std::string bytes = r.str();
  if (!r.ok()) return r.status();
  if (instance_ == nullptr) {
    r.fail(status_.is_ok() ? "plugin strategy has no instance" : status_.message());
    return r.status();
  }
  std::array<char, kPluginErrLen> err{};
  const int rc = factory_->table().load_state(
      instance_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), err.data(),
      err.size());
  if (rc != TAPE_OK) {
    r.fail("plugin '" + factory_->name() + "', strategy '" + strategy_name_ +
           "': load_state failed: " + plugin_error_text(err.data(), err.size()));
  }
  return r.status();
}

}  // namespace tape
