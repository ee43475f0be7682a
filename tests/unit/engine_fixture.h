// Shared by the engine tests: a two-instrument config, short names for published events, and a
// fixture that sends one input at a time and returns what the engine published.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/engine.h"

namespace tape::testing_util {

// Plain constexpr (internal linkage): strategy_fixture.h has a kExt of another type.
constexpr uint32_t kExt = 1000;  // an external account
constexpr uint32_t kMgd = 1;     // a managed (strategy) account

inline CoreConfig make_config(uint32_t instruments = 2) {
  CoreConfig c;
  for (uint32_t i = 0; i < instruments; ++i) {
    InstrumentConfig ic;
    ic.symbol = std::string(1, static_cast<char>('A' + i));
    ic.initial_mid = Price(100);
    ic.max_order_qty = Qty(1000);
    c.instruments.push_back(ic);
  }
  c.engine.order_pool_capacity = 1024;
  c.engine.ladder_levels_initial = 64;
  c.engine.ladder_levels_max = 1u << 16;
  return c;
}

// Short names of the BusEvent alternatives, by variant index.
inline const char* kind(const BusEvent& e) {
  static const char* kNames[] = {"quote",      "trade",   "new",       "cancel_in",
                                 "replace_in", "control", "heartbeat", "accepted",
                                 "rejected",   "fill",    "cancelled", "replaced",
                                 "intent",     "risk",    "position",  "book_changed",
                                 "input_rejected", "bar", "book_message"};
  static_assert(std::size(kNames) == std::variant_size_v<BusEvent>);
  return kNames[e.index()];
}

inline std::vector<std::string> kinds(const std::vector<BusEvent>& events) {
  std::vector<std::string> out;
  for (const BusEvent& e : events) out.push_back(kind(e));
  return out;
}

template <typename T>
std::vector<T> all_of(const std::vector<BusEvent>& events) {
  std::vector<T> out;
  for (const BusEvent& e : events) {
    if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
  }
  return out;
}

template <typename T>
T only(const std::vector<BusEvent>& events) {
  const std::vector<T> v = all_of<T>(events);
  EXPECT_EQ(v.size(), 1u);
  return v.empty() ? T{} : v.front();
}

using Strs = std::vector<std::string>;

class EngineTest : public ::testing::Test {
 protected:
  void reset(const CoreConfig& c) {
    config_ = c;
    queue_.clear();
    engine_ = std::make_unique<Engine>(config_, queue_);
  }
  std::vector<BusEvent> drain() {
    std::vector<BusEvent> out;
    while (!queue_.empty()) {
      out.push_back(queue_.front());
      queue_.pop();
    }
    return out;
  }
  template <typename In>
  std::vector<BusEvent> send(const In& in) {
    engine_->on(in);
    auto events = drain();
    EXPECT_EQ(engine_->check_invariants(), "");
    return events;
  }
  static NewOrderIn limit(uint64_t id, Side side, int64_t price, int64_t qty,
                          TimeInForce tif = TimeInForce::kGtc, uint32_t account = kExt,
                          uint32_t instrument = 0) {
    return NewOrderIn{OrderId(id),
                      AccountId(account),
                      InstrumentId(instrument),
                      side,
                      OrderType::kLimit,
                      tif,
                      Price(price),
                      Qty(qty)};
  }
  static NewOrderIn market(uint64_t id, Side side, int64_t qty,
                           TimeInForce tif = TimeInForce::kIoc) {
    return NewOrderIn{OrderId(id), AccountId(kExt), InstrumentId(0), side, OrderType::kMarket,
                      tif,         Price(0),        Qty(qty)};
  }
  static CancelIn cancel(uint64_t id, uint32_t account = kExt, uint32_t instrument = 0) {
    return CancelIn{OrderId(id), AccountId(account), InstrumentId(instrument)};
  }
  static ReplaceIn replace(uint64_t id, int64_t price, int64_t qty, uint32_t account = kExt) {
    return ReplaceIn{OrderId(id), AccountId(account), InstrumentId(0), Price(price), Qty(qty)};
  }
  static ControlIn control(ControlKind k, uint32_t instrument = 0) {
    return ControlIn{k, InstrumentId(instrument)};
  }
  RejectReason reject_reason(const std::vector<BusEvent>& events) {
    EXPECT_EQ(kinds(events), Strs{"rejected"});
    return only<OrderRejected>(events).reason;
  }
  std::vector<uint64_t> maker_ids(const std::vector<BusEvent>& events) {
    std::vector<uint64_t> ids;
    for (const Fill& f : all_of<Fill>(events)) ids.push_back(f.maker.value());
    return ids;
  }

  CoreConfig config_ = make_config();
  EventQueue queue_{1 << 14};
  std::unique_ptr<Engine> engine_ = std::make_unique<Engine>(config_, queue_);
};

}  // namespace tape::testing_util
