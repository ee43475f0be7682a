// The order-level (L3) venue: VenueModel::kL3 (DESIGN section 7). It rebuilds each instrument's
// book from the data's BookMessageIn inputs (core/l3_book.h has the book's rules: unknown
// liquidity, level-1 inference, how data executions reach strategy orders) and executes the
// strategy orders in it. docs/l3_venue.md explains the model; this header is the contract.
//
// Data. The core hands every valid BookMessageIn to on_market() before the input goes on the
// bus. The instrument's first message lays out its seed first (VenueConfig::book_seeds, the
// orderbook file's first row; none: the book starts empty). The message is applied as
// recorded; the strategy orders it fills are published at once (Fill, maker fills).
//
// What strategies see: the data's book (never their own orders) and its prints, at ts + feed
// latency (LatencyConfig::feed_ns, or a draw per message from feed_dist, FIFO: a message's
// changes are due no earlier than those held before them). After a message that changed the
// instrument's top of book the venue publishes BookChanged{instrument}; after an execution (types 4
// and 5) a TradeIn print {price, qty, aggressor = the side opposite the resting order}; both on the
// bus (risk, portfolio and strategies hear them). With feed latency they are held (core state) and
// published when the core's time reaches ts + the latency (deliver_due; the core's tie rule in
// core/core.h), and top() answers the book as of the last delivered change: a strategy never
// reads a book newer than what it was told. depth() gives the current levels without feed
// latency and only that top level with it.
//
// Strategy orders (approved RiskDecisions, after order latency; the core routes them here).
// Answers as the engine's: OrderAccepted, its Fills, OrderCancelled for a part that will not
// work on; OrderRejected alone for an invalid one; OrderReplaced; OrderCancelled{kUser}.
//   Validation (first failing check wins): kUnknownInstrument; kInvalidOrderType (side, type or
//   tif outside their enums, or post-only on a non-limit order); kInvalidQty;
//   kQtyAboveInstrumentMax; kInvalidPrice (limit price of a limit or stop-limit outside the
//   price domain); kInvalidStopPrice (a stop's stop price outside it); kInvalidExpiry; kHalted (a
//   LOBSTER halt, type 7 price -1, until trading resumes, price 1; or a ControlIn halt);
//   kDuplicateOrderId; kBookFull (the working set or the book's entry pool is full, for an order
//   that could rest); kWouldTake (post-only priced at or through the data's best opposite price).
//   Market orders (any tif but FOK act as IOC) and the marketable part of limit orders walk the
//   rebuilt book (L3Book::take: at each level's price, what the data shows and strategies have
//   not already taken); taker fills. FOK: filled whole at once or cancelled whole
//   (kFokUnfilled). The rest of a market or IOC order is cancelled (kIocRemainder, or
//   kNoLiquidity when nothing filled); the rest of a limit GTC / day / GTD order joins the back
//   of its price level's FIFO queue at its arrival time. Fills of resting orders come from the
//   data's own flow (l3_book.h): maker fills, at the order's price.
//   Fill shape: a maker fill has maker = the strategy order (maker_leaves = what still rests),
//   taker = OrderId(0) / AccountId(kExternalAccountBase), aggressor = the other side; a taker
//   fill has maker = OrderId(0) / AccountId(kExternalAccountBase), taker = the strategy order.
//   The portfolio books only the strategy's side, maker_ppm or taker_ppm by that shape.
//   Replace: same price and qty <= open keeps the queue place (OrderReplaced priority_kept);
//   otherwise the order leaves its place, takes what is marketable at the new price and joins
//   the back of the new level.
//   Stops (kStop, kStopLimit): wait outside the book, in the working set (kBookFull when it is
//   full), until a data print (an execution, types 4 and 5) at or through the stop price: a buy
//   stop triggers on a print >= stop, a sell stop on a print <= stop (quotes never trigger).
//   After the print is applied, the stops it reached act in arrival order: kStop as a market
//   order, kStopLimit as a limit order at its price (the rest joins the back of its level, or
//   is cancelled for IOC / FOK; FOK fills whole or is cancelled). Replace of a waiting stop:
//   `price` is the new stop price of a kStop, the new limit of a kStopLimit. Cancel, expiry and
//   the kill switch reach them (the kill switch after the resting orders). Not while halted.
//   Expiry: GTD at `expire`, day at the next 00:00 UTC after arrival (as the data venue's),
//   when the core's time reaches it (kExpired). Kill switch: every managed working order is
//   cancelled (kKillSwitch), instrument by instrument, in arrival order.
// Bounds: working_max() = min(order_pool_capacity, event_queue_capacity / 4) strategy orders at
// once; each instrument's book holds at most order_pool_capacity entries (data adds beyond it
// are counted and dropped, L3Counters::dropped_adds); the feed queue holds at most
// kFeedQueueMax changes (beyond it the oldest are delivered early: counted, feed_early).
// Thread: the core thread only.
#pragma once

