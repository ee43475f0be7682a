// Read-only view of the books that strategies and risk consult. The engine implements it;
// tests fake it. One virtual call per query, never per subscriber per event.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/types.h"

namespace tape {

struct TopOfBook {
  bool has_bid = false;
  bool has_ask = false;
  Price bid;
  Qty bid_qty;  // total resting quantity at the best bid
  Price ask;
  Qty ask_qty;
  bool operator==(const TopOfBook&) const = default;
};

struct LevelView {
  Price price;
  Qty qty;
  uint32_t orders = 0;
  bool operator==(const LevelView&) const = default;
};

class MarketView {
 public:
  virtual ~MarketView() = default;
  virtual TopOfBook top(InstrumentId instrument) const = 0;
  // Fills `out` with up to out.size() levels of `side`, best first; returns how many.
  virtual size_t depth(InstrumentId instrument, Side side, std::span<LevelView> out) const = 0;
  virtual bool halted(InstrumentId instrument) const = 0;
  // True while the order rests in a book (accepted, not yet filled, cancelled or expired).
  virtual bool is_resting(OrderId id) const = 0;
  // True if top() and depth() include strategy orders (the matching engine's book); the data
  // venues (quotes, L3) answer false: their book is the data's alone.
  virtual bool holds_strategy_orders() const { return true; }
};

}  // namespace tape
