// sim/generator.h, bad_data phases: each kind is injected exactly as often as configured and
// looks as documented (and nothing else in the flow looks like it), backwards timestamps are the
// ones the sequencer clamps, and a generator saved inside bad-data and stale windows resumes the
// exact sequence; a state from a scenario of another shape is refused.
#include <gtest/gtest.h>

#include <limits>
#include <set>
#include <string>
#include <vector>

#include "core/sequencer.h"
#include "sim/generator.h"
#include "sim/scenario.h"

namespace tape {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr uint32_t kInstruments = 2;
constexpr int64_t kMaxQty = 500;  // max_order_qty of both instruments below

struct Event {
  Timestamp ts;
  InputBody body;
  bool operator==(const Event&) const = default;
};

Scenario parse(const std::string& text) {
  auto s = parse_scenario_text(text, "test.toml");
  EXPECT_TRUE(s.is_ok()) << s.status().message();
  return s.is_ok() ? s.value() : Scenario{};
}

// Background flow on two instruments and one bad_data phase from 1 s to 2 s; `weights` is the
// body of its [phases.weights] table.
Scenario bad_scenario(uint64_t count, const std::string& weights) {
  return parse(
      "[scenario]\nduration_s = 3.0\nheartbeat_ms = 100\n"
      "[[instruments]]\nsymbol = \"A\"\ninitial_price = 100.0\nmax_order_qty = 500\n"
      "[[instruments]]\nsymbol = \"B\"\ninitial_price = 50.0\nmax_order_qty = 500\n"
      "[market]\nrate_per_s = 1000\n"
      "[[phases]]\nkind = \"bad_data\"\nat_ms = 1000\nduration_ms = 1000\ncount = " +
      std::to_string(count) + "\n[phases.weights]\n" + weights);
}

// Weights giving only `kind`.
std::string only(BadKind kind) {
  std::string w;
  for (size_t k = 0; k < kBadKinds; ++k) {
    w += std::string(bad_kind_name(static_cast<BadKind>(k))) + " = " +
         (k == static_cast<size_t>(kind) ? "1" : "0") + "\n";
  }
  return w;
}

std::vector<Event> run(const Scenario& s, uint64_t seed, const MarketView* view = nullptr) {
  Generator g(s, seed, view);
  std::vector<Event> out;
  Event e;
  while (g.next(e.ts, e.body)) out.push_back(e);
  return out;
}

bool bad_price(int64_t p) { return p <= 0 || p == std::numeric_limits<int64_t>::max(); }
bool sentinel(int64_t v) {
  return v == std::numeric_limits<int64_t>::max() || v == std::numeric_limits<int64_t>::min();
}

// Classifies every event by the bad kind it exhibits (kBadKinds = a valid event), tracking the
// ids issued so far and the latest timestamp as a consumer would.
class Classifier {
 public:
  size_t classify(const Event& e) {
    const int64_t t = e.ts.value();
    const bool backwards = t < latest_;
    latest_ = std::max(latest_, t);
    return std::visit([&](const auto& b) { return kind_of(b, backwards); }, e.body);
  }

 private:
  static size_t k(BadKind kind) { return static_cast<size_t>(kind); }
  bool unknown(InstrumentId i) const { return i.value() >= kInstruments; }
  size_t price_kind(int64_t p) const {
    if (p == 0) return k(BadKind::kZeroPrice);
    return sentinel(p) ? k(BadKind::kSentinelPrice) : k(BadKind::kNegativePrice);
  }
  size_t qty_kind(int64_t q) const {
    if (q == 0) return k(BadKind::kZeroQty);
    return sentinel(q) ? k(BadKind::kSentinelQty) : k(BadKind::kOversizeQty);
  }
  size_t kind_of(const QuoteIn& q, bool backwards) const {
    if (unknown(q.instrument)) return k(BadKind::kUnknownInstrument);
    if (bad_price(q.bid.value())) return price_kind(q.bid.value());
    if (bad_price(q.ask.value())) return price_kind(q.ask.value());
    if (q.bid_qty.value() <= 0 || sentinel(q.bid_qty.value())) return qty_kind(q.bid_qty.value());
    if (q.ask_qty.value() <= 0 || sentinel(q.ask_qty.value())) return qty_kind(q.ask_qty.value());
    if (q.bid >= q.ask) return k(BadKind::kCrossedQuote);
    return backwards ? k(BadKind::kBackwardsTs) : kBadKinds;
  }
  size_t kind_of(const TradeIn& t, bool) const {
    if (unknown(t.instrument)) return k(BadKind::kUnknownInstrument);
    if (bad_price(t.price.value())) return price_kind(t.price.value());
    if (t.qty.value() <= 0 || sentinel(t.qty.value())) return qty_kind(t.qty.value());
    return kBadKinds;
  }
  size_t kind_of(const NewOrderIn& o, bool) {
    if (!issued_.insert(o.id.value()).second) return k(BadKind::kDuplicateId);
    if (unknown(o.instrument)) return k(BadKind::kUnknownInstrument);
    if (o.type == OrderType::kLimit && bad_price(o.price.value()))
      return price_kind(o.price.value());
    if (o.qty.value() <= 0 || o.qty.value() > kMaxQty) return qty_kind(o.qty.value());
    return kBadKinds;
  }
  size_t kind_of(const CancelIn& c, bool) const {
    if (unknown(c.instrument)) return k(BadKind::kUnknownInstrument);
    return issued_.count(c.id.value()) ? kBadKinds : k(BadKind::kUnknownId);
  }
  size_t kind_of(const ReplaceIn& r, bool) const {
    if (!issued_.count(r.id.value())) return k(BadKind::kUnknownId);
    if (bad_price(r.price.value())) return price_kind(r.price.value());
    if (r.qty.value() <= 0 || r.qty.value() > kMaxQty) return qty_kind(r.qty.value());
    return kBadKinds;
  }
  size_t kind_of(const ControlIn&, bool) const { return kBadKinds; }
  size_t kind_of(const HeartbeatIn&, bool) const { return kBadKinds; }
  // The generator never emits bars or book messages.
  size_t kind_of(const BarIn&, bool) const { return kBadKinds; }
  size_t kind_of(const BookMessageIn&, bool) const { return kBadKinds; }

