// Strategy plugins loaded by path: the load checks (ABI, entry point, file), parameter checks,
// the host adapter (every callback, every order type, timers, state round trip), errors that
// stop a run naming plugin and seq, and the sma_cross example's exact rules on a short series.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/core.h"
#include "core/plugin_strategy.h"
#include "feed/import.h"
#include "session/plugin.h"
#include "unit/strategy_fixture.h"

namespace tape {
namespace {

using testing_util::HostTest;
using testing_util::kExt;
using testing_util::kInst;
using testing_util::kMs;

LoadedPlugin load_or_die(const std::string& path) {
  Result<LoadedPlugin> p = load_plugin(path);
  EXPECT_TRUE(p.is_ok()) << p.status().message();
  return p.is_ok() ? p.value() : LoadedPlugin{};
}

StrategyConfig plugin_config(const LoadedPlugin& p, std::vector<PluginParam> params,
                             AccountId account = AccountId(1)) {
  StrategyConfig s;
  s.name = "s";
  s.account = account;
  set_plugin(s, p);
  s.params = std::move(params);
  return s;
}

// The integers a probe plugin saved (its state bytes, read back from the host's hash encoding):
// starts, bars, quotes, trades, filled, order events, timers, last timer ns, last close.
struct ProbeState {
  std::vector<int64_t> v;
  std::string last_reason;
  int64_t starts() const { return v[0]; }
  int64_t bars() const { return v[1]; }
  int64_t filled() const { return v[4]; }
  int64_t order_events() const { return v[5]; }
  int64_t timers() const { return v[6]; }
  int64_t last_timer_ns() const { return v[7]; }
};

ProbeState probe_state(const HostedStrategy& strategy) {
  StateHasher h;
  strategy.hash_state(h);
  StateReader r(h.bytes());
  const std::string bytes = r.str();
  StateReader b(bytes);
  ProbeState s;
  for (int i = 0; i < 11; ++i) s.v.push_back(b.i64());
  s.last_reason.resize(b.u64());
  for (char& c : s.last_reason) c = static_cast<char>(b.u8());
  EXPECT_TRUE(b.ok());
  return s;
}

BarIn bar(int64_t close) {
  return BarIn{kInst, Price(close), Price(close + 1), Price(close - 1), Price(close), Qty(1000),
               0};
}

// ---- Loading ----

TEST(PluginLoad, LoadsTheSmaCrossExampleByPathWithItsHashAndDeclarations) {
  const LoadedPlugin p = load_or_die(TAPE_PLUGIN_SMA_CROSS);
  EXPECT_EQ(p.name, "sma_cross");
  EXPECT_EQ(p.abi_version, TAPE_PLUGIN_ABI_VERSION);
  uint64_t bytes = 0;
  Result<std::string> sha = file_sha256(TAPE_PLUGIN_SMA_CROSS, bytes);
  ASSERT_TRUE(sha.is_ok());
  EXPECT_EQ(p.sha256, sha.value());
  ASSERT_EQ(p.params.size(), 3u);
  EXPECT_EQ(p.params[0].name, "fast");
  EXPECT_EQ(p.params[0].default_text, "10");
  EXPECT_EQ(p.params[1].name, "slow");
  EXPECT_EQ(p.params[1].default_text, "30");
  EXPECT_EQ(p.params[2].name, "qty");
  EXPECT_EQ(p.params[2].type, PluginParamType::kInt);
  EXPECT_EQ(p.params[2].default_text, "100");
}

TEST(PluginLoad, WrongAbiVersionIsRefusedNamingTheFileAndBothVersions) {
  Result<LoadedPlugin> p = load_plugin(TAPE_PLUGIN_WRONG_ABI);
  ASSERT_FALSE(p.is_ok());
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidInput);
  const std::string& m = p.status().message();
  EXPECT_NE(m.find(TAPE_PLUGIN_WRONG_ABI), std::string::npos) << m;
  EXPECT_NE(m.find("version " + std::to_string(TAPE_PLUGIN_ABI_VERSION + 1)), std::string::npos)
      << m;
  EXPECT_NE(m.find("loads version " + std::to_string(TAPE_PLUGIN_ABI_VERSION)), std::string::npos)
      << m;
}

TEST(PluginLoad, LibraryWithoutTheEntryPointIsRefused) {
  Result<LoadedPlugin> p = load_plugin(TAPE_PLUGIN_NO_ENTRY);
  ASSERT_FALSE(p.is_ok());
  EXPECT_NE(p.status().message().find("tape_strategy_plugin_v1"), std::string::npos);
}

TEST(PluginLoad, MissingFileAndNonLibraryAreBadInput) {
  Result<LoadedPlugin> missing = load_plugin("/nonexistent/libnothing.so");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().exit_code(), 2);
  EXPECT_NE(missing.status().message().find("/nonexistent/libnothing.so"), std::string::npos);
  Result<LoadedPlugin> text = load_plugin(TAPE_SOURCE_DIR "/include/tape/plugin.h");
  ASSERT_FALSE(text.is_ok());
  EXPECT_EQ(text.status().exit_code(), 2);
  EXPECT_NE(text.status().message().find("cannot load"), std::string::npos);
}

