// Mean reversion on L1 quotes with resting post-only limit orders, long only: an example of
// tape's strategy API on the quote venue (venue model "quotes").
//
// The exact rules:
//  * One instrument, quotes in delivery order. A quote is usable when 0 < bid < ask; any other
//    quote (one side missing, locked, crossed) is skipped whole: it neither enters the window
//    nor moves an order.
//  * The window holds the last `window` usable quotes' mid x 2 (bid + ask, exact in ticks). Its
//    mean in ticks is sum / (2 x window); the band below it is
//      band = floor(sum / (2 x window)) - entry_ticks,  the exit level  exit = ceil(sum / (2 x window)).
//    Nothing is sent until the window is full (the quote that fills it acts).
//  * Buy side, at each usable quote: while position < max_position, one post-only limit buy
//    rests at B = min(band, bid) for min(qty, max_position - position) lots: at the band, or at
//    the bid once the mid has fallen so far that the band is above it (never above the bid, so
//    post-only never takes). When position reaches max_position a working buy is cancelled.
//  * Sell side, at each usable quote: while position > 0, one post-only limit sell rests at
//    S = max(exit, ask) for the whole position: at the mean, or at the ask when the market is
//    above the mean (never below the ask).
//  * Stale orders: a working order whose price (or, for the sell, whose open quantity against
//    the position) differs from what the rule above wants now is replaced to it (new price and
//    quantity, ctx.replace); a buy is re-sized only when it is sent. While a replace or cancel
//    of its own is in flight on a side, that side waits for the answer.
//  * A refused order (rejected) is forgotten; a refused replace of a working order cancels it.
//  * With the quote venue a resting buy at P fills when a later quote's ask <= P (at P, up to the
//    ask's displayed size), or from prints as core/data_venue.h states; the strategy hears the
//    fill before it sees the quote that caused it.
#include <tape/strategy.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using tape::api::Context;
using tape::api::FillReport;
using tape::api::OrderEvent;
using tape::api::OrderEventKind;
using tape::api::Params;
using tape::api::Quote;
using tape::api::Side;
using tape::api::Tif;

constexpr uint8_t kStateVersion = 1;
constexpr int64_t kMaxWindow = 100'000;
constexpr int64_t kMaxTicks = 1'000'000'000'000;  // entry_ticks bound, far beyond any price

// Floor and ceiling of a / b for a >= 0, b > 0 (mids are positive: 0 < bid < ask).
int64_t floor_div(int64_t a, int64_t b) { return a / b; }
int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// One side's working order, as the strategy knows it.
struct Working {
  uint64_t id = 0;  // 0 = none
  int64_t price = 0;
  int64_t leaves = 0;
  bool accepted = false;
  bool busy = false;  // a replace or cancel is in flight: wait for its answer

  void clear() { *this = Working{}; }
  void save(tape::api::StateWriter& w) const {
    w.u64(id);
    w.i64(price);
    w.i64(leaves);
    w.u8(accepted ? 1 : 0);
    w.u8(busy ? 1 : 0);
  }
  void load(tape::api::StateReader& r) {
    id = r.u64();
    price = r.i64();
    leaves = r.i64();
    const uint8_t a = r.u8(), b = r.u8();
    if (a > 1 || b > 1 || leaves < 0 || (id == 0 && (price != 0 || leaves != 0 || a || b))) {
      throw std::runtime_error("mean_reversion: saved order state out of range");
    }
    accepted = a == 1, busy = b == 1;
  }
};

class MeanReversion final : public tape::api::Strategy {
 public:
  explicit MeanReversion(const Params& p)
      : MeanReversion(p.get_int("window"), p.get_int("entry_ticks"), p.get_int("qty"),
                      p.get_int("max_position")) {
    if (window_ < 2 || window_ > kMaxWindow) {
      throw std::invalid_argument("window must be in [2, 100000], got " + std::to_string(window_));
    }
    if (entry_ticks_ < 0 || entry_ticks_ > kMaxTicks) {
      throw std::invalid_argument("entry_ticks must be in [0, 10^12], got " +
                                  std::to_string(entry_ticks_));
    }
    if (qty_ < 1) throw std::invalid_argument("qty must be at least 1, got " + std::to_string(qty_));
    if (max_position_ < qty_) {
      throw std::invalid_argument("max_position must be at least qty, got max_position = " +
                                  std::to_string(max_position_) + ", qty = " + std::to_string(qty_));
    }
  }

  void on_quote(Context& ctx, const Quote& q) override {
    if (!has_instrument_) {
      has_instrument_ = true;
      instrument_ = q.instrument;
    } else if (q.instrument != instrument_) {
      throw std::runtime_error("mean_reversion trades one instrument; got quotes of instruments " +
                               std::to_string(instrument_) + " and " +
                               std::to_string(q.instrument));
    }
    if (q.bid <= 0 || q.ask <= q.bid) return;
    push(q.bid + q.ask);
    if (filled_ < window_) return;
    const int64_t den = 2 * window_;
    const int64_t band = floor_div(sum_, den) - entry_ticks_;
    const int64_t exit = ceil_div(sum_, den);
    const int64_t position = ctx.position(instrument_);
    manage_buy(ctx, position, band < q.bid ? band : q.bid);
    manage_sell(ctx, position, exit > q.ask ? exit : q.ask);
  }

