// Built-in market maker (`market_maker`, a BuiltinStrategy: core/builtin_strategy.h): one bid
// and one ask per traded instrument around the mid.
//
// Mid (kept in half-ticks, mid2 = bid + ask): the book's best bid and ask excluding the maker's
// own quotes (so its quotes never chase themselves; only where the book holds them,
// Context::book_has_own_orders: the data venues' book never does), when both sides have other
// liquidity; else
// the last valid QuoteIn (bid > 0, ask > 0, bid < ask); else it does not quote.
// Targets, with skew = skew_ticks_per_lot x trunc(position / skew_unit_lots):
//   bid = floor(mid) - half_spread_ticks - skew,   ask = ceil(mid) + half_spread_ticks - skew
// so a long maker lowers both quotes (sells more eagerly) and a short one raises them.
// A side is quoted (quote_qty lots) only if filling it would keep |position| <= max_position
// (0 = no limit) and its target price is > 0; otherwise its live order is cancelled.
// A live quote is moved (replace to the target price and quote_qty) only when the target is
// >= requote_ticks away from it. A side never sends a price that could trade against the
// maker's own other side (resting or requested); it waits for that side to move first.
// One order per side at a time: while a new, replace or cancel
// is pending (sent, not yet answered) that side does nothing. After a reject the side waits
// kRejectBackoffNs of simulated time before sending again (a killed or throttled maker does not
// flood the bus). Halted instruments are left alone.
// Parameters (MarketMakerParams, declared in spec() with their ranges) are range-checked at load
// (scenario keys and backtest params alike, exit 2 outside them): half_spread_ticks >= 1 (never
// self-crossing), skew_unit_lots >= 1, requote_ticks >= 1, quote_qty >= 1, max_position >= 0;
// construction still clamps to these for a caller that bypasses the check. After a fill of its
// own it requotes once per report.
#pragma once

#include <cstdint>
#include <vector>

#include "core/builtin_strategy.h"
#include "core/config.h"
#include "core/state_hash.h"
#include "core/state_reader.h"
#include "core/status.h"
#include "core/strategies/quote_mid.h"
#include "tape/strategy.h"

namespace tape {

class MarketMaker final : public BuiltinStrategy {
 public:
  // Simulated time a side waits after a reject before it sends again.
  static constexpr int64_t kRejectBackoffNs = 100'000'000;

  enum class Pending : uint8_t { kNone = 0, kNew = 1, kReplace = 2, kCancel = 3 };
  // One side's quote as the maker knows it.
  struct Quote {
    uint64_t id = 0;    // 0 = no live order
    int64_t price = 0;  // ticks, as resting in the book (the old price while a replace pends)
    int64_t qty = 0;    // open lots, as resting in the book
    Pending pending = Pending::kNone;
    int64_t retry_after_ns = 0;  // no new/replace before this simulated time
    int64_t target = 0;          // price asked for by the pending new/replace
  };

  static BuiltinSpec spec();
  MarketMaker(const api::Params& params, const BuiltinUniverse& universe);

  void on_quote(api::Context& ctx, const api::Quote& quote) override;
  void on_book(api::Context& ctx, const api::BookTop& top) override;
  void on_fill(api::Context& ctx, const api::FillReport& fill) override;
  void on_order(api::Context& ctx, const api::OrderEvent& e) override;
  void on_timer(api::Context& ctx) override;

  const Quote& quote(InstrumentId instrument, Side side) const;
  // Per instrument in id order: traded, quote mid, then bid and ask quotes (every field).
  void hash_state(StateHasher& h) const override;
  // Reads back hash_state's fields into a freshly constructed maker with the same config.
  // Fails the reader on a traded flag that disagrees with the config, a pending kind out of
  // range or an id the strategy never issued.
  Status restore_state(StateReader& r, const IssuedFn& issued) override;

 private:
  struct Book {
    bool traded = false;
    QuoteMid quote_mid;
    Quote sides[2];  // indexed by Side
  };

  // `top`: the book's top as on_book was given it, or nullptr to ask the context.
  void refresh(api::Context& ctx, InstrumentId instrument, const api::BookTop* top = nullptr);
  void steer(api::Context& ctx, InstrumentId instrument, Side side, bool wanted, int64_t target);
  bool mid2(const api::Context& ctx, InstrumentId instrument, const api::BookTop* top,
            int64_t& out) const;
  // True if `price` on `side` could trade against the maker's own order on the other side.
  bool crosses_own(const Book& book, Side side, int64_t price) const;
  // `top` (nullptr on a book without the maker's orders): the book's top, which answers unless
  // the maker's own quote is all there is at the best price; then the levels do.
  bool best_excluding_own(const api::Context& ctx, InstrumentId instrument, Side side,
                          const api::BookTop* top, int64_t& out) const;
  // The side of `instrument` whose live order is `id`, or nullptr.
  Quote* find(InstrumentId instrument, OrderId id);
  // The order events, by kind.
  void accepted(api::Context& ctx, const api::OrderEvent& e);
  void rejected(api::Context& ctx, const api::OrderEvent& e);
  void cancelled(api::Context& ctx, const api::OrderEvent& e);
  void replaced(api::Context& ctx, const api::OrderEvent& e);

  MarketMakerParams params_;
  std::vector<Book> books_;  // by instrument id
};

}  // namespace tape