// ---- Parameters ----

TEST(PluginParams, UnknownParameterNamesItAndTheClosestDeclaredName) {
  const LoadedPlugin p = load_or_die(TAPE_PLUGIN_SMA_CROSS);
  const Status st = check_params(p, {{"fsat", "5"}});
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("unknown parameter 'fsat'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("did you mean 'fast'"), std::string::npos) << st.message();
}

TEST(PluginParams, WrongTypeNamesTheKeyAndTheTypeExpected) {
  const LoadedPlugin p = load_or_die(TAPE_PLUGIN_SMA_CROSS);
  const Status st = check_params(p, {{"slow", "\"thirty\""}});
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("'slow': expected int"), std::string::npos) << st.message();
  const Status dec = check_params(p, {{"qty", "1.5"}});
  EXPECT_NE(dec.message().find("'qty': expected int"), std::string::npos) << dec.message();
}

TEST(PluginParams, RepeatedKeyIsAnError) {
  const LoadedPlugin p = load_or_die(TAPE_PLUGIN_SMA_CROSS);
  const Status st = check_params(p, {{"fast", "5"}, {"fast", "6"}});
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("'fast' given twice"), std::string::npos) << st.message();
}

TEST(PluginParams, MissingKeysTakeTheirDefaultsInDeclarationOrder) {
  const LoadedPlugin p = load_or_die(TAPE_PLUGIN_PROBE);
  EXPECT_TRUE(check_params(p, {{"label", "'x'"}}).is_ok());
  Result<std::vector<PluginParamValue>> v =
      p.factory->resolve({{"ratio", "-1_000.250"}, {"orders", "true"}});
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  ASSERT_EQ(v->size(), 8u);
  EXPECT_EQ(v.value()[0].name, "throw_at_bar");
  EXPECT_EQ(v.value()[0].int_value, -1);
  EXPECT_EQ(v.value()[1].int_value, 1);  // orders = true
  EXPECT_EQ(v.value()[4].text, "probe");
  EXPECT_EQ(v.value()[5].int_value, -1000250);
  EXPECT_EQ(v.value()[5].scale, 3);
  EXPECT_EQ(v.value()[5].text, "-1000.250");
}

TEST(PluginParams, ValueThePluginItselfRefusesIsReportedWithItsMessage) {
  const LoadedPlugin p = load_or_die(TAPE_PLUGIN_SMA_CROSS);
  const Status st = check_params(p, {{"fast", "30"}, {"slow", "10"}});
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("sma_cross"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("fast < slow"), std::string::npos) << st.message();
}

