#include "core/strategies/market_maker.h"

#include <array>
#include <memory>
#include <string>
#include <utility>

#include "core/bounds.h"

namespace tape {
namespace {

int64_t abs64(int64_t v) { return v < 0 ? -v : v; }
int side_index(Side s) { return static_cast<int>(s); }

}  // namespace

BuiltinSpec MarketMaker::spec() {
  const MarketMakerParams d;
  BuiltinSpec s;
  s.name = "market_maker";
  s.kind = StrategyKind::kMarketMaker;
  s.params = param_decls({
      api::int_param("half_spread_ticks", d.half_spread_ticks, "quote distance from the mid"),
      api::int_param("quote_qty", d.quote_qty.value(), "lots per quote"),
      api::int_param("skew_ticks_per_lot", d.skew_ticks_per_lot,
                     "ticks the quotes move per skew_unit_lots of position"),
      api::int_param("skew_unit_lots", d.skew_unit_lots, "position step of the skew"),
      api::int_param("max_position", d.max_position,
                     "|position| a quote may not take it past; 0 = no limit"),
      api::int_param("requote_ticks", d.requote_ticks, "move a quote only this far off target"),
  });
  s.ranges = {{"half_spread_ticks", 1, 1'000'000},  {"quote_qty", 1, 1'000'000'000},
              {"skew_ticks_per_lot", 0, 1'000'000}, {"skew_unit_lots", 1, 1'000'000'000},
              {"max_position", 0, kParamCountMax},  {"requote_ticks", 1, 1'000'000}};
  s.config_params = [](const StrategyConfig& c) {
    const MarketMakerParams& m = c.mm;
    return std::vector<PluginParam>{{"half_spread_ticks", std::to_string(m.half_spread_ticks)},
                                    {"quote_qty", std::to_string(m.quote_qty.value())},
                                    {"skew_ticks_per_lot", std::to_string(m.skew_ticks_per_lot)},
                                    {"skew_unit_lots", std::to_string(m.skew_unit_lots)},
                                    {"max_position", std::to_string(m.max_position)},
                                    {"requote_ticks", std::to_string(m.requote_ticks)}};
  };
  s.make = [](const api::Params& p, const BuiltinUniverse& u) -> std::unique_ptr<BuiltinStrategy> {
    return std::make_unique<MarketMaker>(p, u);
  };
  return s;
}

MarketMaker::MarketMaker(const api::Params& p, const BuiltinUniverse& universe)
    : books_(universe.instrument_count) {
  params_.half_spread_ticks = p.get_int("half_spread_ticks");
  params_.quote_qty = Qty(p.get_int("quote_qty"));
  params_.skew_ticks_per_lot = p.get_int("skew_ticks_per_lot");
  params_.skew_unit_lots = p.get_int("skew_unit_lots");
  params_.max_position = p.get_int("max_position");
  params_.requote_ticks = p.get_int("requote_ticks");
  if (params_.half_spread_ticks < 1) params_.half_spread_ticks = 1;
  if (params_.skew_unit_lots < 1) params_.skew_unit_lots = 1;
  if (params_.requote_ticks < 1) params_.requote_ticks = 1;
  if (params_.quote_qty.value() < 1) params_.quote_qty = Qty(1);
  if (params_.max_position < 0) params_.max_position = 0;
  for (InstrumentId id : universe.traded) {
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

void MarketMaker::on_quote(api::Context& ctx, const api::Quote& quote) {
  if (quote.instrument >= books_.size()) return;
  books_[quote.instrument].quote_mid.observe(quote.bid, quote.ask);
  refresh(ctx, InstrumentId(quote.instrument));
}

void MarketMaker::on_book(api::Context& ctx, const api::BookTop& top) {
  refresh(ctx, InstrumentId(top.instrument), &top);
}

void MarketMaker::on_timer(api::Context& ctx) {
  for (uint32_t i = 0; i < books_.size(); ++i) refresh(ctx, InstrumentId(i));
}

// ---- Own orders ----

void MarketMaker::on_fill(api::Context& ctx, const api::FillReport& fill) {
  const InstrumentId instrument(fill.instrument);
  Quote* q = find(instrument, OrderId(fill.order_id));
  if (q != nullptr) {
    if (fill.leaves <= 0) {
      *q = Quote{0, 0, 0, Pending::kNone, q->retry_after_ns, 0};
    } else {
      q->qty = fill.leaves;
    }
  }
  refresh(ctx, instrument);
}

void MarketMaker::on_order(api::Context& ctx, const api::OrderEvent& e) {
  switch (e.kind) {
    case api::OrderEventKind::kAccepted:
      return accepted(ctx, e);
    case api::OrderEventKind::kRejected:
      return rejected(ctx, e);
    case api::OrderEventKind::kCancelled:
    case api::OrderEventKind::kExpired:
      return cancelled(ctx, e);
    case api::OrderEventKind::kReplaced:
      return replaced(ctx, e);
  }
}

void MarketMaker::accepted(api::Context& ctx, const api::OrderEvent& e) {
  Quote* q = find(InstrumentId(e.instrument), OrderId(e.order_id));
  if (q == nullptr) return;
  if (q->pending == Pending::kNew) q->pending = Pending::kNone;
  q->price = e.price;
  q->qty = e.qty;
  refresh(ctx, InstrumentId(e.instrument));
}

void MarketMaker::rejected(api::Context& ctx, const api::OrderEvent& e) {
  Quote* q = find(InstrumentId(e.instrument), OrderId(e.order_id));
  if (q == nullptr) return;
  q->retry_after_ns = ctx.now_ns() + kRejectBackoffNs;
  // A rejected new order never existed; an unknown id means the order is already gone. Any
  // other reject of a replace or cancel leaves the order resting as it was.
  if (q->pending == Pending::kNew ||
      e.reason == static_cast<uint16_t>(RejectReason::kUnknownOrderId)) {
    *q = Quote{0, 0, 0, Pending::kNone, q->retry_after_ns, 0};
  } else {
    q->pending = Pending::kNone;
  }
  refresh(ctx, InstrumentId(e.instrument));
}

void MarketMaker::cancelled(api::Context& ctx, const api::OrderEvent& e) {
  Quote* q = find(InstrumentId(e.instrument), OrderId(e.order_id));
  if (q == nullptr) return;
  *q = Quote{0, 0, 0, Pending::kNone, q->retry_after_ns, 0};
  refresh(ctx, InstrumentId(e.instrument));
}

void MarketMaker::replaced(api::Context& ctx, const api::OrderEvent& e) {
  Quote* q = find(InstrumentId(e.instrument), OrderId(e.order_id));
  if (q == nullptr) return;
  if (q->pending == Pending::kReplace) q->pending = Pending::kNone;
  q->price = e.price;
  q->qty = e.qty;
  refresh(ctx, InstrumentId(e.instrument));
}

// ---- Quoting ----

bool MarketMaker::best_excluding_own(const api::Context& ctx, InstrumentId instrument, Side side,
                                     const api::BookTop* top, int64_t& out) const {
  const Quote& own = books_[instrument.value()].sides[side_index(side)];
  // Our quote is in the book unless it is still on its way (pending new), or the book is the
  // data's (quote and L3 venues), which never holds it: subtracting it there would empty the
  // displayed level it shares a price with and send the mid back to the fallback, which moves
  // the quote off that price, which brings the level back, without end within one input.
  const bool own_resting = top != nullptr && own.id != 0 && own.pending != Pending::kNew;
  if (top != nullptr) {
    // The top is the first level of the same book: one query for both sides instead of a walk
    // per side, and the walk only when our quote is all there is at the best price.
    const bool buy = side == Side::kBuy;
    if (!(buy ? top->has_bid : top->has_ask)) return false;
    const int64_t price = buy ? top->bid : top->ask;
    const int64_t qty = buy ? top->bid_qty : top->ask_qty;
    if (!own_resting || price != own.price || qty > own.qty) {
      out = price;
      return true;
    }
  }
  std::array<api::Level, 2> levels;  // one order per side: at most one level is ours alone
  const uint32_t n = ctx.depth(instrument.value(), static_cast<api::Side>(side), levels);
  for (uint32_t k = 0; k < n; ++k) {
    int64_t qty = levels[k].qty;
    if (own_resting && levels[k].price == own.price) qty -= own.qty;
    if (qty > 0) {
      out = levels[k].price;
      return true;
    }
  }
  return false;
}

bool MarketMaker::mid2(const api::Context& ctx, InstrumentId instrument, const api::BookTop* top,
                       int64_t& out) const {
  // On a book that holds the maker's orders (the matching engine's) the top answers first; the
  // data venues' books are read level by level as they are.
  api::BookTop asked;
  if (!ctx.book_has_own_orders()) {
    top = nullptr;
  } else if (top == nullptr) {
    asked = ctx.top(instrument.value());
    top = &asked;
  }
  int64_t bid = 0;
  int64_t ask = 0;
  if (best_excluding_own(ctx, instrument, Side::kBuy, top, bid) &&
      best_excluding_own(ctx, instrument, Side::kSell, top, ask)) {
    out = bid + ask;
    return true;
  }
  const QuoteMid& q = books_[instrument.value()].quote_mid;
  if (!q.has) return false;
  out = q.mid2;
  return true;
}

void MarketMaker::refresh(api::Context& ctx, InstrumentId instrument, const api::BookTop* top) {
  if (instrument.value() >= books_.size() || !books_[instrument.value()].traded) return;
  if (ctx.halted(instrument.value())) return;
  int64_t m2 = 0;
  if (!mid2(ctx, instrument, top, m2)) return;

  // Widened: a position the portfolio holds (any int64) times the skew, or plus a quote, must not
  // wrap into a plausible price. A quote outside the price domain is simply not sent.
  // The division stays in int64 (exact: skew_unit_lots >= 1; a 128-bit division is a libcall on
  // the per-quote path); only the products and sums are widened.
  const int64_t position64 = ctx.position(instrument.value());
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

void MarketMaker::steer(api::Context& ctx, InstrumentId instrument, Side side, bool wanted,
                        int64_t target) {
  Quote& q = books_[instrument.value()].sides[side_index(side)];
  if (q.pending != Pending::kNone) return;
  if (!wanted) {
    if (q.id != 0) {
      ctx.cancel(instrument.value(), q.id);
      q.pending = Pending::kCancel;
    }
    return;
  }
  if (ctx.now_ns() < q.retry_after_ns) return;
  if (q.id != 0 && abs64(target - q.price) < params_.requote_ticks) return;
  if (crosses_own(books_[instrument.value()], side, target)) return;
  if (q.id == 0) {
    const uint64_t id = ctx.limit(instrument.value(), static_cast<api::Side>(side), target,
                                  params_.quote_qty.value());
    q = Quote{id, target, params_.quote_qty.value(), Pending::kNew, q.retry_after_ns, target};
    return;
  }
  ctx.replace(instrument.value(), q.id, target, params_.quote_qty.value());
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

Status MarketMaker::restore_state(StateReader& r, const IssuedFn& issued) {
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
      const bool id_ok = q.id == 0 ? pending == 0 : issued(OrderId(q.id));
      if (pending > static_cast<uint8_t>(Pending::kCancel) || !id_ok || q.qty < 0) {
        r.fail("market maker quote " + std::to_string(q.id) + " invalid");
        return r.status();
      }
    }
  }
  return r.status();
}

}  // namespace tape
