// SMA crossover, long only: the reference example of tape's strategy API.
//
// The exact rules (so that results can be held against another engine trade for trade):
//  * One instrument, bars in delivery (file) order, bar index t from 0. The windows hold the
//    last `fast` and `slow` closes in integer ticks, exactly as imported (no adjustment).
//  * d[t] = sign(slow * sum_fast - fast * sum_slow), the sign of mean_fast - mean_slow computed
//    exactly in integers, defined from t = slow - 1 (with fast = 10, slow = 30: the sign of
//    30 * sum10 - 10 * sum30).
//  * nzd, the last non-zero difference: nzd[slow - 1] = d[slow - 1]; after that nzd[t] = d[t]
//    when d[t] != 0, else nzd[t - 1]. Cross up at t >= slow: nzd[t - 1] < 0 and d[t] > 0; cross
//    down: nzd[t - 1] > 0 and d[t] < 0. A touch of zero that returns to the same side is no
//    cross.
//  * At bar t's close: flat and cross up -> market buy `qty`; long and cross down -> market sell
//    `qty`. Long only, at most one position (flat/long is the account's position). While an
//    order of its own is working (sent, not yet filled, cancelled or rejected) it sends nothing.
//    With the bar venue's next_open mode the order fills at Open[t + 1].
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
constexpr int64_t kMaxWindow = 100'000;

int sign(__int128 v) { return v > 0 ? 1 : (v < 0 ? -1 : 0); }

class SmaCross final : public tape::api::Strategy {
 public:
  explicit SmaCross(const Params& p)
      : fast_(p.get_int("fast")), slow_(p.get_int("slow")), qty_(p.get_int("qty")) {
    if (fast_ < 1 || slow_ <= fast_ || slow_ > kMaxWindow) {
      throw std::invalid_argument("need 1 <= fast < slow <= 100000, got fast = " +
                                  std::to_string(fast_) + ", slow = " + std::to_string(slow_));
    }
    if (qty_ < 1) throw std::invalid_argument("qty must be at least 1");
    ring_.assign(size_t(slow_), 0);
  }

  void on_bar(Context& ctx, const Bar& bar) override {
    if (!has_instrument_) {
      has_instrument_ = true;
      instrument_ = bar.instrument;
    } else if (bar.instrument != instrument_) {
      throw std::runtime_error("sma_cross trades one instrument; got bars of instruments " +
                               std::to_string(instrument_) + " and " +
                               std::to_string(bar.instrument));
    }
    push(bar.close);
    const int64_t t = bars_++;
    if (t < slow_ - 1) return;
    const int d = sign(__int128(slow_) * sum_fast_ - __int128(fast_) * sum_slow_);
    if (t == slow_ - 1) {
      nzd_ = d;
      return;
    }
    const bool cross_up = nzd_ < 0 && d > 0;
    const bool cross_down = nzd_ > 0 && d < 0;
    if (d != 0) nzd_ = d;
    if (pending_ != 0) return;
    const int64_t position = ctx.position(instrument_);
    if (position == 0 && cross_up) {
      pending_ = ctx.market(instrument_, Side::kBuy, qty_);
    } else if (position > 0 && cross_down) {
      pending_ = ctx.market(instrument_, Side::kSell, position < qty_ ? position : qty_);
    }
  }

  void on_fill(Context&, const FillReport& fill) override {
    if (fill.order_id == pending_ && fill.leaves == 0) pending_ = 0;
  }

  void on_order(Context&, const OrderEvent& e) override {
    const bool done = e.kind == OrderEventKind::kRejected ||
                      e.kind == OrderEventKind::kCancelled || e.kind == OrderEventKind::kExpired;
    if (done && e.order_id == pending_) pending_ = 0;
  }

  // version, instrument (flag, id), bars seen, nzd, pending order, then the window's closes
  // oldest first (so equal windows give equal bytes whatever the ring's offset).
  void save_state(std::vector<uint8_t>& out) const override {
    tape::api::StateWriter w(out);
    w.u8(kStateVersion);
    w.u8(has_instrument_ ? 1 : 0);
    w.u64(instrument_);
    w.i64(bars_);
    w.i64(nzd_);
    w.u64(pending_);
    const int64_t n = window();
    for (int64_t i = 0; i < n; ++i) w.i64(close_back(n - 1 - i));
  }

  void load_state(std::span<const uint8_t> in) override {
    tape::api::StateReader r(in);
    if (r.u8() != kStateVersion) throw std::runtime_error("sma_cross: unknown state version");
    const uint8_t has = r.u8();
    const uint64_t instrument = r.u64();
    const int64_t bars = r.i64();
    const int64_t nzd = r.i64();
    const uint64_t pending = r.u64();
    if (has > 1 || instrument > UINT32_MAX || bars < 0 || nzd < -1 || nzd > 1 ||
        (has == 0 && bars != 0)) {
      throw std::runtime_error("sma_cross: saved state out of range");
    }
    *this = SmaCross(fast_, slow_, qty_);
    has_instrument_ = has == 1;
    instrument_ = uint32_t(instrument);
    nzd_ = int(nzd);
    pending_ = pending;
    const int64_t n = bars < slow_ ? bars : slow_;
    for (int64_t i = 0; i < n; ++i) push(r.i64());
    bars_ = bars;
    r.expect_end();
  }

 private:
  SmaCross(int64_t fast, int64_t slow, int64_t qty) : fast_(fast), slow_(slow), qty_(qty) {
    ring_.assign(size_t(slow_), 0);
  }

  int64_t window() const { return filled_; }
  // The close k bars back (0 = newest); k < filled_.
  int64_t close_back(int64_t k) const {
    return ring_[size_t((head_ - 1 - k + 2 * slow_) % slow_)];
  }

  // Appends a close to the ring and keeps both sums exact.
  void push(int64_t close) {
    if (filled_ >= fast_) sum_fast_ -= close_back(fast_ - 1);
    if (filled_ == slow_) sum_slow_ -= close_back(slow_ - 1);
    ring_[size_t(head_)] = close;
    head_ = (head_ + 1) % slow_;
    if (filled_ < slow_) ++filled_;
    sum_fast_ += close;
    sum_slow_ += close;
  }

  int64_t fast_, slow_, qty_;
  std::vector<int64_t> ring_;  // the last `slow` closes
  int64_t head_ = 0;           // next slot to write
  int64_t filled_ = 0;
  int64_t sum_fast_ = 0, sum_slow_ = 0;  // ticks; |sum| <= slow x 10^12 fits int64
  int64_t bars_ = 0;
  int nzd_ = 0;
  bool has_instrument_ = false;
  uint32_t instrument_ = 0;
  uint64_t pending_ = 0;  // the working order's id, 0 = none
};

}  // namespace

TAPE_STRATEGY_PLUGIN(SmaCross, "sma_cross",
                     tape::api::int_param("fast", 10, "bars in the fast moving average"),
                     tape::api::int_param("slow", 30, "bars in the slow moving average"),
                     tape::api::int_param("qty", 100, "lots bought on a cross up"))
