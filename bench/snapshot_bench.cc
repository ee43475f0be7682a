// Snapshot and recovery benchmarks: writing and restoring a snapshot of a book
// holding 1 M resting orders, and recovering a 10 M-event log that has a snapshot every 1 M
// events (latest snapshot + replay of the tail). Target: recovery under 2 s.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>

#include "session/generator_source.h"
#include "session/run.h"
#include "core/core.h"
#include "core/snapshot.h"
#include "core/state_hash.h"
#include "store/snapshot_store.h"

namespace tape {
namespace {

constexpr uint32_t kRestingOrders = 1'000'000;

CoreConfig big_book_config() {
  CoreConfig c;
  c.instruments.push_back(InstrumentConfig{"BIG", 100, 1, Price(100'000), Qty(1'000'000)});
  c.engine.order_pool_capacity = kRestingOrders + 1024;
  c.engine.ladder_levels_initial = 8192;
  return c;
}

// A core whose book holds 1 M resting orders: 2,000 levels a side, 250 orders a level.
std::unique_ptr<Core> core_with_big_book(const CoreConfig& config) {
  auto core = std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr);
  uint64_t seq = 0;
  for (uint32_t n = 0; n < kRestingOrders; ++n) {
    const Side side = n % 2 == 0 ? Side::kBuy : Side::kSell;
    const int64_t level = 1 + static_cast<int64_t>((n / 2) % 2000);
    const Price px(100'000 + (side == Side::kBuy ? -level : level));
    const Input in{Seq(++seq), Timestamp(static_cast<int64_t>(seq)),
                   NewOrderIn{OrderId(n + 1), AccountId(1000 + n % 64), InstrumentId(0), side,
                              OrderType::kLimit, TimeInForce::kGtc, px, Qty(10)}};
    (void)core->process(in);
  }
  return core;
}

const std::string& big_snapshot() {
  static const std::string bytes = [] {
    return encode_snapshot(core_with_big_book(big_book_config())->snapshot());
  }();
  return bytes;
}

// Encode the core state of a 1 M-order book and write it to the log's snapshots family.
void BM_SnapshotWrite1M(benchmark::State& state) {
  const CoreConfig config = big_book_config();
  auto core = core_with_big_book(config);
  const std::string dir = (std::filesystem::temp_directory_path() / "tape_bench_snap").string();
  auto log = EventLog::create(dir, LogOptions{}, true);
  for (auto _ : state) {
    benchmark::DoNotOptimize(put_snapshot(*log.value(), core->snapshot(), false));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kRestingOrders);
  state.counters["snapshot_bytes"] = static_cast<double>(big_snapshot().size());
}
BENCHMARK(BM_SnapshotWrite1M)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

// Decode, verify and restore a 1 M-order snapshot into a fresh core.
void BM_SnapshotRestore1M(benchmark::State& state) {
  const CoreConfig config = big_book_config();
  const std::string& bytes = big_snapshot();
  for (auto _ : state) {
    state.PauseTiming();
    auto core = std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr);
    state.ResumeTiming();
    auto snap = decode_snapshot(bytes, "bench");
    benchmark::DoNotOptimize(core->restore_state(snap.value().core_state));
    state.PauseTiming();
    core.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kRestingOrders);
}
BENCHMARK(BM_SnapshotRestore1M)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

// A 10 M-event log (sustained flow) with a snapshot every 1 M events, recorded once; recovery
// restores the latest snapshot and replays the tail after it (just under 1 M events: the worst
// case for this spacing), regenerating each input to check it.
void BM_Recovery10M(benchmark::State& state) {
  static const std::string dir = [] {
    const std::string d = (std::filesystem::temp_directory_path() / "tape_bench_recovery").string();
    auto scenario = load_scenario_file(std::string(TAPE_SOURCE_DIR) + "/scenarios/sustained_1k.toml",
                                       {"scenario.duration_s=10990", "snapshot.every_events=1000000"});
    auto log = EventLog::create(d, LogOptions{}, true);
    RunOptions options;
    options.seed = 3;
    auto out = run_scenario(scenario.value(), *log.value(), options);
    if (!out.is_ok()) std::fprintf(stderr, "bench: %s\n", out.status().message().c_str());
    return d;
  }();
  auto log = EventLog::open(dir, true);
  auto scenario = load_scenario_file(std::string(TAPE_SOURCE_DIR) + "/scenarios/sustained_1k.toml",
                                     {"scenario.duration_s=10990", "snapshot.every_events=1000000"});
  uint64_t tail = 0;
  for (auto _ : state) {
    auto recovered = resume_session(*log.value(), scenario.value().core,
                                    generator_source(scenario.value(), 3), Recorder::Mode::kCollect,
                                    nullptr);
    if (!recovered.is_ok()) state.SkipWithError(recovered.status().message().c_str());
    tail = recovered.value().tail_inputs;
  }
  state.counters["log_events"] = static_cast<double>(log.value()->last_seq().value());
  state.counters["tail_replayed"] = static_cast<double>(tail);
}
BENCHMARK(BM_Recovery10M)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
}  // namespace tape
