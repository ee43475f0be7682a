// Data venue, bar model: the rules are written in core/data_venue.h ("Bars").
#include <algorithm>
#include <array>
#include <limits>

#include "core/data_venue.h"

namespace tape {
namespace {

// The bar path: open, the extreme assumed first, the other extreme, close.
std::array<int64_t, 4> bar_path(const BarIn& b) {
  const bool up = b.close >= b.open;
  return {b.open.value(), up ? b.low.value() : b.high.value(),
          up ? b.high.value() : b.low.value(), b.close.value()};
}

}  // namespace

Qty DataVenue::bar_cap(Qty volume) const {
  if (volume_cap_ppm_ == 0) return Qty(std::numeric_limits<int64_t>::max());
  const __int128 cap = static_cast<__int128>(volume.value()) * volume_cap_ppm_ / 1'000'000;
  return Qty(static_cast<int64_t>(std::min<__int128>(cap, std::numeric_limits<int64_t>::max())));
}

Price DataVenue::market_bar_price(const BarIn& bar) const {
  return bar_fill_ == BarFill::kNextOpen ? bar.open : bar.close;
}

void DataVenue::arrive_bars(InstrumentId instrument, Market& m, Order& o) {
  // kClose: a market order sent on the bar just seen fills at its close, now.
  const bool at_close = o.type == OrderType::kMarket && bar_fill_ == BarFill::kClose &&
                        m.has_bar && m.bar_ts == o.arrived;
  if (!at_close) return;
  const Qty cap = bar_cap(m.bar_volume);
  if (o.tif == TimeInForce::kFok && cap < o.leaves) {
    cancel(instrument, o, CancelReason::kFokUnfilled);
    return;
  }
  const Qty qty = std::min(o.leaves, cap);
  if (qty.value() > 0) fill(instrument, o, slipped(m.bar_close, o.side), qty, false);
  if (!o.done && (o.tif == TimeInForce::kIoc || o.tif == TimeInForce::kFok)) {
    cancel(instrument, o, qty.value() > 0 ? CancelReason::kIocRemainder : CancelReason::kNoLiquidity);
  }
}

DataVenue::BarFillPlan DataVenue::plan_bar(const BarIn& bar, Order& o) const {
  const bool buy = o.side == Side::kBuy;
  const bool market = o.type == OrderType::kMarket || (o.type == OrderType::kStop && o.triggered);
  if (market) return {true, slipped(market_bar_price(bar), o.side), false};
  const int64_t limit = o.price.value();
  const bool limit_phase =
      o.type == OrderType::kLimit || (o.type == OrderType::kStopLimit && o.triggered);
  if (limit_phase) {
    if (buy && bar.low.value() <= limit) {
      return {true, Price(std::min(bar.open.value(), limit)), true};
    }
    if (!buy && bar.high.value() >= limit) {
      return {true, Price(std::max(bar.open.value(), limit)), true};
    }
    return {};
  }
  // An untriggered stop: find the first point of the path at or through the stop.
  const std::array<int64_t, 4> path = bar_path(bar);
  const int64_t stop = o.stop.value();
  auto reached = [&](int64_t p) { return buy ? p >= stop : p <= stop; };
  size_t k = 0;
  while (k < path.size() && !reached(path[k])) ++k;
  if (k == path.size()) return {};
  o.triggered = true;
  const int64_t trigger = k == 0 ? path[0] : stop;
  if (o.type == OrderType::kStop) return {true, slipped(Price(trigger), o.side), false};
  // Stop-limit: a limit order at `limit` from the trigger point on.
  if (buy ? trigger <= limit : trigger >= limit) return {true, Price(trigger), true};
  for (size_t j = k; j < path.size(); ++j) {
    if (buy ? path[j] <= limit : path[j] >= limit) return {true, Price(limit), true};
  }
  return {};
}

void DataVenue::work_bar(InstrumentId instrument, Market& /*m*/, const BarIn& bar, Order& o) {
  const Timestamp stamp = clock_.now();
  const bool close_market = o.type == OrderType::kMarket && bar_fill_ == BarFill::kClose;
  if (close_market ? o.arrived > stamp : o.arrived >= stamp) return;
  const BarFillPlan plan = plan_bar(bar, o);
  const Qty cap = bar_cap(bar.volume);
  const bool immediate = o.tif == TimeInForce::kIoc || o.tif == TimeInForce::kFok;
  if (o.tif == TimeInForce::kFok && (!plan.fills || cap < o.leaves)) {
    cancel(instrument, o, CancelReason::kFokUnfilled);
    return;
  }
  Qty qty(0);
  if (plan.fills) {
    qty = std::min(o.leaves, cap);
    if (qty.value() > 0) fill(instrument, o, plan.price, qty, plan.maker);
  }
  if (!o.done && immediate) {
    cancel(instrument, o, qty.value() > 0 ? CancelReason::kIocRemainder : CancelReason::kNoLiquidity);
  }
}

}  // namespace tape
