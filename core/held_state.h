// The canonical encoding of bus events held in core state (held acks, core/strategy.h; held
// market data, core/data_venue.h): one field list per event type, walked by a writer (hash,
// snapshot) and by a reader (restore, which range-checks every enum and flag), so the two never
// disagree. A variant is written as its alternative's index (u8), then its fields.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

#include "core/events.h"
#include "core/state_hash.h"
#include "core/state_reader.h"

namespace tape {

// The fields of each held event type, in declaration order. `f` is a HeldWriter or HeldReader.
template <typename F>
void held_fields(F& f, OrderAccepted& e) {
  f(e.id), f(e.account), f(e.instrument), f.en(e.side, Side::kSell);
  f.en(e.type, OrderType::kStopLimit), f.en(e.tif, TimeInForce::kGtd), f(e.price), f(e.qty);
  f(e.stop_price), f.flag(e.post_only), f(e.expire);
}
template <typename F>
void held_fields(F& f, OrderRejected& e) {
  f(e.id), f(e.account), f(e.instrument), f.en(e.reason, kLastRejectReason);
}
template <typename F>
void held_fields(F& f, OrderCancelled& e) {
  f(e.id), f(e.account), f(e.instrument), f(e.qty), f.en(e.reason, CancelReason::kEndOfData);
}
template <typename F>
void held_fields(F& f, OrderReplaced& e) {
  f(e.id), f(e.account), f(e.instrument), f(e.price), f(e.qty), f.flag(e.priority_kept);
}
template <typename F>
void held_fields(F& f, Fill& e) {
  f(e.instrument), f(e.maker), f(e.maker_account), f(e.taker), f(e.taker_account), f(e.price);
  f(e.qty), f.en(e.aggressor, Side::kSell), f(e.maker_leaves), f(e.taker_leaves);
}
template <typename F>
void held_fields(F& f, BarIn& e) {
  f(e.instrument), f(e.open), f(e.high), f(e.low), f(e.close), f(e.volume), f.i64(e.period_ns);
}
template <typename F>
void held_fields(F& f, QuoteIn& e) {
  f(e.instrument), f(e.bid), f(e.bid_qty), f(e.ask), f(e.ask_qty);
}
template <typename F>
void held_fields(F& f, TradeIn& e) {
  f(e.instrument), f(e.price), f(e.qty), f.en(e.aggressor, Side::kSell);
}

class HeldWriter {
 public:
  explicit HeldWriter(StateHasher& h) : h_(h) {}
  template <typename Tag, typename Rep>
  HeldWriter& operator()(Strong<Tag, Rep> s) {
    h_.v(s);
    return *this;
  }
  template <typename E>
  HeldWriter& en(E e, E /*last*/) {
    h_.u32(static_cast<uint32_t>(e));
    return *this;
  }
  HeldWriter& flag(bool b) {
    h_.u8(b);
    return *this;
  }
  HeldWriter& i64(int64_t v) {
    h_.i64(v);
    return *this;
  }
  // The event's copy is walked (the field lists take mutable references).
  template <typename... Ts>
  void variant(const std::variant<Ts...>& v) {
    h_.u8(static_cast<uint8_t>(v.index()));
    std::visit(
        [this](const auto& e) {
          auto copy = e;
          held_fields(*this, copy);
        },
        v);
  }

 private:
  StateHasher& h_;
};

class HeldReader {
 public:
  explicit HeldReader(StateReader& r) : r_(r) {}
  template <typename Tag, typename Rep>
  HeldReader& operator()(Strong<Tag, Rep>& s) {
    s = r_.v<Strong<Tag, Rep>>();
    return *this;
  }
  template <typename E>
  HeldReader& en(E& e, E last) {
    const uint32_t v = r_.u32();
    if (v > static_cast<uint32_t>(last)) r_.fail("held event: enum value out of range");
    e = static_cast<E>(v);
    return *this;
  }
  HeldReader& flag(bool& b) {
    const uint8_t v = r_.u8();
    if (v > 1) r_.fail("held event: flag out of range");
    b = v == 1;
    return *this;
  }
  HeldReader& i64(int64_t& v) {
    v = r_.i64();
    return *this;
  }
  // Reads a variant written by HeldWriter::variant; fails the reader on an unknown index.
  template <typename... Ts>
  void variant(std::variant<Ts...>& v) {
    const uint8_t index = r_.u8();
    if (index >= sizeof...(Ts)) {
      r_.fail("held event: kind out of range");
      return;
    }
    v = make<std::variant<Ts...>>(index, std::index_sequence_for<Ts...>{});
    std::visit([this](auto& e) { held_fields(*this, e); }, v);
  }

 private:
  template <typename V, size_t... I>
  static V make(size_t index, std::index_sequence<I...>) {
    V v;
    ((index == I ? (v.template emplace<I>(), 0) : 0), ...);
    return v;
  }
  StateReader& r_;
};

}  // namespace tape
