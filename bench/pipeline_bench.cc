// Whole-pipeline benchmarks: the core without I/O, the core recording into RocksDB, and a
// verified replay from RocksDB. Inputs come from the shipped sustained_1k scenario, generated
// once per size outside the timed loops. The argument is the scenario's simulated duration in
// seconds: 60 (~61k inputs, ~113k events) shows what a short run costs, fixed costs included
// (core construction, a fresh RocksDB, the first touch of the core's lazily committed memory);
// 600 (the whole scenario, ~606k inputs, ~1.14 M events) is the sustained rate.
//
// Figures and the machine they were taken on: bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

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

// sustained_1k cut to `duration_s` simulated seconds: mixed flow plus strategies.
const Workload& workload(int64_t duration_s) {
  static std::map<int64_t, std::unique_ptr<Workload>> cache;
  std::unique_ptr<Workload>& w = cache[duration_s];
  if (w) return *w;
  w = std::make_unique<Workload>();
  auto s = load_scenario_file(std::string(TAPE_SOURCE_DIR) + "/scenarios/sustained_1k.toml",
                              {"scenario.duration_s=" + std::to_string(duration_s)});
  if (!s.is_ok()) {
    std::fprintf(stderr, "bench: %s\n", s.status().message().c_str());
    std::abort();
  }
  w->scenario = s.value();
  auto core = std::make_unique<Core>(w->scenario.core, Recorder::Mode::kCollect, nullptr);
  Generator gen(w->scenario, w->scenario.seed, &core->engine());
  Sequencer seq;
  Timestamp ts;
  InputBody body;
  while (gen.next(ts, body)) {
    w->inputs.push_back(seq.stamp(ts, body));
    (void)core->process(w->inputs.back());
  }
  return *w;
}

// CPU time (ms) the threads named `name` have run so far (Linux schedstat; 0 elsewhere).
double thread_cpu_ms(const std::string& name) {
  double total_ns = 0;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream comm_file(task.path() / "comm");
    std::string comm;
    if (!std::getline(comm_file, comm) || comm != name) continue;
    std::ifstream stat(task.path() / "schedstat");
    double run_ns = 0;
    if (stat >> run_ns) total_ns += run_ns;
  }
  return total_ns / 1e6;
}

void BM_CorePipeline(benchmark::State& state) {
  const Workload& w = workload(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto core = std::make_unique<Core>(w.scenario.core, Recorder::Mode::kEncodeOnly, nullptr);
    state.ResumeTiming();
    for (const Input& in : w.inputs) benchmark::DoNotOptimize(core->process(in));
    benchmark::DoNotOptimize(core->finish());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * w.inputs.size()));
}
BENCHMARK(BM_CorePipeline)->Arg(60)->Arg(600)->Unit(benchmark::kMillisecond)->UseRealTime();

std::string bench_dir(const char* name) {
  return (std::filesystem::temp_directory_path() / (std::string("tape_bench_") + name)).string();
}

// Items are recorded events: inputs plus the outputs derived from them. `writer_ms` is the
// CPU time of the log's writer thread (chain hash + RocksDB write) per iteration: recording is
// bound by it when it is close to the wall time.
void BM_RecordAppend(benchmark::State& state) {
  const Workload& w = workload(state.range(0));
  uint64_t events = 0;
  double writer_ms = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto log = EventLog::create(bench_dir("record"), LogOptions{}, true);
    if (!log.is_ok()) {
      state.SkipWithError(log.status().message().c_str());
      break;
    }
    auto core = std::make_unique<Core>(w.scenario.core, Recorder::Mode::kSink, log.value().get());
    const double writer_before = thread_cpu_ms("tape-logwriter");
    state.ResumeTiming();
    for (const Input& in : w.inputs) benchmark::DoNotOptimize(core->process(in));
    benchmark::DoNotOptimize(core->finish());
    state.PauseTiming();
    writer_ms += thread_cpu_ms("tape-logwriter") - writer_before;
    events += core->recorder().counters().inputs + core->recorder().counters().outputs;
    core.reset();
    log.value().reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(events));
  state.counters["writer_ms"] =
      benchmark::Counter(writer_ms, benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_RecordAppend)->Arg(60)->Arg(600)->Unit(benchmark::kMillisecond)->UseRealTime();

// Items are replayed events (inputs plus verified outputs). Each iteration is a whole
// `tape replay --verify`: a fresh core, a scan of the log, every output compared, the final
// state hash checked.
void BM_Replay(benchmark::State& state) {
  const Workload& w = workload(state.range(0));
  const std::string dir = bench_dir(("replay" + std::to_string(state.range(0))).c_str());
  {
    auto log = EventLog::create(dir, LogOptions{}, true);
    if (!log.is_ok()) {
      state.SkipWithError(log.status().message().c_str());
      return;
    }
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
    if (!r.is_ok() || !r.value().state_hash_verified) {
      state.SkipWithError(r.is_ok() ? "final state hash not verified"
                                    : r.status().message().c_str());
      break;
    }
    events += r.value().inputs + r.value().outputs;
  }
  state.SetItemsProcessed(static_cast<int64_t>(events));
}
BENCHMARK(BM_Replay)->Arg(60)->Arg(600)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace tape
