// Positions, cash, fees and PnL of managed (strategy) accounts, driven by the engine's fills.
// Single thread (the core's). Subscriber on the bus after Risk and Engine, before StrategyHost,
// so a strategy reacting to a Fill already sees its new position.
//
// Money is int64 minor units (kMoneyScale per currency unit):
//   notional(price, qty) = price.ticks x tick_value x lot_size x qty      (exact)
//   fee = round_half_away_from_zero(notional x ppm / 1'000'000)          (maker side pays
//         FeeConfig::maker_ppm, taker side taker_ppm; a negative ppm is a rebate)
//         + per_lot x qty                                                  (FeeConfig::per_lot)
//         + per_order                                   (only on the order's first fill)
//   first fill of an order: fee = max(fee, min_per_order)   (the order's fees are topped up
//         to the minimum on its first fill; its later fills pay their ppm and per-lot parts)
//   cash += -sign(side) x notional - fee                                   (per fill side)
// Rounding: only the ppm part has a fraction; it is rounded half away from zero to the money
// unit (one minor unit) per fill side, before the whole-unit parts are added. All fee parts are
// 0 by default, and then nothing here differs from a portfolio without them (same hash).
// Data venue fills (core/data_venue.h: maker id 0, maker_account kExternalAccountBase) book
// only the strategy's side, the taker of the Fill. It pays maker_ppm when the venue reports a
// maker fill (a working limit or stop-limit order filled by the data: bars' limit fills, a
// resting L1 order filled by a print or a quote through its price) and taker_ppm otherwise
// (market and stop fills, and what an order takes from the quote on arrival).
// First fill: with per_order or min_per_order non-zero the portfolio remembers, per (account,
// order id), the managed orders that have filled and are still open: a fill is an order's first
// when the order is not among them. An order leaves the set with a fill that leaves it nothing
// open, or with its OrderCancelled. The set is state (hashed) only while those fees are on.
// Overflow: notional, cash, cost, position, realized and fees are int64. A fill whose booking
// would take any of them out of int64 is not booked (nothing of it: the holding stays as it
// was) and status() names it; the core stops the run there with that error (exit 2). Nothing
// here aborts on a value an input can produce. Load-time bounds (check_instrument_bounds,
// core/bounds.h) keep ordinary runs far from it.
//
// Average-cost accounting, integer rule. Per (account, instrument) the book keeps `position`
// (signed lots) and `cost`, the signed notional of the open lots (buys +, sells -; long => cost
// > 0, short => cost < 0). A fill that adds to the position (or opens one) adds its signed
// notional to `cost`. A fill that reduces it by `c` of |position| lots removes
//   removed = round_half_away_from_zero(cost x c / |position|)
// from `cost` and realizes  -sign(side) x notional(price, c) - removed. Closing the whole
// position removes exactly `cost`, so the realized PnL of a round trip is exact; rounding only
// moves money between the partial closes of one position. A fill larger than |position| closes it
// and opens the remainder on the other side at the fill price (flip through zero).
//
// Mark price per instrument: the last trade (TradeIn or engine Fill), else the mid of the last
// valid quote (bid > 0, ask > 0, bid < ask, floor((bid + ask) / 2)); unrealized PnL is
//   position x notional(mark, 1) - cost, 0 while an instrument has no mark.
//
// Storage is dense: one slot per managed account id (< kExternalAccountBase), each with a vector
// of per-instrument holdings created at its first fill. Nothing is allocated per event after
// that. Fills of external accounts are ignored (they only move the mark).
#pragma once

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/event_queue.h"
#include "core/events.h"
#include "core/state_hash.h"
#include "core/state_reader.h"
#include "core/status.h"

namespace tape {

class DataVenue;

// round(num / den) with halves away from zero. Precondition: den > 0 and the result fits int64
// (aborts otherwise; the portfolio itself only calls it where that is proven).
int64_t div_round_half_away(__int128 num, __int128 den);

class Portfolio {
 public:
  Portfolio(const CoreConfig& config, EventQueue& queue);

  // Books both sides of the fill if managed (maker side: maker fee; taker side: taker fee) and
  // publishes a PositionUpdate for each managed side, maker first, then taker. Also marks.
  void on(const Fill& fill);
  void on(const TradeIn& trade);  // mark = last trade
  void on(const BarIn& bar);      // mark = the bar's close, as a trade
  void on(const QuoteIn& quote);  // mark = quote mid until the first trade
  void on(const OrderCancelled& cancelled);  // ends an order's fee history (first-fill fees)

