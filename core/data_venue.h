// The data venue: executes strategy orders against the data itself in bar and quote (L1)
// backtests (DESIGN section 7, VenueConfig::model kBars / kQuotes). With kBook it does nothing
// and holds no state: the engine's book executes every order as before.
//
// What it executes. Approved strategy decisions (RiskDecision new / cancel / replace of managed
// accounts), handed over by the core in place of the engine (core/core.h; external orders on
// inputs still go to the engine's book). It answers them exactly as the engine does, in the
// engine's order per order: OrderAccepted, then its Fills, then an OrderCancelled for a part
// that will not work on; OrderRejected (and nothing else) for an invalid one; OrderReplaced;
// OrderCancelled{kUser}. A Fill's maker is the venue: maker id 0, maker_account
// AccountId(kExternalAccountBase), maker_leaves 0; taker = the strategy order, aggressor = its
// side, taker_leaves = what it still has open. The venue publishes no BookChanged (it has no
// book). Market data reaches the venue before anything else sees it: the core hands each valid
// bar, quote and print to on_market() and drains the fills before the input goes on the bus, so
// a strategy hears of its fills before it sees the bar or quote they happened in.
//
// Feed latency (LatencyConfig::feed_on(); constant feed_ns or drawn feed_dist, FIFO): the venue
// still works each bar, quote and print at its timestamp t (on_market), but holds the data (core
// state) instead of letting the core put it on the bus; it goes on the bus (risk, portfolio,
// strategies) when the core's time reaches t + feed_ns (deliver_due; the tie rule is in
// core/core.h). top() and depth() then answer the last quote delivered: a strategy never reads a
// quote newer than it was told of.
//
// Validation of a new order (first failing check wins): kUnknownInstrument; kInvalidOrderType
// (side, type or tif outside their enums, or post-only on a non-limit order); kInvalidQty
// (qty <= 0); kQtyAboveInstrumentMax; kInvalidPrice (kLimit / kStopLimit price outside the price
// domain, core/bounds.h); kInvalidStopPrice (kStop / kStopLimit stop price outside it);
// kInvalidExpiry (kGtd whose expire is not after the arrival time); kHalted; kDuplicateOrderId
// (id working now); kBookFull (the working set is full and the order could be left working:
// with bars every order, with quotes all but market, IOC and FOK orders); kWouldTake (post-only
// that would take: with quotes, buy price >= ask or sell price <= bid of the current quote; with
// bars, buy price >= the last bar's close or sell price <= it). Cancel: kUnknownInstrument;
// kUnknownOrderId (not working in that instrument); kNotOwner. Replace: kUnknownInstrument;
// kInvalidQty; kQtyAboveInstrumentMax; kInvalidPrice; kHalted; kUnknownOrderId; kNotOwner.
//
// Replace: `qty` is the new open quantity, `price` the new limit price (kLimit, kStopLimit), the
// new stop price of a kStop not yet triggered, and ignored for market orders and triggered stops.
// priority_kept = same price and qty <= open (engine semantics). With quotes a kept priority
// keeps the queue estimate; otherwise the order joins its price again (and first takes the
// quote if the new price is marketable, as a new order would).
//
// Time in force. GTC works until filled or cancelled. kGtd expires at `expire`; kDay at the end
// of the UTC day it arrived in: the first 00:00:00 UTC strictly after its arrival (as the
// engine's). Expiry: when the core's time reaches an order's expiry (the first input, delayed
// delivery or timer stamped at or after it; advance_time, called before that input is
// dispatched), the order is cancelled with kExpired, so it never works against a bar stamped at
// or after its expiry (such a bar closed at or after the order stopped being good). IOC and FOK:
// with bars an IOC order works against the first bar after its arrival only and whatever is
// left then is cancelled (kIocRemainder if it filled, kNoLiquidity if not); a FOK order fills
// its whole qty in that bar (volume cap included) or is cancelled whole (kFokUnfilled). With quotes
// they take what the current quote shows and cancel the rest, like market orders. Halts (ControlIn
// kHalt / kResume): new orders and replaces are rejected (kHalted); working orders stay but do not
// work while halted (the market data still updates the last bar and quote); cancels are allowed.
// Kill switch on: every working order of managed accounts is cancelled (kKillSwitch), instrument by
// instrument in id order, in arrival order.
//
// ---- Bars (VenueModel::kBars) ----
// Time: a bar is stamped at its close. A bar stamped S works an order that arrived strictly
// before S; an order arriving at S (sent on that bar, or delivered then by latency) works from
// the next bar. So an order sent after bar t works against bar t+1, and later bars while it
// works. Working orders of an instrument are worked in arrival order, each at most once per bar.
// Market orders, by VenueConfig::bar_fill:
//   kNextOpen:  fill at open[t+1].
//   kNextClose: fill at close[t+1].
//   kClose:     fill at the close of the bar the order arrives in: at once, at the last bar's
//               close, when the instrument's last bar is stamped at the arrival time (the order
//               was sent on that bar with no order latency); otherwise (order latency, or sent
//               between bars) at the close of the first bar stamped at or after its arrival.
//   A market order's remainder (volume cap) fills in the next bar at the same rule's price for
//   that bar (open for kNextOpen, close otherwise), unless it is IOC or FOK.
// The bar path (which of high and low comes first): open -> low -> high -> close when
// close >= open, open -> high -> low -> close when close < open. Prices move continuously
// along it, so every price between two points is passed.
// Limit buy at P: fills when low <= P, at min(open, P) (P if the open is above it: the path
//   reaches P). Limit sell: high >= P, at max(open, P).
// Stop buy at S (kStop): triggers when high >= S, fills at max(open, S) + slippage. Stop sell:
//   low <= S, at min(open, S) - slippage. Once triggered it is a market order (a remainder
//   works as one from the next bar).
// Stop-limit (stop S, limit P): triggers as a stop, at the first point of the path at or
//   through S (the open if it already is, else S itself); from there it is a limit order at P
//   for the rest of that bar's path: buy fills at once at the trigger price if that is <= P,
//   else at P if the rest of the path reaches P; sell mirrors. Not filled (or a remainder): it
//   works as a limit order at P from the next bar.
// Volume cap (volume_cap_ppm > 0): an order fills at most floor(volume x volume_cap_ppm / 1e6)
//   lots in one bar (each order on its own, not shared); the rest keeps working (market
//   orders: the remainder continues next bar). A bar of volume 0 then fills nothing.
// Slippage: slippage_ticks against the taker on market and stop fills (buys higher, sells
//   lower, clamped to the price domain), never on limit or stop-limit fills.
// Liquidity: market and stop fills are taker fills; limit and stop-limit fills are maker fills.
//
// ---- Quotes (VenueModel::kQuotes, L1) ----
// The venue keeps the instrument's last valid quote and what of its displayed sizes the
// strategy orders have not yet taken (a new quote restores them).
// Marketable orders (market; limit buy at P >= ask or sell at P <= bid) fill on arrival against
// the current quote, up to its untaken displayed size, at the quote's price (plus slippage
// for market and triggered stop orders): taker fills. The rest of a limit order works (GTC,
// day, GTD); of a market, IOC or FOK order it is cancelled (kIocRemainder, kNoLiquidity when
// nothing filled; FOK checks first: kFokUnfilled unless the whole qty is shown). No quote yet:
// a market order is cancelled (kNoLiquidity), a limit order works.
// Queue-ahead estimate of a working limit order at P (buy; sell mirrors with ask/bid):
//   joining (arrival, a replace that lost priority, a stop-limit's trigger): P == bid: the
//   displayed bid_qty; P > bid (better than the best): 0; P < bid or no quote: unknown.
//   each later quote: ask <= P (the market came to or through P): fills min(open, untaken ask
//   size) at P, then queue 0; else bid == P: queue = the displayed bid_qty if unknown, else
//   min(queue, bid_qty) (the queue shrank: who left is assumed ahead); bid < P (P's level left
//   the best): queue 0; bid > P: unchanged.
//   each TradeIn print of q lots at x (any aggressor): x == P: the queue ahead takes first,
//   the rest fills the order (only when the queue is known); x < P (through P): fills up to q
//   lots at P and the queue is 0. A print is shared by the working orders of one instrument in
//   arrival order: what it filled for an earlier one is not available to a later one.
//   So a working order does not fill until the displayed queue ahead of it has traded.
//   These fills are maker fills, at P, with no slippage.
// Stops with quotes: a buy stop triggers on a print >= S or a quote whose ask >= S (sell: print
// <= S or bid <= S), checked on arrival and on every quote and print; it then takes the current
// quote as a market order (kStop) or becomes a limit order at P that takes what is marketable
// and joins the queue with the rest (kStopLimit).
//
// Bounds: at most working_max() orders work at once (all instruments): min of
// EngineOptions::order_pool_capacity and event_queue_capacity / 4, since one bar, quote, print,
// expiry or kill switch publishes up to two events per working order (a fill and a cancel) and
// each fill a position update. Lookups by id scan the instrument's working orders.
// Thread: the core thread only.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "core/event_queue.h"
#include "core/events.h"
#include "core/held_queue.h"
#include "core/latency_draw.h"
#include "core/market_view.h"
#include "core/state_hash.h"
#include "core/state_reader.h"
#include "core/status.h"

