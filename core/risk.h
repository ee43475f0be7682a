// Pre-trade risk for managed (strategy) accounts. Every OrderIntent gets exactly one
// RiskDecision; a rejected intent is also published as an OrderRejected with the same reason, so
// the strategy hears about it like any other reject. A breach is an event, never an error.
// Single thread (the core's). First subscriber on the bus.
//
// Checks for kNew and kReplace intents, in this order (the first breach decides the reason):
//   1. kill switch on                                  -> kKillSwitch
//   2. instrument id not configured                    -> kUnknownInstrument
//   2a. (kNew) post_only other than on a limit order with GTC, day or GTD -> kInvalidOrderType
//      (other invalid types, sides and tifs are the engine's to reject)
//   2b. (kNew) kStop / kStopLimit whose stop_price is outside the price domain
//      [kMinPrice, kMaxPrice] (core/bounds.h)           -> kInvalidStopPrice
//   2c. (kNew) kGtd whose expire <= now (SimClock::now()) -> kInvalidExpiry
//   3. qty > RiskLimits::max_order_qty                 -> kMaxOrderQty
//   4. price x tick_value x lot_size x qty > max_notional -> kMaxNotional
//      The price judged: a limit or stop-limit order's limit price; a stop (market once
//      triggered) order's stop price; a market order's reference price (with no reference yet
//      a market order is rejected: its notional cannot be bounded). Also, limit or not, an
//      order whose notional leaves int64 (checked_notional, core/bounds.h) at a valid price and
//      qty: no fill of it could be booked.
//   5. |position + open same-side qty + qty| > position_limit (worst case if every open order
//      of that side fills; a sell counts negative; a replace counts its new qty instead of the
//      order's current open qty)                          -> kPositionLimit
//   6. |price - ref| x 10'000 > price_band_bps x ref     -> kPriceBand
//      (the price of check 4 for limit, stop-limit and stop orders; never for market orders;
//      skipped while the instrument has no reference price)
//   7. token bucket of the account empty                -> kRateLimit
// A limit of 0 disables its check (rate limit: rate_limit_per_s == 0). Cancels are always
// approved and never consume tokens: pulling orders must always work, even when killed.
// Checks 3-6 do not validate the order itself (qty <= 0, price <= 0): the engine does. The
// engine repeats 2a-2c for orders that arrive as inputs and adds what only the book can judge
// (post-only that would take: kWouldTake).
//
// Reference price per instrument: the last trade (TradeIn or engine Fill), else the mid of the
// last valid quote (bid > 0, ask > 0, bid < ask): floor((bid + ask) / 2).
//
// Rate limit: one bucket per managed account, in integer milli-tokens on simulated time
// (SimClock::now()). Capacity rate_limit_burst tokens (clamped to at least 1), starts full at the
// account's first intent, refills rate_limit_per_s tokens per simulated second with the
// sub-milli-token remainder carried (no drift). An approved kNew/kReplace costs one token.
//
// Open quantity: an approved kNew counts as open at once (so two intents queued by one handler
// see each other), is confirmed by OrderAccepted, reduced by Fills (to the reported leaves),
// set by OrderReplaced and removed by OrderCancelled, a full fill, or an OrderRejected of a
// not-yet-accepted order. Orders of managed accounts that arrive as inputs are counted from
// their OrderAccepted. A stop order waiting for its trigger is open quantity like a resting
// limit order (from its approval until its fill, cancel or expiry), so check 5 counts it: a
// strategy cannot stack stops beyond its position limit.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "core/event_queue.h"
#include "core/events.h"
#include "core/state_hash.h"
#include "core/state_reader.h"
#include "core/status.h"

namespace tape {

class Risk {
 public:
  Risk(const CoreConfig& config, const SimClock& clock, EventQueue& queue);

