#include "core/plugin_strategy.h"

#include <array>
#include <cstring>
#include <utility>

#include "core/strategy.h"

namespace tape {
namespace {

constexpr size_t kErrLen = 512;
constexpr int32_t kMaxDecimalScale = 18;

Status type_error(const std::string& name, PluginParamType type, const std::string& text) {
  return Status::invalid("parameter '" + name + "': expected " +
                         std::string(plugin_param_type_name(type)) + ", got '" + text + "'");
}

// Digits with single '_' between them (TOML), appended to `out`; false on any other shape.
bool take_digits(const std::string& s, size_t& i, std::string& out) {
  const size_t start = i;
  while (i < s.size()) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      out.push_back(c);
    } else if (c == '_' && i > start && i + 1 < s.size() && s[i - 1] != '_' && s[i + 1] >= '0' &&
               s[i + 1] <= '9') {
      // separator
    } else {
      break;
    }
    ++i;
  }
  return i > start;
}

bool digits_to_int64(bool negative, const std::string& digits, int64_t& out) {
  int64_t v = 0;
  for (char c : digits) {
    if (__builtin_mul_overflow(v, int64_t{10}, &v)) return false;
    const int64_t d = c - '0';
    if (negative ? __builtin_sub_overflow(v, d, &v) : __builtin_add_overflow(v, d, &v)) return false;
  }
  out = v;
  return true;
}

bool parse_toml_string(const std::string& s, std::string& out) {
  if (s.size() < 2 || s.front() != s.back()) return false;
  if (s.front() == '\'') {
    out = s.substr(1, s.size() - 2);
    return out.find('\'') == std::string::npos;
  }
  if (s.front() != '"') return false;
  out.clear();
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    char c = s[i];
    if (c == '"') return false;
    if (c == '\\') {
      if (i + 2 >= s.size()) return false;
      switch (s[++i]) {
        case '"': c = '"'; break;
        case '\\': c = '\\'; break;
        case 'b': c = '\b'; break;
        case 't': c = '\t'; break;
        case 'n': c = '\n'; break;
        case 'f': c = '\f'; break;
        case 'r': c = '\r'; break;
        default: return false;
      }
    }
    out.push_back(c);
  }
  return true;
}

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

tape_host_v1 host_table(CallScope* scope) {
  return tape_host_v1{sizeof(tape_host_v1), scope,          &host_now_ns,
                      &host_position,       &host_cash,     &host_money_scale,
                      &host_instrument_count, &host_symbol, &host_tick_size,
                      &host_top,            &host_send,     &host_cancel,
                      &host_replace,        &host_set_timer};
}

void append_bytes(void* sink, const uint8_t* data, size_t len) {
  static_cast<std::string*>(sink)->append(reinterpret_cast<const char*>(data), len);
}

std::string error_text(const std::array<char, kErrLen>& err) {
  std::string s(err.data(), strnlen(err.data(), err.size()));
  return s.empty() ? "(no message)" : s;
}

}  // namespace

const char* plugin_param_type_name(PluginParamType t) {
  switch (t) {
    case PluginParamType::kInt: return "int";
    case PluginParamType::kDecimal: return "decimal";
    case PluginParamType::kString: return "string";
    case PluginParamType::kBool: return "bool";
  }
  return "?";
}

Result<PluginParamValue> parse_plugin_param(const std::string& name, PluginParamType type,
                                            const std::string& text) {
  PluginParamValue v{name, type, 0, 0, text};
  switch (type) {
    case PluginParamType::kBool:
      if (text != "true" && text != "false") return type_error(name, type, text);
      v.int_value = text == "true" ? 1 : 0;
      return v;
    case PluginParamType::kString:
      if (!parse_toml_string(text, v.text)) return type_error(name, type, text);
      return v;
    case PluginParamType::kInt:
    case PluginParamType::kDecimal:
      break;
  }
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) ++i;
  std::string whole, frac;
  if (!take_digits(text, i, whole)) return type_error(name, type, text);
  if (type == PluginParamType::kDecimal && i < text.size() && text[i] == '.') {
    ++i;
    if (!take_digits(text, i, frac)) return type_error(name, type, text);
  }
  if (i != text.size()) return type_error(name, type, text);
  if (frac.size() > size_t(kMaxDecimalScale)) {
    return Status::invalid("parameter '" + name + "': more than 18 decimal places in '" + text +
                           "'");
  }
  if (!digits_to_int64(negative, whole + frac, v.int_value)) {
    return Status::invalid("parameter '" + name + "': '" + text + "' does not fit in int64");
  }
  v.scale = int32_t(frac.size());
  v.text = (negative ? "-" : "") + whole + (frac.empty() ? "" : "." + frac);
  return v;
}

// ---- PluginFactory ----

