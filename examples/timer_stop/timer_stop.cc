// Breakout entry with a stop-market buy, a trailing protective stop sell, both worked on a timer:
// an example of tape's strategy API with timers (the config's timer_ms) and stop orders on the
// bar venue (venue model "bars").
//
// The exact rules:
//  * One instrument, bars in delivery order. The strategy keeps the highs of the last `lookback`
//    bars; H = the highest of them. It acts only on its timer (every timer_ms from the first
//    input), and only once `lookback` bars have been seen.
//  * Flat (position 0), on a timer: one stop buy (kStop, GTC) for `qty` lots works at
//    S = H + breakout_ticks. If it is working at another stop price it is replaced to S.
//    With the bar venue it triggers in a later bar whose high >= S and fills at max(open, S).
//  * On each fill of the entry: the protective stop sell (kStop, GTC) is sent for the whole
//    position at L = entry fill price - stop_ticks (at least 1 tick), or, if it already works,
//    replaced to the position's size at its current stop. It protects from the bar after the
//    fill's (an order arriving at a bar's stamp works from the next bar).
//  * Long, on a timer: the stop trails. T = the highest high of the bars delivered since the
//    entry's first fill (the fill's own bar included) - stop_ticks; when T > L the stop is
//    replaced to L = T. It never moves down. With the bar venue it triggers when a bar's
//    low <= L and fills at min(open, L).
//  * When the protective stop has filled (position 0) the next timer arms a new entry.
//  * While a replace of its own is in flight it sends nothing for that order; a refused order
//    is forgotten (a refused entry is re-armed at the next timer).
#include <tape/strategy.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using tape::api::Bar;
using tape::api::Context;
using tape::api::FillReport;
using tape::api::OrderEvent;
using tape::api::OrderEventKind;
using tape::api::Params;
using tape::api::Side;

constexpr uint8_t kStateVersion = 1;
constexpr int64_t kMaxLookback = 100'000;
constexpr int64_t kMaxTicks = 1'000'000'000'000;

struct Working {
  uint64_t id = 0;  // 0 = none
  int64_t stop = 0;
  bool busy = false;  // a replace is in flight

  void save(tape::api::StateWriter& w) const {
    w.u64(id);
    w.i64(stop);
    w.u8(busy ? 1 : 0);
  }
  void load(tape::api::StateReader& r) {
    id = r.u64();
    stop = r.i64();
    const uint8_t b = r.u8();
    if (b > 1 || stop < 0 || (id == 0 && (stop != 0 || b != 0))) {
      throw std::runtime_error("timer_stop: saved order state out of range");
    }
    busy = b == 1;
  }
};

class TimerStop final : public tape::api::Strategy {
 public:
  explicit TimerStop(const Params& p)
      : TimerStop(p.get_int("lookback"), p.get_int("breakout_ticks"), p.get_int("stop_ticks"),
                  p.get_int("qty")) {
    if (lookback_ < 1 || lookback_ > kMaxLookback) {
      throw std::invalid_argument("lookback must be in [1, 100000], got " +
                                  std::to_string(lookback_));
    }
    if (breakout_ticks_ < 0 || breakout_ticks_ > kMaxTicks) {
      throw std::invalid_argument("breakout_ticks must be in [0, 10^12], got " +
                                  std::to_string(breakout_ticks_));
    }
    if (stop_ticks_ < 1 || stop_ticks_ > kMaxTicks) {
      throw std::invalid_argument("stop_ticks must be in [1, 10^12], got " +
                                  std::to_string(stop_ticks_));
    }
    if (qty_ < 1) throw std::invalid_argument("qty must be at least 1, got " + std::to_string(qty_));
  }

  void on_bar(Context&, const Bar& bar) override {
    if (!has_instrument_) {
      has_instrument_ = true;
      instrument_ = bar.instrument;
    } else if (bar.instrument != instrument_) {
      throw std::runtime_error("timer_stop trades one instrument; got bars of instruments " +
                               std::to_string(instrument_) + " and " +
                               std::to_string(bar.instrument));
    }
    highs_[size_t(head_)] = bar.high;
    head_ = (head_ + 1) % lookback_;
    if (filled_ < lookback_) ++filled_;
    if (in_trade_ && bar.high > high_since_entry_) high_since_entry_ = bar.high;
  }

  void on_timer(Context& ctx) override {
    if (!has_instrument_ || filled_ < lookback_) return;
    const int64_t position = ctx.position(instrument_);
    if (position == 0 && protect_.id == 0) {
      in_trade_ = false;
      const int64_t s = highest() + breakout_ticks_;
      if (entry_.id == 0) {
        entry_.stop = s;
        entry_.id = ctx.stop(instrument_, Side::kBuy, s, qty_);
      } else if (!entry_.busy && entry_.stop != s) {
        ctx.replace(instrument_, entry_.id, s, qty_);
        entry_.busy = true;
      }
    } else if (position > 0 && protect_.id != 0 && !protect_.busy) {
      const int64_t t = high_since_entry_ - stop_ticks_;
      if (t > protect_.stop) {
        ctx.replace(instrument_, protect_.id, t, position);
        protect_.busy = true;
      }
    }
  }