  std::set<uint64_t> issued_;
  int64_t latest_ = 0;
};

std::vector<uint64_t> count_kinds(const std::vector<Event>& events, int64_t from_ns = 0,
                                  int64_t to_ns = std::numeric_limits<int64_t>::max()) {
  std::vector<uint64_t> n(kBadKinds + 1, 0);
  Classifier c;
  for (const Event& e : events) {
    const size_t kind = c.classify(e);
    if (e.ts.value() >= from_ns && e.ts.value() < to_ns) ++n[kind];
  }
  return n;
}

// Proves each kind, alone, is injected exactly `count` times inside the window, and the
// background flow never produces anything that looks bad.
TEST(GeneratorBadData, EachKindAtItsConfiguredCount) {
  for (size_t kind = 0; kind < kBadKinds; ++kind) {
    const char* name = bad_kind_name(static_cast<BadKind>(kind));
    const Scenario s = bad_scenario(120, only(static_cast<BadKind>(kind)));
    const std::vector<Event> events = run(s, 9);
    const std::vector<uint64_t> n = count_kinds(events);
    for (size_t other = 0; other < kBadKinds; ++other) {
      EXPECT_EQ(n[other], other == kind ? 120u : 0u)
          << "injecting " << name << ", counted " << bad_kind_name(static_cast<BadKind>(other));
    }
    const std::vector<uint64_t> outside = count_kinds(events, 2000 * kMs);
    for (size_t other = 0; other < kBadKinds; ++other) EXPECT_EQ(outside[other], 0u) << name;
  }
}

// Proves with every weight the phase injects exactly `count` in all, every kind among them.
TEST(GeneratorBadData, MixedWeightsInjectExactlyCount) {
  const Scenario s = bad_scenario(2200, "zero_qty = 3\n");  // others keep their default 1
  const std::vector<uint64_t> n = count_kinds(run(s, 4));
  uint64_t total = 0;
  for (size_t kind = 0; kind < kBadKinds; ++kind) {
    EXPECT_GT(n[kind], 80u) << bad_kind_name(static_cast<BadKind>(kind));
    total += n[kind];
  }
  EXPECT_EQ(total, 2200u);
  EXPECT_GT(n[static_cast<size_t>(BadKind::kZeroQty)],
            2 * n[static_cast<size_t>(BadKind::kZeroPrice)]);
}

// Proves backwards_ts inputs go back at most backwards_ms, and the sequencer clamps exactly them.
TEST(GeneratorBadData, BackwardsTimestampsAreTheOnesTheSequencerClamps) {
  Scenario s = bad_scenario(300, only(BadKind::kBackwardsTs));
  s.phases[0].backwards_ms = 7;
  Generator g(s, 2, nullptr);
  Sequencer seq;
  Timestamp ts;
  InputBody body;
  int64_t latest = 0;
  uint64_t backwards = 0;
  while (g.next(ts, body)) {
    if (ts.value() < latest) {
      ++backwards;
      EXPECT_LE(latest - ts.value(), 7 * kMs);
      EXPECT_TRUE(std::holds_alternative<QuoteIn>(body));
    }
    latest = std::max(latest, ts.value());
    seq.stamp(ts, body);
  }
  EXPECT_EQ(backwards, 300u);
  EXPECT_EQ(seq.clamped(), 300u);
}

// Answers is_resting as a pure function of the id (so generators compare equal), with about a
// quarter of orders gone.
class FakeMarket : public MarketView {
 public:
  TopOfBook top(InstrumentId) const override { return {}; }
  size_t depth(InstrumentId, Side, std::span<LevelView>) const override { return 0; }
  bool halted(InstrumentId) const override { return false; }
  bool is_resting(OrderId id) const override {
    uint64_t x = id.value() * 0x9E3779B97F4A7C15ull;
    return ((x ^ (x >> 29)) & 3) != 0;
  }
};

// Proves a duplicate re-uses an id the market says is still resting (so the engine must refuse
// it as a duplicate, not accept it as new).
TEST(GeneratorBadData, DuplicatesReuseRestingIds) {
  const FakeMarket market;
  const Scenario s = bad_scenario(200, only(BadKind::kDuplicateId));
  std::set<uint64_t> issued;
  uint64_t duplicates = 0;
  for (const Event& e : run(s, 6, &market)) {
    const auto* o = std::get_if<NewOrderIn>(&e.body);
    if (o == nullptr || issued.insert(o->id.value()).second) continue;
    ++duplicates;
    EXPECT_TRUE(market.is_resting(o->id)) << o->id.value();
  }
  EXPECT_EQ(duplicates, 200u);
}

std::string saved(const Generator& g) {
  StateHasher h;
  g.save_state(h);
  return h.bytes();
}

// Proves a generator saved at many points (inside the stale window and the bad-data window too)
// and restored into a fresh one continues the exact sequence.
TEST(GeneratorBadData, ResumedGeneratorContinuesThroughBadDataAndStaleWindows) {
  const FakeMarket market;
  const Scenario s = parse(
      "[scenario]\nduration_s = 3.0\nheartbeat_ms = 100\n"
      "[[instruments]]\nsymbol = \"A\"\ninitial_price = 100.0\nmax_order_qty = 500\n"
      "[[instruments]]\nsymbol = \"B\"\ninitial_price = 50.0\nmax_order_qty = 500\n"
      "[market]\nrate_per_s = 1500\nlive_orders_max = 32\n"
      "[[phases]]\nkind = \"stale\"\ninstrument = \"B\"\nat_ms = 800\nduration_ms = 700\n"
      "jump_pct = -4.0\n"
      "[[phases]]\nkind = \"bad_data\"\nat_ms = 500\nduration_ms = 2000\nrate_per_s = 700\n"
      "backwards_ms = 3\n");
  Generator reference_gen(s, 21, &market);
  std::vector<Event> reference;
  Event e;
  while (reference_gen.next(e.ts, e.body)) reference.push_back(e);
  const size_t total = reference.size();
  ASSERT_GT(total, 8000u);
  for (size_t cut : {size_t{1}, total / 5, total / 3, total / 2, 4 * total / 5, total}) {
    Generator original(s, 21, &market);
    for (size_t k = 0; k < cut; ++k) ASSERT_TRUE(original.next(e.ts, e.body));
    const std::string state = saved(original);
    Generator resumed(s, 21, &market);
    StateReader r(state);
    ASSERT_TRUE(resumed.restore_state(r).is_ok()) << r.status().message();
    EXPECT_TRUE(r.at_end());
    EXPECT_EQ(saved(resumed), state) << "@" << cut;
    for (size_t k = cut; k < total; ++k) {
      ASSERT_TRUE(resumed.next(e.ts, e.body)) << "@" << cut;
      ASSERT_EQ(e, reference[k]) << "@" << cut << " event " << k;
    }
    EXPECT_FALSE(resumed.next(e.ts, e.body));
  }
}

// Proves a state saved from a scenario with another stale jump, another bad-data phase or none
// is refused, and every truncation of it fails cleanly.
TEST(GeneratorBadData, StateOfAnotherShapeIsRefused) {
  const std::string base =
      "[scenario]\nduration_s = 2.0\n"
      "[[instruments]]\nsymbol = \"A\"\ninitial_price = 100.0\n"
      "[[phases]]\nkind = \"stale\"\nat_ms = 800\nduration_ms = 300\njump_pct = ";
  const Scenario s = parse(base +
                           "2.0\n[[phases]]\nkind = \"bad_data\"\nat_ms = 100\n"
                           "duration_ms = 1000\ncount = 50\n");
  const Scenario other_jump = parse(base +
                                    "2.5\n[[phases]]\nkind = \"bad_data\"\nat_ms = 100\n"
                                    "duration_ms = 1000\ncount = 50\n");
  const Scenario burst = parse(base +
                               "2.0\n[[phases]]\nkind = \"burst\"\nat_ms = 100\n"
                               "duration_ms = 1000\nticks = 50\n");
  Generator g(s, 1, nullptr);
  Event e;
  for (int k = 0; k < 700; ++k) ASSERT_TRUE(g.next(e.ts, e.body));
  const std::string state = saved(g);
  for (const Scenario* foreign : {&other_jump, &burst}) {
    Generator f(*foreign, 1, nullptr);
    StateReader r(state);
    EXPECT_FALSE(f.restore_state(r).is_ok());
  }
  for (size_t len = 0; len < state.size(); len += 7) {
    Generator f(s, 1, nullptr);
    StateReader r(std::string_view(state).substr(0, len));
    ASSERT_FALSE(f.restore_state(r).is_ok()) << len;
  }
  Generator same(s, 1, nullptr);
  StateReader r(state);
  EXPECT_TRUE(same.restore_state(r).is_ok());
}

}  // namespace
}  // namespace tape
