// Risk on the order types of schema revision 2 (core/risk.h checks 2a-2c, 4-6): post-only only on
// resting limit orders, stop prices in the price domain, GTD expiry after now, a stop's notional
// and band judged at its stop price (a stop-limit's at its limit), and waiting stops counted as
// open quantity by the position limit.
#include <gtest/gtest.h>

#include <optional>
#include <variant>
#include <vector>

#include "core/bounds.h"
#include "core/risk.h"

namespace tape {
namespace {

constexpr AccountId kAcct(1);
constexpr InstrumentId kInst(0);

class RiskOrderTypes : public ::testing::Test {
 protected:
  RiskOrderTypes() {
    InstrumentConfig inst;
    inst.symbol = "TEST";
    inst.tick_value = 100;
    inst.lot_size = 2;
    config_.instruments.push_back(inst);
    config_.risk = RiskLimits{Qty(0), Money(0), 0, 0, 0, 0};
  }
  Risk& risk() {
    if (!risk_) risk_.emplace(config_, clock_, queue_);
    return *risk_;
  }
  OrderIntent order(OrderType type, TimeInForce tif, Side side, int64_t price, int64_t stop,
                    int64_t qty) {
    return OrderIntent{IntentKind::kNew, OrderId(++next_id_), kAcct, kInst, side, type, tif,
                       Price(price), Qty(qty), Price(stop)};
  }
  OrderIntent stop(Side side, int64_t stop_price, int64_t qty) {
    return order(OrderType::kStop, TimeInForce::kGtc, side, 0, stop_price, qty);
  }
  OrderIntent stop_limit(Side side, int64_t stop_price, int64_t price, int64_t qty) {
    return order(OrderType::kStopLimit, TimeInForce::kGtc, side, price, stop_price, qty);
  }
  OrderIntent limit(Side side, int64_t price, int64_t qty, TimeInForce tif = TimeInForce::kGtc) {
    return order(OrderType::kLimit, tif, side, price, 0, qty);
  }
  // The decision's reason (kNone when approved); a reject also publishes OrderRejected.
  RejectReason send(const OrderIntent& intent) {
    risk().on(intent);
    std::vector<BusEvent> events;
    for (; !queue_.empty(); queue_.pop()) events.push_back(queue_.front());
    EXPECT_FALSE(events.empty());
    if (events.empty()) return RejectReason::kNone;
    const auto& d = std::get<RiskDecision>(events[0]);
    EXPECT_EQ(d.intent, intent);
    EXPECT_EQ(events.size(), d.approved ? 1u : 2u);
    return d.reason;
  }
  void at_ns(int64_t ns) { clock_.advance(Seq(clock_.seq().value() + 1), Timestamp(ns)); }
  void trade(int64_t price) { risk().on(TradeIn{kInst, Price(price), Qty(1), Side::kBuy}); }

