#include "core/types.h"

namespace tape {

const char* reject_reason_name(RejectReason r) {
  switch (r) {
    case RejectReason::kNone: return "none";
    case RejectReason::kUnknownInstrument: return "unknown_instrument";
    case RejectReason::kInvalidQty: return "invalid_qty";
    case RejectReason::kInvalidPrice: return "invalid_price";
    case RejectReason::kPriceOutOfRange: return "price_out_of_range";
    case RejectReason::kDuplicateOrderId: return "duplicate_order_id";
    case RejectReason::kUnknownOrderId: return "unknown_order_id";
    case RejectReason::kHalted: return "halted";
    case RejectReason::kBookFull: return "book_full";
    case RejectReason::kMaxOrderQty: return "max_order_qty";
    case RejectReason::kMaxNotional: return "max_notional";
    case RejectReason::kPositionLimit: return "position_limit";
    case RejectReason::kPriceBand: return "price_band";
    case RejectReason::kRateLimit: return "rate_limit";
    case RejectReason::kKillSwitch: return "kill_switch";
    case RejectReason::kFokUnfillable: return "fok_unfillable";
    case RejectReason::kNoLiquidity: return "no_liquidity";
    case RejectReason::kNotOwner: return "not_owner";
    case RejectReason::kInvalidOrderType: return "invalid_order_type";
    case RejectReason::kCrossedQuote: return "crossed_quote";
    case RejectReason::kQtyAboveInstrumentMax: return "qty_above_instrument_max";
    case RejectReason::kTimestampBackwards: return "timestamp_backwards";
    case RejectReason::kInvalidBar: return "invalid_bar";
    case RejectReason::kWouldTake: return "would_take";
    case RejectReason::kInvalidStopPrice: return "invalid_stop_price";
    case RejectReason::kInvalidExpiry: return "invalid_expiry";
    case RejectReason::kBadJson: return "bad_json";
    case RejectReason::kUnknownType: return "unknown_type";
    case RejectReason::kMissingField: return "missing_field";
    case RejectReason::kUnknownField: return "unknown_field";
    case RejectReason::kBadType: return "bad_type";
    case RejectReason::kBadNumber: return "bad_number";
    case RejectReason::kNotOnTick: return "not_on_tick";
    case RejectReason::kNegativeSize: return "negative_size";
    case RejectReason::kBadEnum: return "bad_enum";
    case RejectReason::kBadTime: return "bad_time";
    case RejectReason::kNotAnInput: return "not_an_input";
  }
  return "unknown_reason";
}

const char* cancel_reason_name(CancelReason r) {
  switch (r) {
    case CancelReason::kUser: return "user";
    case CancelReason::kIocRemainder: return "ioc_remainder";
    case CancelReason::kFokUnfilled: return "fok_unfilled";
    case CancelReason::kNoLiquidity: return "no_liquidity";
    case CancelReason::kKillSwitch: return "kill_switch";
    case CancelReason::kFillLimit: return "fill_limit";
    case CancelReason::kExpired: return "expired";
    case CancelReason::kEndOfData: return "end_of_data";
  }
  return "unknown_reason";
}

}  // namespace tape