namespace tape {

class DataVenue final : public MarketView {
 public:
  // Most bars, quotes and prints held for feed latency at once; beyond it the oldest is given
  // early (counted, feed_early).
  static constexpr size_t kFeedQueueMax = 1u << 20;

  DataVenue(const CoreConfig& config, const SimClock& clock, EventQueue& queue);
  DataVenue(const DataVenue&) = delete;
  DataVenue& operator=(const DataVenue&) = delete;

  // False with VenueModel::kBook and kL3 (core/l3_venue.h): then every call below does nothing.
  bool active() const { return model_ == VenueModel::kBars || model_ == VenueModel::kQuotes; }

  // An approved strategy decision reaching the venue now (the core calls this in place of the
  // engine's on(RiskDecision)). Ignores a decision that is not approved.
  void execute(const RiskDecision& d);
  // Market data before the bus delivers it (the core calls these for valid inputs only): the
  // venue works its orders against it. True when the venue holds it for the bus (feed latency,
  // below): the core must not publish it then.
  bool on_market(const BarIn& bar) {
    work(bar);
    return feed_latency_.on() && hold(bar);
  }
  bool on_market(const QuoteIn& quote) {
    work(quote);
    return feed_latency_.on() && hold(quote);
  }
  bool on_market(const TradeIn& trade) {
    work(trade);
    return feed_latency_.on() && hold(trade);
  }
  // Feed latency's draws (their RNG state is core state, core/core.h).
  const LatencyDraw& feed_latency() const { return feed_latency_; }
  LatencyDraw& feed_latency() { return feed_latency_; }
  // Feed latency: data held for the bus. has_due(t): some is due at or before t.
  bool has_due(Timestamp t) const { return feed_.has_due(t); }
  Timestamp next_due() const { return feed_.next_due(); }
  // Publishes every held bar, quote and print due at or before `t`, in arrival order.
  void deliver_due(Timestamp t);
  size_t feed_held() const { return feed_.size(); }
  uint64_t feed_early() const { return feed_.early(); }
  // Cancels (kExpired) every working order whose expiry is at or before `now`, instrument by
  // instrument in id order, in arrival order.
  void advance_time(Timestamp now);
  // Bus: halts and the kill switch.
  void on(const ControlIn& control);

