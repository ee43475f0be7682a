// Hawkes intensity (tape/microstructure_hawkes.h) against the direct sum over every past event
// with std::exp, on short series: a single event, events at one instant, a long gap, time going
// backwards, cross-excitation, weights, and a state round trip.
#include "tape/microstructure_hawkes.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

using tape::micro::Hawkes;
using tape::micro::HawkesOptions;

struct Event {
  int64_t ts_ns;
  Hawkes::Side side;
  double weight = 1.0;
};

// lambda_side(t) from its definition: mu plus every event at or before t, decayed.
double reference(const HawkesOptions& o, const std::vector<Event>& events, size_t upto,
                 int64_t t, Hawkes::Side side) {
  double lambda = o.mu_per_s;
  for (size_t i = 0; i < upto; ++i) {
    const double k = std::exp(-o.beta_per_s * double(t - events[i].ts_ns) / 1e9);
    lambda += (events[i].side == side ? o.alpha_per_s : o.alpha_cross_per_s) *
              events[i].weight * k;
  }
  return lambda;
}

HawkesOptions opts(double mu, double alpha, double cross, double beta) {
  HawkesOptions o;
  o.mu_per_s = mu, o.alpha_per_s = alpha, o.alpha_cross_per_s = cross, o.beta_per_s = beta;
  return o;
}

const int64_t kMs = 1'000'000;

TEST(MicrostructureHawkes, MatchesTheDirectSum) {
  const HawkesOptions o = opts(0.3, 0.8, 0.25, 2.5);
  const std::vector<Event> events = {
      {0, Hawkes::kBuy},          {10 * kMs, Hawkes::kBuy},   {10 * kMs, Hawkes::kSell},
      {250 * kMs, Hawkes::kSell}, {251 * kMs, Hawkes::kBuy, 3.0}, {900 * kMs, Hawkes::kBuy},
      {5000 * kMs, Hawkes::kSell}};
  Hawkes h(o);
  for (size_t i = 0; i < events.size(); ++i) {
    h.add(events[i].ts_ns, events[i].side, events[i].weight);
    for (Hawkes::Side s : {Hawkes::kBuy, Hawkes::kSell}) {
      const double want = reference(o, events, i + 1, events[i].ts_ns, s);
      ASSERT_NEAR(h.intensity(s), want, 1e-13 * want) << "event " << i << " side " << s;
      const int64_t later = events[i].ts_ns + 37 * kMs;
      const double want_later = reference(o, events, i + 1, later, s);
      ASSERT_NEAR(h.intensity_at(later, s), want_later, 1e-13 * want_later);
    }
  }
  EXPECT_EQ(h.events(Hawkes::kBuy), 4u);
  EXPECT_EQ(h.events(Hawkes::kSell), 3u);
}

TEST(MicrostructureHawkes, SingleEvent) {
  Hawkes h(opts(1.0, 2.0, 0.5, 4.0));
  EXPECT_EQ(h.intensity(Hawkes::kBuy), 1.0);  // before any event: the baseline
  h.add(7, Hawkes::kSell);
  EXPECT_EQ(h.intensity(Hawkes::kSell), 3.0);
  EXPECT_EQ(h.intensity(Hawkes::kBuy), 1.5);
  // Half a second on: alpha e^{-2}.
  EXPECT_NEAR(h.intensity_at(7 + 500 * kMs, Hawkes::kSell), 1.0 + 2.0 * std::exp(-2.0), 1e-15);
  EXPECT_EQ(h.last_ns(), 7);  // intensity_at changed nothing
}

TEST(MicrostructureHawkes, LongGapDecaysToTheBaseline) {
  Hawkes h(opts(0.5, 1.0, 1.0, 10.0));
  for (int i = 0; i < 100; ++i) h.add(i * kMs, Hawkes::kBuy);
  EXPECT_GT(h.intensity(Hawkes::kBuy), 50.0);
  h.advance(int64_t{3600} * 24 * 365 * 1'000'000'000);  // a year: exp underflows to 0
  EXPECT_EQ(h.intensity(Hawkes::kBuy), 0.5);
  EXPECT_EQ(h.intensity(Hawkes::kSell), 0.5);
  h.add(h.last_ns() + 1, Hawkes::kBuy);
  EXPECT_NEAR(h.intensity(Hawkes::kBuy), 1.5, 1e-15);
}

TEST(MicrostructureHawkes, SameInstantAndBackwardsTime) {
  Hawkes h(opts(0.0, 1.0, 0.0, 1.0));
  h.add(1000 * kMs, Hawkes::kBuy);
  h.add(1000 * kMs, Hawkes::kBuy);
  EXPECT_EQ(h.intensity(Hawkes::kBuy), 2.0);  // two events at one instant, no decay
  h.add(400 * kMs, Hawkes::kBuy);               // earlier: taken as the last time
  EXPECT_EQ(h.intensity(Hawkes::kBuy), 3.0);
  EXPECT_EQ(h.last_ns(), 1000 * kMs);
  EXPECT_EQ(h.intensity_at(10 * kMs, Hawkes::kBuy), 3.0);
}

TEST(MicrostructureHawkes, RejectsBadParameters) {
  EXPECT_THROW(Hawkes(opts(-1, 1, 0, 1)), std::invalid_argument);
  EXPECT_THROW(Hawkes(opts(0, 1, 0, 0)), std::invalid_argument);
  EXPECT_THROW(Hawkes(opts(0, NAN, 0, 1)), std::invalid_argument);
  EXPECT_THROW(Hawkes(opts(0, 1, INFINITY, 1)), std::invalid_argument);
}

TEST(MicrostructureHawkes, StateRoundTripContinuesBitForBit) {
  const HawkesOptions o = opts(0.2, 0.7, 0.1, 3.0);
  Hawkes a(o), b(o);
  a.add(5, Hawkes::kBuy);
  a.add(50 * kMs, Hawkes::kSell, 2.0);
  std::vector<uint8_t> bytes;
  a.save(bytes);
  std::span<const uint8_t> in(bytes);
  b.load(in);
  EXPECT_TRUE(in.empty());
  a.add(70 * kMs, Hawkes::kBuy);
  b.add(70 * kMs, Hawkes::kBuy);
  EXPECT_EQ(a.intensity(Hawkes::kBuy), b.intensity(Hawkes::kBuy));
  std::vector<uint8_t> ea, eb;
  a.save(ea);
  b.save(eb);
  EXPECT_EQ(ea, eb);
  Hawkes other(opts(0.2, 0.7, 0.1, 3.5));
  std::span<const uint8_t> again(bytes);
  EXPECT_THROW(other.load(again), std::runtime_error);
}

}  // namespace
