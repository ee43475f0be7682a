// The strategy API of tape (DESIGN section 8): what a strategy sees, what it may do, and how a
// C++ class becomes a plugin. Self-contained: plain C++20 over the C boundary of tape/plugin.h.
//
//   #include <tape/strategy.h>
//   class MyStrategy : public tape::api::Strategy {
//    public:
//     explicit MyStrategy(const tape::api::Params& p) : qty_(p.get_int("qty")) {}
//     void on_bar(tape::api::Context& ctx, const tape::api::Bar& bar) override { ... }
//     void save_state(std::vector<uint8_t>& out) const override { ... }
//     void load_state(std::span<const uint8_t> in) override { ... }
//    private:
//     int64_t qty_;
//   };
//   TAPE_STRATEGY_PLUGIN(MyStrategy, "my_strategy",
//                        tape::api::int_param("qty", 100, "shares per order"))
//
// Units: prices are int64 ticks, quantities int64 lots, money int64 minor units (see
// Context::money_scale), times int64 ns since the run's epoch. Instruments are indices into the
// run's instrument list. There is no floating point anywhere in this API: a decimal parameter is
// an exact Decimal.
//
// The built-in strategies (market_maker, momentum, fat_finger; core/strategies/) are classes of
// this same API, hosted without the C table.
//
// Rules the host keeps:
//  * One thread, one call at a time. Callbacks arrive in the core's deterministic order; a
//    strategy that is a pure function of what it was given replays bit for bit.
//  * on_start: once, before the first input of a run is delivered (not again after a restore).
//    on_bar / on_quote / on_trade / on_book: market data of the instruments the strategy
//    trades (its config's instruments, or all). on_trade also sees the venue's own fills, as
//    public prints. on_fill: a fill of one of its own orders (after the position is updated).
//    on_order: accepted, rejected (with the reason), cancelled (with the reason), replaced and
//    expired events of its own orders. on_timer: when its timer is due (Context::set_timer,
//    or the config's timer_ms); inside it now_ns() is the due time.
//  * Latency (docs/backtest.md "Latency"): with feed latency market data arrives that much after
//    its time; with ack latency on_fill and on_order arrive that much after the event, and
//    position() and cash() are the figures right after the last on_fill given (never a fill
//    not yet heard of).
//  * Orders go out through the Context and return their id at once; what happens to them comes
//    back as order events. An order risk or the venue refuses (qty <= 0, a price outside the
//    domain, post-only that would take, ...) is an OrderEvent of kind kRejected, not an error.
//  * An exception thrown from a callback never crosses into tape: the plugin layer catches it and
//    the run stops with an error naming the plugin, the callback and the input seq.
//  * save_state must write every byte the strategy's future behaviour depends on, and equal
//    states must write equal bytes: the bytes enter the run's state hash and its snapshots.
//    load_state reads them back into a freshly constructed instance (same parameters) and
//    throws on bytes it did not write.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tape/plugin.h"