  // Publishes RiskDecision{intent, approved, reason}; if rejected also OrderRejected.
  void on(const OrderIntent& intent);
  // Reference prices; Fill also moves managed positions and open quantities.
  void on(const QuoteIn& quote);
  void on(const TradeIn& trade);
  void on(const BarIn& bar);  // the close is the reference, as a last trade
  void on(const Fill& fill);
  // Open quantity of managed orders.
  void on(const OrderAccepted& accepted);
  void on(const OrderCancelled& cancelled);
  void on(const OrderReplaced& replaced);
  void on(const OrderRejected& rejected);
  // kKillSwitchOn / kKillSwitchOff; halts are the engine's business.
  void on(const ControlIn& control);

  bool kill_switch() const { return kill_switch_; }

  struct Counters {
    uint64_t checked = 0;  // intents seen, cancels included
    uint64_t approved = 0;
    std::array<uint64_t, 32> rejects_by_reason{};  // indexed by RejectReason value
  };
  const Counters& counters() const { return counters_; }

  // Read side for tests and reports. Unknown ids read as 0 / nullopt.
  std::optional<Price> reference_price(InstrumentId instrument) const;
  int64_t position(AccountId account, InstrumentId instrument) const;
  int64_t open_qty(AccountId account, InstrumentId instrument, Side side) const;

  // Canonical order: kill switch; reference state per instrument; the count of managed
  // accounts with a non-zero exposure, then each (id order): id, per instrument position, open
  // buy, open sell; open orders in id order; the count of started token buckets, then each (id
  // order); counters. All-zero exposures are left out: they behave as none.
  void hash_state(StateHasher& h) const;
  // Reads back what hash_state wrote into a freshly constructed Risk with the same config.
  // Validates account and instrument ids, enums, bucket levels and that the open orders add up
  // to the exposures' open quantities; fails the reader (and returns its status) otherwise.
  Status restore_state(StateReader& r);

 private:
  struct Exposure {
    int64_t position = 0;
    int64_t open[2] = {0, 0};  // indexed by Side
  };
  struct OpenOrder {
    AccountId account;
    InstrumentId instrument;
    Side side = Side::kBuy;
    int64_t open_qty = 0;
    bool accepted = false;
  };
  struct Bucket {
    bool started = false;
    int64_t milli_tokens = 0;
    int64_t remainder = 0;  // refill progress below one milli-token, in ns x tokens/s units
    int64_t last_ns = 0;
  };
  struct Reference {
    bool has_trade = false;
    bool has_mid = false;
    int64_t trade = 0;
    int64_t mid = 0;
  };

  RejectReason check(const OrderIntent& intent);
  RejectReason check_order_type(const OrderIntent& intent) const;
  static Price judged_price(const OrderIntent& intent);
  bool notional_ok(const OrderIntent& intent) const;
  bool position_ok(const OrderIntent& intent) const;
  bool band_ok(const OrderIntent& intent) const;
  bool take_token(AccountId account);
  void decide(const OrderIntent& intent, RejectReason reason);

  Exposure& exposure(AccountId account, InstrumentId instrument);
  const Exposure* find_exposure(AccountId account, InstrumentId instrument) const;
  // Sets an order's open quantity; 0 removes it. Keeps the per-side totals in step.
  void set_open(std::map<uint64_t, OpenOrder>::iterator it, int64_t open_qty);

  // Sections of restore_state, in hash_state order.
  void restore_exposures(StateReader& r);
  void restore_open_orders(StateReader& r);
  void restore_buckets(StateReader& r);

  std::vector<InstrumentConfig> instruments_;
  RiskLimits limits_;
  const SimClock& clock_;
  EventQueue& queue_;
  bool kill_switch_ = false;
  std::vector<Reference> references_;             // by instrument id
  std::vector<std::vector<Exposure>> exposures_;  // by managed account id, then instrument
  std::vector<Bucket> buckets_;                   // by managed account id
  std::map<uint64_t, OpenOrder> open_orders_;     // managed orders by id (ordered: hashed)
  Counters counters_;
};

}  // namespace tape