  void on_fill(Context&, const FillReport& f) override {
    for (Working* w : {&buy_, &sell_}) {
      if (w->id != f.order_id) continue;
      w->leaves = f.leaves;
      if (f.leaves == 0) w->clear();
    }
  }

  void on_order(Context& ctx, const OrderEvent& e) override {
    for (Working* w : {&buy_, &sell_}) {
      if (w->id != e.order_id) continue;
      switch (e.kind) {
        case OrderEventKind::kAccepted:
          w->accepted = true;
          break;
        case OrderEventKind::kReplaced:
          w->price = e.price, w->leaves = e.qty, w->busy = false;
          break;
        case OrderEventKind::kCancelled:
        case OrderEventKind::kExpired:
          w->clear();
          break;
        case OrderEventKind::kRejected:
          if (!w->accepted) {
            w->clear();  // the order itself was refused
          } else {
            ctx.cancel(instrument_, w->id);  // a refused replace: give up on the order
            w->busy = true;
          }
          break;
      }
    }
  }

  // version, instrument (flag, id), the window's mids x 2 oldest first, then buy and sell.
  void save_state(std::vector<uint8_t>& out) const override {
    tape::api::StateWriter w(out);
    w.u8(kStateVersion);
    w.u8(has_instrument_ ? 1 : 0);
    w.u64(instrument_);
    w.i64(filled_);
    for (int64_t i = 0; i < filled_; ++i) w.i64(mid2_back(filled_ - 1 - i));
    buy_.save(w);
    sell_.save(w);
  }

  void load_state(std::span<const uint8_t> in) override {
    tape::api::StateReader r(in);
    if (r.u8() != kStateVersion) throw std::runtime_error("mean_reversion: unknown state version");
    const uint8_t has = r.u8();
    const uint64_t instrument = r.u64();
    const int64_t n = r.i64();
    if (has > 1 || instrument > UINT32_MAX || n < 0 || n > window_ || (has == 0 && n != 0)) {
      throw std::runtime_error("mean_reversion: saved state out of range");
    }
    *this = MeanReversion(window_, entry_ticks_, qty_, max_position_);
    has_instrument_ = has == 1;
    instrument_ = uint32_t(instrument);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t v = r.i64();
      if (v <= 0) throw std::runtime_error("mean_reversion: saved mid out of range");
      push(v);
    }
    buy_.load(r);
    sell_.load(r);
    r.expect_end();
  }

 private:
  MeanReversion(int64_t window, int64_t entry_ticks, int64_t qty, int64_t max_position)
      : window_(window), entry_ticks_(entry_ticks), qty_(qty), max_position_(max_position) {
    if (window_ >= 2 && window_ <= kMaxWindow) ring_.assign(size_t(window_), 0);
  }

  void manage_buy(Context& ctx, int64_t position, int64_t price) {
    if (buy_.busy) return;
    const int64_t room = max_position_ - position;
    if (buy_.id == 0) {
      if (room <= 0) return;
      buy_.leaves = room < qty_ ? room : qty_;
      buy_.price = price;
      buy_.id = ctx.limit(instrument_, Side::kBuy, price, buy_.leaves, Tif::kGtc, /*post_only=*/true);
    } else if (room <= 0) {
      ctx.cancel(instrument_, buy_.id);
      buy_.busy = true;
    } else if (buy_.price != price) {
      ctx.replace(instrument_, buy_.id, price, buy_.leaves);
      buy_.busy = true;
    }
  }

  void manage_sell(Context& ctx, int64_t position, int64_t price) {
    if (sell_.busy || position <= 0) return;
    if (sell_.id == 0) {
      sell_.leaves = position;
      sell_.price = price;
      sell_.id = ctx.limit(instrument_, Side::kSell, price, position, Tif::kGtc, /*post_only=*/true);
    } else if (sell_.price != price || sell_.leaves != position) {
      ctx.replace(instrument_, sell_.id, price, position);
      sell_.busy = true;
    }
  }

  // The mid x 2, k usable quotes back (0 = newest); k < filled_.
  int64_t mid2_back(int64_t k) const {
    return ring_[size_t((head_ - 1 - k + 2 * window_) % window_)];
  }

  void push(int64_t mid2) {
    if (filled_ == window_) sum_ -= mid2_back(window_ - 1);
    ring_[size_t(head_)] = mid2;
    head_ = (head_ + 1) % window_;
    if (filled_ < window_) ++filled_;
    sum_ += mid2;
  }

  int64_t window_, entry_ticks_, qty_, max_position_;
  std::vector<int64_t> ring_;  // the last `window` mids x 2
  int64_t head_ = 0;           // next slot to write
  int64_t filled_ = 0;
  int64_t sum_ = 0;  // ticks x 2; window x 2 x 10^12 fits int64
  bool has_instrument_ = false;
  uint32_t instrument_ = 0;
  Working buy_, sell_;
};

}  // namespace

TAPE_STRATEGY_PLUGIN(MeanReversion, "mean_reversion",
                     tape::api::int_param("window", 20, "usable quotes in the rolling mean of the mid"),
                     tape::api::int_param("entry_ticks", 5, "ticks below the mean the buy rests at"),
                     tape::api::int_param("qty", 1, "lots per buy order"),
                     tape::api::int_param("max_position", 3, "most lots held at once"))
