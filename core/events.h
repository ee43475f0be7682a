// The vocabulary of the bus. Inputs arrive from a source through the sequencer; outputs are what
// the core derives from them; internal events coordinate components and are never recorded.
// These are plain structs on the hot path; core/schema/events.capnp is their persisted form
// (core/codec.h converts).
#pragma once

#include <optional>
#include <variant>

#include "core/types.h"

namespace tape {

// ---- Inputs (journaled; each one gets a seq) ----

// Best bid/offer from the feed. Market data only: it does not rest in the book.
struct QuoteIn {
  InstrumentId instrument;
  Price bid;
  Qty bid_qty;
  Price ask;
  Qty ask_qty;
  bool operator==(const QuoteIn&) const = default;
};

// A trade print from the feed.
struct TradeIn {
  InstrumentId instrument;
  Price price;
  Qty qty;
  Side aggressor = Side::kBuy;
  bool operator==(const TradeIn&) const = default;
};

// An order from an external participant. Market orders ignore `price`.
struct NewOrderIn {
  OrderId id;
  AccountId account;
  InstrumentId instrument;
  Side side = Side::kBuy;
  OrderType type = OrderType::kLimit;
  TimeInForce tif = TimeInForce::kGtc;
  Price price;
  Qty qty;
  Price stop_price = Price(0);  // kStop / kStopLimit: the trigger price; else 0
  bool post_only = false;  // a limit order that must not take: rejected (kWouldTake) if it would
  Timestamp expire = Timestamp(0);  // kGtd: the expiry time; else 0
  bool operator==(const NewOrderIn&) const = default;
};

struct CancelIn {
  OrderId id;
  AccountId account;
  InstrumentId instrument;
  bool operator==(const CancelIn&) const = default;
};

// Replace price and/or quantity. Priority is kept only when the price is unchanged and the
// quantity goes down.
struct ReplaceIn {
  OrderId id;
  AccountId account;
  InstrumentId instrument;
  Price price;
  Qty qty;
  bool operator==(const ReplaceIn&) const = default;
};

// Operator command. `instrument` is ignored by the kill switch kinds.
struct ControlIn {
  ControlKind kind = ControlKind::kHalt;
  InstrumentId instrument;
  bool operator==(const ControlIn&) const = default;
};

// Clock tick: advances time (timers, time-bound recorder flushes) without market content.
struct HeartbeatIn {
  bool operator==(const HeartbeatIn&) const = default;
};

// One OHLCV bar from the feed, stamped at its close (the end of its period). Market data only.
struct BarIn {
  InstrumentId instrument;
  Price open;
  Price high;
  Price low;
  Price close;
  Qty volume;             // lots traded in the period; 0 is allowed (an index, a quiet period)
  int64_t period_ns = 0;  // the period's length; 0 = not known (e.g. one bar per trade tick)
  bool operator==(const BarIn&) const = default;
};

// What an order-level (L3) message did to the venue's book. Values 1..7 are LOBSTER's message
// types; LOBSTER's type 7 is split by its price field (-1 halt, 0 quoting resumes, 1 trading
// resumes) into kHalt, kQuoteResume and kTradeResume. Persisted: values are frozen.
enum class BookAction : uint8_t {
  kAdd = 1,            // a new limit order rests
  kReduce = 2,         // part of a resting order is cancelled (qty = the part cancelled)
  kDelete = 3,         // a resting order is removed (qty = what it still had)
  kExecute = 4,        // a resting visible order trades (qty = the part executed)
  kHiddenExecute = 5,  // a hidden order trades: a print, no visible book change
  kCross = 6,          // an auction (cross) trade
  kHalt = 7,
  kQuoteResume = 8,
  kTradeResume = 9,
};
inline constexpr BookAction kLastBookAction = BookAction::kTradeResume;
const char* book_action_name(BookAction a);

// One order-level market data message as the venue recorded it (e.g. a LOBSTER message row).
// `order_id` is the venue's id, not an id of this engine's book; `side` is the resting order's
// side (executing a sell order is a buyer-initiated trade). Halt kinds carry no order.
struct BookMessageIn {
  InstrumentId instrument;
  BookAction action = BookAction::kAdd;
  uint64_t order_id = 0;
  Side side = Side::kBuy;
  Price price;
  Qty qty;
  bool operator==(const BookMessageIn&) const = default;
};

using InputBody = std::variant<QuoteIn, TradeIn, NewOrderIn, CancelIn, ReplaceIn, ControlIn,
                               HeartbeatIn, BarIn, BookMessageIn>;

struct Input {
  Seq seq;
  Timestamp ts;
  InputBody body;
  // Live sessions: the message's sequence in its source stream (NATS JetStream), 0 otherwise.
  uint64_t stream_seq = 0;
  // A message that could not be made into an input (bad JSON, unknown type or instrument, a
  // wrong field): why; the body is then a HeartbeatIn and the core answers an InputRejected.
  RejectReason reject = RejectReason::kNone;
  bool operator==(const Input&) const = default;
};

// ---- Outputs (recorded as (seq, k)) ----

struct OrderAccepted {
  OrderId id;
  AccountId account;
  InstrumentId instrument;
  Side side = Side::kBuy;
  OrderType type = OrderType::kLimit;
  TimeInForce tif = TimeInForce::kGtc;
  Price price;
  Qty qty;
  Price stop_price = Price(0);  // kStop / kStopLimit: the trigger price; else 0
  bool post_only = false;  // a limit order that must not take: rejected (kWouldTake) if it would
  Timestamp expire = Timestamp(0);  // kGtd: the expiry time; else 0
  bool operator==(const OrderAccepted&) const = default;
};

// Reason text is derived from the code (reject_reason_name), so the struct stays POD.
struct OrderRejected {
  OrderId id;
  AccountId account;
  InstrumentId instrument;
  RejectReason reason = RejectReason::kNone;
  bool operator==(const OrderRejected&) const = default;
};

struct Fill {
  InstrumentId instrument;
  OrderId maker;
  AccountId maker_account;
  OrderId taker;
  AccountId taker_account;
  Price price;
  Qty qty;
  Side aggressor = Side::kBuy;  // the taker's side
  Qty maker_leaves;             // maker quantity still resting after this fill
  Qty taker_leaves;             // taker quantity still unfilled after this fill
  bool operator==(const Fill&) const = default;
};

struct OrderCancelled {
  OrderId id;
  AccountId account;
  InstrumentId instrument;
  Qty qty;  // quantity that was open and is now cancelled
  CancelReason reason = CancelReason::kUser;
  bool operator==(const OrderCancelled&) const = default;
};

struct OrderReplaced {
  OrderId id;
  AccountId account;
  InstrumentId instrument;
  Price price;
  Qty qty;  // new open quantity
  bool priority_kept = false;
  bool operator==(const OrderReplaced&) const = default;
};

enum class IntentKind : uint8_t { kNew = 0, kCancel = 1, kReplace = 2 };

// What a strategy asked for, before risk.
struct OrderIntent {
  IntentKind kind = IntentKind::kNew;
  OrderId id;
  AccountId account;
  InstrumentId instrument;
  Side side = Side::kBuy;
  OrderType type = OrderType::kLimit;
  TimeInForce tif = TimeInForce::kGtc;
  Price price;
  Qty qty;
  Price stop_price = Price(0);  // kStop / kStopLimit: the trigger price; else 0
  bool post_only = false;  // a limit order that must not take: rejected (kWouldTake) if it would
  Timestamp expire = Timestamp(0);  // kGtd: the expiry time; else 0
  bool operator==(const OrderIntent&) const = default;
};

// Risk's verdict on an intent. Approved intents go to the engine; a rejected one is also
// published as an OrderRejected with the same reason.
struct RiskDecision {
  OrderIntent intent;
  bool approved = false;
  RejectReason reason = RejectReason::kNone;
  bool operator==(const RiskDecision&) const = default;
};

// A managed account's position in one instrument after a fill.
struct PositionUpdate {
  AccountId account;
  InstrumentId instrument;
  int64_t position = 0;  // lots, signed
  Money cash;            // account cash after the fill (all instruments)
  Money realized_pnl;    // this instrument, before fees
  Money fees;            // this instrument, cumulative
  bool operator==(const PositionUpdate&) const = default;
};

// Market data the core refused to act on (a quote or trade print that is crossed, non-positive,
// absurd, or for an unknown instrument). The input is still journaled; nothing else sees it.
struct InputRejected {
  InstrumentId instrument;
  RejectReason reason = RejectReason::kNone;
  bool operator==(const InputRejected&) const = default;
};

// ---- Internal (bus only, never recorded) ----

// The engine changed an instrument's book (top or depth); strategies read it through the engine.
struct BookChanged {
  InstrumentId instrument;
  bool operator==(const BookChanged&) const = default;
};

using BusEvent = std::variant<QuoteIn, TradeIn, NewOrderIn, CancelIn, ReplaceIn, ControlIn,
                              HeartbeatIn, OrderAccepted, OrderRejected, Fill, OrderCancelled,
                              OrderReplaced, OrderIntent, RiskDecision, PositionUpdate, BookChanged,
                              InputRejected, BarIn, BookMessageIn>;

using OutputBody = std::variant<OrderAccepted, OrderRejected, Fill, OrderCancelled, OrderReplaced,
                                OrderIntent, RiskDecision, PositionUpdate, InputRejected>;

// The instrument an event concerns (a risk decision's is its intent's), or nullopt for events
// without one (heartbeats, kill-switch controls keep their field but ignore it).
template <typename Body>
std::optional<InstrumentId> instrument_of(const Body& body) {
  return std::visit(
      [](const auto& e) -> std::optional<InstrumentId> {
        if constexpr (requires { e.instrument; }) {
          return e.instrument;
        } else if constexpr (requires { e.intent.instrument; }) {
          return e.intent.instrument;
        } else {
          return std::nullopt;
        }
      },
      body);
}

struct Output {
  Seq seq;
  uint32_t k = 0;  // position among the outputs of input `seq`, from 0
  OutputBody body;
  bool operator==(const Output&) const = default;
};

}  // namespace tape
