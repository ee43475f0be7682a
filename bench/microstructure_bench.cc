// One update of each microstructure indicator (include/tape/microstructure.h), on prepared
// inputs cycled from a ring so that input generation is not timed. Target (DESIGN section 6):
// <= 50 ns per update; yardstick: a published Rust-behind-Python stack at 0.92 us (VPIN) and
// 1.56 us (Hawkes) per update.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "tape/microstructure.h"

namespace {

constexpr size_t kInputs = 4096;  // a power of two: the index wraps with a mask

struct Tick {
  int64_t ts, price, qty, bid, bid_qty, ask, ask_qty;
  uint32_t side;
};

const std::vector<Tick>& ticks() {
  static const std::vector<Tick> t = [] {
    std::vector<Tick> v;
    uint64_t x = 88172645463325252ull;  // xorshift: fixed inputs, no library RNG
    int64_t ts = 0, mid = 100000;
    for (size_t i = 0; i < kInputs; ++i) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      ts += 1 + static_cast<int64_t>(x % 2'000'000);
      mid += static_cast<int64_t>(x >> 60) % 3 - 1;
      v.push_back(Tick{ts, mid + static_cast<int64_t>((x >> 20) % 3) - 1,
                       1 + static_cast<int64_t>((x >> 8) % 500), mid - 1,
                       1 + static_cast<int64_t>((x >> 30) % 900), mid + 1,
                       1 + static_cast<int64_t>((x >> 40) % 900),
                       static_cast<uint32_t>((x >> 50) & 1)});
    }
    return v;
  }();
  return t;
}

void BM_OfiUpdate(benchmark::State& state) {
  const std::vector<Tick>& t = ticks();
  tape::micro::Ofi ofi(100);
  size_t i = 0;
  for (auto _ : state) {
    const Tick& k = t[i++ & (kInputs - 1)];
    benchmark::DoNotOptimize(ofi.update(k.bid, k.bid_qty, k.ask, k.ask_qty));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OfiUpdate);

void BM_MultiLevelOfiUpdate5(benchmark::State& state) {
  const std::vector<Tick>& t = ticks();
  tape::micro::MultiLevelOfi ofi(5, 100);
  size_t i = 0;
  tape::micro::Level bids[5], asks[5];
  for (auto _ : state) {
    const Tick& k = t[i++ & (kInputs - 1)];
    for (int m = 0; m < 5; ++m) {
      bids[m] = {k.bid - m, k.bid_qty + m};
      asks[m] = {k.ask + m, k.ask_qty + m};
    }
    ofi.update(bids, asks);
    benchmark::DoNotOptimize(ofi.last(0));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MultiLevelOfiUpdate5);

// Each print its own bar (BVC: sigma, Phi, bucket fill), buckets of 1000 lots.
void BM_VpinAdd(benchmark::State& state) {
  const std::vector<Tick>& t = ticks();
  tape::micro::VpinOptions o;
  o.bucket_volume = 1000;
  tape::micro::Vpin vpin(o);
  size_t i = 0;
  for (auto _ : state) {
    const Tick& k = t[i++ & (kInputs - 1)];
    vpin.add(k.ts, k.price, k.qty);
    benchmark::DoNotOptimize(vpin.value());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VpinAdd);

// One-second time bars: most adds only accumulate, one per bar classifies.
void BM_VpinAddTimeBars(benchmark::State& state) {
  const std::vector<Tick>& t = ticks();
  tape::micro::VpinOptions o;
  o.bucket_volume = 1000, o.bar_ns = 1'000'000'000;
  tape::micro::Vpin vpin(o);
  size_t i = 0;
  int64_t base = 0;
  for (auto _ : state) {
    const size_t j = i++ & (kInputs - 1);
    if (j == 0 && i > 1) base += t[kInputs - 1].ts;  // time keeps moving forward
    const Tick& k = t[j];
    vpin.add(base + k.ts, k.price, k.qty);
    benchmark::DoNotOptimize(vpin.value());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VpinAddTimeBars);

void BM_HawkesAdd(benchmark::State& state) {
  const std::vector<Tick>& t = ticks();
  tape::micro::HawkesOptions o;
  o.mu_per_s = 0.5, o.alpha_per_s = 0.8, o.alpha_cross_per_s = 0.2, o.beta_per_s = 2.0;
  tape::micro::Hawkes hawkes(o);
  size_t i = 0;
  int64_t base = 0;
  for (auto _ : state) {
    const size_t j = i++ & (kInputs - 1);
    if (j == 0 && i > 1) base += t[kInputs - 1].ts;
    const Tick& k = t[j];
    hawkes.add(base + k.ts, k.side ? tape::micro::Hawkes::kSell : tape::micro::Hawkes::kBuy);
    benchmark::DoNotOptimize(hawkes.intensity(tape::micro::Hawkes::kBuy));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HawkesAdd);

}  // namespace
