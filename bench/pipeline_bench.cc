// Whole-pipeline benchmarks: the core without I/O, the core recording into RocksDB, and a
// verified replay from RocksDB. Inputs come from a shipped scenario, generated once outside the
// timed loops.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>

#include "core/core.h"
#include "core/sequencer.h"
#include "replay/replayer.h"
#include "sim/generator.h"
#include "sim/scenario.h"
#include "store/event_log.h"

namespace tape {
namespace {

struct Workload {
  Scenario scenario;
  std::vector<Input> inputs;
};

// sustained_1k shortened to 60 simulated seconds: ~60k ticks of mixed flow plus strategies.
const Workload& workload() {
  static const Workload w = [] {
    Workload out;
    auto s = load_scenario_file(std::string(TAPE_SOURCE_DIR) + "/scenarios/sustained_1k.toml",
                                {"scenario.duration_s=60"});
    if (!s.is_ok()) {
      std::fprintf(stderr, "bench: %s\n", s.status().message().c_str());
      std::abort();
    }
    out.scenario = s.value();
    auto core = std::make_unique<Core>(out.scenario.core, Recorder::Mode::kCollect, nullptr);
    Generator gen(out.scenario, out.scenario.seed, &core->engine());
    Sequencer seq;
    Timestamp ts;
    InputBody body;
    while (gen.next(ts, body)) {
      out.inputs.push_back(seq.stamp(ts, body));
      (void)core->process(out.inputs.back());
    }
    return out;
  }();
  return w;
}

void BM_CorePipeline(benchmark::State& state) {
  const Workload& w = workload();
  for (auto _ : state) {
    state.PauseTiming();
    auto core = std::make_unique<Core>(w.scenario.core, Recorder::Mode::kEncodeOnly, nullptr);
    state.ResumeTiming();
    for (const Input& in : w.inputs) benchmark::DoNotOptimize(core->process(in));
    benchmark::DoNotOptimize(core->finish());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * w.inputs.size()));
}
BENCHMARK(BM_CorePipeline)->Unit(benchmark::kMillisecond)->UseRealTime();

std::string bench_dir(const char* name) {
  return (std::filesystem::temp_directory_path() / (std::string("tape_bench_") + name)).string();
}

// Items are recorded events: inputs plus the outputs derived from them.
void BM_RecordAppend(benchmark::State& state) {
  const Workload& w = workload();
  uint64_t events = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto log = EventLog::create(bench_dir("record"), LogOptions{}, true);
    if (!log.is_ok()) state.SkipWithError(log.status().message().c_str());
    auto core = std::make_unique<Core>(w.scenario.core, Recorder::Mode::kSink, log.value().get());
    state.ResumeTiming();
    for (const Input& in : w.inputs) benchmark::DoNotOptimize(core->process(in));
    benchmark::DoNotOptimize(core->finish());
    state.PauseTiming();
    events += core->recorder().counters().inputs + core->recorder().counters().outputs;
    core.reset();
    log.value().reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(events));
}
BENCHMARK(BM_RecordAppend)->Unit(benchmark::kMillisecond)->UseRealTime();

// Items are replayed events (inputs plus verified outputs).
void BM_Replay(benchmark::State& state) {
  const Workload& w = workload();
  const std::string dir = bench_dir("replay");
  {
    auto log = EventLog::create(dir, LogOptions{}, true);
    auto core = std::make_unique<Core>(w.scenario.core, Recorder::Mode::kSink, log.value().get());
    for (const Input& in : w.inputs) (void)core->process(in);
    (void)core->finish();
    (void)log.value()->put_meta("state_hash", core->state_hash());
  }
  auto log = EventLog::open(dir, true);
  uint64_t events = 0;
  ReplayOptions options;
  options.verify = true;
  for (auto _ : state) {
    auto r = replay_log(*log.value(), w.scenario.core, options);
    if (!r.is_ok()) state.SkipWithError(r.status().message().c_str());
    events += r.value().inputs + r.value().outputs;
  }
  state.SetItemsProcessed(static_cast<int64_t>(events));
}
BENCHMARK(BM_Replay)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace tape
