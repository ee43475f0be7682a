// Risk: every pre-trade check at, just below and just above its limit, disabled at 0, in its
// documented order; kill switch; rate limit on simulated time; open-quantity bookkeeping.
#include "core/risk.h"

#include <gtest/gtest.h>

#include <variant>
#include <vector>

namespace tape {
namespace {

constexpr AccountId kAcct(1);
constexpr InstrumentId kInst(0);

OrderIntent intent_of(IntentKind kind, uint64_t id, InstrumentId instrument = kInst) {
  OrderIntent i;
  i.kind = kind;
  i.id = OrderId(id);
  i.account = kAcct;
  i.instrument = instrument;
  return i;
}

class RiskTest : public ::testing::Test {
 protected:
  RiskTest() {
    InstrumentConfig inst;
    inst.symbol = "TEST";
    inst.tick_value = 100;
    inst.lot_size = 2;
    config_.instruments.push_back(inst);
    // Everything off unless a test turns it on.
    config_.risk = RiskLimits{Qty(0), Money(0), 0, 0, 0, 0};
  }

  Risk& risk() {
    if (!risk_) risk_.emplace(config_, clock_, queue_);
    return *risk_;
  }

  OrderIntent limit(Side side, int64_t price, int64_t qty) {
    return OrderIntent{IntentKind::kNew,  OrderId(++next_id_), kAcct,        kInst,   side,
                       OrderType::kLimit, TimeInForce::kGtc,   Price(price), Qty(qty)};
  }
  OrderIntent market(Side side, int64_t qty) {
    return OrderIntent{IntentKind::kNew,   OrderId(++next_id_), kAcct,    kInst,   side,
                       OrderType::kMarket, TimeInForce::kIoc,   Price(0), Qty(qty)};
  }

  // Sends the intent and returns the reject reason (kNone when approved), checking that exactly
  // one RiskDecision was published and, for a reject, an OrderRejected with the same reason.
  RejectReason send(const OrderIntent& intent) {
    risk().on(intent);
    std::vector<BusEvent> events;
    while (!queue_.empty()) {
      events.push_back(queue_.front());
      queue_.pop();
    }
    EXPECT_GE(events.size(), 1u);
    if (events.empty()) return RejectReason::kNone;
    const auto* d = std::get_if<RiskDecision>(&events[0]);
    EXPECT_NE(d, nullptr);
    if (d == nullptr) return RejectReason::kNone;
    EXPECT_EQ(d->intent, intent);
    if (d->approved) {
      EXPECT_EQ(d->reason, RejectReason::kNone);
      EXPECT_EQ(events.size(), 1u);
      return RejectReason::kNone;
    }
    EXPECT_EQ(events.size(), 2u);
    const auto* r = events.size() == 2 ? std::get_if<OrderRejected>(&events[1]) : nullptr;
    EXPECT_NE(r, nullptr);
    if (r != nullptr) {
      EXPECT_EQ(*r, (OrderRejected{intent.id, intent.account, intent.instrument, d->reason}));
    }
    return d->reason;
  }

  void at_ms(int64_t ms) {
    clock_.advance(Seq(clock_.seq().value() + 1), Timestamp(ms * 1'000'000));
  }
  void trade(int64_t price) { risk().on(TradeIn{kInst, Price(price), Qty(1), Side::kBuy}); }