#include <cstdint>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "core/event_queue.h"
#include "core/events.h"
#include "core/held_queue.h"
#include "core/l3_book.h"
#include "core/latency_draw.h"
#include "core/market_view.h"
#include "core/state_hash.h"
#include "core/state_reader.h"
#include "core/status.h"

namespace tape {

class L3Venue final : public MarketView {
 public:
  static constexpr size_t kFeedQueueMax = 1u << 20;

  L3Venue(const CoreConfig& config, const SimClock& clock, EventQueue& queue);
  L3Venue(const L3Venue&) = delete;
  L3Venue& operator=(const L3Venue&) = delete;

  // False unless VenueModel::kL3: then every call below does nothing.
  bool active() const { return active_; }

  void execute(const RiskDecision& d);
  void on_market(const BookMessageIn& m);
  void advance_time(Timestamp now);
  void on(const ControlIn& control);

  // Feed latency's draws (their RNG state is core state, core/core.h).
  const LatencyDraw& feed_latency() const { return feed_latency_; }
  LatencyDraw& feed_latency() { return feed_latency_; }
  // Feed latency: changes held for strategies. has_due(t): one is due at or before t.
  bool has_due(Timestamp t) const { return feed_.has_due(t); }
  Timestamp next_due() const { return feed_.next_due(); }
  // Publishes every change due at or before `t` (in creation order).
  void deliver_due(Timestamp t);
  // The same, delivered through `bus` at once (Bus::dispatch) instead of through the queue:
  // the order every handler sees is the one publishing them and draining gives (the queue is
  // empty here: the core drains before each step), and each change's top is marked seen before
  // the first is delivered, as publishing them all did. Falls back to deliver_due(t) when
  // events are queued.
  template <typename B>
  void deliver_due(Timestamp t, B& bus) {
    if (!queue_.empty()) return deliver_due(t);
    size_t n = 0;
    for (; n < feed_.size() && feed_[n].due <= t; ++n) {
      const FeedItem& f = feed_[n];
      if (!f.print) markets_[f.instrument.value()].seen = f.top();
    }
    // Handlers never touch feed_ (only on_market holds): each is delivered in place.
    feed_.deliver_due(t, [&bus](const FeedItem& f) {
      if (f.print) {
        bus.dispatch(f.trade());
      } else {
        bus.dispatch(BookChanged{f.instrument});
      }
    });
  }

  // MarketView (what strategies read).
  TopOfBook top(InstrumentId instrument) const override;
  size_t depth(InstrumentId instrument, Side side, std::span<LevelView> out) const override;
  bool halted(InstrumentId instrument) const override;
  bool is_resting(OrderId id) const override;
  bool holds_strategy_orders() const override { return false; }

  const L3Book& book(InstrumentId instrument) const { return markets_[instrument.value()].book; }
  size_t working() const { return working_; }
  size_t working_max() const { return working_max_; }
  uint64_t feed_early() const { return feed_.early(); }

  // Canonical (only when active): per instrument: halted by control, seeded, the seen top, the
  // book (L3Book::hash_state), the working orders (count; the resting ones in arrival order: id,
  // account, side, tif, price, open qty, expiry, arrival, post-only; then the waiting stops in
  // arrival order, the same fields with 0x80 set in the side byte, then type and stop price: a
  // run without stops hashes as before they existed); then the feed queue (count, each: due,
  // instrument, kind, top or print) and feed_early.
  void hash_state(StateHasher& h) const;
  Status restore_state(StateReader& r);

