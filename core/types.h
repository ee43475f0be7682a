// Strong scalar types of the engine. Every quantity that reaches the book, the log or a hash is
// an integer: prices in ticks, quantities in lots, money in minor units (1e-4 of the quote
// currency). Doubles live only in analytics (determinism rule 4, docs/determinism.md).
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <limits>

namespace tape {

// A tagged integer: arithmetic only within its own type, explicit construction, no implicit
// conversion back to the raw integer. `Rep` is the stored representation.
template <typename Tag, typename Rep>
class Strong {
 public:
  using rep = Rep;
  constexpr Strong() = default;
  constexpr explicit Strong(Rep v) : v_(v) {}
  constexpr Rep value() const { return v_; }
  constexpr auto operator<=>(const Strong&) const = default;
  constexpr bool operator==(const Strong&) const = default;

 private:
  Rep v_ = 0;
};

// Additive types (Price, Qty, Money) also support +, -, negation and scaling by an integer.
template <typename Tag, typename Rep>
class Additive : public Strong<Tag, Rep> {
 public:
  using Strong<Tag, Rep>::Strong;
  constexpr Additive(Strong<Tag, Rep> s) : Strong<Tag, Rep>(s) {}  // NOLINT
  friend constexpr Additive operator+(Additive a, Additive b) { return Additive(a.value() + b.value()); }
  friend constexpr Additive operator-(Additive a, Additive b) { return Additive(a.value() - b.value()); }
  friend constexpr Additive operator-(Additive a) { return Additive(-a.value()); }
  friend constexpr Additive operator*(Additive a, Rep k) { return Additive(a.value() * k); }
  constexpr Additive& operator+=(Additive b) { *this = *this + b; return *this; }
  constexpr Additive& operator-=(Additive b) { *this = *this - b; return *this; }
  constexpr auto operator<=>(const Additive&) const = default;
  constexpr bool operator==(const Additive&) const = default;
};

struct PriceTag {};
struct QtyTag {};
struct MoneyTag {};
struct InstrumentTag {};
struct OrderTag {};
struct AccountTag {};
struct SeqTag {};
struct TimestampTag {};

using Price = Additive<PriceTag, int64_t>;   // ticks
using Qty = Additive<QtyTag, int64_t>;       // lots
using Money = Additive<MoneyTag, int64_t>;   // minor units, kMoneyScale per currency unit
using InstrumentId = Strong<InstrumentTag, uint32_t>;
using OrderId = Strong<OrderTag, uint64_t>;
using AccountId = Strong<AccountTag, uint32_t>;
using Seq = Strong<SeqTag, uint64_t>;              // inputs are numbered from 1
using Timestamp = Strong<TimestampTag, int64_t>;   // ns since the scenario epoch

inline constexpr int64_t kMoneyScale = 10'000;  // minor units per currency unit

// Accounts below this id are managed by the engine (strategies: risk-checked, tracked in the
// portfolio, position updates published). Accounts at or above it are external participants.
inline constexpr uint32_t kExternalAccountBase = 1000;
inline constexpr bool is_managed(AccountId a) { return a.value() < kExternalAccountBase; }

// Order ids issued by strategies live in their own range so they never collide with ids that
// arrive on inputs. Strategy s issues kStrategyOrderIdBase + (s << 40) + n.
inline constexpr uint64_t kStrategyOrderIdBase = uint64_t{1} << 62;

enum class Side : uint8_t { kBuy = 0, kSell = 1 };
inline constexpr Side opposite(Side s) { return s == Side::kBuy ? Side::kSell : Side::kBuy; }
inline constexpr int64_t sign(Side s) { return s == Side::kBuy ? 1 : -1; }

// Persisted enums: their numeric values are frozen (docs/event_log_format.md).
// kStop: a market order once the stop price trades (buy: a print >= stop; sell: <= stop).
// kStopLimit: a limit order at `price` once the stop price trades.
enum class OrderType : uint8_t { kLimit = 0, kMarket = 1, kStop = 2, kStopLimit = 3 };
// kDay: expires at the end of the UTC day it was accepted in. kGtd: expires at its `expire` time.
enum class TimeInForce : uint8_t { kGtc = 0, kIoc = 1, kFok = 2, kDay = 3, kGtd = 4 };

enum class ControlKind : uint8_t { kHalt = 0, kResume = 1, kKillSwitchOn = 2, kKillSwitchOff = 3 };

enum class RejectReason : uint16_t {
  kNone = 0,
  kUnknownInstrument = 1,
  kInvalidQty = 2,          // zero or negative
  kInvalidPrice = 3,        // limit price outside [1, 10^12] ticks (core/bounds.h)
  kPriceOutOfRange = 4,     // outside the ladder the book can hold
  kDuplicateOrderId = 5,
  kUnknownOrderId = 6,
  kHalted = 7,
  kBookFull = 8,            // order pool exhausted
  kMaxOrderQty = 9,
  kMaxNotional = 10,
  kPositionLimit = 11,
  kPriceBand = 12,
  kRateLimit = 13,
  kKillSwitch = 14,
  kFokUnfillable = 15,      // reserved: FOK that cannot fill is reported as a cancel
  kNoLiquidity = 16,        // reserved: market order on an empty side is reported as a cancel
  kNotOwner = 17,           // cancel/replace from an account that does not own the order
  kInvalidOrderType = 18,   // e.g. a market order with GTC
  kCrossedQuote = 19,       // a quote whose bid is at or above its ask
  kQtyAboveInstrumentMax = 20,
  kTimestampBackwards = 21,  // an input stamped before its predecessor (clamped by the sequencer)
  kInvalidBar = 22,          // a bar whose open or close lies outside [low, high]
  kWouldTake = 23,           // a post-only order that would trade on arrival
  kInvalidStopPrice = 24,    // a stop order whose stop price is outside the price domain
  kInvalidExpiry = 25,       // a GTD order whose expiry is not after its arrival
  // A live message that is no input (live/, the JSONL reasons of docs/data_formats.md):
  kBadJson = 26,             // not JSON, not an object, a duplicate key
  kUnknownType = 27,         // "type" names no input type
  kMissingField = 28,
  kUnknownField = 29,
  kBadType = 30,             // a field of the wrong JSON type
  kBadNumber = 31,
  kNotOnTick = 32,
  kNegativeSize = 33,
  kBadEnum = 34,
  kBadTime = 35,
  kNotAnInput = 36,          // an output line (it has "k")
};
inline constexpr RejectReason kLastRejectReason = RejectReason::kNotAnInput;

// Largest price or quantity magnitude accepted from a feed; beyond it a value is a sentinel or
// garbage (e.g. INT64_MAX standing in for "no price").
inline constexpr int64_t kMaxFeedValue = 1'000'000'000'000;
const char* reject_reason_name(RejectReason r);

enum class CancelReason : uint8_t {
  kUser = 0,           // a cancel input or a strategy cancel
  kIocRemainder = 1,   // the unfilled rest of an IOC or market order
  kFokUnfilled = 2,    // a FOK that could not fill completely
  kNoLiquidity = 3,    // a market order that found nothing to trade against
  kKillSwitch = 4,     // resting managed orders pulled by the kill switch
  kFillLimit = 5,      // remainder after fills_per_order_max fills
  kExpired = 6,        // a day or GTD order reached its expiry
  kEndOfData = 7,      // reserved: a backtest's data ended with the order still working
};
const char* cancel_reason_name(CancelReason r);

}  // namespace tape

template <typename Tag, typename Rep>
struct std::hash<tape::Strong<Tag, Rep>> {
  size_t operator()(tape::Strong<Tag, Rep> s) const noexcept { return std::hash<Rep>{}(s.value()); }
};
