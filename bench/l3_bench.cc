// Order-level (L3) replay of LOBSTER's GOOG sample (49,482 messages), DESIGN section 6's target
// ">= 10 M messages/s with a strategy". In one run:
//   BM_L3BookPlain        the plain book: L3Book::apply of every message (no venue, no core);
//   BM_L3CoreQueueMaker   the whole deterministic core (risk, the L3 venue, portfolio, the
//                         queue_maker plugin through its C ABI, the recorder encoding every
//                         batch and discarding it) as examples/queue_maker/queue_maker.toml
//                         configures it (feed 50 us, order 100 us, seeded book);
//   BM_L3CoreNoStrategy   the same core without the strategy;
//   BM_L3VenueQueueMaker  exactly "the venue and the strategy": the L3 venue, the order and
//                         feed latency queues and the queue_maker plugin on one bus, with the
//                         portfolio (it answers the strategy's position queries) and nothing
//                         else: no risk (every intent is approved as it is sent), no recorder.
// Items are messages. The inputs are read into memory before timing starts.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "core/bus.h"
#include "core/core.h"
#include "core/l3_book.h"
#include "feed/lobster_book.h"
#include "feed/lobster_reader.h"
#include "session/backtest.h"
#include "session/backtest_seed.h"

namespace tape {
namespace {

const std::string kDir = std::string(TAPE_SOURCE_DIR) + "/../shared/data/lobster/";
const std::string kMessages = kDir + "GOOG_2012-06-21_34200000_57600000_message_1.csv";
const std::string kBook = kDir + "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv";

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "l3_bench: %s\n", what.c_str());
  std::abort();
}

struct Goog {
  std::vector<Input> inputs;
  BookSeed seed;
  CoreConfig with_strategy;
  CoreConfig without_strategy;
};

const Goog& goog() {
  static std::unique_ptr<Goog> g;
  if (g) return *g;
  g = std::make_unique<Goog>();
  TickConverter ticks(Decimal{1, 4}, Rounding::kReject);
  const LobsterStats* stats = nullptr;
  auto reader = open_lobster_reader(kMessages, {}, ticks, &stats);
  if (!reader.is_ok()) die(reader.status().message());
  FeedRecord rec;
  BadRow bad;
  while (true) {
    auto step = reader.value()->next(rec, bad);
    if (!step.is_ok()) die(step.status().message());
    if (step.value() == RecordReader::Step::kBadRow) die(bad.message());
    if (step.value() == RecordReader::Step::kEnd) break;
    g->inputs.push_back(Input{Seq(g->inputs.size() + 1), Timestamp(rec.ts_ns), rec.body});
  }
  auto seed = read_lobster_seed(kBook, 4, Decimal{1, 4});
  if (!seed.is_ok()) die(seed.status().message());
  g->seed = seed.value();
  // The example's own config, with the plugin the build made.
  auto config = load_backtest_file(
      std::string(TAPE_SOURCE_DIR) + "/examples/queue_maker/queue_maker.toml",
      {std::string("strategies.0.plugin=\"") + TAPE_PLUGIN_QUEUE_MAKER + "\""});
  if (!config.is_ok()) die(config.status().message());
  const InstrumentTable instruments = {InstrumentSpec{"GOOG", Decimal{1, 4}, 1}};
  auto resolved = resolve_backtest(config.value(), instruments, "lobster");
  if (!resolved.is_ok()) die(resolved.status().message());
  g->with_strategy = resolved.value().core;
  g->with_strategy.venue.book_seeds = {g->seed};
  g->without_strategy = g->with_strategy;
  g->without_strategy.strategies.clear();
  return *g;
}

void BM_L3BookPlain(benchmark::State& state) {
  const Goog& g = goog();
  std::vector<L3Fill> fills;
  for (auto _ : state) {
    state.PauseTiming();
    auto book = std::make_unique<L3Book>();
    state.ResumeTiming();
    book->seed(g.seed, std::get<BookMessageIn>(g.inputs.front().body));
    for (const Input& in : g.inputs) book->apply(std::get<BookMessageIn>(in.body), &fills);
    benchmark::DoNotOptimize(book->top());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * g.inputs.size()));
}
BENCHMARK(BM_L3BookPlain)->Unit(benchmark::kMillisecond)->UseRealTime();