  void on_fill(Context& ctx, const FillReport& f) override {
    if (f.order_id == entry_.id) {
      if (f.leaves == 0) entry_ = Working{};
      const int64_t position = ctx.position(instrument_);
      if (!in_trade_) {
        in_trade_ = true;
        high_since_entry_ = 0;  // the fill's bar is delivered next and sets it
      }
      if (protect_.id == 0) {
        const int64_t l = f.price - stop_ticks_;
        protect_.stop = l < 1 ? 1 : l;
        protect_.id = ctx.stop(instrument_, Side::kSell, protect_.stop, position);
      } else {
        ctx.replace(instrument_, protect_.id, protect_.stop, position);
        protect_.busy = true;
      }
    } else if (f.order_id == protect_.id && f.leaves == 0) {
      protect_ = Working{};
      in_trade_ = false;
    }
  }

  void on_order(Context&, const OrderEvent& e) override {
    for (Working* w : {&entry_, &protect_}) {
      if (w->id != e.order_id) continue;
      if (e.kind == OrderEventKind::kReplaced) {
        w->stop = e.price, w->busy = false;
      } else if (e.kind == OrderEventKind::kRejected && w->busy) {
        w->busy = false;  // a refused replace: the order works on as it was
      } else if (e.kind == OrderEventKind::kRejected || e.kind == OrderEventKind::kCancelled ||
                 e.kind == OrderEventKind::kExpired) {
        *w = Working{};
      }
    }
  }

  // version, instrument (flag, id), the window's highs oldest first, trade flag and its high,
  // then the entry and protective orders.
  void save_state(std::vector<uint8_t>& out) const override {
    tape::api::StateWriter w(out);
    w.u8(kStateVersion);
    w.u8(has_instrument_ ? 1 : 0);
    w.u64(instrument_);
    w.i64(filled_);
    for (int64_t i = 0; i < filled_; ++i) w.i64(high_back(filled_ - 1 - i));
    w.u8(in_trade_ ? 1 : 0);
    w.i64(high_since_entry_);
    entry_.save(w);
    protect_.save(w);
  }

  void load_state(std::span<const uint8_t> in) override {
    tape::api::StateReader r(in);
    if (r.u8() != kStateVersion) throw std::runtime_error("timer_stop: unknown state version");
    const uint8_t has = r.u8();
    const uint64_t instrument = r.u64();
    const int64_t n = r.i64();
    if (has > 1 || instrument > UINT32_MAX || n < 0 || n > lookback_ || (has == 0 && n != 0)) {
      throw std::runtime_error("timer_stop: saved state out of range");
    }
    *this = TimerStop(lookback_, breakout_ticks_, stop_ticks_, qty_);
    has_instrument_ = has == 1;
    instrument_ = uint32_t(instrument);
    for (int64_t i = 0; i < n; ++i) {
      highs_[size_t(head_)] = r.i64();
      head_ = (head_ + 1) % lookback_;
    }
    filled_ = n;
    const uint8_t t = r.u8();
    if (t > 1) throw std::runtime_error("timer_stop: saved state out of range");
    in_trade_ = t == 1;
    high_since_entry_ = r.i64();
    entry_.load(r);
    protect_.load(r);
    r.expect_end();
  }

 private:
  TimerStop(int64_t lookback, int64_t breakout_ticks, int64_t stop_ticks, int64_t qty)
      : lookback_(lookback), breakout_ticks_(breakout_ticks), stop_ticks_(stop_ticks), qty_(qty) {
    if (lookback_ >= 1 && lookback_ <= kMaxLookback) highs_.assign(size_t(lookback_), 0);
  }

  // The high k bars back (0 = newest); k < filled_.
  int64_t high_back(int64_t k) const {
    return highs_[size_t((head_ - 1 - k + 2 * lookback_) % lookback_)];
  }
  int64_t highest() const {
    int64_t h = high_back(0);
    for (int64_t k = 1; k < filled_; ++k) h = high_back(k) > h ? high_back(k) : h;
    return h;
  }

  int64_t lookback_, breakout_ticks_, stop_ticks_, qty_;
  std::vector<int64_t> highs_;  // the last `lookback` highs
  int64_t head_ = 0;
  int64_t filled_ = 0;
  bool has_instrument_ = false;
  uint32_t instrument_ = 0;
  bool in_trade_ = false;         // long since the entry's first fill
  int64_t high_since_entry_ = 0;  // highest high of the bars since then
  Working entry_, protect_;
};

}  // namespace

TAPE_STRATEGY_PLUGIN(TimerStop, "timer_stop",
                     tape::api::int_param("lookback", 12, "bars whose highest high is the breakout level"),
                     tape::api::int_param("breakout_ticks", 0, "ticks above that high the entry stop sits"),
                     tape::api::int_param("stop_ticks", 500, "ticks the protective stop trails below"),
                     tape::api::int_param("qty", 1, "lots bought on a breakout"))
