// Local sweep overhead (issue 12, DESIGN section 10): 100 short backtests (the SMA example on
// ORCL's daily bars, a 10 x 10 grid of fast and slow) run once each as `tape backtest` alone,
// one after another, then as one `tape sweep --jobs 2`. Target: the sweep's wall time is at
// most 1.1x the sum of the single runs' CPU time divided by 2 (the 2 jobs), i.e. the sweep
// machinery (planning, locks, state files, process starts) adds almost nothing.
//
// Counters, all from one iteration (both halves measured back to back):
//   single_cpu_s  sum of the 100 single runs' CPU time (user + sys, getrusage of children)
//   sweep_wall_s  the sweep's wall time; sweep_cpu_s its CPU time (driver and its backtests)
//   wall_ratio    sweep_wall_s / (single_cpu_s / 2): the target figure (needs a quiet box:
//                 on a loaded one, other processes' CPU time lands in the sweep's wall time)
//   cpu_ratio     sweep_cpu_s / single_cpu_s: the machinery's own cost, immune to load
//   plain2_wall_s the same 100 runs as two plain halves side by side, no sweep at all;
//   plain2_ratio  plain2_wall_s / (single_cpu_s / 2): what this machine gives two parallel
//                 streams of these runs (file creation, page faults, the VM's own contention)
//   machinery_ratio sweep_wall_s / plain2_wall_s: the sweep against the plain halves
//   load_avg      the 1-minute load average before the iteration
#include <benchmark/benchmark.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_data.h"
#include "feed/json.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

double children_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_CHILDREN, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Runs argv (no shell: the shell's own CPU time would be counted) with stdout to `out`.
int run(const std::vector<std::string>& argv, const std::string& out) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(out.c_str(), "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(127);
    std::vector<char*> raw;
    for (const std::string& a : argv) raw.push_back(const_cast<char*>(a.c_str()));
    raw.push_back(nullptr);
    execv(raw[0], raw.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void BM_SweepOverhead100Runs(benchmark::State& state) {
  const std::string dir = bench::bench_path("sweep");
  const std::string config = std::string(TAPE_SOURCE_DIR) + "/examples/sma_cross/sma_cross.toml";
  const std::string data = std::string(TAPE_SOURCE_DIR) + "/../shared/data/orcl-1995-2014.txt";
  const std::string file = dir + "/bench.sweep.toml";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(file) << "[sweep]\nname = \"bench\"\nconfig = \"" << config << "\"\n\n[set]\n\"data.file\" = \""
                      << data << "\"\n\"strategies.0.plugin\" = \"" << TAPE_PLUGIN_SMA_CROSS << "\"\n\n[grid]\n"
                      << "\"strategies.0.params.fast\" = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]\n"
                      << "\"strategies.0.params.slow\" = [20, 25, 30, 35, 40, 45, 50, 55, 60, 65]\n";
  if (run({TAPE_BINARY, "sweep", "plan", file, "--json"}, dir + "/plan.json") != 0) {
    state.SkipWithError("tape sweep plan failed");
    return;
  }
  const std::optional<Json> plan = parse_json(slurp(dir + "/plan.json"));
  if (!plan || (*plan)["runs"].size() != 100) {
    state.SkipWithError("the plan does not hold 100 runs");
    return;
  }
  std::vector<std::vector<std::string>> runs;
  for (const Json& r : (*plan)["runs"]) {
    std::vector<std::string> argv = {TAPE_BINARY, "backtest", config, "--out",
                                     dir + "/single/" + r["id"].get<std::string>()};
    for (const Json& o : r["overrides"]) {
      argv.push_back("--set");
      argv.push_back(o.get<std::string>());
    }
    runs.push_back(std::move(argv));
  }
  double single_cpu_s = 0, plain2_wall_s = 0, sweep_wall_s = 0, sweep_cpu_s = 0, load_avg = 0;
  for (auto _ : state) {
    getloadavg(&load_avg, 1);
    fs::remove_all(dir + "/single");
    fs::remove_all(dir + "/out");
    const double before = children_cpu_s();
    for (const std::vector<std::string>& argv : runs) {
      if (run(argv, "/dev/null") != 0) {
        state.SkipWithError("a single backtest failed");
        return;
      }
    }
    single_cpu_s = children_cpu_s() - before;

    // The same runs as two plain halves side by side (a child per half running its 50 one
    // after another): what two cores give these runs with no sweep machinery at all.
    fs::remove_all(dir + "/single");
    const auto p0 = std::chrono::steady_clock::now();
    pid_t halves[2];
    for (int h = 0; h < 2; ++h) {
      halves[h] = fork();
      if (halves[h] == 0) {
        for (size_t i = static_cast<size_t>(h); i < runs.size(); i += 2) {
          if (run(runs[i], "/dev/null") != 0) _exit(1);
        }
        _exit(0);
      }
    }
    bool halves_ok = true;
    for (pid_t pid : halves) {
      int status = 0;
      waitpid(pid, &status, 0);
      halves_ok = halves_ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    plain2_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - p0).count();
    if (!halves_ok) {
      state.SkipWithError("a backtest of the plain halves failed");
      return;
    }

    const double cpu0 = children_cpu_s();
    const auto t0 = std::chrono::steady_clock::now();
    const int code = run({TAPE_BINARY, "sweep", file, "--out", dir + "/out", "--jobs", "2"}, "/dev/null");
    sweep_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    sweep_cpu_s = children_cpu_s() - cpu0;
    if (code != 0) {
      state.SkipWithError("the sweep failed");
      return;
    }
    state.SetIterationTime(sweep_wall_s);
  }
  state.counters["single_cpu_s"] = single_cpu_s;
  state.counters["sweep_wall_s"] = sweep_wall_s;
  state.counters["sweep_cpu_s"] = sweep_cpu_s;
  state.counters["plain2_wall_s"] = plain2_wall_s;
  state.counters["wall_ratio"] = sweep_wall_s / (single_cpu_s / 2);
  state.counters["plain2_ratio"] = plain2_wall_s / (single_cpu_s / 2);
  state.counters["machinery_ratio"] = sweep_wall_s / plain2_wall_s;
  state.counters["cpu_ratio"] = sweep_cpu_s / single_cpu_s;
  state.counters["load_avg"] = load_avg;
  fs::remove_all(dir);
}

// One iteration: 100 single runs and a sweep of them take a minute or more.
BENCHMARK(BM_SweepOverhead100Runs)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

}  // namespace
}  // namespace tape
