// Order book throughput on Liquibook's perf workload (test/perf/pt_order_book.cpp): alternating
// buy/sell limit orders, buys priced 1880-1889 and sells 1884-1893 (so the 10 prices in
// between cross), quantities 100-1000 in steps of 100, a 5-level depth view of both sides read
// after every order. One item = one order inserted.
//
// BM_BookLiquibookWorkload runs the Engine and publishes its accept/fill/cancel/BookChanged
// events into an EventQueue that the loop clears after each order. BM_StdMapBookReference runs
// the same stream through a minimal std::map<price, std::deque<order>> book that emits no
// events, so the ratio between the two is measured in one run.
//
// The order stream is generated once, outside the timed loop. When a run consumes the whole
// stream the book is rebuilt with timing paused (a fresh book, as Liquibook's test uses).
#include <benchmark/benchmark.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "core/engine.h"

namespace tape {
namespace {

constexpr size_t kStreamOrders = size_t{1} << 20;
constexpr size_t kDepthLevels = 5;

// xorshift64*: the workload's own generator (no std distributions).
uint64_t next_random(uint64_t& s) {
  s ^= s >> 12;
  s ^= s << 25;
  s ^= s >> 27;
  return s * 0x2545F4914F6CDD1DULL;
}

const std::vector<NewOrderIn>& liquibook_stream() {
  static const std::vector<NewOrderIn> orders = [] {
    std::vector<NewOrderIn> v;
    v.reserve(kStreamOrders);
    uint64_t s = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < kStreamOrders; ++i) {
      const bool buy = i % 2 == 0;
      const int64_t price = (buy ? 1880 : 1884) + static_cast<int64_t>(next_random(s) % 10);
      const int64_t qty = (static_cast<int64_t>(next_random(s) % 10) + 1) * 100;
      v.push_back(NewOrderIn{OrderId(i + 1), AccountId(kExternalAccountBase), InstrumentId(0),
                             buy ? Side::kBuy : Side::kSell, OrderType::kLimit, TimeInForce::kGtc,
                             Price(price), Qty(qty)});
    }
    return v;
  }();
  return orders;
}

CoreConfig bench_config() {
  CoreConfig c;
  InstrumentConfig instrument;
  instrument.symbol = "LQB";
  instrument.initial_mid = Price(1886);
  c.instruments.push_back(instrument);
  c.engine.order_pool_capacity = static_cast<uint32_t>(kStreamOrders);  // never full
  return c;
}

void BM_BookLiquibookWorkload(benchmark::State& state) {
  const std::vector<NewOrderIn>& orders = liquibook_stream();
  const CoreConfig config = bench_config();
  // Sized to the bound of one input's events (fills_per_order_max + 3), as a core draining
  // after every input needs; a larger ring only spreads the writes over more cache lines.
  EventQueue queue(config.engine.fills_per_order_max + 3);
  auto engine = std::make_unique<Engine>(config, queue);
  LevelView bids[kDepthLevels];
  LevelView asks[kDepthLevels];
  uint64_t events = 0, fills = 0, accepted = 0;
  size_t next = 0;
  for (auto _ : state) {
    if (next == orders.size()) {
      state.PauseTiming();
      fills += engine->counters().fills;
      accepted += engine->counters().accepted;
      engine = std::make_unique<Engine>(config, queue);
      next = 0;
      state.ResumeTiming();
    }
    engine->on(orders[next++]);
    events += queue.size();
    queue.clear();
    benchmark::DoNotOptimize(engine->depth(InstrumentId(0), Side::kBuy, bids));
    benchmark::DoNotOptimize(engine->depth(InstrumentId(0), Side::kSell, asks));
    benchmark::ClobberMemory();
  }
  fills += engine->counters().fills;
  accepted += engine->counters().accepted;
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  const double n = static_cast<double>(state.iterations());
  state.counters["events_per_order"] = static_cast<double>(events) / n;
  state.counters["fills_per_order"] = static_cast<double>(fills) / n;
  state.counters["accepted_ratio"] = static_cast<double>(accepted) / n;
}
BENCHMARK(BM_BookLiquibookWorkload);

// ---- Reference: a minimal std::map book, no events ----

class StdMapBook {
 public:
  void add(const NewOrderIn& in) {
    int64_t qty = in.qty.value();
    const int64_t price = in.price.value();
    if (in.side == Side::kBuy) {
      match(
          asks_, [price](int64_t ask) { return ask <= price; }, qty);
      if (qty > 0) rest(bids_[price], in.id.value(), qty);
    } else {
      match(
          bids_, [price](int64_t bid) { return bid >= price; }, qty);
      if (qty > 0) rest(asks_[price], in.id.value(), qty);
    }
  }

  size_t depth(Side side, std::span<LevelView> out) const {
    return side == Side::kBuy ? fill_depth(bids_, out) : fill_depth(asks_, out);
  }

 private:
  struct Order {
    uint64_t id;
    int64_t qty;
  };
  struct Level {
    std::deque<Order> orders;
    int64_t qty = 0;
  };

  static void rest(Level& level, uint64_t id, int64_t qty) {
    level.orders.push_back(Order{id, qty});
    level.qty += qty;
  }

  template <typename Map, typename Crosses>
  static void match(Map& side, Crosses crosses, int64_t& qty) {
    while (qty > 0 && !side.empty() && crosses(side.begin()->first)) {
      Level& level = side.begin()->second;
      while (qty > 0 && !level.orders.empty()) {
        Order& maker = level.orders.front();
        const int64_t q = std::min(qty, maker.qty);
        maker.qty -= q;
        level.qty -= q;
        qty -= q;
        if (maker.qty == 0) level.orders.pop_front();
      }
      if (level.orders.empty()) side.erase(side.begin());
    }
  }

  template <typename Map>
  static size_t fill_depth(const Map& side, std::span<LevelView> out) {
    size_t n = 0;
    for (auto it = side.begin(); it != side.end() && n < out.size(); ++it, ++n) {
      out[n] = LevelView{Price(it->first), Qty(it->second.qty),
                         static_cast<uint32_t>(it->second.orders.size())};
    }
    return n;
  }

  std::map<int64_t, Level, std::greater<>> bids_;
  std::map<int64_t, Level> asks_;
};

void BM_StdMapBookReference(benchmark::State& state) {
  const std::vector<NewOrderIn>& orders = liquibook_stream();
  auto book = std::make_unique<StdMapBook>();
  LevelView bids[kDepthLevels];
  LevelView asks[kDepthLevels];
  size_t next = 0;
  for (auto _ : state) {
    if (next == orders.size()) {
      state.PauseTiming();
      book = std::make_unique<StdMapBook>();
      next = 0;
      state.ResumeTiming();
    }
    book->add(orders[next++]);
    benchmark::DoNotOptimize(book->depth(Side::kBuy, bids));
    benchmark::DoNotOptimize(book->depth(Side::kSell, asks));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_StdMapBookReference);

}  // namespace
}  // namespace tape