namespace tape::api {

enum class Side : uint8_t { kBuy = TAPE_SIDE_BUY, kSell = TAPE_SIDE_SELL };
enum class OrderType : uint8_t {
  kLimit = TAPE_ORDER_LIMIT,
  kMarket = TAPE_ORDER_MARKET,
  kStop = TAPE_ORDER_STOP,
  kStopLimit = TAPE_ORDER_STOP_LIMIT,
};
enum class Tif : uint8_t {
  kGtc = TAPE_TIF_GTC,
  kIoc = TAPE_TIF_IOC,
  kFok = TAPE_TIF_FOK,
  kDay = TAPE_TIF_DAY,
  kGtd = TAPE_TIF_GTD,
};

// One OHLCV bar, delivered at its close (the bar's timestamp is now_ns(), plus the feed
// latency when one is set).
struct Bar {
  uint32_t instrument = 0;
  int64_t open = 0, high = 0, low = 0, close = 0;  // ticks
  int64_t volume = 0;                              // lots
  int64_t period_ns = 0;                           // 0 = not known
};

struct Quote {
  uint32_t instrument = 0;
  int64_t bid = 0, bid_qty = 0, ask = 0, ask_qty = 0;
};

struct Trade {
  uint32_t instrument = 0;
  int64_t price = 0, qty = 0;
  Side aggressor = Side::kBuy;
};

// One price level of a book side.
struct Level {
  int64_t price = 0, qty = 0;  // ticks; total resting lots
  uint32_t orders = 0;
};

struct BookTop {
  uint32_t instrument = 0;
  bool has_bid = false, has_ask = false;
  int64_t bid = 0, bid_qty = 0, ask = 0, ask_qty = 0;
};

// A fill of one of the strategy's own orders, seen from its side.
struct FillReport {
  uint32_t instrument = 0;
  uint64_t order_id = 0;
  Side side = Side::kBuy;
  bool is_maker = false;  // the order was resting
  int64_t price = 0, qty = 0;
  int64_t leaves = 0;  // still open after this fill
};

enum class OrderEventKind : uint8_t {
  kAccepted = TAPE_ORDER_EVENT_ACCEPTED,
  kRejected = TAPE_ORDER_EVENT_REJECTED,
  kCancelled = TAPE_ORDER_EVENT_CANCELLED,
  kReplaced = TAPE_ORDER_EVENT_REPLACED,
  kExpired = TAPE_ORDER_EVENT_EXPIRED,
};

struct OrderEvent {
  OrderEventKind kind = OrderEventKind::kAccepted;
  uint64_t order_id = 0;
  uint32_t instrument = 0;
  // kAccepted: the order as accepted. kReplaced: price and qty (the new open quantity).
  // kCancelled / kExpired: qty is the quantity cancelled.
  Side side = Side::kBuy;
  OrderType type = OrderType::kLimit;
  Tif tif = Tif::kGtc;
  bool post_only = false;
  bool priority_kept = false;  // kReplaced
  int64_t price = 0, qty = 0, stop_price = 0, expire_ns = 0;
  // kRejected: reject reason; kCancelled / kExpired: cancel reason. The code is the event log's
  // value; the name its stable text ("invalid_qty", "ioc_remainder", ...), valid in the callback.
  uint16_t reason = 0;
  std::string_view reason_name;
};

// Any order. Fields a type does not use are ignored.
struct OrderSpec {
  uint32_t instrument = 0;
  Side side = Side::kBuy;
  OrderType type = OrderType::kLimit;
  Tif tif = Tif::kGtc;
  bool post_only = false;   // limit orders only: rejected instead of taking
  int64_t price = 0;        // kLimit, kStopLimit
  int64_t stop_price = 0;   // kStop, kStopLimit: triggers when a print reaches it
  int64_t qty = 0;
  int64_t expire_ns = 0;    // Tif::kGtd
};

// What a strategy may see and do during a callback. Implemented by tape; valid only inside the
// callback it was passed to.
class Context {
 public:
  virtual ~Context() = default;

  virtual int64_t now_ns() const = 0;
  virtual int64_t position(uint32_t instrument) const = 0;  // signed lots
  virtual int64_t cash() const = 0;         // money minor units, after fees
  virtual int64_t money_scale() const = 0;  // minor units per currency unit
  virtual uint32_t instrument_count() const = 0;
  virtual std::string_view symbol(uint32_t instrument) const = 0;  // "" if unknown
  // The price of one tick as an exact decimal ("0.01"); "" if unknown.
  virtual std::string_view tick_size(uint32_t instrument) const = 0;
  // The best bid and ask the strategy sees: the rebuilt book (L3 backtests, after feed
  // latency), the last quote as displayed (quote backtests), the matching engine's book
  // (scenario runs); empty on bars, which have no book.
  virtual BookTop top(uint32_t instrument) const = 0;
  // Up to out.size() levels of `side` of the same book, best first; returns how many.
  virtual uint32_t depth(uint32_t instrument, Side side, std::span<Level> out) const = 0;
  // True while trading in `instrument` is halted (orders sent then are rejected).
  virtual bool halted(uint32_t instrument) const = 0;
  // True if top() and depth() count the strategy's own resting orders: the matching engine's
  // book (scenario runs) holds them. False on the data venues (quote and L3 backtests), whose
  // book is the data's and never holds them: a strategy that prices off the book minus its own
  // quotes must not subtract them there. (A host older than this call answers true.)
  virtual bool book_has_own_orders() const { return true; }