TEST(PluginParams, TextRulesPerType) {
  using T = PluginParamType;
  EXPECT_EQ(parse_plugin_param("k", T::kInt, "1_000").value().int_value, 1000);
  EXPECT_EQ(parse_plugin_param("k", T::kInt, "-9223372036854775808").value().int_value, INT64_MIN);
  EXPECT_FALSE(parse_plugin_param("k", T::kInt, "9223372036854775808").is_ok());
  EXPECT_FALSE(parse_plugin_param("k", T::kInt, "1__0").is_ok());
  EXPECT_FALSE(parse_plugin_param("k", T::kInt, "_1").is_ok());
  EXPECT_FALSE(parse_plugin_param("k", T::kInt, "0x10").is_ok());
  EXPECT_EQ(parse_plugin_param("k", T::kDecimal, "0.001").value().int_value, 1);
  EXPECT_EQ(parse_plugin_param("k", T::kDecimal, "0.001").value().scale, 3);
  EXPECT_EQ(parse_plugin_param("k", T::kDecimal, "7").value().scale, 0);
  EXPECT_FALSE(parse_plugin_param("k", T::kDecimal, "1e3").is_ok());
  EXPECT_FALSE(parse_plugin_param("k", T::kDecimal, "1.").is_ok());
  EXPECT_FALSE(parse_plugin_param("k", T::kDecimal, "0.0000000000000000001").is_ok());
  EXPECT_EQ(parse_plugin_param("k", T::kString, R"("a\"b\\c")").value().text, "a\"b\\c");
  EXPECT_EQ(parse_plugin_param("k", T::kString, "'C:\\x'").value().text, "C:\\x");
  EXPECT_FALSE(parse_plugin_param("k", T::kString, "abc").is_ok());
  EXPECT_FALSE(parse_plugin_param("k", T::kString, "\"a\"b\"").is_ok());
  EXPECT_EQ(parse_plugin_param("k", T::kBool, "false").value().int_value, 0);
  EXPECT_FALSE(parse_plugin_param("k", T::kBool, "1").is_ok());
}

// ---- The host adapter ----

class PluginHostTest : public HostTest {
 protected:
  void add(const std::string& path, std::vector<PluginParam> params) {
    config_.strategies.push_back(plugin_config(load_or_die(path), std::move(params)));
  }
  const HostedStrategy& strategy(size_t i = 0) { return host().strategy(i); }
  // Fills an intent in full against an external maker: portfolio first, then the host.
  void fill(const OrderIntent& i, int64_t price) {
    const Fill f{kInst, OrderId(7), kExt, i.id, i.account, Price(price), i.qty, i.side,
                 Qty(0), Qty(0)};
    portfolio_->on(f);
    host().on(f);
  }
};

TEST_F(PluginHostTest, SmaCrossSendsExactlyTheOrdersItsRulesGiveOnAShortSeries) {
  // fast 2, slow 4: d[t] = sign(c[t] + c[t-1] - c[t-2] - c[t-3]) from t = 3.
  add(TAPE_PLUGIN_SMA_CROSS, {{"fast", "2"}, {"slow", "4"}, {"qty", "100"}});
  const std::vector<int64_t> closes = {13, 12, 11, 10, 10, 14, 14, 10, 14, 10, 9, 20, 20};
  // t:                                 0   1   2   3   4   5   6   7   8   9 10  11  12
  // d:                                             -   -   +   +   0   -   0  -   +   +
  // t=5 cross up (flat): buy. t=7 touches 0, t=8 crosses down (long): sell. t=9 touches 0 and
  // t=10 returns below: no cross. t=11 cross up (flat): buy.
  std::vector<std::pair<int64_t, OrderIntent>> sent;
  for (size_t t = 0; t < closes.size(); ++t) {
    at_ms(int64_t(t) + 1);
    host().on(bar(closes[t]));
    for (const OrderIntent& i : intents()) {
      sent.emplace_back(int64_t(t), i);
      fill(i, closes[t]);
      intents();  // the portfolio's position updates
    }
  }
  ASSERT_EQ(sent.size(), 3u);
  const Side sides[] = {Side::kBuy, Side::kSell, Side::kBuy};
  const int64_t at[] = {5, 8, 11};
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(sent[k].first, at[k]) << k;
    const OrderIntent& i = sent[k].second;
    EXPECT_EQ(i.kind, IntentKind::kNew);
    EXPECT_EQ(i.type, OrderType::kMarket);
    EXPECT_EQ(i.tif, TimeInForce::kIoc);
    EXPECT_EQ(i.side, sides[k]) << k;
    EXPECT_EQ(i.qty, Qty(100));
    EXPECT_EQ(i.instrument, kInst);
    EXPECT_EQ(i.account, AccountId(1));
  }
  EXPECT_EQ(portfolio_->position(AccountId(1), kInst), 100);
  EXPECT_TRUE(host().status().is_ok());
}

