// A drawn order latency end to end (docs/backtest.md "Latency"): on a hand-written bar file, the
// probe's market buy sent at the first bar's close t reaches the venue at t + the first draw of
// the order stream of [backtest] seed, to the ns: its accept is numbered under a heartbeat
// stamped exactly then, not under the one a nanosecond before. The run repeats to the same chain
// head and replays --verify from its log alone (the seed and distribution are in its config).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_util.h"
#include "core/latency_draw.h"

namespace tape {
namespace {

using nlohmann::json;
using testing_util::run_tape;
using testing_util::TempDir;

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kT0 = 1'700'000'040'000'000'000;  // the first bar's close, ns since the epoch
constexpr uint64_t kSeed = 7;

std::string bar(int64_t ts, const char* price) {
  return "{\"ts_ns\": " + std::to_string(ts) + ", \"type\": \"bar\", \"symbol\": \"TEST\", " +
         "\"open\": \"" + price + "\", \"high\": \"101.00\", \"low\": \"99.00\", \"close\": \"" +
         price + "\", \"volume\": 1000, \"period_ns\": 60000000000}\n";
}
std::string heartbeat(int64_t ts) {
  return "{\"ts_ns\": " + std::to_string(ts) + ", \"type\": \"heartbeat\"}\n";
}

TEST(LatencyDistBacktest, AnOrderArrivesAtItsTimePlusTheDrawnLatency) {
  TempDir d("latdist_bt");
  std::filesystem::create_directories(d.path());
  const LatencyDist order{LatencyDistKind::kUniform, 1 * kMs, 3 * kMs, 0, 0};
  LatencyDraw draw(0, order, kSeed, LatencyKind::kOrder);
  const int64_t drawn = draw.next_ns();
  ASSERT_GE(drawn, 1 * kMs);
  ASSERT_LE(drawn, 3 * kMs);
  const std::string data = d.path() + "/bars.jsonl";
  std::ofstream(data) << bar(kT0, "100.00")                  // seq 1: the probe buys
                      << heartbeat(kT0 + drawn - 1)          // seq 2: still in flight
                      << heartbeat(kT0 + drawn)              // seq 3: it arrives
                      << bar(kT0 + 60'000 * kMs, "100.50");  // seq 4: it fills
  const std::string config = d.path() + "/latdist.toml";
  std::ofstream(config) << "[backtest]\nname = \"latdist\"\nseed = " << kSeed << "\n\n"
                        << "[data]\nfile = \"" << data << "\"\nformat = \"jsonl\"\n\n"
                        << "[venue]\nmodel = \"bars\"\n\n"
                        << "[latency]\norder = { dist = \"uniform\", min_ms = 1, max_ms = 3 }\n\n"
                        << "[[strategies]]\nname = \"probe\"\nplugin = \"" << TAPE_PLUGIN_PROBE
                        << "\"\n[strategies.params]\nbuy_on_bar = 0\n";
  auto r = run_tape("backtest " + config + " --out " + d.path() + "/a --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = json::parse(r.out);
  EXPECT_EQ(s["inputs"], 4);
  EXPECT_EQ(s["fills"], 1);

  auto accepted = run_tape("inspect --type accepted --json --data-dir " + d.path() + "/a");
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  std::vector<uint64_t> under;
  const json log = json::parse(accepted.out);
  for (const json& in : log["inputs"]) {
    for (const json& o : in["outputs"]) under.push_back(o["seq"].get<uint64_t>());
  }
  EXPECT_EQ(under, (std::vector<uint64_t>{3})) << accepted.out;

  auto again = run_tape("backtest " + config + " --out " + d.path() + "/b --json");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(json::parse(again.out)["chain_head"], s["chain_head"]);
  auto replay = run_tape("replay --verify --json --data-dir " + d.path() + "/a");
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_EQ(json::parse(replay.out)["state_hash"], s["state_hash"]);
}

}  // namespace
}  // namespace tape
