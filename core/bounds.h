// The value domains the core computes in, in one place, and the load-time checks that keep a
// configuration inside them. Pure functions: no state, no allocation beyond error messages.
//
// Prices. Every limit price an order or a replace may carry, every price that rests in a book,
// is hashed, snapshotted and restored, lies in [kMinPrice, kMaxPrice] ticks: the same bound as
// market data (kMaxFeedValue, checked on quotes and trades), so a book never holds a price a
// quote could not carry. The engine rejects a limit price outside it (kInvalidPrice), the order
// book refuses to hold one (OrderBook::can_hold), and restore refuses a snapshot level outside
// it. Because every resting price and the ladder's base stay within 2^40 of zero, ladder
// arithmetic cannot overflow; OrderBook still compares in unsigned/widened form so that no
// input can make it do so.
//
// Money. notional = price x tick_value x lot_size x qty in int64 minor units. The portfolio
// and risk use checked_notional and never abort on an overflow: risk rejects the order
// (kMaxNotional) and the portfolio reports a clear error (Portfolio::status). At load,
// check_instrument_bounds refuses an instrument whose largest order at its initial price leaves
// less than kNotionalHeadroom of room below int64, so such a run stops at load, not mid-way.
//
// Event queue. check_event_queue_capacity refuses a capacity below events_per_input_bound,
// the most events the built-in components can hold in the bus queue at once for one input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/status.h"
#include "core/types.h"

namespace tape {

// ---- Prices ----

inline constexpr int64_t kMinPrice = 1;
inline constexpr int64_t kMaxPrice = kMaxFeedValue;  // 10^12 ticks

// The one resting-price domain (see above).
constexpr bool is_valid_price(Price p) {
  return p.value() >= kMinPrice && p.value() <= kMaxPrice;
}

// ---- Money ----

// A price may rise this many times above the instrument's initial price (or positions
// accumulate this many maximum-size orders) before its accounting can leave int64.
inline constexpr int64_t kNotionalHeadroom = 1024;

// price x tick_value x lot_size x qty into *out; false (and *out untouched) when the exact
// product leaves int64. Defined for every int64 input, negative ones included.
bool checked_notional(const InstrumentConfig& instrument, Price price, Qty qty, int64_t* out);

// Load-time check of one instrument: tick_value, lot_size and max_order_qty >= 1, the initial
// mid inside the price domain, and
//   initial_mid x tick_value x lot_size x max_order_qty x kNotionalHeadroom <= INT64_MAX.
// On failure: Status::invalid("<where>: ...") naming the keys (tick_size, lot_size,
// initial_price, max_order_qty), the product and the limit. `where` locates the instrument,
// e.g. "scenario.toml: instruments[0] (ACME)".
Status check_instrument_bounds(const InstrumentConfig& instrument, std::string_view where);

// Quantities. A level's (and a side's) total is the sum of the leaves of the orders resting
// there: at most order_pool_capacity orders of at most max_order_qty lots each. Refuses, naming
// both keys, an instrument for which that product leaves int64; ok otherwise.
Status check_book_bounds(const CoreConfig& config);

// ---- Event queue ----

// Intents one strategy can have outstanding (sent, not yet answered) per traded instrument:
// each built-in strategy waits for the answer to a side's quote, cancel or replace before it
// sends again on that side, and a fat finger sends its burst one order at a time.
inline constexpr uint64_t kIntentsPerInstrumentMax = 4;

// The sizing rule EventQueue documents: the most events one input holds in the bus queue at
// once. One order publishes an accept, up to fills_per_order_max fills, a cancel and a book
// change, and each fill adds up to two position updates before the queue moves past it; every
// outstanding strategy intent holds a risk decision and possibly a reject. So
//   3 x fills_per_order_max + 5 + sum over strategies of 2 x kIntentsPerInstrumentMax x traded
// (traded = instruments the strategy trades). A kill switch adds one cancel per resting order
// of a managed account; built-in strategies rest at most two per instrument, counted above.
uint64_t events_per_input_bound(const CoreConfig& config);

// Status::invalid naming engine.event_queue_capacity, its value and the bound, when
// config.event_queue_capacity < events_per_input_bound(config); ok otherwise.
Status check_event_queue_capacity(const CoreConfig& config);

}  // namespace tape
