// The C++ layer of tape/strategy.h over the C boundary of tape/plugin.h: the adapter that turns a
// tape::api::Strategy class into the plugin table, and the export macro. Included by
// tape/strategy.h; authors use only TAPE_STRATEGY_PLUGIN.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tape/plugin.h"
#include "tape/strategy.h"

namespace tape::api {

namespace detail {

class HostContext final : public Context {
 public:
  explicit HostContext(const tape_host_v1* h) : h_(h) {}
  int64_t now_ns() const override { return h_->now_ns(h_->self); }
  int64_t position(uint32_t i) const override { return h_->position(h_->self, i); }
  int64_t cash() const override { return h_->cash(h_->self); }
  int64_t money_scale() const override { return h_->money_scale(h_->self); }
  uint32_t instrument_count() const override { return h_->instrument_count(h_->self); }
  std::string_view symbol(uint32_t i) const override { return view(h_->symbol(h_->self, i)); }
  std::string_view tick_size(uint32_t i) const override {
    return view(h_->tick_size(h_->self, i));
  }
  BookTop top(uint32_t i) const override {
    tape_book_top_v1 t{};
    BookTop out;
    out.instrument = i;
    if (h_->top(h_->self, i, &t) == 0) return out;
    out.has_bid = t.has_bid != 0, out.has_ask = t.has_ask != 0;
    out.bid = t.bid, out.bid_qty = t.bid_qty, out.ask = t.ask, out.ask_qty = t.ask_qty;
    return out;
  }
  uint32_t depth(uint32_t i, Side side, std::span<Level> out) const override {
    if (!has(offsetof(tape_host_v1, depth), sizeof h_->depth) || h_->depth == nullptr) return 0;
    constexpr size_t kOnStack = 16;  // the common ask: no allocation
    tape_level_v1 stack[kOnStack];
    std::vector<tape_level_v1> heap;
    tape_level_v1* buf = stack;
    const uint32_t max = static_cast<uint32_t>(std::min<size_t>(out.size(), UINT32_MAX));
    if (max > kOnStack) {
      heap.resize(max);
      buf = heap.data();
    }
    const uint32_t n = std::min(h_->depth(h_->self, i, static_cast<uint8_t>(side), buf, max), max);
    for (uint32_t k = 0; k < n; ++k) out[k] = Level{buf[k].price, buf[k].qty, buf[k].orders};
    return n;
  }
  bool book_has_own_orders() const override {
    if (!has(offsetof(tape_host_v1, book_has_own_orders), sizeof h_->book_has_own_orders) ||
        h_->book_has_own_orders == nullptr) {
      return true;
    }
    return h_->book_has_own_orders(h_->self) != 0;
  }
  bool halted(uint32_t i) const override {
    if (!has(offsetof(tape_host_v1, halted), sizeof h_->halted) || h_->halted == nullptr) return false;
    return h_->halted(h_->self, i) != 0;
  }
  uint64_t send(const OrderSpec& s) override {
    const tape_order_spec_v1 c{s.instrument,
                               static_cast<uint8_t>(s.side),
                               static_cast<uint8_t>(s.type),
                               static_cast<uint8_t>(s.tif),
                               static_cast<uint8_t>(s.post_only ? 1 : 0),
                               s.price,
                               s.stop_price,
                               s.qty,
                               s.expire_ns};
    return h_->send(h_->self, &c);
  }
  void cancel(uint32_t i, uint64_t id) override { h_->cancel(h_->self, i, id); }
  void replace(uint32_t i, uint64_t id, int64_t price, int64_t qty) override {
    h_->replace(h_->self, i, id, price, qty);
  }
  void set_timer(int64_t period_ns) override { h_->set_timer(h_->self, period_ns); }

 private:
  static std::string_view view(const char* s) { return s == nullptr ? std::string_view() : s; }
  // True if the host's table reaches the field at `offset` (fields appended within version 1).
  bool has(size_t offset, size_t size) const { return h_->struct_size >= offset + size; }
  const tape_host_v1* h_;
};

inline void write_error(char* err, size_t err_len, const char* what) {
  if (err == nullptr || err_len == 0) return;
  const size_t n = std::min(std::strlen(what), err_len - 1);
  std::memcpy(err, what, n);
  err[n] = '\0';
}

// Runs `f`, turning any exception into an error code and message: nothing crosses the boundary.
template <typename F>
int guarded(char* err, size_t err_len, F&& f) noexcept {
  try {
    f();
    return TAPE_OK;
  } catch (const std::exception& e) {
    write_error(err, err_len, e.what());
  } catch (...) {
    write_error(err, err_len, "unknown exception");
  }
  return TAPE_ERROR;
}

template <typename S>
struct Adapter {
  static S& self(void* p) { return *static_cast<S*>(p); }