Result<std::shared_ptr<const PluginFactory>> PluginFactory::make(
    const tape_plugin_v1* table, std::shared_ptr<const void> library, std::string path) {
  const std::string who = "plugin " + path;
  if (table == nullptr) return Status::invalid(who + ": the entry point returned no table");
  if (table->abi_version != TAPE_PLUGIN_ABI_VERSION) {
    return Status::invalid(who + ": built for plugin ABI version " +
                           std::to_string(table->abi_version) + ", this tape loads version " +
                           std::to_string(TAPE_PLUGIN_ABI_VERSION));
  }
  if (table->struct_size < sizeof(tape_plugin_v1)) {
    return Status::invalid(who + ": its table is smaller than ABI version 1's");
  }
  if (table->name == nullptr || table->name[0] == '\0') return Status::invalid(who + ": no name");
  const bool complete = table->create && table->destroy && table->on_start && table->on_bar &&
                        table->on_quote && table->on_trade && table->on_book && table->on_fill &&
                        table->on_order && table->on_timer && table->save_state &&
                        table->load_state;
  if (!complete) return Status::invalid(who + ": its table lacks a function");
  if (table->param_count > 0 && table->params == nullptr) {
    return Status::invalid(who + ": parameters declared without a list");
  }
  std::shared_ptr<PluginFactory> f(new PluginFactory());
  f->table_ = table;
  f->library_ = std::move(library);
  f->name_ = table->name;
  f->path_ = std::move(path);
  for (uint32_t i = 0; i < table->param_count; ++i) {
    const tape_param_decl_v1& d = table->params[i];
    if (d.name == nullptr || d.name[0] == '\0' || d.type > TAPE_PARAM_BOOL ||
        d.default_text == nullptr) {
      return Status::invalid(who + ": parameter declaration " + std::to_string(i) +
                             " is malformed");
    }
    PluginParamDecl decl{d.name, static_cast<PluginParamType>(d.type), d.default_text,
                         d.doc == nullptr ? "" : d.doc};
    for (const PluginParamDecl& prev : f->params_) {
      if (prev.name == decl.name) {
        return Status::invalid(who + ": parameter '" + decl.name + "' declared twice");
      }
    }
    const Result<PluginParamValue> dflt = parse_plugin_param(decl.name, decl.type,
                                                             decl.default_text);
    if (!dflt.is_ok()) return Status::invalid(who + ": default of " + dflt.status().message());
    f->params_.push_back(std::move(decl));
  }
  return std::shared_ptr<const PluginFactory>(std::move(f));
}

Result<std::vector<PluginParamValue>> PluginFactory::resolve(
    const std::vector<PluginParam>& given) const {
  for (size_t i = 0; i < given.size(); ++i) {
    bool declared = false;
    for (const PluginParamDecl& d : params_) declared = declared || d.name == given[i].key;
    if (!declared) {
      return Status::invalid("plugin '" + name_ + "' has no parameter '" + given[i].key + "'");
    }
    for (size_t j = 0; j < i; ++j) {
      if (given[j].key == given[i].key) {
        return Status::invalid("parameter '" + given[i].key + "' given twice");
      }
    }
  }
  std::vector<PluginParamValue> out;
  out.reserve(params_.size());
  for (const PluginParamDecl& d : params_) {
    const std::string* text = &d.default_text;
    for (const PluginParam& p : given) {
      if (p.key == d.name) text = &p.value;
    }
    ASSIGN_OR_RETURN(PluginParamValue v, parse_plugin_param(d.name, d.type, *text));
    out.push_back(std::move(v));
  }
  return out;
}

Result<void*> PluginFactory::create(const std::vector<PluginParamValue>& values) const {
  std::vector<tape_param_value_v1> c;
  c.reserve(values.size());
  for (const PluginParamValue& v : values) {
    c.push_back(tape_param_value_v1{v.name.c_str(), static_cast<uint8_t>(v.type), v.int_value,
                                    v.scale, v.text.c_str()});
  }
  std::array<char, kErrLen> err{};
  void* instance = nullptr;
  const int rc = table_->create(c.data(), uint32_t(c.size()), &instance, err.data(), err.size());
  if (rc != TAPE_OK || instance == nullptr) {
    if (instance != nullptr) table_->destroy(instance);
    return Status::invalid("plugin '" + name_ + "' (" + path_ + "): create failed: " +
                           error_text(err));
  }
  return instance;
}

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
  // Only the terminator: zeroing all kErrLen bytes on every callback cost more than most
  // callbacks (error_text reads at most kErrLen bytes).
  std::array<char, kErrLen> err;
  err[0] = '\0';
  const int rc = fn(factory_->table(), &host_, err.data());
  if (rc != TAPE_OK) {
    fail(what, error_text(err), ctx.seq().value());
  } else if (!call_error_.empty()) {
    fail(what, call_error_, ctx.seq().value());
  }
  call_error_.clear();
}