  // Sends any order; returns its id. What becomes of it arrives through on_order / on_fill.
  virtual uint64_t send(const OrderSpec& spec) = 0;
  virtual void cancel(uint32_t instrument, uint64_t order_id) = 0;
  // New price and new open quantity; priority is kept only when the price is unchanged and the
  // quantity goes down.
  virtual void replace(uint32_t instrument, uint64_t order_id, int64_t price, int64_t qty) = 0;
  // on_timer every period_ns from now (first at now + period_ns); 0 stops the timer.
  virtual void set_timer(int64_t period_ns) = 0;

  uint64_t market(uint32_t instrument, Side side, int64_t qty, Tif tif = Tif::kIoc) {
    OrderSpec s;
    s.instrument = instrument, s.side = side, s.type = OrderType::kMarket, s.tif = tif;
    s.qty = qty;
    return send(s);
  }
  uint64_t limit(uint32_t instrument, Side side, int64_t price, int64_t qty, Tif tif = Tif::kGtc,
                 bool post_only = false, int64_t expire_ns = 0) {
    OrderSpec s;
    s.instrument = instrument, s.side = side, s.type = OrderType::kLimit, s.tif = tif;
    s.price = price, s.qty = qty, s.post_only = post_only, s.expire_ns = expire_ns;
    return send(s);
  }
  uint64_t stop(uint32_t instrument, Side side, int64_t stop_price, int64_t qty,
                Tif tif = Tif::kGtc) {
    OrderSpec s;
    s.instrument = instrument, s.side = side, s.type = OrderType::kStop, s.tif = tif;
    s.stop_price = stop_price, s.qty = qty;
    return send(s);
  }
  uint64_t stop_limit(uint32_t instrument, Side side, int64_t stop_price, int64_t price,
                      int64_t qty, Tif tif = Tif::kGtc) {
    OrderSpec s;
    s.instrument = instrument, s.side = side, s.type = OrderType::kStopLimit, s.tif = tif;
    s.stop_price = stop_price, s.price = price, s.qty = qty;
    return send(s);
  }
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual void on_start(Context&) {}
  virtual void on_bar(Context&, const Bar&) {}
  virtual void on_quote(Context&, const Quote&) {}
  virtual void on_trade(Context&, const Trade&) {}
  virtual void on_book(Context&, const BookTop&) {}
  virtual void on_fill(Context&, const FillReport&) {}
  virtual void on_order(Context&, const OrderEvent&) {}
  virtual void on_timer(Context&) {}
  // Required (see the rules above): a stateless strategy writes nothing and accepts only "".
  virtual void save_state(std::vector<uint8_t>& out) const = 0;
  virtual void load_state(std::span<const uint8_t> in) = 0;
};

// ---- Parameters ----

// An exact decimal: units / 10^scale.
struct Decimal {
  int64_t units = 0;
  int32_t scale = 0;
  // The value in units of 10^-s, exact; throws if it is not exact or does not fit int64.
  int64_t at_scale(int32_t s) const {
    int64_t v = units;
    int32_t k = scale;
    for (; k < s; ++k) {
      if (__builtin_mul_overflow(v, int64_t{10}, &v)) throw std::overflow_error("decimal overflow");
    }
    for (; k > s; --k) {
      if (v % 10 != 0) throw std::domain_error("decimal is finer than the scale asked for");
      v /= 10;
    }
    return v;
  }
};

enum class ParamType : uint8_t {
  kInt = TAPE_PARAM_INT,
  kDecimal = TAPE_PARAM_DECIMAL,
  kString = TAPE_PARAM_STRING,
  kBool = TAPE_PARAM_BOOL,
};

// A declared parameter; default_text is TOML text (10, 0.5, "abc", true).
struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kInt;
  std::string default_text;
  std::string doc;
};

