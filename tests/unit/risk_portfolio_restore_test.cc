// Risk and Portfolio restore check hand-built sections: open orders must agree with the exposure,
// only managed accounts are accepted, and a rejected non-positive intent leaves nothing to restore.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "core/event_queue.h"
#include "core/risk.h"
#include "core/state_hash.h"
#include "core/state_reader.h"
#include "unit/restore_pipeline.h"

namespace tape {
namespace {

using testing_util::make_config;
using testing_util::Pipeline;

// Hand-built Risk sections: one open order, with or without the exposure that accounts for it.
std::string risk_section(bool with_exposure) {
  StateHasher h;
  h.tag("risk");
  h.u8(0);
  for (int i = 0; i < 2; ++i) {
    h.u8(0);
    h.i64(0);
    h.u8(0);
    h.i64(0);
  }
  h.tag("exposures");
  h.u32(with_exposure ? 1 : 0);
  if (with_exposure) {
    h.u32(1);
    for (int64_t v : {0, 5, 0, 0, 0, 0}) h.i64(v);  // inst 0: position, open buy, open sell
  }
  h.tag("open_orders");
  h.u64(1);
  h.u64(7);
  h.v(AccountId(1));
  h.v(InstrumentId(0));
  h.u8(0);
  h.i64(5);
  h.u8(1);
  h.tag("buckets");
  h.u32(0);
  h.tag("counters");
  for (int i = 0; i < 34; ++i) h.u64(0);
  return h.bytes();
}

TEST(RiskRestore, RejectsOpenOrdersThatDisagreeWithTheExposure) {
  Pipeline p(make_config());
  ASSERT_TRUE(p.restore(Pipeline::kRisk, risk_section(true)).is_ok());
  EXPECT_EQ(p.risk().open_qty(AccountId(1), InstrumentId(0), Side::kBuy), 5);
  p.fresh(Pipeline::kRisk);
  const Status st = p.restore(Pipeline::kRisk, risk_section(false));
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("disagrees"), std::string::npos) << st.message();
}

TEST(PortfolioRestore, RejectsAnUnmanagedAccount) {
  auto section = [](uint32_t account) {
    StateHasher h;
    h.tag("portfolio");
    h.u32(1);
    h.u32(account);
    h.i64(-1000);                                             // cash
    for (int64_t v : {10, 1000, 0, 0, 0, 0, 0, 0}) h.i64(v);  // two holdings
    h.tag("marks");
    for (int i = 0; i < 2; ++i) {
      h.u8(0);
      h.i64(0);
      h.u8(0);
      h.i64(0);
    }
    return h.bytes();
  };
  Pipeline p(make_config());
  ASSERT_TRUE(p.restore(Pipeline::kPortfolio, section(kExternalAccountBase - 1)).is_ok());
  p.fresh(Pipeline::kPortfolio | Pipeline::kHost);
  EXPECT_FALSE(p.restore(Pipeline::kPortfolio, section(kExternalAccountBase)).is_ok());
}

// Regression: an approved intent with qty <= 0 (the engine rejects it) used to leave a negative
// open quantity behind in Risk, which a snapshot could not account for.
TEST(RiskRestore, NonPositiveIntentLeavesNoOpenQuantity) {
  CoreConfig config = make_config();
  SimClock clock;
  EventQueue queue(64);
  Risk risk(config, clock, queue);
  risk.on(OrderIntent{IntentKind::kNew, OrderId(kStrategyOrderIdBase + 1), AccountId(1),
                      InstrumentId(0), Side::kBuy, OrderType::kLimit, TimeInForce::kGtc,
                      Price(10'000), Qty(-5)});
  EXPECT_EQ(risk.open_qty(AccountId(1), InstrumentId(0), Side::kBuy), 0);
  StateHasher h;
  risk.hash_state(h);
  Risk restored(config, clock, queue);
  StateReader r(h.bytes());
  EXPECT_TRUE(restored.restore_state(r).is_ok()) << r.status().message();
}

}  // namespace
}  // namespace tape