void PluginStrategy::on_start(StrategyContext& ctx) {
  call(ctx, "on_start", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_start(instance_, h, err, kErrLen);
  });
}

void PluginStrategy::on_bar(StrategyContext& ctx, const BarIn& b) {
  const tape_bar_v1 bar{b.instrument.value(), b.open.value(), b.high.value(), b.low.value(),
                        b.close.value(),      b.volume.value(), b.period_ns};
  call(ctx, "on_bar", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_bar(instance_, h, &bar, err, kErrLen);
  });
}

void PluginStrategy::on_quote(StrategyContext& ctx, const QuoteIn& q) {
  const tape_quote_v1 quote{q.instrument.value(), q.bid.value(), q.bid_qty.value(),
                            q.ask.value(), q.ask_qty.value()};
  call(ctx, "on_quote", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_quote(instance_, h, &quote, err, kErrLen);
  });
}

void PluginStrategy::on_trade(StrategyContext& ctx, const TradeIn& tr) {
  const tape_trade_v1 trade{tr.instrument.value(), tr.price.value(), tr.qty.value(),
                            static_cast<uint8_t>(tr.aggressor)};
  call(ctx, "on_trade", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_trade(instance_, h, &trade, err, kErrLen);
  });
}

void PluginStrategy::on_book(StrategyContext& ctx, InstrumentId instrument) {
  const TopOfBook b = ctx.market().top(instrument);
  const tape_book_top_v1 top{instrument.value(),  uint8_t(b.has_bid ? 1 : 0),
                             uint8_t(b.has_ask ? 1 : 0), b.bid.value(),
                             b.bid_qty.value(),   b.ask.value(),
                             b.ask_qty.value()};
  call(ctx, "on_book", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_book(instance_, h, &top, err, kErrLen);
  });
}

// One report per side the strategy owns (both for a self-trade: maker first, as the portfolio
// books them).
void PluginStrategy::on_fill(StrategyContext& ctx, const Fill& f) {
  const auto own = [&](OrderId id, AccountId account) {
    return strategy_index_of(id) >= 0 ? ctx.issued(id) && account == ctx.account()
                                      : account == ctx.account();
  };
  const Side maker_side = opposite(f.aggressor);
  const tape_fill_v1 sides[2] = {
      {f.instrument.value(), f.maker.value(), static_cast<uint8_t>(maker_side), 1, f.price.value(),
       f.qty.value(), f.maker_leaves.value()},
      {f.instrument.value(), f.taker.value(), static_cast<uint8_t>(f.aggressor), 0,
       f.price.value(), f.qty.value(), f.taker_leaves.value()}};
  const bool owned[2] = {own(f.maker, f.maker_account), own(f.taker, f.taker_account)};
  for (int i = 0; i < 2; ++i) {
    if (!owned[i]) continue;
    call(ctx, "on_fill", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
      return t.on_fill(instance_, h, &sides[i], err, kErrLen);
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
    return t.on_order(instance_, h, &e, err, kErrLen);
  });
}

void PluginStrategy::on_order(StrategyContext& ctx, const OrderRejected& r) {
  tape_order_event_v1 e = order_event(TAPE_ORDER_EVENT_REJECTED, r.id, r.instrument);
  e.reason = static_cast<uint16_t>(r.reason);
  e.reason_name = reject_reason_name(r.reason);
  call(ctx, "on_order", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_order(instance_, h, &e, err, kErrLen);
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
    return t.on_order(instance_, h, &e, err, kErrLen);
  });
}

void PluginStrategy::on_order(StrategyContext& ctx, const OrderReplaced& r) {
  tape_order_event_v1 e = order_event(TAPE_ORDER_EVENT_REPLACED, r.id, r.instrument);
  e.price = r.price.value();
  e.qty = r.qty.value();
  e.priority_kept = r.priority_kept ? 1 : 0;
  call(ctx, "on_order", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_order(instance_, h, &e, err, kErrLen);
  });
}

void PluginStrategy::on_timer(StrategyContext& ctx) {
  call(ctx, "on_timer", [&](const tape_plugin_v1& t, const tape_host_v1* h, char* err) {
    return t.on_timer(instance_, h, err, kErrLen);
  });
}

void PluginStrategy::hash_state(StateHasher& h) const {
  std::string bytes;
  if (instance_ != nullptr) {
    std::array<char, kErrLen> err{};
    const int rc =
        factory_->table().save_state(instance_, &bytes, &append_bytes, err.data(), err.size());
    if (rc != TAPE_OK) {
      bytes.clear();
      fail("save_state", error_text(err), 0);
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
  std::array<char, kErrLen> err{};
  const int rc = factory_->table().load_state(
      instance_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), err.data(),
      err.size());
  if (rc != TAPE_OK) {
    r.fail("plugin '" + factory_->name() + "', strategy '" + strategy_name_ +
           "': load_state failed: " + error_text(err));
  }
  return r.status();
}

}  // namespace tape
