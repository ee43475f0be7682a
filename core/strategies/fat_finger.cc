#include "core/strategies/fat_finger.h"

#include <string>

#include "core/market_view.h"
#include "core/strategy.h"

namespace tape {
namespace {

constexpr int64_t kNsPerMs = 1'000'000;

int64_t at_least(int64_t v, int64_t lo) { return v < lo ? lo : v; }

}  // namespace

FatFinger::FatFinger(const StrategyConfig& config, size_t instrument_count)
    : params_(config.fat_finger), books_(instrument_count) {
  params_.order_qty = Qty(at_least(params_.order_qty.value(), 1));
  params_.offset_ticks = at_least(params_.offset_ticks, 0);
  params_.max_position = at_least(params_.max_position, 0);
  params_.oversize_orders = at_least(params_.oversize_orders, 0);
  params_.size_multiplier = at_least(params_.size_multiplier, 1);
  params_.burst_orders = at_least(params_.burst_orders, 0);
  for (InstrumentId id : traded_instruments(config, instrument_count)) {
    if (id.value() < books_.size()) books_[id.value()].traded = true;
  }
  salvos_.reserve(2);
}

bool FatFinger::mid2(const StrategyContext& ctx, InstrumentId instrument, int64_t& out) const {
  const TopOfBook top = ctx.market().top(instrument);
  if (top.has_bid && top.has_ask && top.bid < top.ask) {
    out = top.bid.value() + top.ask.value();
    return true;
  }
  const QuoteMid& q = books_[instrument.value()].quote_mid;
  if (!q.has) return false;
  out = q.mid2;
  return true;
}

void FatFinger::on_quote(StrategyContext& ctx, const QuoteIn& quote) {
  if (quote.instrument.value() < books_.size()) {
    books_[quote.instrument.value()].quote_mid.observe(quote);
  }
  maybe_misfire(ctx);
}

// ---- Own orders ----

void FatFinger::forget(InstrumentId instrument, OrderId id) {
  if (instrument.value() < books_.size() && books_[instrument.value()].live == id.value()) {
    books_[instrument.value()].live = 0;
  }
}

void FatFinger::on_fill(StrategyContext& ctx, const Fill& fill) {
  if (fill.maker_leaves.value() <= 0) forget(fill.instrument, fill.maker);
  if (fill.taker_leaves.value() <= 0) {
    forget(fill.instrument, fill.taker);
    answered(ctx, fill.taker);  // a mistake's orders are IOC: always the taker
  }
}

void FatFinger::on_order(StrategyContext& ctx, const OrderRejected& rejected) {
  // A rejected cancel leaves nothing live either: its order had already gone.
  forget(rejected.instrument, rejected.id);
  answered(ctx, rejected.id);
}

void FatFinger::on_order(StrategyContext& ctx, const OrderCancelled& cancelled) {
  forget(cancelled.instrument, cancelled.id);
  answered(ctx, cancelled.id);
}

// ---- Trading ----

void FatFinger::on_timer(StrategyContext& ctx) {
  maybe_misfire(ctx);
  const int64_t qty = params_.order_qty.value();
  const int64_t limit = params_.max_position;
  for (uint32_t i = 0; i < books_.size(); ++i) {
    Book& b = books_[i];
    const InstrumentId instrument(i);
    int64_t m2 = 0;
    if (!b.traded || ctx.market().halted(instrument) || !mid2(ctx, instrument, m2)) continue;
    if (b.live != 0) {
      ctx.cancel(instrument, OrderId(b.live));
      b.live = 0;
    }
    const Side side = b.next_side;
    b.next_side = opposite(side);
    const __int128 after = static_cast<__int128>(ctx.position(instrument)) + sign(side) * qty;
    if (limit != 0 && (after > limit || after < -limit)) continue;
    const int64_t price =
        side == Side::kBuy ? m2 / 2 - params_.offset_ticks : (m2 + 1) / 2 + params_.offset_ticks;
    if (price <= 0) continue;
    b.live = ctx.send_limit(instrument, side, Price(price), params_.order_qty).value();
  }
}

void FatFinger::maybe_misfire(StrategyContext& ctx) {
  const int64_t now = ctx.now().value();
  if (!oversize_done_ && now >= params_.at_ms * kNsPerMs) {
    const Qty big(params_.order_qty.value() * params_.size_multiplier);
    if (start_round_robin(ctx, params_.oversize_orders, big)) {
      oversize_done_ = true;
      oversize_sent_ = static_cast<uint64_t>(params_.oversize_orders);
    }
  }
  if (!burst_done_ && now >= params_.burst_at_ms * kNsPerMs) {
    if (start_round_robin(ctx, params_.burst_orders, params_.order_qty)) {
      burst_done_ = true;
      burst_sent_ = static_cast<uint64_t>(params_.burst_orders);
    }
  }
}

bool FatFinger::start_round_robin(StrategyContext& ctx, int64_t count, Qty qty) {
  if (count == 0) return true;
  Salvo salvo{count, 0, qty, {}};
  int64_t m2 = 0;
  for (uint32_t i = 0; i < books_.size(); ++i) {
    if (books_[i].traded && mid2(ctx, InstrumentId(i), m2)) salvo.targets.push_back({i, m2});
  }
  if (salvo.targets.empty()) return false;
  salvos_.push_back(std::move(salvo));
  pump(ctx);
  return true;
}

void FatFinger::pump(StrategyContext& ctx) {
  while (in_flight_ == 0 && !salvos_.empty()) {
    Salvo& salvo = salvos_.front();
    if (salvo.left == 0) {
      salvos_.erase(salvos_.begin());
      continue;
    }
    const int64_t k = salvo.next++;
    --salvo.left;
    const Target& t = salvo.targets[static_cast<size_t>(k) % salvo.targets.size()];
    const Side side = k % 2 == 0 ? Side::kBuy : Side::kSell;
    const int64_t price = side == Side::kBuy ? t.mid2 / 2 : (t.mid2 + 1) / 2;
    in_flight_ =
        ctx.send_limit(InstrumentId(t.instrument), side, Price(price), salvo.qty, TimeInForce::kIoc)
            .value();
  }
}

void FatFinger::answered(StrategyContext& ctx, OrderId id) {
  if (in_flight_ == 0 || id.value() != in_flight_) return;
  in_flight_ = 0;
  pump(ctx);
}

// ---- State ----

void FatFinger::hash_state(StateHasher& h) const {
  h.tag("fat_finger");
  h.u8(oversize_done_);
  h.u8(burst_done_);
  h.u64(oversize_sent_);
  h.u64(burst_sent_);
  for (const Book& b : books_) {
    h.u8(b.traded);
    b.quote_mid.hash_state(h);
    h.u64(b.live);
    h.u8(static_cast<uint8_t>(b.next_side));
  }
}

Status FatFinger::restore_state(StateReader& r, const StrategyContext& ctx) {
  r.expect_tag("fat_finger");
  const uint8_t oversize_done = r.u8();
  const uint8_t burst_done = r.u8();
  oversize_sent_ = r.u64();
  burst_sent_ = r.u64();
  if (oversize_done > 1 || burst_done > 1) r.fail("fat finger flag out of range");
  if (oversize_sent_ != (oversize_done ? uint64_t(params_.oversize_orders) : 0) ||
      burst_sent_ != (burst_done ? uint64_t(params_.burst_orders) : 0)) {
    r.fail("fat finger counters disagree with the config");
  }
  oversize_done_ = oversize_done == 1;
  burst_done_ = burst_done == 1;
  for (Book& b : books_) {
    if (r.u8() != (b.traded ? 1 : 0)) r.fail("fat finger traded instruments differ");
    b.quote_mid.restore_state(r);
    b.live = r.u64();
    const uint8_t side = r.u8();
    if (!r.ok()) return r.status();
    if (side > 1 || (b.live != 0 && !ctx.issued(OrderId(b.live)))) {
      r.fail("fat finger order " + std::to_string(b.live) + " or flags invalid");
      return r.status();
    }
    b.next_side = static_cast<Side>(side);
  }
  return r.status();
}

}  // namespace tape
