#include "core/strategies/fat_finger.h"

#include <memory>
#include <string>


namespace tape {
namespace {

constexpr int64_t kNsPerMs = 1'000'000;

int64_t at_least(int64_t v, int64_t lo) { return v < lo ? lo : v; }

}  // namespace

BuiltinSpec FatFinger::spec() {
  const FatFingerParams d;
  BuiltinSpec s;
  s.name = "fat_finger";
  s.kind = StrategyKind::kFatFinger;
  s.params = param_decls({
      api::int_param("order_qty", d.order_qty.value(), "normal order size, lots"),
      api::int_param("offset_ticks", d.offset_ticks, "normal orders rest this far from the mid"),
      api::int_param("max_position", d.max_position,
                     "normal orders skip a side that would pass |position|; 0 = no limit"),
      api::int_param("at_ms", d.at_ms, "simulated ms when the oversize orders go out"),
      api::int_param("oversize_orders", d.oversize_orders, "how many oversize orders; 0 = none"),
      api::int_param("size_multiplier", d.size_multiplier, "oversize qty = order_qty x this"),
      api::int_param("burst_at_ms", d.burst_at_ms, "simulated ms when the burst goes out"),
      api::int_param("burst_orders", d.burst_orders, "orders of the burst; 0 = none"),
  });
  constexpr int64_t kAtMsMax = int64_t{30} * 24 * kParamHourMs;  // the longest scenario
  s.ranges = {{"order_qty", 1, 1'000'000'000},     {"offset_ticks", 0, 1'000'000},
              {"max_position", 0, kParamCountMax}, {"at_ms", 0, kAtMsMax},
              {"oversize_orders", 0, 1'000'000},   {"size_multiplier", 1, 1'000'000},
              {"burst_at_ms", 0, kAtMsMax},        {"burst_orders", 0, 1'000'000}};
  s.config_params = [](const StrategyConfig& c) {
    const FatFingerParams& f = c.fat_finger;
    return std::vector<PluginParam>{{"order_qty", std::to_string(f.order_qty.value())},
                                    {"offset_ticks", std::to_string(f.offset_ticks)},
                                    {"max_position", std::to_string(f.max_position)},
                                    {"at_ms", std::to_string(f.at_ms)},
                                    {"oversize_orders", std::to_string(f.oversize_orders)},
                                    {"size_multiplier", std::to_string(f.size_multiplier)},
                                    {"burst_at_ms", std::to_string(f.burst_at_ms)},
                                    {"burst_orders", std::to_string(f.burst_orders)}};
  };
  s.make = [](const api::Params& p, const BuiltinUniverse& u) -> std::unique_ptr<BuiltinStrategy> {
    return std::make_unique<FatFinger>(p, u);
  };
  return s;
}

FatFinger::FatFinger(const api::Params& p, const BuiltinUniverse& universe)
    : books_(universe.instrument_count) {
  params_.order_qty = Qty(at_least(p.get_int("order_qty"), 1));
  params_.offset_ticks = at_least(p.get_int("offset_ticks"), 0);
  params_.max_position = at_least(p.get_int("max_position"), 0);
  params_.at_ms = p.get_int("at_ms");
  params_.oversize_orders = at_least(p.get_int("oversize_orders"), 0);
  params_.size_multiplier = at_least(p.get_int("size_multiplier"), 1);
  params_.burst_at_ms = p.get_int("burst_at_ms");
  params_.burst_orders = at_least(p.get_int("burst_orders"), 0);
  for (InstrumentId id : universe.traded) {
    if (id.value() < books_.size()) books_[id.value()].traded = true;
  }
  salvos_.reserve(2);
}

bool FatFinger::mid2(const api::Context& ctx, InstrumentId instrument, int64_t& out) const {
  const api::BookTop top = ctx.top(instrument.value());
  if (top.has_bid && top.has_ask && top.bid < top.ask) {
    out = top.bid + top.ask;
    return true;
  }
  const QuoteMid& q = books_[instrument.value()].quote_mid;
  if (!q.has) return false;
  out = q.mid2;
  return true;
}

void FatFinger::on_quote(api::Context& ctx, const api::Quote& quote) {
  if (quote.instrument < books_.size()) books_[quote.instrument].quote_mid.observe(quote.bid, quote.ask);
  maybe_misfire(ctx);
}

// ---- Own orders ----

void FatFinger::forget(InstrumentId instrument, OrderId id) {
  if (instrument.value() < books_.size() && books_[instrument.value()].live == id.value()) {
    books_[instrument.value()].live = 0;
  }
}

void FatFinger::on_fill(api::Context& ctx, const api::FillReport& fill) {
  if (fill.leaves > 0) return;
  forget(InstrumentId(fill.instrument), OrderId(fill.order_id));
  // A mistake's orders are IOC: always the taker.
  if (!fill.is_maker) answered(ctx, OrderId(fill.order_id));
}

// A reject (of a cancel too: its order had already gone), cancel or expiry: nothing left live.
void FatFinger::on_order(api::Context& ctx, const api::OrderEvent& e) {
  if (e.kind != api::OrderEventKind::kRejected && e.kind != api::OrderEventKind::kCancelled &&
      e.kind != api::OrderEventKind::kExpired) {
    return;
  }
  forget(InstrumentId(e.instrument), OrderId(e.order_id));
  answered(ctx, OrderId(e.order_id));
}

// ---- Trading ----

void FatFinger::on_timer(api::Context& ctx) {
  maybe_misfire(ctx);
  const int64_t qty = params_.order_qty.value();
  const int64_t limit = params_.max_position;
  for (uint32_t i = 0; i < books_.size(); ++i) {
    Book& b = books_[i];
    const InstrumentId instrument(i);
    int64_t m2 = 0;
    if (!b.traded || ctx.halted(i) || !mid2(ctx, instrument, m2)) continue;
    if (b.live != 0) {
      ctx.cancel(i, b.live);
      b.live = 0;
    }
    const Side side = b.next_side;
    b.next_side = opposite(side);
    const __int128 after = static_cast<__int128>(ctx.position(i)) + sign(side) * qty;
    if (limit != 0 && (after > limit || after < -limit)) continue;
    const int64_t price =
        side == Side::kBuy ? m2 / 2 - params_.offset_ticks : (m2 + 1) / 2 + params_.offset_ticks;
    if (price <= 0) continue;
    b.live = ctx.limit(i, static_cast<api::Side>(side), price, qty);
  }
}

void FatFinger::maybe_misfire(api::Context& ctx) {
  const int64_t now = ctx.now_ns();
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

bool FatFinger::start_round_robin(api::Context& ctx, int64_t count, Qty qty) {
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

void FatFinger::pump(api::Context& ctx) {
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
    in_flight_ = ctx.limit(t.instrument, static_cast<api::Side>(side), price, salvo.qty.value(),
                           api::Tif::kIoc);
  }
}

void FatFinger::answered(api::Context& ctx, OrderId id) {
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

Status FatFinger::restore_state(StateReader& r, const IssuedFn& issued) {
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
    if (side > 1 || (b.live != 0 && !issued(OrderId(b.live)))) {
      r.fail("fat finger order " + std::to_string(b.live) + " or flags invalid");
      return r.status();
    }
    b.next_side = static_cast<Side>(side);
  }
  return r.status();
}

}  // namespace tape