TEST_F(PluginHostTest, SmaCrossSendsNothingWhileItsOrderIsWorking) {
  add(TAPE_PLUGIN_SMA_CROSS, {{"fast", "2"}, {"slow", "4"}});
  for (int64_t c : {13, 12, 11, 10, 10, 14}) host().on(bar(c));
  std::vector<OrderIntent> buy = intents();
  ASSERT_EQ(buy.size(), 1u);
  // No fill: still flat; t=7,8 would cross down then... but nothing new goes out while working.
  for (int64_t c : {14, 10, 14, 10, 9, 20}) host().on(bar(c));
  EXPECT_TRUE(intents().empty());
  host().on(OrderCancelled{buy[0].id, buy[0].account, kInst, Qty(100), CancelReason::kNoLiquidity});
  host().on(bar(10));  // d < 0 after a positive nzd, but flat: no sell
  host().on(bar(1));
  EXPECT_TRUE(intents().empty());
}

TEST_F(PluginHostTest, SaveAndLoadStateReproduceTheStateHashAndWhatFollows) {
  add(TAPE_PLUGIN_SMA_CROSS, {{"fast", "2"}, {"slow", "4"}});
  const std::vector<int64_t> closes = {13, 12, 11, 10, 10, 14, 14, 10, 14, 10, 9, 20};
  for (size_t t = 0; t < 6; ++t) host().on(bar(closes[t]));
  const std::vector<OrderIntent> first = intents();
  ASSERT_EQ(first.size(), 1u);
  fill(first[0], 14);
  intents();
  StateHasher saved;
  host().hash_state(saved);

  EventQueue queue2(4096);
  Portfolio portfolio2(config_, queue2);
  portfolio2.on(Fill{kInst, OrderId(7), kExt, first[0].id, AccountId(1), Price(14), Qty(100),
                     Side::kBuy, Qty(0), Qty(0)});
  while (!queue2.empty()) queue2.pop();
  StrategyHost host2(config_, clock_, market_, portfolio2, queue2);
  StateReader r(saved.bytes());
  ASSERT_TRUE(host2.restore_state(r).is_ok()) << r.status().message();
  StateHasher again;
  host2.hash_state(again);
  EXPECT_EQ(again.hex(), saved.hex());

  for (size_t t = 6; t < closes.size(); ++t) {
    host().on(bar(closes[t]));
    host2.on(bar(closes[t]));
  }
  const std::vector<OrderIntent> a = intents();
  const std::vector<OrderIntent> b = testing_util::drain_intents(queue2);
  ASSERT_EQ(a.size(), 1u);  // the sell at t = 8
  EXPECT_EQ(a, b);
  EXPECT_EQ(hash(), [&] {
    StateHasher h;
    host2.hash_state(h);
    return h.hex();
  }());
}

TEST_F(PluginHostTest, StateBytesThePluginRefusesFailTheRestoreNamingIt) {
  add(TAPE_PLUGIN_PROBE, {{"label", "\"a\""}});
  host().on(bar(10));
  StateHasher saved;
  host().hash_state(saved);
  config_.strategies[0].params = {{"label", "\"b\""}};
  EventQueue queue2(4096);
  Portfolio portfolio2(config_, queue2);
  StrategyHost host2(config_, clock_, market_, portfolio2, queue2);
  StateReader r(saved.bytes());
  const Status st = host2.restore_state(r);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("probe"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("another label"), std::string::npos) << st.message();
}

