#include "core/bounds.h"

#include <algorithm>
#include <limits>

#include "core/strategy.h"

namespace tape {
namespace {

constexpr __int128 kInt64Max = std::numeric_limits<int64_t>::max();

// a x b into *out, false on leaving int64 (both compilers provide the builtin).
bool mul(int64_t a, int64_t b, int64_t* out) { return !__builtin_mul_overflow(a, b, out); }

}  // namespace

bool checked_notional(const InstrumentConfig& instrument, Price price, Qty qty, int64_t* out) {
  int64_t n = 0;
  if (!mul(price.value(), instrument.tick_value, &n) || !mul(n, instrument.lot_size, &n) ||
      !mul(n, qty.value(), &n)) {
    return false;
  }
  *out = n;
  return true;
}

Status check_instrument_bounds(const InstrumentConfig& instrument, std::string_view where) {
  const std::string at(where);
  if (instrument.tick_value < 1 || instrument.lot_size < 1 ||
      instrument.max_order_qty.value() < 1) {
    return Status::invalid(at + ": tick_size, lot_size and max_order_qty must be positive");
  }
  if (!is_valid_price(instrument.initial_mid)) {
    return Status::invalid(at + ": initial_price is " +
                           std::to_string(instrument.initial_mid.value()) +
                           " ticks, outside the price domain [" + std::to_string(kMinPrice) +
                           ", " + std::to_string(kMaxPrice) + "] ticks");
  }
  // Each factor is positive and below 2^63, so the running product is compared before it can
  // pass 2^126.
  __int128 product = instrument.initial_mid.value();
  bool fits = true;
  for (int64_t factor : {instrument.tick_value, instrument.lot_size,
                         instrument.max_order_qty.value(), kNotionalHeadroom}) {
    product *= factor;
    if (product > kInt64Max) {
      fits = false;
      break;
    }
  }
  if (fits) return Status::ok();
  return Status::invalid(
      at + ": the notional of max_order_qty = " + std::to_string(instrument.max_order_qty.value()) +
      " lots at initial_price (" + std::to_string(instrument.initial_mid.value()) +
      " ticks x tick_size " + std::to_string(instrument.tick_value) + " minor units x lot_size " +
      std::to_string(instrument.lot_size) + ") must leave " + std::to_string(kNotionalHeadroom) +
      "x room below int64 minor units (" + std::to_string(std::numeric_limits<int64_t>::max()) +
      "); lower lot_size, tick_size, initial_price or max_order_qty");
}

Status check_book_bounds(const CoreConfig& config) {
  const __int128 orders = config.engine.order_pool_capacity;
  for (size_t i = 0; i < config.instruments.size(); ++i) {
    const InstrumentConfig& ic = config.instruments[i];
    if (orders * ic.max_order_qty.value() <= kInt64Max) continue;
    return Status::invalid("instruments[" + std::to_string(i) + "] (" + ic.symbol +
                           "): max_order_qty = " + std::to_string(ic.max_order_qty.value()) +
                           " lots x engine.order_pool_capacity = " +
                           std::to_string(config.engine.order_pool_capacity) +
                           " resting orders can total more than int64 lots at one price; "
                           "lower one of them");
  }
  return Status::ok();
}

uint64_t events_per_input_bound(const CoreConfig& config) {
  // fills_per_order_max is a uint32 and instruments and strategies are counted in the
  // thousands: the sum stays far below 2^64.
  const uint64_t fills = std::max<uint32_t>(config.engine.fills_per_order_max, 1);
  uint64_t bound = 3 * fills + 5;
  for (const StrategyConfig& s : config.strategies) {
    const uint64_t traded = traded_instruments(s, config.instruments.size()).size();
    bound += 2 * kIntentsPerInstrumentMax * traded;
  }
  return bound;
}

Status check_event_queue_capacity(const CoreConfig& config) {
  const uint64_t need = events_per_input_bound(config);
  if (config.event_queue_capacity >= need) return Status::ok();
  return Status::invalid(
      "engine.event_queue_capacity = " + std::to_string(config.event_queue_capacity) +
      " is below the " + std::to_string(need) +
      " events one input can queue at once (3 x engine.fills_per_order_max + 5, plus " +
      std::to_string(2 * kIntentsPerInstrumentMax) +
      " per instrument each strategy trades); raise engine.event_queue_capacity or lower "
      "engine.fills_per_order_max");
}

}  // namespace tape
