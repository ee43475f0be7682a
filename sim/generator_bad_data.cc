// bad_data injections: the kinds and their forms are in sim/generator.h. Every draw comes from
// the phase's own stream and the instrument's mid is read, not stepped, so an injection never
// moves the background flow's draws. Two things are shared on purpose: fresh order ids come
// from the flow's counter (ids stay unique), and dead own orders found while picking a live one
// are pruned from the live set as the flow itself would.
#include <algorithm>
#include <limits>

#include "sim/generator.h"

namespace tape {
namespace {

// Ids in [2^61, 2^62) are never issued: the flow counts up from 1 and strategies start at 2^62.
constexpr int64_t kUnknownIdLo = int64_t{1} << 61;
constexpr int64_t kUnknownIdHi = static_cast<int64_t>(kStrategyOrderIdBase) - 1;
// Unknown instrument ids are count + [0, kUnknownInstrumentSpan), or UINT32_MAX one time in 4.
constexpr uint64_t kUnknownInstrumentSpan = 1000;
// Valid-looking orders of an injection rest 1 .. kPassiveTicksMax ticks from the mid.
constexpr int64_t kPassiveTicksMax = 5;

BadKind draw_kind(const std::array<uint32_t, kBadKinds>& cumulative, Rng& rng) {
  const uint64_t draw = rng.uniform_below(cumulative[kBadKinds - 1]);
  size_t k = 0;
  while (draw >= cumulative[k]) ++k;
  return static_cast<BadKind>(k);
}

Side draw_side(Rng& rng) { return (rng.next_u64() >> 63) ? Side::kSell : Side::kBuy; }

int64_t sentinel(Rng& rng) {
  return (rng.next_u64() >> 63) ? std::numeric_limits<int64_t>::min()
                                : std::numeric_limits<int64_t>::max();
}

}  // namespace

void Generator::make_bad(TickFlow& flow, int64_t& stamp, InputBody& body) {
  Rng& rng = flow.rng;
  const BadKind kind = draw_kind(flow.bad_cumulative, rng);
  const uint32_t i = flow.instrument >= 0
                         ? static_cast<uint32_t>(flow.instrument)
                         : static_cast<uint32_t>(rng.uniform_below(instruments_.size()));
  switch (kind) {
    case BadKind::kCrossedQuote: {
      const int64_t bid = instruments_[i].mid + rng.uniform_int(0, market_.spread_ticks);
      const int64_t ask = bid - rng.uniform_int(0, market_.spread_ticks);  // >= 1: mid > spread
      body =
          QuoteIn{InstrumentId(i), Price(bid), Qty(draw_qty(rng)), Price(ask), Qty(draw_qty(rng))};
      return;
    }
    case BadKind::kBackwardsTs:
      valid_quote(i, rng, body);
      stamp = std::max<int64_t>(0, last_ns_ - rng.uniform_int(1, flow.backwards_ns));
      return;
    case BadKind::kDuplicateId:
      duplicate_order(i, rng, body);
      return;
    case BadKind::kUnknownId: {
      const OrderId id(static_cast<uint64_t>(rng.uniform_int(kUnknownIdLo, kUnknownIdHi)));
      const AccountId account(kExternalAccountBase +
                              static_cast<uint32_t>(rng.uniform_below(market_.participants)));
      if (rng.next_u64() >> 63) {
        body = CancelIn{id, account, InstrumentId(i)};
      } else {
        body =
            ReplaceIn{id, account, InstrumentId(i), Price(instruments_[i].mid), Qty(draw_qty(rng))};
      }
      return;
    }
    case BadKind::kUnknownInstrument:
      unknown_instrument(rng, body);
      return;
    default:
      bad_field(i, rng, kind, body);
      return;
  }
}

// One bad price or quantity in an otherwise valid quote, trade, limit order or replace.
void Generator::bad_field(uint32_t i, Rng& rng, BadKind kind, InputBody& body) {
  const bool qty_field =
      kind == BadKind::kZeroQty || kind == BadKind::kSentinelQty || kind == BadKind::kOversizeQty;
  int64_t value = 0;  // zero_price, zero_qty
  if (kind == BadKind::kNegativePrice) {
    value = -rng.uniform_int(1, instruments_[i].mid);
  } else if (kind == BadKind::kSentinelPrice || kind == BadKind::kSentinelQty) {
    value = sentinel(rng);
  } else if (kind == BadKind::kOversizeQty) {
    const int64_t max = max_order_qty_[i].value();
    value = max + rng.uniform_int(1, max);
  }
  // Forms: 0 quote, 1 trade, 2 limit order, 3 replace. Market data has no size limit, so an
  // oversize quantity only goes into orders.
  const uint64_t form =
      kind == BadKind::kOversizeQty ? 2 + rng.uniform_below(2) : rng.uniform_below(4);
  if (form == 3 && live_replace(i, rng, body)) {
    ReplaceIn& r = std::get<ReplaceIn>(body);
    if (qty_field) {
      r.qty = Qty(value);
    } else {
      r.price = Price(value);
    }
  } else if (form >= 2) {
    valid_limit(i, rng, OrderId(next_order_id_++), body);
    NewOrderIn& o = std::get<NewOrderIn>(body);
    if (qty_field) {
      o.qty = Qty(value);
    } else {
      o.price = Price(value);
    }
  } else if (form == 1) {
    const int64_t half = market_.spread_ticks / 2;
    const int64_t price = instruments_[i].mid + rng.uniform_int(-half, half);
    body = TradeIn{InstrumentId(i), Price(qty_field ? price : value),
                   Qty(qty_field ? value : draw_qty(rng)), draw_side(rng)};
  } else {
    valid_quote(i, rng, body);
    QuoteIn& q = std::get<QuoteIn>(body);
    const bool bid_side = (rng.next_u64() >> 63) == 0;
    if (qty_field) {
      (bid_side ? q.bid_qty : q.ask_qty) = Qty(value);
    } else {
      (bid_side ? q.bid : q.ask) = Price(value);
    }
  }
}

void Generator::valid_quote(uint32_t i, Rng& rng, InputBody& body) {
  const int64_t bid = instruments_[i].mid - market_.spread_ticks / 2;
  body = QuoteIn{InstrumentId(i), Price(bid), Qty(draw_qty(rng)), Price(bid + market_.spread_ticks),
                 Qty(draw_qty(rng))};
}

void Generator::valid_limit(uint32_t i, Rng& rng, OrderId id, InputBody& body) {
  const Side side = draw_side(rng);
  const AccountId account(kExternalAccountBase +
                          static_cast<uint32_t>(rng.uniform_below(market_.participants)));
  const int64_t distance = rng.uniform_int(1, kPassiveTicksMax);
  const int64_t price = std::max<int64_t>(1, instruments_[i].mid - sign(side) * distance);
  body = NewOrderIn{id,           account,           InstrumentId(i),
                    side,         OrderType::kLimit, TimeInForce::kGtc,
                    Price(price), Qty(draw_qty(rng))};
}

bool Generator::live_replace(uint32_t i, Rng& rng, InputBody& body) {
  InstrumentState& st = instruments_[i];
  const int idx = pick_live(st, rng);
  if (idx < 0) return false;
  const LiveOrder& o = st.live[static_cast<size_t>(idx)];
  const int64_t distance = rng.uniform_int(1, kPassiveTicksMax);
  const int64_t price = std::max<int64_t>(1, st.mid - sign(o.side) * distance);
  body = ReplaceIn{o.id, o.account, InstrumentId(i), Price(price), Qty(draw_qty(rng))};
  return true;
}

// A valid new order on the instrument of a live own order, carrying that order's id: this
// instrument's first, else the next instrument (cyclically) that has one.
void Generator::duplicate_order(uint32_t i, Rng& rng, InputBody& body) {
  const size_t n = instruments_.size();
  for (size_t k = 0; k < n; ++k) {
    const uint32_t j = static_cast<uint32_t>((i + k) % n);
    const int idx = pick_live(instruments_[j], rng);
    if (idx < 0) continue;
    valid_limit(j, rng, instruments_[j].live[static_cast<size_t>(idx)].id, body);
    return;
  }
  valid_limit(i, rng, OrderId(next_order_id_++), body);  // nothing is live: no id to re-use
}

void Generator::unknown_instrument(Rng& rng, InputBody& body) {
  const uint64_t n = instruments_.size();
  const InstrumentId bad(
      rng.uniform_below(4) == 0
          ? std::numeric_limits<uint32_t>::max()
          : static_cast<uint32_t>(n + rng.uniform_below(kUnknownInstrumentSpan)));
  // Content as valid as instrument 0's: only the instrument id is wrong.
  switch (rng.uniform_below(4)) {
    case 0:
      valid_quote(0, rng, body);
      std::get<QuoteIn>(body).instrument = bad;
      return;
    case 1:
      body = TradeIn{bad, Price(instruments_[0].mid), Qty(draw_qty(rng)), draw_side(rng)};
      return;
    case 2:
      valid_limit(0, rng, OrderId(next_order_id_++), body);
      std::get<NewOrderIn>(body).instrument = bad;
      return;
    default:
      body = CancelIn{OrderId(static_cast<uint64_t>(rng.uniform_int(kUnknownIdLo, kUnknownIdHi))),
                      AccountId(kExternalAccountBase), bad};
      return;
  }
}

}  // namespace tape