  static int create(const tape_param_value_v1* values, uint32_t count, void** out, char* err,
                    size_t err_len) noexcept {
    *out = nullptr;
    return guarded(err, err_len, [&] { *out = new S(Params(values, count)); });
  }
  static void destroy(void* p) noexcept { delete static_cast<S*>(p); }
  static int on_start(void* p, const tape_host_v1* h, char* err, size_t n) noexcept {
    return guarded(err, n, [&] {
      HostContext ctx(h);
      self(p).on_start(ctx);
    });
  }
  static int on_bar(void* p, const tape_host_v1* h, const tape_bar_v1* b, char* err,
                    size_t n) noexcept {
    return guarded(err, n, [&] {
      HostContext ctx(h);
      self(p).on_bar(ctx, Bar{b->instrument, b->open, b->high, b->low, b->close, b->volume,
                              b->period_ns});
    });
  }
  static int on_quote(void* p, const tape_host_v1* h, const tape_quote_v1* q, char* err,
                      size_t n) noexcept {
    return guarded(err, n, [&] {
      HostContext ctx(h);
      self(p).on_quote(ctx, Quote{q->instrument, q->bid, q->bid_qty, q->ask, q->ask_qty});
    });
  }
  static int on_trade(void* p, const tape_host_v1* h, const tape_trade_v1* t, char* err,
                      size_t n) noexcept {
    return guarded(err, n, [&] {
      HostContext ctx(h);
      self(p).on_trade(ctx, Trade{t->instrument, t->price, t->qty, static_cast<Side>(t->aggressor)});
    });
  }
  static int on_book(void* p, const tape_host_v1* h, const tape_book_top_v1* t, char* err,
                     size_t n) noexcept {
    return guarded(err, n, [&] {
      HostContext ctx(h);
      self(p).on_book(ctx, BookTop{t->instrument, t->has_bid != 0, t->has_ask != 0, t->bid,
                                   t->bid_qty, t->ask, t->ask_qty});
    });
  }
  static int on_fill(void* p, const tape_host_v1* h, const tape_fill_v1* f, char* err,
                     size_t n) noexcept {
    return guarded(err, n, [&] {
      HostContext ctx(h);
      self(p).on_fill(ctx, FillReport{f->instrument, f->order_id, static_cast<Side>(f->side),
                                      f->is_maker != 0, f->price, f->qty, f->leaves});
    });
  }
  static int on_order(void* p, const tape_host_v1* h, const tape_order_event_v1* e, char* err,
                      size_t n) noexcept {
    return guarded(err, n, [&] {
      HostContext ctx(h);
      OrderEvent o;
      o.kind = static_cast<OrderEventKind>(e->kind);
      o.order_id = e->order_id, o.instrument = e->instrument;
      o.side = static_cast<Side>(e->side), o.type = static_cast<OrderType>(e->type);
      o.tif = static_cast<Tif>(e->tif);
      o.post_only = e->post_only != 0, o.priority_kept = e->priority_kept != 0;
      o.price = e->price, o.qty = e->qty, o.stop_price = e->stop_price;
      o.expire_ns = e->expire_ns, o.reason = e->reason;
      o.reason_name = e->reason_name == nullptr ? std::string_view() : e->reason_name;
      self(p).on_order(ctx, o);
    });
  }
  static int on_timer(void* p, const tape_host_v1* h, char* err, size_t n) noexcept {
    return guarded(err, n, [&] {
      HostContext ctx(h);
      self(p).on_timer(ctx);
    });
  }
  static int save_state(const void* p, void* sink, tape_write_fn write, char* err,
                        size_t n) noexcept {
    return guarded(err, n, [&] {
      std::vector<uint8_t> bytes;
      static_cast<const S*>(p)->save_state(bytes);
      write(sink, bytes.data(), bytes.size());
    });
  }
  static int load_state(void* p, const uint8_t* data, size_t len, char* err, size_t n) noexcept {
    return guarded(err, n, [&] { self(p).load_state(std::span<const uint8_t>(data, len)); });
  }
};

template <typename S>
struct Table {
  std::string name;
  std::vector<ParamSpec> specs;
  std::vector<tape_param_decl_v1> decls;
  tape_plugin_v1 table{};

  Table(const char* plugin_name, std::initializer_list<ParamSpec> params)
      : name(plugin_name), specs(params) {
    for (const ParamSpec& p : specs) {
      decls.push_back(tape_param_decl_v1{p.name.c_str(), static_cast<uint8_t>(p.type),
                                         p.default_text.c_str(), p.doc.c_str()});
    }
    using A = Adapter<S>;
    table.abi_version = TAPE_PLUGIN_ABI_VERSION;
    table.struct_size = sizeof(tape_plugin_v1);
    table.name = name.c_str();
    table.params = decls.data();
    table.param_count = static_cast<uint32_t>(decls.size());
    table.create = &A::create;
    table.destroy = &A::destroy;
    table.on_start = &A::on_start;
    table.on_bar = &A::on_bar;
    table.on_quote = &A::on_quote;
    table.on_trade = &A::on_trade;
    table.on_book = &A::on_book;
    table.on_fill = &A::on_fill;
    table.on_order = &A::on_order;
    table.on_timer = &A::on_timer;
    table.save_state = &A::save_state;
    table.load_state = &A::load_state;
  }
};

}  // namespace detail

// The C table for strategy class S (constructible from const Params&), built once. The export
// macro below returns it from the entry point; tests may call it directly.
template <typename S>
const tape_plugin_v1* plugin_table(const char* name, std::initializer_list<ParamSpec> params) {
  static_assert(std::is_base_of_v<Strategy, S>, "a plugin class derives from tape::api::Strategy");
  static const detail::Table<S> t(name, params);  // destroyed when the library is unloaded
  return &t.table;
}

}  // namespace tape::api

// Exports class `Class` as this library's strategy, named `Name` (a string literal), with the
// parameters that follow (tape::api::int_param(...), decimal_param, string_param, bool_param).
// One per shared library. The entry point is the only symbol the library needs to export.
#define TAPE_STRATEGY_PLUGIN(Class, Name, ...)                                         \
  extern "C" __attribute__((visibility("default"))) const tape_plugin_v1*              \
  tape_strategy_plugin_v1(void) {                                                      \
    return ::tape::api::plugin_table<Class>(Name, {__VA_ARGS__});                      \
  }