inline ParamSpec int_param(std::string name, int64_t dflt, std::string doc) {
  return {std::move(name), ParamType::kInt, std::to_string(dflt), std::move(doc)};
}
// `dflt` is the decimal as text, e.g. "0.001".
inline ParamSpec decimal_param(std::string name, std::string dflt, std::string doc) {
  return {std::move(name), ParamType::kDecimal, std::move(dflt), std::move(doc)};
}
// `dflt` is the string itself (no quotes, no escapes).
inline ParamSpec string_param(std::string name, std::string dflt, std::string doc) {
  return {std::move(name), ParamType::kString, "\"" + dflt + "\"", std::move(doc)};
}
inline ParamSpec bool_param(std::string name, bool dflt, std::string doc) {
  return {std::move(name), ParamType::kBool, dflt ? "true" : "false", std::move(doc)};
}

// The validated values of every declared parameter (the config's, else the default). A get of
// an undeclared name or of the wrong type throws std::invalid_argument (a plugin bug, reported
// as a create error).
class Params {
 public:
  Params(const tape_param_value_v1* values, uint32_t count) : values_(values, count) {}

  int64_t get_int(std::string_view name) const { return find(name, ParamType::kInt).int_value; }
  bool get_bool(std::string_view name) const { return find(name, ParamType::kBool).int_value; }
  Decimal get_decimal(std::string_view name) const {
    const tape_param_value_v1& v = find(name, ParamType::kDecimal);
    return Decimal{v.int_value, v.scale};
  }
  std::string get_string(std::string_view name) const {
    return find(name, ParamType::kString).text;
  }

 private:
  const tape_param_value_v1& find(std::string_view name, ParamType type) const {
    for (const tape_param_value_v1& v : values_) {
      if (name != v.name) continue;
      if (v.type != static_cast<uint8_t>(type)) {
        throw std::invalid_argument("parameter '" + std::string(name) + "' has another type");
      }
      return v;
    }
    throw std::invalid_argument("parameter '" + std::string(name) + "' is not declared");
  }
  std::span<const tape_param_value_v1> values_;
};

// ---- State bytes ----

// Little-endian fixed-width integers for save_state / load_state.
class StateWriter {
 public:
  explicit StateWriter(std::vector<uint8_t>& out) : out_(out) {}
  void u8(uint8_t v) { out_.push_back(v); }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  // Length-prefixed (u64) bytes.
  void str(std::string_view s) {
    u64(s.size());
    out_.insert(out_.end(), s.begin(), s.end());
  }

 private:
  std::vector<uint8_t>& out_;
};

// Reads what StateWriter wrote; throws std::runtime_error past the end.
class StateReader {
 public:
  explicit StateReader(std::span<const uint8_t> in) : in_(in) {}
  uint8_t u8() {
    need(1);
    return in_[pos_++];
  }
  uint64_t u64() {
    need(8);
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{in_[pos_ + i]} << (8 * i);
    pos_ += 8;
    return v;
  }
  int64_t i64() { return static_cast<int64_t>(u64()); }
  uint32_t u32() {
    need(4);
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{in_[pos_ + i]} << (8 * i);
    pos_ += 4;
    return v;
  }
  // What StateWriter::str wrote.
  std::string str() {
    const uint64_t n = u64();
    need(n);
    std::string s(reinterpret_cast<const char*>(in_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  bool at_end() const { return pos_ == in_.size(); }
  size_t position() const { return pos_; }  // bytes read so far
  // Throws unless every byte was read.
  void expect_end() const {
    if (!at_end()) throw std::runtime_error("trailing bytes in the saved state");
  }

 private:
  void need(uint64_t n) const {
    if (in_.size() - pos_ < n) throw std::runtime_error("saved state is truncated");
  }
  std::span<const uint8_t> in_;
  size_t pos_ = 0;
};

}  // namespace tape::api

#include "tape/strategy_plugin.h"  // the plugin adapter and TAPE_STRATEGY_PLUGIN