 private:
  struct Order {
    OrderId id;
    AccountId account;
    Side side = Side::kBuy;
    TimeInForce tif = TimeInForce::kGtc;
    Price price;  // limit price (kLimit, kStopLimit); 0 for kStop
    Qty leaves;
    Timestamp expire_at;  // 0: never
    Timestamp arrived;
    bool post_only = false;
    OrderType type = OrderType::kLimit;  // kStop / kStopLimit only while waiting in `stops`
    Price stop;                          // a waiting stop's stop price
  };
  struct Market {
    explicit Market(uint32_t capacity, bool level1) : book(capacity, level1) {}
    L3Book book;
    bool control_halted = false;
    bool started = false;       // the first message (and the seed) has been applied
    TopOfBook live;             // the book's top after the last message
    TopOfBook seen;             // the top strategies were last told of
    std::vector<Order> orders;  // resting, in arrival order
    std::vector<Order> stops;   // stop and stop-limit orders not yet triggered, arrival order
  };
  // A held change or print, packed (48 bytes: the feed queue is on the hot path).
  struct FeedItem {
    Timestamp due;
    InstrumentId instrument;
    bool print = false;                     // false: a top-of-book change
    bool has_bid = false, has_ask = false;  // a change
    Side aggressor = Side::kBuy;            // a print
    int64_t a = 0, b = 0, c = 0,
            d = 0;  // a change: bid, bid qty, ask, ask qty; a print: price, qty

    static FeedItem change(Timestamp due, InstrumentId i, const TopOfBook& t) {
      return FeedItem{due,           i,
                      false,         t.has_bid,
                      t.has_ask,     Side::kBuy,
                      t.bid.value(), t.bid_qty.value(),
                      t.ask.value(), t.ask_qty.value()};
    }
    static FeedItem trade_print(Timestamp due, InstrumentId i, Price p, Qty q, Side aggressor) {
      return FeedItem{due, i, true, false, false, aggressor, p.value(), q.value(), 0, 0};
    }
    TopOfBook top() const {
      return TopOfBook{has_bid, has_ask, Price(a), Qty(b), Price(c), Qty(d)};
    }
    TradeIn trade() const { return TradeIn{instrument, Price(a), Qty(b), aggressor}; }
  };

  RejectReason validate_new(const OrderIntent& it) const;
  void handle_new(const OrderIntent& it);
  void handle_cancel(const OrderIntent& it);
  void handle_replace(const OrderIntent& it);
  void handle_kill_switch();
  // Takes what is marketable for `o` (market: no price bound); returns the lots.
  int64_t take(InstrumentId instrument, Market& m, Order& o, bool market);
  // Stops (a data print at `print`): triggers the waiting stops it reaches, in arrival order.
  void trigger_stops(InstrumentId instrument, Market& m, Price print);
  // A triggered stop acts at once: a market order (kStop) or a limit order (kStopLimit).
  void enter_triggered(InstrumentId instrument, Market& m, Order& o);
  // Publishes the fills of resting orders the book reported.
  void publish_maker_fills(InstrumentId instrument, Market& m);
  void remove_order(Market& m, OrderId id);
  Order* find(Market& m, OrderId id);
  Order* find_stop(Market& m, OrderId id);
  void remove_stop(Market& m, OrderId id);
  void publish_feed(const FeedItem& item);
  // The slot to write the next held item into (feed latency on): spares a copy of an item that
  // was just built (a wide load of fields written a moment before stalls the store buffer).
  FeedItem& hold_slot();
  void note_expiry(Timestamp at);
  void hash_order(StateHasher& h, const Order& o, bool stop) const;

  bool active_;
  LatencyDraw feed_latency_;  // on() false: no feed latency
  const SimClock& clock_;
  EventQueue& queue_;
  std::vector<Qty> max_order_qty_;
  std::vector<BookSeed> seeds_;
  std::vector<Market> markets_;
  size_t working_ = 0;
  size_t working_max_ = 0;
  int64_t next_expiry_ns_ = 0;
  HeldQueue<FeedItem> feed_{kFeedQueueMax};
  std::vector<L3Fill> fills_;  // scratch
  std::vector<Order> fired_;   // scratch: the stops one print triggered
};

}  // namespace tape