  // The data venue whose fills this portfolio books (maker or taker ppm, see above); nullptr
  // (the default) when the run's venue is the engine's book. Not owned.
  void set_venue(const DataVenue* venue) { venue_ = venue; }

  // Read side. Unknown/unmanaged accounts and unknown instruments read as 0.
  int64_t position(AccountId account, InstrumentId instrument) const;
  // Sums over instruments below saturate to int64 (read-outs; each stored figure is exact).
  Money cash(AccountId account) const;  // all instruments, after fees
  Money fees(AccountId account) const;  // all instruments, cumulative
  Money fees(AccountId account, InstrumentId instrument) const;
  Money realized_pnl(AccountId account) const;  // all instruments, before fees
  Money realized_pnl(AccountId account, InstrumentId instrument) const;
  Money unrealized_pnl(AccountId account) const;  // at the current marks, saturated to int64
  // Sum over managed accounts of realized + unrealized - fees, saturated to int64 (a read-out:
  // a mark far from the cost can legitimately exceed it).
  Money total_pnl() const;
  // Ok, or the first fill that could not be booked without leaving int64 (see above).
  const Status& status() const { return status_; }
  // False while an instrument has seen neither a trade nor a valid quote.
  bool has_mark(InstrumentId instrument) const;
  Price mark(InstrumentId instrument) const;

  // Canonical order: the count of managed accounts with a non-zero book, then each in id order:
  // account id, cash, then per instrument in id order: position, cost, realized, fees; then per
  // instrument the mark state. An account whose every figure is 0 is left out: it reads as none.
  // Only with per_order or min_per_order non-zero: then the count of open orders that have
  // filled, and each (account, order id) in ascending order.
  void hash_state(StateHasher& h) const;
  // Reads back what hash_state wrote into a freshly constructed Portfolio with the same config.
  // Validates account ids (managed, ascending), flags and that a flat holding has no cost;
  // fails the reader (and returns its status) otherwise.
  Status restore_state(StateReader& r);

 private:
  struct Holding {
    int64_t position = 0;  // lots, signed
    int64_t cost = 0;      // signed notional of the open lots, minor units
    int64_t realized = 0;  // minor units, before fees
    int64_t fees = 0;      // minor units, cumulative; negative = net rebate
  };
  struct Account {
    int64_t cash = 0;
    std::vector<Holding> holdings;  // empty until the account's first fill
  };
  struct Mark {
    bool has_trade = false;
    bool has_mid = false;
    int64_t trade = 0;  // ticks
    int64_t mid = 0;    // ticks
  };

  // The fee of one fill side, by the rule above.
  struct FeeRule {
    int64_t ppm = 0;
    __int128 fixed = 0;      // per_lot x qty (+ per_order on a first fill)
    bool has_min = false;    // a first fill: topped up to `min`
    int64_t min = 0;
  };
  // Applies one side of a fill to a managed account (`order` its order id, `leaves` what the
  // order has open after it) and publishes its PositionUpdate; on overflow books nothing and
  // sets status_.
  void book_side(AccountId account, OrderId order, Qty leaves, const Fill& fill, Side side,
                 int64_t fee_ppm);
  // The account's cash and holding after one side of a fill, all-or-nothing: false (outputs
  // untouched) when a figure would leave int64.
  static bool apply_fill(const InstrumentConfig& cfg, Price price, int64_t qty, Side side,
                         const FeeRule& fee, int64_t* cash, Holding* h);
  const Holding* holding(AccountId account, InstrumentId instrument) const;
  __int128 unit_notional(InstrumentId instrument) const;  // notional of one lot at the mark
  static bool has_book(const Account& account);          // any figure non-zero

  std::vector<InstrumentConfig> instruments_;
  FeeConfig fees_config_;
  EventQueue& queue_;
  std::vector<Account> accounts_;  // indexed by managed account id
  std::vector<Mark> marks_;        // indexed by instrument id
  const DataVenue* venue_ = nullptr;
  bool track_orders_ = false;  // per_order or min_per_order on
  std::set<std::pair<uint32_t, uint64_t>> filled_open_;  // (account, order id), ordered: hashed
  Status status_;
};

}  // namespace tape