  // Whether a Fill this venue published during the current input was a maker fill (a working
  // limit order filled by the data) or a taker fill; false for a fill it did not publish. The
  // portfolio asks it to choose maker_ppm or taker_ppm. begin_input() forgets the last input's.
  bool maker_fill(const Fill& fill) const;
  void begin_input() { notes_.clear(); }

  size_t working() const { return working_; }
  size_t working_max() const { return working_max_; }

  // MarketView, what strategies read when this venue is active. Quotes: the top of book is the
  // last quote as the data shows it (a side with no size is empty; the sizes as displayed,
  // before strategy orders took from them), depth is that one level a side. Bars: no book (top
  // and depth empty). Halted: by a control input. Resting: a working order not yet filled,
  // cancelled or expired (on bars, one waiting for its bar).
  TopOfBook top(InstrumentId instrument) const override;
  size_t depth(InstrumentId instrument, Side side, std::span<LevelView> out) const override;
  bool halted(InstrumentId instrument) const override;
  bool is_resting(OrderId id) const override;
  bool holds_strategy_orders() const override { return false; }

  // Canonical (only when active): per instrument in id order: halted; the last bar (flag, ts,
  // close, volume); the last quote (flag, bid, bid_qty, ask, ask_qty, untaken bid and ask);
  // the count of working orders, then each in arrival order: id, account, side, type, tif,
  // price, stop price, open qty, expiry, arrival time, triggered, post-only, queue known, queue
  // ahead. With feed latency then: per instrument the quote strategies were last given (flag,
  // bid, bid_qty, ask, ask_qty); the held data (count, each: due, the event,
  // core/held_state.h); how many were given early.
  void hash_state(StateHasher& h) const;
  // Reads back what hash_state wrote into a fresh venue (same config); validates ids, enums,
  // quantities and the bound. Fails the reader otherwise.
  Status restore_state(StateReader& r);