TEST_F(PluginHostTest, EveryOrderTypeReachesTheBusWithItsFields) {
  add(TAPE_PLUGIN_PROBE, {{"orders", "true"}});
  at_ms(5);
  host().on(bar(100));
  const std::vector<OrderIntent> v = intents();
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].type, OrderType::kMarket);
  EXPECT_EQ(v[0].tif, TimeInForce::kIoc);
  EXPECT_EQ(v[0].qty, Qty(1));
  EXPECT_EQ(v[1].type, OrderType::kLimit);
  EXPECT_EQ(v[1].side, Side::kSell);
  EXPECT_EQ(v[1].price, Price(105));
  EXPECT_TRUE(v[1].post_only);
  EXPECT_EQ(v[1].tif, TimeInForce::kGtd);
  EXPECT_EQ(v[1].expire, Timestamp(5 * kMs + 1000));
  EXPECT_EQ(v[2].type, OrderType::kStop);
  EXPECT_EQ(v[2].stop_price, Price(98));
  EXPECT_EQ(v[2].tif, TimeInForce::kGtc);
  EXPECT_EQ(v[3].type, OrderType::kStopLimit);
  EXPECT_EQ(v[3].stop_price, Price(102));
  EXPECT_EQ(v[3].price, Price(103));
  EXPECT_EQ(v[3].tif, TimeInForce::kDay);
  for (size_t k = 0; k < v.size(); ++k) {
    EXPECT_EQ(v[k].id, testing_util::strategy_id(0, k + 1));
  }
}

