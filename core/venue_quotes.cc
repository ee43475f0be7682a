// Data venue, quote (L1) model: the rules are written in core/data_venue.h ("Quotes").
#include <algorithm>

#include "core/data_venue.h"

namespace tape {
namespace {

bool limit_phase(OrderType type, bool triggered) {
  return type == OrderType::kLimit || (type == OrderType::kStopLimit && triggered);
}

}  // namespace

bool DataVenue::stop_hit_by_quote(const Market& m, const Order& o) const {
  if (!m.has_quote) return false;
  return o.side == Side::kBuy ? m.quote.ask >= o.stop : m.quote.bid <= o.stop;
}

// Lots the current quote offers `o` now, and at what price (0 lots: none).
int64_t DataVenue::take_quote(InstrumentId instrument, Market& m, Order& o) {
  if (!m.has_quote) return 0;
  const bool buy = o.side == Side::kBuy;
  const Price quote_price = buy ? m.quote.ask : m.quote.bid;
  int64_t& avail = buy ? m.ask_avail : m.bid_avail;
  const bool market = !limit_phase(o.type, o.triggered);
  if (!market && (buy ? o.price < quote_price : o.price > quote_price)) return 0;
  const int64_t qty = std::min(o.leaves.value(), avail);
  if (qty <= 0) return 0;
  avail -= qty;
  fill(instrument, o, market ? slipped(quote_price, o.side) : quote_price, Qty(qty), false);
  return qty;
}

void DataVenue::join_queue(const Market& m, Order& o) const {
  o.queue_known = false;
  o.queue_ahead = 0;
  if (!m.has_quote) return;
  const bool buy = o.side == Side::kBuy;
  const Price best = buy ? m.quote.bid : m.quote.ask;
  if (o.price == best) {
    o.queue_known = true;
    o.queue_ahead = (buy ? m.quote.bid_qty : m.quote.ask_qty).value();
  } else if (buy ? o.price > best : o.price < best) {
    o.queue_known = true;  // better than the best: nobody shown ahead
  }
}

void DataVenue::finish_taker(InstrumentId instrument, Order& o, int64_t filled) {
  if (o.done) return;
  cancel(instrument, o, filled > 0 ? CancelReason::kIocRemainder : CancelReason::kNoLiquidity);
}

// What the current quote would give `o` at once (FOK's check before it trades).
static int64_t quote_offers(bool has_quote, const QuoteIn& q, int64_t bid_avail,
                            int64_t ask_avail, Side side, bool market, Price limit) {
  if (!has_quote) return 0;
  if (side == Side::kBuy) return market || limit >= q.ask ? ask_avail : 0;
  return market || limit <= q.bid ? bid_avail : 0;
}

void DataVenue::trigger_quotes(InstrumentId instrument, Market& m, Order& o) {
  o.triggered = true;
  const bool market = o.type == OrderType::kStop;
  if (o.tif == TimeInForce::kFok &&
      quote_offers(m.has_quote, m.quote, m.bid_avail, m.ask_avail, o.side, market, o.price) <
          o.leaves.value()) {
    cancel(instrument, o, CancelReason::kFokUnfilled);
    return;
  }
  const int64_t filled = take_quote(instrument, m, o);
  // A triggered stop is a market order: it never works on. A stop-limit works as a limit.
  if (market || o.tif == TimeInForce::kIoc || o.tif == TimeInForce::kFok) {
    finish_taker(instrument, o, filled);
  } else if (!o.done) {
    join_queue(m, o);
  }
}

void DataVenue::arrive_quotes(InstrumentId instrument, Market& m, Order& o) {
  const bool immediate = o.tif == TimeInForce::kIoc || o.tif == TimeInForce::kFok;
  if ((o.type == OrderType::kStop || o.type == OrderType::kStopLimit) && !o.triggered) {
    if (stop_hit_by_quote(m, o)) {
      trigger_quotes(instrument, m, o);
    } else if (immediate) {
      cancel(instrument, o,
             o.tif == TimeInForce::kFok ? CancelReason::kFokUnfilled : CancelReason::kNoLiquidity);
    }
    return;
  }
  const bool market = o.type == OrderType::kMarket;
  if (o.tif == TimeInForce::kFok &&
      quote_offers(m.has_quote, m.quote, m.bid_avail, m.ask_avail, o.side, market, o.price) <
          o.leaves.value()) {
    cancel(instrument, o, CancelReason::kFokUnfilled);
    return;
  }
  const int64_t filled = take_quote(instrument, m, o);
  if (market || immediate) {
    finish_taker(instrument, o, filled);
  } else if (!o.done) {
    join_queue(m, o);
  }
}

void DataVenue::work_quote(InstrumentId instrument, Market& m, Order& o) {
  if (!limit_phase(o.type, o.triggered)) {
    if (stop_hit_by_quote(m, o)) trigger_quotes(instrument, m, o);
    return;
  }
  const bool buy = o.side == Side::kBuy;
  const Price opposite_best = buy ? m.quote.ask : m.quote.bid;
  const Price own_best = buy ? m.quote.bid : m.quote.ask;
  if (buy ? opposite_best <= o.price : opposite_best >= o.price) {
    // The market came to or through the order's price: it trades there, as the resting side.
    int64_t& avail = buy ? m.ask_avail : m.bid_avail;
    const int64_t qty = std::min(o.leaves.value(), avail);
    if (qty > 0) {
      avail -= qty;
      fill(instrument, o, o.price, Qty(qty), true);
    }
    o.queue_known = true;
    o.queue_ahead = 0;
    return;
  }
  const int64_t shown = (buy ? m.quote.bid_qty : m.quote.ask_qty).value();
  if (own_best == o.price) {
    o.queue_ahead = o.queue_known ? std::min(o.queue_ahead, shown) : shown;
    o.queue_known = true;
  } else if (buy ? own_best < o.price : own_best > o.price) {
    // The order's level is no longer shown: everyone who was ahead of it has left.
    o.queue_known = true;
    o.queue_ahead = 0;
  }
}

void DataVenue::work_print(InstrumentId instrument, Market& m, const TradeIn& t, Order& o,
                           int64_t* used) {
  const bool buy = o.side == Side::kBuy;
  if (!limit_phase(o.type, o.triggered)) {
    if (buy ? t.price >= o.stop : t.price <= o.stop) trigger_quotes(instrument, m, o);
    return;
  }
  const int64_t avail = t.qty.value() - *used;
  if (avail <= 0) return;
  int64_t qty = 0;
  if (buy ? t.price < o.price : t.price > o.price) {
    // Traded through the order's price: its whole level, the order included, has traded.
    qty = std::min(o.leaves.value(), avail);
    o.queue_known = true;
    o.queue_ahead = 0;
  } else if (t.price == o.price && o.queue_known) {
    const int64_t ahead = std::min(o.queue_ahead, avail);
    o.queue_ahead -= ahead;
    qty = std::min(o.leaves.value(), avail - ahead);
  }
  if (qty <= 0) return;
  *used += qty;
  fill(instrument, o, o.price, Qty(qty), true);
}

}  // namespace tape
