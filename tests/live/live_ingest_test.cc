// tape live end to end on a JetStream server of the test's own: every message one input, in
// stream order, the log replays and audits, a replay of it recorded into a new log diffs empty
// against it, /metrics moves during the session, SIGTERM exits 0.
#include <gtest/gtest.h>

#include "feed/json.h"
#include "live/nats_fixture.h"

namespace tape {
namespace {

using namespace live_testing;
using testing_util::run_tape;
using testing_util::slurp;

// 100,000 messages published at full speed while the session runs.
constexpr uint64_t kMessages = 100'000;

TEST(LiveIngest, LiveJournalsEveryMessageOnceInStreamOrder) {
  NatsServer nats;
  ASSERT_TRUE(nats.ready());
  TempDir work("ingest");
  std::filesystem::create_directories(work.path());
  const std::string config = work.path() + "/live.toml";
  const std::string dir = work.path() + "/session";
  const int metrics_port = free_port();
  write_config(config, nats.url(), metrics_port);
  write_messages(work.path() + "/msgs.jsonl", kMessages);

  const pid_t live = spawn({TAPE_BINARY, "live", config, "--data-dir", dir, "--json"},
                           work.path() + "/live.out", work.path() + "/live.err");
  ASSERT_TRUE(wait_until([&] { return !http_get(metrics_port, "/metrics").empty(); }))
      << slurp(work.path() + "/live.err");
  const auto published = run_tape("publish " + work.path() + "/msgs.jsonl --subject tape.in.md --url " +
                                  nats.url());
  ASSERT_EQ(published.exit_code, 0) << published.err;

  // The figures move while the session runs, and land on every message acknowledged.
  double seen_inputs = -1;
  ASSERT_TRUE(wait_until([&] {
    const std::string m = http_get(metrics_port, "/metrics");
    seen_inputs = metric(m, "tape_live_inputs_total");
    return metric(m, "tape_live_acked_stream_seq") == static_cast<double>(kMessages);
  })) << slurp(work.path() + "/live.err");
  const std::string m = http_get(metrics_port, "/metrics");
  EXPECT_GE(seen_inputs, static_cast<double>(kMessages));
  EXPECT_NE(m.find("tape_live_messages_total{subject=\"tape.in.>\"} 100000"), std::string::npos);
  EXPECT_NE(m.find("tape_live_input_to_output_latency_seconds_count"), std::string::npos);
  EXPECT_NE(m.find("tape_live_input_to_output_latency_seconds_sum"), std::string::npos);
  EXPECT_EQ(metric(m, "tape_live_dropped_total"), 0);
  EXPECT_GT(metric(m, "tape_live_flush_latency_seconds_count"), 0);

  ::kill(live, SIGTERM);
  ASSERT_EQ(wait_exit(live), 0) << slurp(work.path() + "/live.err");
  const auto summary = parse_json(slurp(work.path() + "/live.out"));
  ASSERT_TRUE(summary.has_value()) << slurp(work.path() + "/live.out");
  EXPECT_EQ((*summary)["live"]["messages"].get<uint64_t>(), kMessages);
  EXPECT_EQ((*summary)["live"]["dropped"].get<uint64_t>(), 0u);
  EXPECT_EQ((*summary)["live"]["duplicates"].get<uint64_t>(), 0u);

  const std::vector<uint64_t> seqs = stream_seqs(journal(dir));
  ASSERT_EQ(seqs.size(), kMessages);
  for (uint64_t i = 0; i < kMessages; ++i) ASSERT_EQ(seqs[i], i + 1) << "journal position " << i;

  const auto replay = run_tape("replay --data-dir " + dir + " --verify --json");
  EXPECT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_EQ(testing_util::json_string(replay.out, "state_hash"),
            (*summary)["state_hash"].get<std::string>());
  const auto audit = run_tape("audit --data-dir " + dir);
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;

  // A replay recorded into a new log is the live session input for input, output for output.
  const std::string replayed = work.path() + "/replayed";
  const auto recorded = run_tape("replay --data-dir " + dir + " --verify --out " + replayed);
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  const auto diff = run_tape("diff --json " + dir + " " + replayed);
  EXPECT_EQ(diff.exit_code, 0) << diff.out << diff.err;
  const auto d = parse_json(diff.out);
  ASSERT_TRUE(d.has_value()) << diff.out;
  EXPECT_EQ((*d)["inputs_compared"].get<uint64_t>(), (*summary)["seq_last"].get<uint64_t>());
  EXPECT_GT((*d)["outputs_compared"].get<uint64_t>(), 0u);
  EXPECT_EQ(run_tape("replay --data-dir " + replayed + " --verify").exit_code, 0);
}

}  // namespace
}  // namespace tape
