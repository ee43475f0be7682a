// Bar backtests of the SMA(10/30) example (examples/sma_cross), the performance targets of
// DESIGN section 6: from a CSV end to end (import + run + report: >= 1.7 M bars/s, 100x
// backtrader's 17 k bars/s) and over an already-imported data log (>= 5 M bars/s), each as the
// CLI does it (session/backtest.h with the report's pass following the run, then
// report/backtest_files.h). The yardstick, measured in the
// same run: BM_CorePipeline (pipeline_bench.cc), the core with no I/O.
#include <filesystem>
#include <fstream>
#include <string>

#include <benchmark/benchmark.h>

#include "bench/bench_data.h"
#include "report/backtest_files.h"
#include "session/backtest.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kBars = 200'000;

// The example's config over `data` (a CSV file, or a data log with `log`).
std::string write_config(const std::string& data, bool log) {
  const std::string path = bench::bench_path("sma.toml");
  std::ofstream out(path);
  out << "[backtest]\nname = \"sma_bench\"\n[data]\n"
      << (log ? "log = \"" : "file = \"") << data << "\"\n"
      << "[venue]\nmodel = \"bars\"\n[[strategies]]\nname = \"sma\"\nplugin = \""
      << TAPE_PLUGIN_SMA_CROSS << "\"\n";
  return path;
}

// One backtest into `out` and its report files, as `tape backtest` runs it.
void backtest_once(benchmark::State& state, const BacktestConfig& config, const std::string& out) {
  BacktestOptions options;
  options.out_dir = out;
  std::unique_ptr<BacktestReportPass> pass;
  follow_with_report(options, ReportOutput{out}, pass);
  auto outcome = run_backtest(config, options);
  if (!outcome.is_ok()) return state.SkipWithError(outcome.status().message().c_str());
  pass->settings().facts.run_chain_head = outcome.value().chain_head;
  auto report = pass->finish();
  if (!report.is_ok()) return state.SkipWithError(report.status().message().c_str());
  Status st = write_backtest_files(report.value(), backtest_summary(report.value(), Json()), out);
  if (!st.is_ok()) state.SkipWithError(st.message().c_str());
}

void run(benchmark::State& state, bool from_log) {
  const std::string csv = bench::minute_bars_csv(bench::bench_path("bars200k.csv"), kBars);
  std::string data = csv;
  if (from_log) {
    data = bench::bench_path("bars200k.log");
    fs::remove_all(data);
    ImportOptions o;
    o.data_dir = data;
    if (auto r = run_import({csv}, o); !r.is_ok()) {
      return state.SkipWithError(r.status().message().c_str());
    }
  }
  auto config = load_backtest_file(write_config(data, from_log));
  if (!config.is_ok()) return state.SkipWithError(config.status().message().c_str());
  const std::string out = bench::bench_path("sma.out");
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(out);
    state.ResumeTiming();
    backtest_once(state, config.value(), out);
  }
  fs::remove_all(out);
  if (from_log) fs::remove_all(data);
  state.SetItemsProcessed(state.iterations() * kBars);
}

void BM_BacktestSmaFromCsv(benchmark::State& state) { run(state, false); }
void BM_BacktestSmaOverDataLog(benchmark::State& state) { run(state, true); }
BENCHMARK(BM_BacktestSmaFromCsv)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BacktestSmaOverDataLog)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace tape
