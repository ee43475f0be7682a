// Shared by the strategy tests: a fake market view the test writes directly, momentum settings,
// and a fixture that runs a StrategyHost over a one-instrument config and collects its intents.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/portfolio.h"
#include "core/strategy.h"

namespace tape::testing_util {

// Plain constexpr (internal linkage): engine_fixture.h has a kExt of another type.
constexpr InstrumentId kInst(0);
constexpr AccountId kExt(2000);
constexpr int64_t kMs = 1'000'000;

// A book the test writes directly: levels best first per side.
class FakeMarket : public MarketView {
 public:
  std::vector<LevelView> bids, asks;
  bool halt = false;

  TopOfBook top(InstrumentId) const override {
    TopOfBook t;
    if (!bids.empty()) t = TopOfBook{true, false, bids[0].price, bids[0].qty, Price(), Qty()};
    if (!asks.empty()) {
      t.has_ask = true;
      t.ask = asks[0].price;
      t.ask_qty = asks[0].qty;
    }
    return t;
  }
  size_t depth(InstrumentId, Side side, std::span<LevelView> out) const override {
    const std::vector<LevelView>& levels = side == Side::kBuy ? bids : asks;
    size_t n = std::min(out.size(), levels.size());
    for (size_t i = 0; i < n; ++i) out[i] = levels[i];
    return n;
  }
  bool halted(InstrumentId) const override { return halt; }
  bool is_resting(OrderId) const override { return false; }
};

inline StrategyConfig momentum_config(AccountId account = AccountId(1)) {
  StrategyConfig s;
  s.kind = StrategyKind::kMomentum;
  s.name = "mom";
  s.account = account;
  s.momentum = MomentumParams{10, 0.3, Qty(5), 50, 100};
  return s;
}

inline TradeIn print(int64_t qty, Side aggressor) {
  return TradeIn{kInst, Price(100), Qty(qty), aggressor};
}

inline OrderId strategy_id(uint64_t index, uint64_t n) {
  return OrderId(kStrategyOrderIdBase + (index << 40) + n);
}

// Empties `queue`, returning the order intents in it (the rest is dropped).
inline std::vector<OrderIntent> drain_intents(EventQueue& queue) {
  std::vector<OrderIntent> out;
  while (!queue.empty()) {
    if (const auto* i = std::get_if<OrderIntent>(&queue.front())) out.push_back(*i);
    queue.pop();
  }
  return out;
}

class HostTest : public ::testing::Test {
 protected:
  HostTest() {
    InstrumentConfig inst;
    inst.symbol = "TEST";
    config_.instruments.push_back(inst);
  }

  StrategyHost& host() {
    if (!host_) {
      portfolio_.emplace(config_, queue_);
      host_.emplace(config_, clock_, market_, *portfolio_, queue_);
    }
    return *host_;
  }

  // Everything the host published since the last call, as intents.
  std::vector<OrderIntent> intents() { return drain_intents(queue_); }

  void at_ms(int64_t ms) { clock_.advance(Seq(clock_.seq().value() + 1), Timestamp(ms * kMs)); }
  void quote(int64_t bid, int64_t ask) {
    host().on(QuoteIn{kInst, Price(bid), Qty(5), Price(ask), Qty(5)});
  }
  void accept(const OrderIntent& i) {
    host().on(OrderAccepted{i.id, i.account, i.instrument, i.side, i.type, i.tif, i.price, i.qty});
  }
  // Quotes once and acks both resulting orders; returns them (bid, ask).
  std::vector<OrderIntent> quote_and_accept(int64_t bid, int64_t ask) {
    quote(bid, ask);
    std::vector<OrderIntent> out = intents();
    for (const OrderIntent& i : out) accept(i);
    return out;
  }
  void replaced(const OrderIntent& i) {
    host().on(OrderReplaced{i.id, i.account, i.instrument, i.price, i.qty, false});
  }
  // Gives `account` a position through a fill against an external order (portfolio first, as
  // on the bus; the host is not told, as the fill is not of a strategy order id).
  void set_position(AccountId account, int64_t lots) {
    const Side side = lots > 0 ? Side::kBuy : Side::kSell;
    portfolio_->on(Fill{kInst, OrderId(1), kExt, OrderId(2), account, Price(100),
                        Qty(lots > 0 ? lots : -lots), side, Qty(0), Qty(0)});
    while (!queue_.empty()) queue_.pop();  // PositionUpdates
  }
  std::string hash() {
    StateHasher h;
    host().hash_state(h);
    return h.hex();
  }

  CoreConfig config_;
  SimClock clock_;
  EventQueue queue_{4096};
  FakeMarket market_;
  std::optional<Portfolio> portfolio_;
  std::optional<StrategyHost> host_;
};

}  // namespace tape::testing_util