TEST_F(PluginHostTest, OnStartRunsOnceAndItsTimerFiresAtDueTimes) {
  add(TAPE_PLUGIN_PROBE, {{"timer_ns", "1000"}});
  host().advance_time(Timestamp(10'000));
  EXPECT_EQ(probe_state(strategy()).starts(), 1);
  host().advance_time(Timestamp(12'500));
  const ProbeState s = probe_state(strategy());
  EXPECT_EQ(s.starts(), 1);
  EXPECT_EQ(s.timers(), 2);
  EXPECT_EQ(s.last_timer_ns(), 12'000);
  EXPECT_EQ(host().next_timer(0), Timestamp(13'000));
}

TEST_F(PluginHostTest, FillsAndOrderEventsOfItsOwnOrdersReachIt) {
  add(TAPE_PLUGIN_PROBE, {{"orders", "true"}});
  host().on(bar(100));
  const std::vector<OrderIntent> v = intents();
  accept(v[1]);
  host().on(OrderRejected{v[2].id, v[2].account, kInst, RejectReason::kInvalidQty});
  fill(v[0], 100);
  host().on(OrderRejected{OrderId(99), kExt, kInst, RejectReason::kHalted});  // not its own
  const ProbeState s = probe_state(strategy());
  EXPECT_EQ(s.order_events(), 2);
  EXPECT_EQ(s.last_reason, "invalid_qty");
  EXPECT_EQ(s.filled(), 1);
}

TEST_F(PluginHostTest, ContextGivesSymbolAndExactTickSize) {
  config_.instruments[0].tick_value = 25;
  add(TAPE_PLUGIN_PROBE, {});
  EXPECT_EQ(host().context(0).symbol(kInst), "TEST");
  EXPECT_EQ(host().context(0).tick_size(kInst), "0.0025");
  EXPECT_EQ(host().context(0).instrument_count(), 1u);
}

TEST_F(PluginHostTest, ThrowingCallbackFailsTheStrategyOnceNamingPluginCallbackAndSeq) {
  add(TAPE_PLUGIN_PROBE, {{"throw_at_bar", "1"}, {"zero_qty", "true"}});
  at_ms(1);
  host().on(bar(10));
  EXPECT_TRUE(host().status().is_ok());
  at_ms(2);
  host().on(bar(11));
  ASSERT_FALSE(host().status().is_ok());
  const std::string m = host().status().message();
  EXPECT_NE(m.find("plugin 'probe'"), std::string::npos) << m;
  EXPECT_NE(m.find("on_bar failed at seq 2"), std::string::npos) << m;
  EXPECT_NE(m.find("boom at bar 1"), std::string::npos) << m;
  intents();
  host().on(bar(12));  // never called again
  EXPECT_TRUE(intents().empty());
  EXPECT_EQ(host().status().message(), m);
}

TEST_F(PluginHostTest, FailedCreateIsAStatusNotAnAbort) {
  add(TAPE_PLUGIN_PROBE, {{"fail_create", "true"}});
  ASSERT_FALSE(host().status().is_ok());
  EXPECT_NE(host().status().message().find("probe refuses to start"), std::string::npos);
  host().on(bar(10));  // no instance: nothing happens
  EXPECT_TRUE(intents().empty());
}

// ---- Through the core ----

CoreConfig core_config(const std::string& path, std::vector<PluginParam> params) {
  CoreConfig c;
  InstrumentConfig inst;
  inst.symbol = "TEST";
  c.instruments.push_back(inst);
  c.strategies.push_back(plugin_config(load_or_die(path), std::move(params)));
  return c;
}

Input bar_input(uint64_t seq, int64_t close) {
  return Input{Seq(seq), Timestamp(int64_t(seq) * kMs), bar(close)};
}

TEST(PluginCore, ThrowingPluginStopsTheRunWithAnErrorNamingPluginAndSeq) {
  Core core(core_config(TAPE_PLUGIN_PROBE, {{"throw_at_bar", "2"}}), Recorder::Mode::kCollect,
            nullptr);
  ASSERT_TRUE(core.process(bar_input(1, 10)).is_ok());
  ASSERT_TRUE(core.process(bar_input(2, 10)).is_ok());
  const Status st = core.process(bar_input(3, 10));
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.exit_code(), 2);
  EXPECT_NE(st.message().find("plugin 'probe'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("at seq 3"), std::string::npos) << st.message();
}

TEST(PluginCore, ZeroQtyOrderIsAnOrderRejectedThroughRiskNotAnError) {
  Core core(core_config(TAPE_PLUGIN_PROBE, {{"zero_qty", "true"}}), Recorder::Mode::kCollect,
            nullptr);
  ASSERT_TRUE(core.process(bar_input(1, 10)).is_ok());
  bool rejected = false;
  for (const Output& o : core.last_outputs()) {
    if (const auto* r = std::get_if<OrderRejected>(&o.body)) {
      rejected = r->reason == RejectReason::kInvalidQty;
    }
  }
  EXPECT_TRUE(rejected);
  ASSERT_TRUE(core.process(bar_input(2, 10)).is_ok());
}

TEST(PluginCore, SnapshotOfAPluginRunRestoresToTheSameStateHash) {
  const CoreConfig config = core_config(TAPE_PLUGIN_SMA_CROSS, {{"fast", "2"}, {"slow", "4"}});
  Core a(config, Recorder::Mode::kCollect, nullptr);
  const std::vector<int64_t> closes = {13, 12, 11, 10, 10, 14, 14};
  for (size_t t = 0; t < closes.size(); ++t) {
    ASSERT_TRUE(a.process(bar_input(t + 1, closes[t])).is_ok());
  }
  Core b(config, Recorder::Mode::kCollect, nullptr);
  ASSERT_TRUE(b.restore_state(a.snapshot().core_state).is_ok());
  EXPECT_EQ(b.state_hash(), a.state_hash());
  ASSERT_TRUE(a.process(bar_input(8, 10)).is_ok());
  ASSERT_TRUE(b.process(bar_input(8, 10)).is_ok());
  EXPECT_EQ(b.state_hash(), a.state_hash());
}

}  // namespace
}  // namespace tape