void run_core(benchmark::State& state, const CoreConfig& config) {
  const Goog& g = goog();
  uint64_t outputs = 0, fills = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto core = std::make_unique<Core>(config, Recorder::Mode::kEncodeOnly, nullptr);
    state.ResumeTiming();
    for (const Input& in : g.inputs) {
      Status st = core->process(in);
      if (!st.is_ok()) return state.SkipWithError(st.message().c_str());
    }
    benchmark::DoNotOptimize(core->finish());
    state.PauseTiming();
    outputs = core->recorder().counters().outputs;
    fills = core->recorder().counters().fills;
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * g.inputs.size()));
  state.counters["outputs"] = static_cast<double>(outputs);
  state.counters["fills"] = static_cast<double>(fills);
}

void BM_L3CoreQueueMaker(benchmark::State& state) { run_core(state, goog().with_strategy); }
BENCHMARK(BM_L3CoreQueueMaker)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_L3CoreNoStrategy(benchmark::State& state) { run_core(state, goog().without_strategy); }
BENCHMARK(BM_L3CoreNoStrategy)->Unit(benchmark::kMillisecond)->UseRealTime();

// Approves every intent in place of Risk and holds it for order latency, as VenueRouter does.
class ApproveAll {
 public:
  ApproveAll(int64_t order_ns, const SimClock& clock, LatencyQueue& in_flight, L3Venue& venue)
      : order_ns_(order_ns), clock_(clock), in_flight_(in_flight), venue_(venue) {}
  void on(const OrderIntent& it) {
    const RiskDecision d{it, true, RejectReason::kNone};
    if (order_ns_ <= 0) return venue_.execute(d);
    if (!in_flight_.push(Timestamp(clock_.now().value() + order_ns_), d)) die("in flight full");
  }

 private:
  int64_t order_ns_;
  const SimClock& clock_;
  LatencyQueue& in_flight_;
  L3Venue& venue_;
};

// Counts fills (the full core's recorder counts the same).
struct FillCounter {
  void on(const Fill&) { ++fills; }
  uint64_t fills = 0;
};

struct VenueAndStrategy {
  explicit VenueAndStrategy(const CoreConfig& c)
      : config(c),
        queue(c.event_queue_capacity),
        venue(config, clock, queue),
        approve(c.latency.order_ns, clock, in_flight, venue),
        portfolio(config, queue),
        strategies(config, clock, venue, portfolio, queue),
        bus(queue, approve, portfolio, strategies, counter) {}

  // The core's order at one instant (core/core.h): delayed orders, then held market data, then
  // the input. queue_maker sets no timer.
  void process(const Input& in, bool first) {
    const BookMessageIn& m = std::get<BookMessageIn>(in.body);
    while (true) {
      const bool delayed = in_flight.has_due(in.ts);
      const bool feed = venue.has_due(in.ts);
      if (!delayed && !feed) break;
      if (delayed && (!feed || in_flight.next_due() <= venue.next_due())) {
        const Timestamp t = in_flight.next_due();
        clock.advance(in.seq, t);
        venue.advance_time(t);
        while (in_flight.has_due(t)) {
          venue.execute(in_flight.pop());
          bus.drain();
        }
      } else {
        const Timestamp t = venue.next_due();
        clock.advance(in.seq, t);
        venue.advance_time(t);
        venue.deliver_due(t, bus);
        bus.drain();
      }
    }
    clock.advance(in.seq, in.ts);
    venue.advance_time(in.ts);
    if (first) strategies.advance_time(in.ts);
    venue.on_market(m);
    bus.drain();
  }

  CoreConfig config;
  SimClock clock;
  EventQueue queue;
  L3Venue venue;
  LatencyQueue in_flight;
  ApproveAll approve;
  Portfolio portfolio;
  StrategyHost strategies;
  FillCounter counter;
  Bus<ApproveAll, Portfolio, StrategyHost, FillCounter> bus;
};

void BM_L3VenueQueueMaker(benchmark::State& state) {
  const Goog& g = goog();
  uint64_t fills = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto v = std::make_unique<VenueAndStrategy>(g.with_strategy);
    state.ResumeTiming();
    bool first = true;
    for (const Input& in : g.inputs) {
      v->process(in, first);
      first = false;
    }
    benchmark::DoNotOptimize(v->venue.working());
    state.PauseTiming();
    if (!v->strategies.status().is_ok()) return state.SkipWithError("strategy failed");
    fills = v->counter.fills;
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * g.inputs.size()));
  state.counters["fills"] = static_cast<double>(fills);
}
BENCHMARK(BM_L3VenueQueueMaker)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace tape