  CoreConfig config_;
  SimClock clock_;
  EventQueue queue_{1024};
  std::optional<Risk> risk_;
  uint64_t next_id_ = 0;
};

TEST_F(RiskOrderTypes, PostOnlyOnlyOnRestingLimitOrders) {
  OrderIntent ok = limit(Side::kBuy, 10, 1);
  ok.post_only = true;
  EXPECT_EQ(send(ok), RejectReason::kNone);
  for (TimeInForce tif : {TimeInForce::kDay, TimeInForce::kGtd}) {
    OrderIntent i = limit(Side::kBuy, 10, 1, tif);
    i.post_only = true;
    i.expire = Timestamp(1);
    EXPECT_EQ(send(i), RejectReason::kNone);
  }
  OrderIntent market = order(OrderType::kMarket, TimeInForce::kIoc, Side::kBuy, 0, 0, 1);
  market.post_only = true;
  EXPECT_EQ(send(market), RejectReason::kInvalidOrderType);
  OrderIntent ioc = limit(Side::kBuy, 10, 1, TimeInForce::kIoc);
  ioc.post_only = true;
  EXPECT_EQ(send(ioc), RejectReason::kInvalidOrderType);
  OrderIntent fok = limit(Side::kBuy, 10, 1, TimeInForce::kFok);
  fok.post_only = true;
  EXPECT_EQ(send(fok), RejectReason::kInvalidOrderType);
  OrderIntent sl = stop_limit(Side::kBuy, 10, 10, 1);
  sl.post_only = true;
  EXPECT_EQ(send(sl), RejectReason::kInvalidOrderType);
  OrderIntent s = stop(Side::kBuy, 10, 1);
  s.post_only = true;
  EXPECT_EQ(send(s), RejectReason::kInvalidOrderType);
}

TEST_F(RiskOrderTypes, StopPriceMustLieInThePriceDomain) {
  EXPECT_EQ(send(stop(Side::kBuy, kMinPrice, 1)), RejectReason::kNone);
  EXPECT_EQ(send(stop(Side::kBuy, kMinPrice - 1, 1)), RejectReason::kInvalidStopPrice);
  EXPECT_EQ(send(stop(Side::kBuy, -5, 1)), RejectReason::kInvalidStopPrice);
  EXPECT_EQ(send(stop(Side::kSell, kMaxPrice, 1)), RejectReason::kNone);
  EXPECT_EQ(send(stop(Side::kSell, kMaxPrice + 1, 1)), RejectReason::kInvalidStopPrice);
  EXPECT_EQ(send(stop_limit(Side::kBuy, 0, 10, 1)), RejectReason::kInvalidStopPrice);
  EXPECT_EQ(send(stop_limit(Side::kBuy, 10, 10, 1)), RejectReason::kNone);
  // A limit order's stop_price is not read.
  OrderIntent l = limit(Side::kBuy, 10, 1);
  l.stop_price = Price(-1);
  EXPECT_EQ(send(l), RejectReason::kNone);
}

TEST_F(RiskOrderTypes, GtdExpiryMustBeAfterNow) {
  at_ns(5'000);
  OrderIntent g = limit(Side::kBuy, 10, 1, TimeInForce::kGtd);
  g.expire = Timestamp(4'999);
  EXPECT_EQ(send(g), RejectReason::kInvalidExpiry);
  g.id = OrderId(++next_id_);
  g.expire = Timestamp(5'000);  // == now
  EXPECT_EQ(send(g), RejectReason::kInvalidExpiry);
  g.id = OrderId(++next_id_);
  g.expire = Timestamp(5'001);  // one ns later
  EXPECT_EQ(send(g), RejectReason::kNone);
  // Other tifs ignore expire.
  for (TimeInForce tif : {TimeInForce::kGtc, TimeInForce::kIoc, TimeInForce::kFok,
                          TimeInForce::kDay}) {
    OrderIntent i = limit(Side::kBuy, 10, 1, tif);
    i.expire = Timestamp(1);
    EXPECT_EQ(send(i), RejectReason::kNone);
  }
  // A GTD stop waits under the same rule.
  OrderIntent s = order(OrderType::kStop, TimeInForce::kGtd, Side::kBuy, 0, 10, 1);
  s.expire = Timestamp(5'000);
  EXPECT_EQ(send(s), RejectReason::kInvalidExpiry);
}

TEST_F(RiskOrderTypes, OrderTypeChecksComeAfterUnknownInstrumentAndBeforeLimits) {
  config_.risk.max_order_qty = Qty(1);
  OrderIntent s = stop(Side::kBuy, 0, 5);  // bad stop price and too large
  EXPECT_EQ(send(s), RejectReason::kInvalidStopPrice);
  s.id = OrderId(++next_id_);
  s.instrument = InstrumentId(7);
  EXPECT_EQ(send(s), RejectReason::kUnknownInstrument);
}

TEST_F(RiskOrderTypes, StopNotionalIsJudgedAtItsStopPriceStopLimitAtItsLimit) {
  // notional = price x 100 x 2 x qty; the limit 100'000 = 10 x 200 x 50.
  config_.risk.max_notional = Money(100'000);
  // No reference price needed: the stop price bounds the notional.
  EXPECT_EQ(send(stop(Side::kBuy, 10, 50)), RejectReason::kNone);
  EXPECT_EQ(send(stop(Side::kBuy, 10, 51)), RejectReason::kMaxNotional);
  EXPECT_EQ(send(stop(Side::kBuy, 11, 50)), RejectReason::kMaxNotional);
  EXPECT_EQ(send(stop_limit(Side::kBuy, 1, 10, 50)), RejectReason::kNone);
  EXPECT_EQ(send(stop_limit(Side::kBuy, 1, 11, 50)), RejectReason::kMaxNotional);
  EXPECT_EQ(send(stop_limit(Side::kBuy, 100, 10, 50)), RejectReason::kNone);
}

TEST_F(RiskOrderTypes, StopBandIsJudgedAtItsStopPriceStopLimitAtItsLimit) {
  config_.risk.price_band_bps = 100;  // 1% of 10'000 = 100 ticks
  EXPECT_EQ(send(stop(Side::kBuy, 1, 1)), RejectReason::kNone);  // no reference yet
  trade(10'000);
  EXPECT_EQ(send(stop(Side::kBuy, 10'100, 1)), RejectReason::kNone);
  EXPECT_EQ(send(stop(Side::kBuy, 10'101, 1)), RejectReason::kPriceBand);
  EXPECT_EQ(send(stop(Side::kSell, 9'900, 1)), RejectReason::kNone);
  EXPECT_EQ(send(stop(Side::kSell, 9'899, 1)), RejectReason::kPriceBand);
  EXPECT_EQ(send(stop_limit(Side::kBuy, 20'000, 10'100, 1)), RejectReason::kNone);
  EXPECT_EQ(send(stop_limit(Side::kBuy, 10'000, 10'101, 1)), RejectReason::kPriceBand);
}

TEST_F(RiskOrderTypes, WaitingStopsCountAsOpenQuantityForThePositionLimit) {
  config_.risk.position_limit = 10;
  const OrderIntent s = stop(Side::kBuy, 105, 6);
  ASSERT_EQ(send(s), RejectReason::kNone);
  risk().on(OrderAccepted{s.id, kAcct, kInst, Side::kBuy, OrderType::kStop, TimeInForce::kGtc,
                          Price(0), Qty(6), Price(105)});
  EXPECT_EQ(risk().open_qty(kAcct, kInst, Side::kBuy), 6);
  EXPECT_EQ(send(stop(Side::kBuy, 106, 4)), RejectReason::kNone);        // +10: at the limit
  EXPECT_EQ(send(limit(Side::kBuy, 100, 1)), RejectReason::kPositionLimit);  // +11
  // The stop expires: its quantity is no longer open.
  risk().on(OrderCancelled{s.id, kAcct, kInst, Qty(6), CancelReason::kExpired});
  EXPECT_EQ(risk().open_qty(kAcct, kInst, Side::kBuy), 4);
  EXPECT_EQ(send(limit(Side::kBuy, 100, 6)), RejectReason::kNone);
}

TEST_F(RiskOrderTypes, PlainOrdersDecideAsBefore) {
  // Defaults of the new fields change nothing: the same intents as risk_test's decide alike.
  config_.risk.max_notional = Money(100'000);
  EXPECT_EQ(send(limit(Side::kBuy, 10, 50)), RejectReason::kNone);
  EXPECT_EQ(send(limit(Side::kBuy, 10, 51)), RejectReason::kMaxNotional);
  EXPECT_EQ(send(order(OrderType::kMarket, TimeInForce::kIoc, Side::kBuy, 0, 0, 1)),
            RejectReason::kMaxNotional);  // no reference
}

}  // namespace
}  // namespace tape