  CoreConfig config_;
  SimClock clock_;
  EventQueue queue_{1024};
  std::optional<Risk> risk_;
  uint64_t next_id_ = 0;
};

TEST_F(RiskTest, MaxOrderQtyAcceptsAtLimitRejectsAbove) {
  config_.risk.max_order_qty = Qty(100);
  EXPECT_EQ(send(limit(Side::kBuy, 10, 99)), RejectReason::kNone);
  EXPECT_EQ(send(limit(Side::kBuy, 10, 100)), RejectReason::kNone);
  EXPECT_EQ(send(limit(Side::kBuy, 10, 101)), RejectReason::kMaxOrderQty);
}

TEST_F(RiskTest, MaxOrderQtyZeroDisables) {
  EXPECT_EQ(send(limit(Side::kBuy, 10, 1'000'000'000)), RejectReason::kNone);
}

TEST_F(RiskTest, MaxNotionalAcceptsAtLimitRejectsAbove) {
  // notional = price x tick_value(100) x lot_size(2) x qty = 200 x 10 x 50 = 100'000 at the limit.
  config_.risk.max_notional = Money(100'000);
  EXPECT_EQ(send(limit(Side::kBuy, 10, 49)), RejectReason::kNone);
  EXPECT_EQ(send(limit(Side::kBuy, 10, 50)), RejectReason::kNone);
  EXPECT_EQ(send(limit(Side::kBuy, 10, 51)), RejectReason::kMaxNotional);
  EXPECT_EQ(send(limit(Side::kSell, 11, 50)), RejectReason::kMaxNotional);
}

TEST_F(RiskTest, MaxNotionalPricesMarketOrdersAtReferenceAndRejectsWithoutOne) {
  config_.risk.max_notional = Money(100'000);
  EXPECT_EQ(send(market(Side::kBuy, 1)), RejectReason::kMaxNotional);  // no reference yet
  trade(10);
  EXPECT_EQ(send(market(Side::kBuy, 50)), RejectReason::kNone);
  EXPECT_EQ(send(market(Side::kBuy, 51)), RejectReason::kMaxNotional);
}

TEST_F(RiskTest, MaxNotionalZeroDisables) {
  EXPECT_EQ(send(market(Side::kBuy, 1'000'000)), RejectReason::kNone);
}

TEST_F(RiskTest, PositionLimitCountsOpenSameSideOrdersWorstCase) {
  config_.risk.position_limit = 10;
  EXPECT_EQ(send(limit(Side::kBuy, 10, 6)), RejectReason::kNone);           // worst +6
  EXPECT_EQ(send(limit(Side::kBuy, 10, 3)), RejectReason::kNone);           // worst +9 (below)
  EXPECT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kNone);           // worst +10 (at)
  EXPECT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kPositionLimit);  // +11 (above)
  EXPECT_EQ(risk().open_qty(kAcct, kInst, Side::kBuy), 10);
  // The sell side is independent: worst case -10 is at the limit.
  EXPECT_EQ(send(limit(Side::kSell, 10, 10)), RejectReason::kNone);
  EXPECT_EQ(send(limit(Side::kSell, 10, 1)), RejectReason::kPositionLimit);
}

TEST_F(RiskTest, PositionLimitFollowsFillsCancelsAndEngineRejects) {
  config_.risk.position_limit = 10;
  const OrderIntent a = limit(Side::kBuy, 10, 6);
  const OrderIntent b = limit(Side::kBuy, 10, 4);
  ASSERT_EQ(send(a), RejectReason::kNone);
  ASSERT_EQ(send(b), RejectReason::kNone);
  risk().on(OrderAccepted{a.id, kAcct, kInst, Side::kBuy, OrderType::kLimit, TimeInForce::kGtc,
                          Price(10), Qty(6)});
  // a fills 6 against an external seller: position +6, open buys 4.
  risk().on(Fill{kInst, a.id, kAcct, OrderId(900), AccountId(2000), Price(10), Qty(6), Side::kSell,
                 Qty(0), Qty(0)});
  EXPECT_EQ(risk().position(kAcct, kInst), 6);
  EXPECT_EQ(risk().open_qty(kAcct, kInst, Side::kBuy), 4);
  EXPECT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kPositionLimit);
  // The engine rejects b (never accepted): its quantity is no longer open.
  risk().on(OrderRejected{b.id, kAcct, kInst, RejectReason::kHalted});
  EXPECT_EQ(risk().open_qty(kAcct, kInst, Side::kBuy), 0);
  const OrderIntent c = limit(Side::kBuy, 10, 4);
  EXPECT_EQ(send(c), RejectReason::kNone);
  risk().on(OrderAccepted{c.id, kAcct, kInst, Side::kBuy, OrderType::kLimit, TimeInForce::kGtc,
                          Price(10), Qty(4)});
  // A rejected replace of an accepted order leaves it open; a cancel removes it.
  risk().on(OrderRejected{c.id, kAcct, kInst, RejectReason::kPriceBand});
  EXPECT_EQ(risk().open_qty(kAcct, kInst, Side::kBuy), 4);
  risk().on(OrderCancelled{c.id, kAcct, kInst, Qty(4), CancelReason::kUser});
  EXPECT_EQ(risk().open_qty(kAcct, kInst, Side::kBuy), 0);
  // Selling 16 from +6 is exactly -10.
  EXPECT_EQ(send(limit(Side::kSell, 10, 16)), RejectReason::kNone);
}

TEST_F(RiskTest, PositionLimitReplaceCountsNewQtyInsteadOfOld) {
  config_.risk.position_limit = 10;
  const OrderIntent a = limit(Side::kSell, 10, 8);
  ASSERT_EQ(send(a), RejectReason::kNone);
  OrderIntent r{
      IntentKind::kReplace, a.id,      kAcct,  kInst, Side::kBuy /* ignored */, OrderType::kLimit,
      TimeInForce::kGtc,    Price(11), Qty(10)};
  EXPECT_EQ(send(r), RejectReason::kNone);  // -10: at the limit
  risk().on(OrderReplaced{a.id, kAcct, kInst, Price(11), Qty(10), false});
  EXPECT_EQ(risk().open_qty(kAcct, kInst, Side::kSell), 10);
  r.qty = Qty(11);
  EXPECT_EQ(send(r), RejectReason::kPositionLimit);
}

TEST_F(RiskTest, PositionLimitZeroDisables) {
  EXPECT_EQ(send(limit(Side::kBuy, 10, 1'000'000)), RejectReason::kNone);
}

TEST_F(RiskTest, PriceBandAroundLastTradeAcceptsAtEdgeRejectsBeyond) {
  config_.risk.price_band_bps = 100;                              // 1% of 10'000 = 100 ticks
  EXPECT_EQ(send(limit(Side::kBuy, 1, 1)), RejectReason::kNone);  // no reference: skipped
  trade(10'000);
  EXPECT_EQ(send(limit(Side::kBuy, 10'099, 1)), RejectReason::kNone);
  EXPECT_EQ(send(limit(Side::kBuy, 10'100, 1)), RejectReason::kNone);
  EXPECT_EQ(send(limit(Side::kBuy, 10'101, 1)), RejectReason::kPriceBand);
  EXPECT_EQ(send(limit(Side::kSell, 9'900, 1)), RejectReason::kNone);
  EXPECT_EQ(send(limit(Side::kSell, 9'899, 1)), RejectReason::kPriceBand);
  EXPECT_EQ(send(market(Side::kBuy, 1)), RejectReason::kNone);  // market orders: no price
}

TEST_F(RiskTest, BarCloseIsTheReferenceLikeALastTrade) {
  config_.risk.price_band_bps = 100;
  risk().on(BarIn{kInst, Price(9'000), Price(10'050), Price(8'950), Price(10'000), Qty(5), 0});
  EXPECT_EQ(risk().reference_price(kInst), Price(10'000));
  EXPECT_EQ(send(limit(Side::kBuy, 10'100, 1)), RejectReason::kNone);
  EXPECT_EQ(send(limit(Side::kBuy, 10'101, 1)), RejectReason::kPriceBand);
}

TEST_F(RiskTest, PriceBandUsesQuoteMidUntilTheFirstTrade) {
  config_.risk.price_band_bps = 100;
  risk().on(QuoteIn{kInst, Price(9'999), Qty(1), Price(10'001), Qty(1)});
  EXPECT_EQ(risk().reference_price(kInst), Price(10'000));
  EXPECT_EQ(send(limit(Side::kBuy, 10'101, 1)), RejectReason::kPriceBand);
  risk().on(QuoteIn{kInst, Price(10'001), Qty(1), Price(10'001), Qty(1)});  // crossed: ignored
  EXPECT_EQ(risk().reference_price(kInst), Price(10'000));
  risk().on(Fill{kInst, OrderId(1), AccountId(2000), OrderId(2), AccountId(2001), Price(20'000),
                 Qty(1), Side::kBuy, Qty(0), Qty(0)});
  EXPECT_EQ(risk().reference_price(kInst), Price(20'000));  // an engine fill is a trade
  risk().on(QuoteIn{kInst, Price(9'999), Qty(1), Price(10'001), Qty(1)});
  EXPECT_EQ(risk().reference_price(kInst), Price(20'000));  // last trade wins over the mid
  EXPECT_EQ(send(limit(Side::kBuy, 10'101, 1)), RejectReason::kPriceBand);
  EXPECT_EQ(send(limit(Side::kBuy, 20'200, 1)), RejectReason::kNone);
}

TEST_F(RiskTest, PriceBandZeroDisables) {
  trade(10'000);
  EXPECT_EQ(send(limit(Side::kBuy, 1'000'000, 1)), RejectReason::kNone);
}

TEST_F(RiskTest, RateLimitBurstThenRefillsOnSimulatedTime) {
  config_.risk.rate_limit_per_s = 2;  // one token per 500 ms
  config_.risk.rate_limit_burst = 3;
  at_ms(0);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kNone);
  EXPECT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kRateLimit);
  at_ms(499);
  EXPECT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kRateLimit);
  at_ms(500);
  EXPECT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kNone);
  EXPECT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kRateLimit);
  // A long quiet spell refills to the burst, never beyond.
  at_ms(100'000);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kNone);
  EXPECT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kRateLimit);
}

TEST_F(RiskTest, RateLimitStepsAccumulateExactly) {
  config_.risk.rate_limit_per_s = 3;  // 1/3 token per 111'111'111 ns: not a whole milli-token
  config_.risk.rate_limit_burst = 1;
  at_ms(0);
  ASSERT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kNone);
  // 3 x 111'111'111 ns = 333'333'333 ns: 0.999999999 token, still short of one.
  for (int i = 1; i <= 3; ++i) {
    clock_.advance(Seq(clock_.seq().value() + 1), Timestamp(i * 111'111'111));
    EXPECT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kRateLimit) << i;
  }
  clock_.advance(Seq(clock_.seq().value() + 1), Timestamp(333'333'334));
  EXPECT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kNone);
}

TEST_F(RiskTest, RateLimitZeroDisables) {
  config_.risk.rate_limit_burst = 1;
  for (int i = 0; i < 100; ++i) EXPECT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kNone);
}

TEST_F(RiskTest, CancelsAreNeverRateLimitedNorConsumeTokens) {
  config_.risk.rate_limit_per_s = 1;
  config_.risk.rate_limit_burst = 1;
  const OrderIntent cancel = intent_of(IntentKind::kCancel, 77);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(send(cancel), RejectReason::kNone);
  EXPECT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kNone);
  EXPECT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kRateLimit);
  EXPECT_EQ(send(cancel), RejectReason::kNone);
}

TEST_F(RiskTest, KillSwitchRejectsNewAndReplaceButCancelsPass) {
  risk().on(ControlIn{ControlKind::kKillSwitchOn, InstrumentId(0)});
  EXPECT_TRUE(risk().kill_switch());
  EXPECT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kKillSwitch);
  OrderIntent replace{IntentKind::kReplace, OrderId(5),        kAcct,     kInst, Side::kBuy,
                      OrderType::kLimit,    TimeInForce::kGtc, Price(10), Qty(1)};
  EXPECT_EQ(send(replace), RejectReason::kKillSwitch);
  EXPECT_EQ(send(intent_of(IntentKind::kCancel, 5)), RejectReason::kNone);
  risk().on(ControlIn{ControlKind::kHalt, InstrumentId(0)});  // halts do not touch it
  EXPECT_TRUE(risk().kill_switch());
  risk().on(ControlIn{ControlKind::kKillSwitchOff, InstrumentId(0)});
  EXPECT_FALSE(risk().kill_switch());
  EXPECT_EQ(send(limit(Side::kBuy, 10, 1)), RejectReason::kNone);
}

TEST_F(RiskTest, ChecksRunInTheDocumentedOrder) {
  config_.risk = RiskLimits{Qty(10), Money(1), 1, 1, 1, 1};
  trade(10'000);
  at_ms(0);
  const OrderIntent breaches_all = limit(Side::kBuy, 20'000, 11);
  risk().on(ControlIn{ControlKind::kKillSwitchOn, kInst});
  EXPECT_EQ(send(breaches_all), RejectReason::kKillSwitch);
  risk().on(ControlIn{ControlKind::kKillSwitchOff, kInst});
  EXPECT_EQ(send(intent_of(IntentKind::kNew, 99, InstrumentId(7))),
            RejectReason::kUnknownInstrument);
  EXPECT_EQ(send(breaches_all), RejectReason::kMaxOrderQty);
  EXPECT_EQ(send(limit(Side::kBuy, 20'000, 2)), RejectReason::kMaxNotional);
  config_.risk.max_notional = Money(0);
  risk_.reset();
  trade(10'000);
  EXPECT_EQ(send(limit(Side::kBuy, 20'000, 2)), RejectReason::kPositionLimit);
  EXPECT_EQ(send(limit(Side::kBuy, 20'000, 1)), RejectReason::kPriceBand);
  EXPECT_EQ(send(limit(Side::kBuy, 10'000, 1)), RejectReason::kNone);  // the one token
  EXPECT_EQ(send(limit(Side::kSell, 10'000, 1)), RejectReason::kRateLimit);
}

TEST_F(RiskTest, EarlierRejectsDoNotConsumeTokens) {
  config_.risk.max_order_qty = Qty(5);
  config_.risk.rate_limit_per_s = 1;
  config_.risk.rate_limit_burst = 1;
  EXPECT_EQ(send(limit(Side::kBuy, 10, 6)), RejectReason::kMaxOrderQty);
  EXPECT_EQ(send(limit(Side::kBuy, 10, 5)), RejectReason::kNone);
}

TEST_F(RiskTest, CountersTallyDecisionsByReason) {
  config_.risk.max_order_qty = Qty(5);
  (void)send(limit(Side::kBuy, 10, 6));
  (void)send(limit(Side::kBuy, 10, 5));
  (void)send(intent_of(IntentKind::kCancel, 1));
  EXPECT_EQ(risk().counters().checked, 3u);
  EXPECT_EQ(risk().counters().approved, 2u);
  EXPECT_EQ(risk().counters().rejects_by_reason[size_t(RejectReason::kMaxOrderQty)], 1u);
}

TEST_F(RiskTest, HashStateDiffersWhenStateDiffersAndMatchesWhenEqual) {
  SimClock clock;
  EventQueue q(64);
  Risk a(config_, clock, q), b(config_, clock, q);
  auto hex = [](const Risk& r) {
    StateHasher h;
    r.hash_state(h);
    return h.hex();
  };
  EXPECT_EQ(hex(a), hex(b));
  a.on(ControlIn{ControlKind::kKillSwitchOn, kInst});
  EXPECT_NE(hex(a), hex(b));
  b.on(ControlIn{ControlKind::kKillSwitchOn, kInst});
  EXPECT_EQ(hex(a), hex(b));
  a.on(TradeIn{kInst, Price(10), Qty(1), Side::kBuy});
  EXPECT_NE(hex(a), hex(b));
  b.on(TradeIn{kInst, Price(10), Qty(1), Side::kBuy});
  a.on(Fill{kInst, OrderId(1), kAcct, OrderId(2), AccountId(2000), Price(10), Qty(1), Side::kSell,
            Qty(0), Qty(0)});
  b.on(Fill{kInst, OrderId(1), kAcct, OrderId(2), AccountId(2000), Price(10), Qty(2), Side::kSell,
            Qty(0), Qty(0)});
  EXPECT_NE(hex(a), hex(b));
}

}  // namespace
}  // namespace tape