 private:
  struct Order {
    OrderId id;
    AccountId account;
    Side side = Side::kBuy;
    OrderType type = OrderType::kLimit;
    TimeInForce tif = TimeInForce::kGtc;
    Price price;
    Price stop;
    Qty leaves;
    Timestamp expire_at;  // 0: never expires
    Timestamp arrived;
    bool triggered = false;  // kStop / kStopLimit: the stop has traded
    bool post_only = false;
    bool queue_known = false;  // quotes: the queue-ahead estimate is known
    int64_t queue_ahead = 0;   // quotes: lots ahead of the order at its price
    bool done = false;         // scratch: filled or cancelled during the current pass
  };
  struct Market {
    bool halted = false;
    bool has_bar = false;
    Timestamp bar_ts;
    Price bar_close;
    Qty bar_volume;
    bool has_quote = false;
    QuoteIn quote;
    int64_t bid_avail = 0;  // displayed bid size not yet taken by strategy orders
    int64_t ask_avail = 0;
    std::vector<Order> orders;  // working, in arrival order
    bool has_seen = false;      // feed latency: a quote has been given to strategies
    QuoteIn seen;               // feed latency: the last quote given to strategies
  };
  // A bar, quote or print held for the bus (feed latency).
  struct HeldData {
    Timestamp due;
    std::variant<BarIn, QuoteIn, TradeIn> data;
  };
  struct Note {
    OrderId taker;
    Qty leaves;
    bool maker = false;
  };
  // What the volume cap and the bar allow one order in one bar.
  struct BarFillPlan {
    bool fills = false;
    Price price;
    bool maker = false;
  };

  // The venue works its orders against market data (on_market).
  void work(const BarIn& bar);
  void work(const QuoteIn& quote);
  void work(const TradeIn& trade);
  // Feed latency (core/venue_feed.cc): holds `data` until now + feed latency (a drawn one no
  // earlier than the data held before it: the feed is FIFO); always true.
  template <typename Data>
  bool hold(const Data& data) {
    feed_.hold(HeldData{feed_due(), data}, [this](const HeldData& early) { publish_held(early); });
    return true;
  }
  Timestamp feed_due();
  // Puts held data on the bus (a quote is then the one strategies read).
  void publish_held(const HeldData& held);
  void hash_feed(StateHasher& h) const;
  void restore_feed(StateReader& r);

  RejectReason validate_new(const OrderIntent& it) const;
  RejectReason validate_replace(const OrderIntent& it, size_t* index) const;
  void handle_new(const OrderIntent& it);
  void handle_cancel(const OrderIntent& it);
  void handle_replace(const OrderIntent& it);
  void handle_kill_switch();
  Order* find(Market& m, OrderId id);
  // Publishes a Fill of `o` for qty lots at price (o.leaves reduced first).
  void fill(InstrumentId instrument, Order& o, Price price, Qty qty, bool maker);
  void cancel(InstrumentId instrument, Order& o, CancelReason reason);
  void reject(const OrderIntent& it, RejectReason reason);
  // Removes orders marked done from the instrument's working list.
  void sweep(Market& m);
  Price slipped(Price p, Side side) const;

  // Bars (core/venue_bars.cc).
  void arrive_bars(InstrumentId instrument, Market& m, Order& o);
  void work_bar(InstrumentId instrument, Market& m, const BarIn& bar, Order& o);
  BarFillPlan plan_bar(const BarIn& bar, Order& o) const;
  Price market_bar_price(const BarIn& bar) const;
  Qty bar_cap(Qty volume) const;

  // Quotes (core/venue_quotes.cc).
  void arrive_quotes(InstrumentId instrument, Market& m, Order& o);
  // Takes the current quote with `o` (market: at the quote price plus slippage; limit: what is
  // marketable at its price); returns the lots filled.
  int64_t take_quote(InstrumentId instrument, Market& m, Order& o);
  void join_queue(const Market& m, Order& o) const;
  bool stop_hit_by_quote(const Market& m, const Order& o) const;
  // A triggered stop or stop-limit acts at once against the current quote.
  void trigger_quotes(InstrumentId instrument, Market& m, Order& o);
  // After an arrival or trigger: cancels what a market / IOC / FOK order could not fill.
  void finish_taker(InstrumentId instrument, Order& o, int64_t filled);
  void work_quote(InstrumentId instrument, Market& m, Order& o);
  void work_print(InstrumentId instrument, Market& m, const TradeIn& t, Order& o, int64_t* used);

  VenueModel model_;
  BarFill bar_fill_;
  int64_t volume_cap_ppm_;
  int64_t slippage_ticks_;
  const SimClock& clock_;
  EventQueue& queue_;
  std::vector<Qty> max_order_qty_;  // per instrument
  std::vector<Market> markets_;     // per instrument (empty when not active)
  size_t working_ = 0;
  size_t working_max_ = 0;
  int64_t next_expiry_ns_ = 0;  // earliest expiry among working orders; 0 = none (derived)
  std::vector<Note> notes_;     // fills published during the current input (scratch)
  LatencyDraw feed_latency_;    // feed latency when active (on() false: none)
  HeldQueue<HeldData> feed_{kFeedQueueMax};
};

}  // namespace tape
