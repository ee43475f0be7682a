#include "core/builtin_strategy.h"

#include <algorithm>
#include <array>
#include <exception>
#include <stdexcept>
#include <utility>

#include "core/market_view.h"
#include "core/strategies/fat_finger.h"
#include "core/strategies/market_maker.h"
#include "core/strategies/momentum.h"
#include "core/strategy.h"

namespace tape {

// ---- BuiltinStrategy ----

void BuiltinStrategy::save_state(std::vector<uint8_t>& out) const {
  StateHasher h;
  hash_state(h);
  out.assign(h.bytes().begin(), h.bytes().end());
}

void BuiltinStrategy::load_state(std::span<const uint8_t> in) {
  StateReader r(std::string_view(reinterpret_cast<const char*>(in.data()), in.size()));
  const Status st = restore_state(r, [](OrderId) { return true; });
  if (!st.is_ok()) throw std::runtime_error(st.message());
  if (!r.at_end()) throw std::runtime_error("trailing bytes in the saved state");
}

// ---- The registry ----

std::vector<PluginParamDecl> param_decls(std::initializer_list<api::ParamSpec> specs) {
  std::vector<PluginParamDecl> out;
  for (const api::ParamSpec& p : specs) {
    out.push_back(
        PluginParamDecl{p.name, static_cast<PluginParamType>(p.type), p.default_text, p.doc});
  }
  return out;
}

const std::vector<BuiltinSpec>& builtin_specs() {
  // StrategyKind order: the kind byte of the state hash indexes it.
  static const std::vector<BuiltinSpec> specs = {MarketMaker::spec(), Momentum::spec(),
                                                 FatFinger::spec()};
  return specs;
}

const BuiltinSpec* find_builtin(std::string_view name) {
  for (const BuiltinSpec& s : builtin_specs()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const BuiltinSpec& builtin_spec(StrategyKind kind) {
  TAPE_CHECK(kind != StrategyKind::kPlugin, "a plugin is no built-in");
  return builtin_specs()[static_cast<size_t>(kind)];
}

const ParamRange& builtin_range(StrategyKind kind, std::string_view name) {
  for (const ParamRange& r : builtin_spec(kind).ranges) {
    if (r.name == name) return r;
  }
  TAPE_CHECK(false, "a built-in parameter with no range");
  __builtin_unreachable();
}

Status check_builtin_ranges(const BuiltinSpec& spec, const std::vector<PluginParamValue>& values) {
  for (const PluginParamValue& v : values) {
    for (const ParamRange& r : spec.ranges) {
      if (r.name != v.name) continue;
      __int128 unit = 1;  // a decimal's units per whole one (scale <= 18)
      if (v.type == PluginParamType::kDecimal) {
        for (int32_t k = 0; k < v.scale; ++k) unit *= 10;
      } else if (v.type != PluginParamType::kInt) {
        continue;
      }
      if (v.int_value >= r.lo * unit && v.int_value <= r.hi * unit) continue;
      return Status::invalid("'" + v.name + "' = " + v.text + " is out of range [" +
                             std::to_string(r.lo) + ", " + std::to_string(r.hi) + "]");
    }
  }
  return Status::ok();
}

Result<std::vector<PluginParamValue>> builtin_params(const StrategyConfig& config) {
  const BuiltinSpec& spec = builtin_spec(config.kind);
  std::vector<PluginParamDecl> decls = spec.params;
  const std::vector<PluginParam> typed = spec.config_params(config);
  for (PluginParamDecl& d : decls) {
    for (const PluginParam& p : typed) {
      if (p.key == d.name) d.default_text = p.value;
    }
  }
  return resolve_params(decls, config.params, "built-in '" + spec.name + "'");
}

// ---- The api::Context of a built-in ----

class BuiltinHost::Context final : public api::Context {
 public:
  void bind(StrategyContext& ctx) { ctx_ = &ctx; }

  int64_t now_ns() const override { return ctx_->now().value(); }
  int64_t position(uint32_t i) const override { return ctx_->position(InstrumentId(i)); }
  int64_t cash() const override { return ctx_->cash().value(); }
  int64_t money_scale() const override { return ctx_->money_scale(); }
  uint32_t instrument_count() const override {
    return static_cast<uint32_t>(ctx_->instrument_count());
  }
  std::string_view symbol(uint32_t i) const override {
    return known(i) ? std::string_view(ctx_->symbol(InstrumentId(i))) : std::string_view();
  }
  std::string_view tick_size(uint32_t i) const override {
    return known(i) ? std::string_view(ctx_->tick_size(InstrumentId(i))) : std::string_view();
  }
  api::BookTop top(uint32_t i) const override {
    api::BookTop out;
    out.instrument = i;
    if (!known(i)) return out;
    const TopOfBook t = ctx_->market().top(InstrumentId(i));
    out.has_bid = t.has_bid, out.has_ask = t.has_ask;
    out.bid = t.bid.value(), out.bid_qty = t.bid_qty.value();
    out.ask = t.ask.value(), out.ask_qty = t.ask_qty.value();
    return out;
  }
  uint32_t depth(uint32_t i, api::Side side, std::span<api::Level> out) const override {
    if (!known(i)) return 0;
    // The common ask is a level or two: a small buffer (LevelView zero-initializes, so a large
    // one costs on every call), the heap beyond it.
    constexpr size_t kOnStack = 2;
    if (out.size() <= kOnStack) {
      std::array<LevelView, kOnStack> levels;
      return copy_levels(i, side, std::span<LevelView>(levels.data(), out.size()), out);
    }
    std::vector<LevelView> levels(out.size());
    return copy_levels(i, side, levels, out);
  }
  bool halted(uint32_t i) const override {
    return known(i) && ctx_->market().halted(InstrumentId(i));
  }
  bool book_has_own_orders() const override { return ctx_->market().holds_strategy_orders(); }
  uint64_t send(const api::OrderSpec& s) override {
    OrderIntent o;
    o.instrument = InstrumentId(s.instrument);
    o.side = static_cast<Side>(s.side);
    o.type = static_cast<OrderType>(s.type);
    o.tif = static_cast<TimeInForce>(s.tif);
    o.price = Price(s.price);
    o.qty = Qty(s.qty);
    o.stop_price = Price(s.stop_price);
    o.post_only = s.post_only;
    o.expire = Timestamp(s.expire_ns);
    return ctx_->send(o).value();
  }
  void cancel(uint32_t i, uint64_t id) override { ctx_->cancel(InstrumentId(i), OrderId(id)); }
  void replace(uint32_t i, uint64_t id, int64_t price, int64_t qty) override {
    ctx_->replace(InstrumentId(i), OrderId(id), Price(price), Qty(qty));
  }
  void set_timer(int64_t period_ns) override { ctx_->set_timer(period_ns); }

 private:
  bool known(uint32_t i) const { return i < ctx_->instrument_count(); }
  uint32_t copy_levels(uint32_t i, api::Side side, std::span<LevelView> levels,
                       std::span<api::Level> out) const {
    const size_t n = ctx_->market().depth(InstrumentId(i), static_cast<Side>(side), levels);
    for (size_t k = 0; k < n; ++k) {
      out[k] = api::Level{levels[k].price.value(), levels[k].qty.value(), levels[k].orders};
    }
    return static_cast<uint32_t>(n);
  }
  StrategyContext* ctx_ = nullptr;
};

// ---- BuiltinHost ----

BuiltinHost::BuiltinHost(const StrategyConfig& config, const BuiltinUniverse& universe)
    : api_ctx_(std::make_unique<Context>()) {
  Result<std::vector<PluginParamValue>> values = builtin_params(config);
  TAPE_CHECK(values.is_ok(), "built-in strategy parameters the config should have refused");
  const std::vector<tape_param_value_v1> c = c_param_values(values.value());
  strategy_ = builtin_spec(config.kind).make(api::Params(c.data(), uint32_t(c.size())), universe);
}

BuiltinHost::~BuiltinHost() = default;

api::Context& BuiltinHost::bind(StrategyContext& ctx) {
  api_ctx_->bind(ctx);
  return *api_ctx_;
}

const Status& BuiltinHost::status() const {
  static const Status kOk;
  return kOk;
}

void BuiltinHost::on_start(StrategyContext& ctx) { strategy_->on_start(bind(ctx)); }

void BuiltinHost::on_bar(StrategyContext& ctx, const BarIn& b) {
  strategy_->on_bar(bind(ctx), api::Bar{b.instrument.value(), b.open.value(), b.high.value(),
                                        b.low.value(), b.close.value(), b.volume.value(),
                                        b.period_ns});
}

void BuiltinHost::on_quote(StrategyContext& ctx, const QuoteIn& q) {
  strategy_->on_quote(bind(ctx), api::Quote{q.instrument.value(), q.bid.value(), q.bid_qty.value(),
                                            q.ask.value(), q.ask_qty.value()});
}

void BuiltinHost::on_trade(StrategyContext& ctx, const TradeIn& t) {
  strategy_->on_trade(bind(ctx), api::Trade{t.instrument.value(), t.price.value(), t.qty.value(),
                                            static_cast<api::Side>(t.aggressor)});
}

void BuiltinHost::on_book(StrategyContext& ctx, InstrumentId instrument) {
  api::Context& c = bind(ctx);
  strategy_->on_book(c, c.top(instrument.value()));
}

void BuiltinHost::on_fill(StrategyContext& ctx, const Fill& f) {
  OwnFillSide sides[2];
  const int n = own_fill_sides(ctx, f, sides);
  api::Context& c = bind(ctx);
  for (int i = 0; i < n; ++i) {
    strategy_->on_fill(c, api::FillReport{f.instrument.value(), sides[i].id.value(),
                                          static_cast<api::Side>(sides[i].side), sides[i].is_maker,
                                          f.price.value(), f.qty.value(), sides[i].leaves.value()});
  }
}

namespace {

api::OrderEvent order_event(api::OrderEventKind kind, OrderId id, InstrumentId instrument) {
  api::OrderEvent e;
  e.kind = kind;
  e.order_id = id.value();
  e.instrument = instrument.value();
  e.reason_name = "";
  return e;
}

}  // namespace

void BuiltinHost::on_order(StrategyContext& ctx, const OrderAccepted& a) {
  api::OrderEvent e = order_event(api::OrderEventKind::kAccepted, a.id, a.instrument);
  e.side = static_cast<api::Side>(a.side);
  e.type = static_cast<api::OrderType>(a.type);
  e.tif = static_cast<api::Tif>(a.tif);
  e.post_only = a.post_only;
  e.price = a.price.value();
  e.qty = a.qty.value();
  e.stop_price = a.stop_price.value();
  e.expire_ns = a.expire.value();
  strategy_->on_order(bind(ctx), e);
}

void BuiltinHost::on_order(StrategyContext& ctx, const OrderRejected& r) {
  api::OrderEvent e = order_event(api::OrderEventKind::kRejected, r.id, r.instrument);
  e.reason = static_cast<uint16_t>(r.reason);
  e.reason_name = reject_reason_name(r.reason);
  strategy_->on_order(bind(ctx), e);
}

void BuiltinHost::on_order(StrategyContext& ctx, const OrderCancelled& c) {
  const api::OrderEventKind kind = c.reason == CancelReason::kExpired
                                       ? api::OrderEventKind::kExpired
                                       : api::OrderEventKind::kCancelled;
  api::OrderEvent e = order_event(kind, c.id, c.instrument);
  e.qty = c.qty.value();
  e.reason = static_cast<uint16_t>(c.reason);
  e.reason_name = cancel_reason_name(c.reason);
  strategy_->on_order(bind(ctx), e);
}

void BuiltinHost::on_order(StrategyContext& ctx, const OrderReplaced& r) {
  api::OrderEvent e = order_event(api::OrderEventKind::kReplaced, r.id, r.instrument);
  e.price = r.price.value();
  e.qty = r.qty.value();
  e.priority_kept = r.priority_kept;
  strategy_->on_order(bind(ctx), e);
}

void BuiltinHost::on_timer(StrategyContext& ctx) { strategy_->on_timer(bind(ctx)); }

Status BuiltinHost::restore_state(StateReader& r, const StrategyContext& ctx) {
  return strategy_->restore_state(r, [&ctx](OrderId id) { return ctx.issued(id); });
}

}  // namespace tape
