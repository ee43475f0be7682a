#include "core/strategies/market_maker.h"

#include <array>
#include <string>
#include <utility>

#include "core/bounds.h"
#include "core/market_view.h"
#include "core/strategy.h"

namespace tape {
namespace {

int64_t abs64(int64_t v) { return v < 0 ? -v : v; }
int side_index(Side s) { return static_cast<int>(s); }

}  // namespace

MarketMaker::MarketMaker(const StrategyConfig& config, size_t instrument_count)
    : params_(config.mm), books_(instrument_count) {
  if (params_.half_spread_ticks < 1) params_.half_spread_ticks = 1;
  if (params_.skew_unit_lots < 1) params_.skew_unit_lots = 1;
  if (params_.requote_ticks < 1) params_.requote_ticks = 1;
  if (params_.quote_qty.value() < 1) params_.quote_qty = Qty(1);
  if (params_.max_position < 0) params_.max_position = 0;
  for (InstrumentId id : traded_instruments(config, instrument_count)) {
    if (id.value() < books_.size()) books_[id.value()].traded = true;
  }
}

const MarketMaker::Quote& MarketMaker::quote(InstrumentId instrument, Side side) const {
  return books_[instrument.value()].sides[side_index(side)];
}

MarketMaker::Quote* MarketMaker::find(InstrumentId instrument, OrderId id) {
  if (instrument.value() >= books_.size() || id.value() == 0) return nullptr;
  for (Quote& q : books_[instrument.value()].sides) {
    if (q.id == id.value()) return &q;
  }
  return nullptr;
}

// ---- Market data ----

void MarketMaker::on_quote(StrategyContext& ctx, const QuoteIn& quote) {
  if (quote.instrument.value() >= books_.size()) return;
  books_[quote.instrument.value()].quote_mid.observe(quote);
  refresh(ctx, quote.instrument);
}

void MarketMaker::on_book(StrategyContext& ctx, InstrumentId instrument) {
  refresh(ctx, instrument);
}

void MarketMaker::on_timer(StrategyContext& ctx) {
  for (uint32_t i = 0; i < books_.size(); ++i) refresh(ctx, InstrumentId(i));
}

// ---- Own orders ----

void MarketMaker::on_fill(StrategyContext& ctx, const Fill& fill) {
  for (const auto& [id, leaves] :
       {std::pair{fill.maker, fill.maker_leaves}, std::pair{fill.taker, fill.taker_leaves}}) {
    Quote* q = find(fill.instrument, id);
    if (q == nullptr) continue;
    if (leaves.value() <= 0) {
      *q = Quote{0, 0, 0, Pending::kNone, q->retry_after_ns, 0};
    } else {
      q->qty = leaves.value();
    }
  }
  refresh(ctx, fill.instrument);
}

void MarketMaker::on_order(StrategyContext& ctx, const OrderAccepted& accepted) {
  Quote* q = find(accepted.instrument, accepted.id);
  if (q == nullptr) return;
  if (q->pending == Pending::kNew) q->pending = Pending::kNone;
  q->price = accepted.price.value();
  q->qty = accepted.qty.value();
  refresh(ctx, accepted.instrument);
}

void MarketMaker::on_order(StrategyContext& ctx, const OrderRejected& rejected) {
  Quote* q = find(rejected.instrument, rejected.id);
  if (q == nullptr) return;
  q->retry_after_ns = ctx.now().value() + kRejectBackoffNs;
  // A rejected new order never existed; an unknown id means the order is already gone. Any
  // other reject of a replace or cancel leaves the order resting as it was.
  if (q->pending == Pending::kNew || rejected.reason == RejectReason::kUnknownOrderId) {
    *q = Quote{0, 0, 0, Pending::kNone, q->retry_after_ns, 0};
  } else {
    q->pending = Pending::kNone;
  }
  refresh(ctx, rejected.instrument);
}

void MarketMaker::on_order(StrategyContext& ctx, const OrderCancelled& cancelled) {
  Quote* q = find(cancelled.instrument, cancelled.id);
  if (q == nullptr) return;
  *q = Quote{0, 0, 0, Pending::kNone, q->retry_after_ns, 0};
  refresh(ctx, cancelled.instrument);
}

void MarketMaker::on_order(StrategyContext& ctx, const OrderReplaced& replaced) {
  Quote* q = find(replaced.instrument, replaced.id);
  if (q == nullptr) return;
  if (q->pending == Pending::kReplace) q->pending = Pending::kNone;
  q->price = replaced.price.value();
  q->qty = replaced.qty.value();
  refresh(ctx, replaced.instrument);
}

// ---- Quoting ----

bool MarketMaker::best_excluding_own(const StrategyContext& ctx, InstrumentId instrument, Side side,
                                     int64_t& out) const {
  const Quote& own = books_[instrument.value()].sides[side_index(side)];
  // Our quote is in the book unless it is still on its way (pending new).
  const bool own_resting = own.id != 0 && own.pending != Pending::kNew;
  std::array<LevelView, 2> levels;  // one order per side: at most one level is ours alone
  const size_t n = ctx.market().depth(instrument, side, levels);
  for (size_t k = 0; k < n; ++k) {
    int64_t qty = levels[k].qty.value();
    if (own_resting && levels[k].price.value() == own.price) qty -= own.qty;
    if (qty > 0) {
      out = levels[k].price.value();
      return true;
    }
  }
  return false;
}

bool MarketMaker::mid2(const StrategyContext& ctx, InstrumentId instrument, int64_t& out) const {
  int64_t bid = 0;
  int64_t ask = 0;
  if (best_excluding_own(ctx, instrument, Side::kBuy, bid) &&
      best_excluding_own(ctx, instrument, Side::kSell, ask)) {
    out = bid + ask;
    return true;
  }
  const QuoteMid& q = books_[instrument.value()].quote_mid;
  if (!q.has) return false;
  out = q.mid2;
  return true;
}

void MarketMaker::refresh(StrategyContext& ctx, InstrumentId instrument) {
  if (instrument.value() >= books_.size() || !books_[instrument.value()].traded) return;
  if (ctx.market().halted(instrument)) return;
  int64_t m2 = 0;
  if (!mid2(ctx, instrument, m2)) return;

  // Widened: a position the portfolio holds (any int64) times the skew, or plus a quote, must not
  // wrap into a plausible price. A quote outside the price domain is simply not sent.
  // The division stays in int64 (exact: skew_unit_lots >= 1; a 128-bit division is a libcall on
  // the per-quote path); only the products and sums are widened.
  const int64_t position64 = ctx.position(instrument);
  const __int128 position = position64;
  const __int128 qty = params_.quote_qty.value();
  const __int128 skew =
      __int128{params_.skew_ticks_per_lot} * (position64 / params_.skew_unit_lots);
  const __int128 bid = m2 / 2 - params_.half_spread_ticks - skew;        // floor: m2 > 0
  const __int128 ask = (m2 + 1) / 2 + params_.half_spread_ticks - skew;  // ceil
  const int64_t limit = params_.max_position;
  const auto in_domain = [](__int128 p) { return p >= kMinPrice && p <= kMaxPrice; };
  const bool bid_ok = in_domain(bid) && (limit == 0 || position + qty <= limit);
  const bool ask_ok = in_domain(ask) && (limit == 0 || position - qty >= -limit);
  steer(ctx, instrument, Side::kBuy, bid_ok, bid_ok ? static_cast<int64_t>(bid) : 0);
  steer(ctx, instrument, Side::kSell, ask_ok, ask_ok ? static_cast<int64_t>(ask) : 0);
}

bool MarketMaker::crosses_own(const Book& book, Side side, int64_t price) const {
  const Quote& other = book.sides[side_index(opposite(side))];
  if (other.id == 0) return false;
  const bool moving = other.pending == Pending::kNew || other.pending == Pending::kReplace;
  if (side == Side::kBuy) return price >= other.price || (moving && price >= other.target);
  return price <= other.price || (moving && price <= other.target);
}

void MarketMaker::steer(StrategyContext& ctx, InstrumentId instrument, Side side, bool wanted,
                        int64_t target) {
  Quote& q = books_[instrument.value()].sides[side_index(side)];
  if (q.pending != Pending::kNone) return;
  if (!wanted) {
    if (q.id != 0) {
      ctx.cancel(instrument, OrderId(q.id));
      q.pending = Pending::kCancel;
    }
    return;
  }
  if (ctx.now().value() < q.retry_after_ns) return;
  if (q.id != 0 && abs64(target - q.price) < params_.requote_ticks) return;
  if (crosses_own(books_[instrument.value()], side, target)) return;
  if (q.id == 0) {
    const OrderId id = ctx.send_limit(instrument, side, Price(target), params_.quote_qty);
    q = Quote{id.value(),    target,           params_.quote_qty.value(),
              Pending::kNew, q.retry_after_ns, target};
    return;
  }
  ctx.replace(instrument, OrderId(q.id), Price(target), params_.quote_qty);
  q.pending = Pending::kReplace;
  q.target = target;
}

void MarketMaker::hash_state(StateHasher& h) const {
  h.tag("market_maker");
  for (const Book& b : books_) {
    h.u8(b.traded);
    b.quote_mid.hash_state(h);
    for (const Quote& q : b.sides) {
      h.u64(q.id);
      h.i64(q.price);
      h.i64(q.qty);
      h.u8(static_cast<uint8_t>(q.pending));
      h.i64(q.retry_after_ns);
      h.i64(q.target);
    }
  }
}

Status MarketMaker::restore_state(StateReader& r, const StrategyContext& ctx) {
  r.expect_tag("market_maker");
  for (Book& b : books_) {
    if (r.u8() != (b.traded ? 1 : 0)) r.fail("market maker traded instruments differ");
    b.quote_mid.restore_state(r);
    for (Quote& q : b.sides) {
      q.id = r.u64();
      q.price = r.i64();
      q.qty = r.i64();
      const uint8_t pending = r.u8();
      q.pending = static_cast<Pending>(pending);
      q.retry_after_ns = r.i64();
      q.target = r.i64();
      if (!r.ok()) return r.status();
      const bool id_ok = q.id == 0 ? pending == 0 : ctx.issued(OrderId(q.id));
      if (pending > static_cast<uint8_t>(Pending::kCancel) || !id_ok || q.qty < 0) {
        r.fail("market maker quote " + std::to_string(q.id) + " invalid");
        return r.status();
      }
    }
  }
  return r.status();
}

}  // namespace tape
