// A queue-aware market maker for order-level (L3) backtests: it joins the best bid and the best
// ask of the rebuilt book only when the queue ahead of it is short, keeps its place while its
// price stays the best, and leaves a level once it is no longer the best. An example of tape's
// strategy API on the L3 venue (venue model "l3", core/l3_venue.h, docs/l3_venue.md).
//
// The exact rules (README.md here has them with the parameters):
//  * One instrument: the first one it hears of. It acts in on_book (the data's top of book, as
//    the strategy sees it after feed latency) and keeps one quote per side at most.
//  * No quote on a side, the book two-sided, spread = ask - bid >= min_spread_ticks, the
//    position after a fill of qty lots within +-max_position, and the size shown at that side's
//    best <= max_queue_ahead: a post-only GTC limit for qty lots joins at the best price. Its
//    estimate of the queue ahead is the size shown then (it joins the back of the FIFO).
//  * A quote whose price is still the side's best keeps its place; the estimate only shrinks:
//    min(estimate, shown size), and a print at its price against its side takes from it.
//  * A quote whose price is no longer the side's best (a better price came, or its level left)
//    is cancelled; once the cancel is answered the side may quote again.
//  * Fills reduce the quote; a filled, cancelled, rejected or expired quote is forgotten.
#include <tape/strategy.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace {

using tape::api::BookTop;
using tape::api::Context;
using tape::api::FillReport;
using tape::api::OrderEvent;
using tape::api::OrderEventKind;
using tape::api::Params;
using tape::api::Side;
using tape::api::Tif;
using tape::api::Trade;

constexpr uint8_t kStateVersion = 1;
constexpr int64_t kMaxValue = 1'000'000'000'000;

struct Quote {
  uint64_t id = 0;  // 0 = none
  int64_t price = 0;
  int64_t open = 0;
  int64_t queue_ahead = 0;  // estimate, lots
  bool cancelling = false;

  void save(tape::api::StateWriter& w) const {
    w.u64(id);
    w.i64(price);
    w.i64(open);
    w.i64(queue_ahead);
    w.u8(cancelling ? 1 : 0);
  }
  void load(tape::api::StateReader& r) {
    id = r.u64();
    price = r.i64();
    open = r.i64();
    queue_ahead = r.i64();
    const uint8_t c = r.u8();
    if (c > 1 || open < 0 || queue_ahead < 0 || (id == 0 && (open != 0 || c != 0))) {
      throw std::runtime_error("queue_maker: saved quote out of range");
    }
    cancelling = c == 1;
  }
};

class QueueMaker final : public tape::api::Strategy {
 public:
  explicit QueueMaker(const Params& p)
      : qty_(p.get_int("qty")),
        max_position_(p.get_int("max_position")),
        max_queue_ahead_(p.get_int("max_queue_ahead")),
        min_spread_ticks_(p.get_int("min_spread_ticks")) {
    if (qty_ < 1 || qty_ > kMaxValue) throw std::invalid_argument("qty must be in 1..10^12");
    if (max_position_ < qty_ || max_position_ > kMaxValue) {
      throw std::invalid_argument("max_position must be in qty..10^12");
    }
    if (max_queue_ahead_ < 0 || max_queue_ahead_ > kMaxValue) {
      throw std::invalid_argument("max_queue_ahead must be in 0..10^12");
    }
    if (min_spread_ticks_ < 1 || min_spread_ticks_ > kMaxValue) {
      throw std::invalid_argument("min_spread_ticks must be in 1..10^12");
    }
  }

  void on_book(Context& ctx, const BookTop& top) override {
    if (!has_instrument_) has_instrument_ = true, instrument_ = top.instrument;
    if (top.instrument != instrument_) return;
    for (int s = 0; s < 2; ++s) work_side(ctx, top, s);
  }

  void on_trade(Context&, const Trade& t) override {
    if (!has_instrument_ || t.instrument != instrument_) return;
    // A sell aggressor trades the bid side, a buy aggressor the ask side.
    Quote& q = quotes_[t.aggressor == Side::kSell ? 0 : 1];
    if (q.id != 0 && t.price == q.price) q.queue_ahead = std::max<int64_t>(0, q.queue_ahead - t.qty);
  }

  void on_fill(Context&, const FillReport& f) override {
    for (Quote& q : quotes_) {
      if (q.id != f.order_id) continue;
      q.open = f.leaves;
      if (f.leaves == 0) q = Quote{};
    }
  }

  void on_order(Context&, const OrderEvent& e) override {
    if (e.kind == OrderEventKind::kAccepted || e.kind == OrderEventKind::kReplaced) return;
    for (Quote& q : quotes_) {
      if (q.id == e.order_id) q = Quote{};
    }
  }

  // version, instrument (flag, id), then the bid and the ask quote.
  void save_state(std::vector<uint8_t>& out) const override {
    tape::api::StateWriter w(out);
    w.u8(kStateVersion);
    w.u8(has_instrument_ ? 1 : 0);
    w.u64(instrument_);
    for (const Quote& q : quotes_) q.save(w);
  }

  void load_state(std::span<const uint8_t> in) override {
    tape::api::StateReader r(in);
    if (r.u8() != kStateVersion) throw std::runtime_error("queue_maker: unknown state version");
    const uint8_t has = r.u8();
    const uint64_t instrument = r.u64();
    if (has > 1 || instrument > UINT32_MAX) throw std::runtime_error("queue_maker: bad state");
    has_instrument_ = has == 1;
    instrument_ = static_cast<uint32_t>(instrument);
    for (Quote& q : quotes_) q.load(r);
    r.expect_end();
  }

 private:
  void work_side(Context& ctx, const BookTop& top, int s) {
    Quote& q = quotes_[s];
    const bool buy = s == 0;
    const bool has = buy ? top.has_bid : top.has_ask;
    const int64_t best = buy ? top.bid : top.ask;
    const int64_t shown = buy ? top.bid_qty : top.ask_qty;
    if (q.id != 0) {
      if (q.cancelling) return;
      if (!has || q.price != best) {
        ctx.cancel(instrument_, q.id);
        q.cancelling = true;
        return;
      }
      q.queue_ahead = std::min(q.queue_ahead, shown);
      return;
    }
    if (!top.has_bid || !top.has_ask || top.ask - top.bid < min_spread_ticks_) return;
    const int64_t pos = ctx.position(instrument_);
    if (buy ? pos + qty_ > max_position_ : pos - qty_ < -max_position_) return;
    if (shown > max_queue_ahead_) return;
    q.id = ctx.limit(instrument_, buy ? Side::kBuy : Side::kSell, best, qty_, Tif::kGtc,
                     /*post_only=*/true);
    q.price = best;
    q.open = qty_;
    q.queue_ahead = shown;
  }

  int64_t qty_, max_position_, max_queue_ahead_, min_spread_ticks_;
  bool has_instrument_ = false;
  uint32_t instrument_ = 0;
  Quote quotes_[2];  // bid, ask
};

}  // namespace

TAPE_STRATEGY_PLUGIN(
    QueueMaker, "queue_maker", tape::api::int_param("qty", 100, "lots per quote"),
    tape::api::int_param("max_position", 200, "most lots held long or short"),
    tape::api::int_param("max_queue_ahead", 300, "joins a best level only if it shows at most this"),
    tape::api::int_param("min_spread_ticks", 100, "quotes only when ask - bid is at least this"))
