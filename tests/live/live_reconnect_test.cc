// The NATS server stopping and starting again mid-session: the session survives it with its
// backoff retries, counts the reconnect, and loses and repeats no message.
#include <gtest/gtest.h>

#include "feed/json.h"
#include "live/nats_fixture.h"

namespace tape {
namespace {

using namespace live_testing;
using testing_util::run_tape;
using testing_util::slurp;

constexpr uint64_t kHalf = 20'000;

TEST(LiveReconnect, LiveSurvivesServerRestartWithoutLoss) {
  NatsServer nats;
  ASSERT_TRUE(nats.ready());
  TempDir work("restart");
  std::filesystem::create_directories(work.path());
  const std::string config = work.path() + "/live.toml";
  const std::string dir = work.path() + "/session";
  const int metrics_port = free_port();
  write_config(config, nats.url(), metrics_port);
  write_messages(work.path() + "/first.jsonl", kHalf, 1);
  write_messages(work.path() + "/second.jsonl", kHalf, kHalf + 1);
  const std::string publish = " --subject tape.in.md --url " + nats.url();

  const pid_t live = spawn({TAPE_BINARY, "live", config, "--data-dir", dir, "--json"},
                           work.path() + "/live.out", work.path() + "/live.err");
  ASSERT_TRUE(wait_until([&] { return !http_get(metrics_port, "/metrics").empty(); }))
      << slurp(work.path() + "/live.err");
  ASSERT_EQ(run_tape("publish " + work.path() + "/first.jsonl" + publish).exit_code, 0);
  ASSERT_TRUE(wait_until([&] {
    return metric(http_get(metrics_port, "/metrics"), "tape_live_last_stream_seq") ==
           static_cast<double>(kHalf);
  }));

  nats.stop();  // the session keeps running (heartbeats are journaled meanwhile)
  ASSERT_TRUE(wait_until([&] {
    return metric(http_get(metrics_port, "/metrics"), "tape_live_connected") == 0;
  }));
  nats.start();
  ASSERT_TRUE(nats.ready());
  ASSERT_TRUE(wait_until([&] {
    return metric(http_get(metrics_port, "/metrics"), "tape_live_reconnects_total") >= 1;
  }));
  const auto second = run_tape("publish " + work.path() + "/second.jsonl" + publish);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  ASSERT_TRUE(wait_until([&] {
    return metric(http_get(metrics_port, "/metrics"), "tape_live_acked_stream_seq") ==
           static_cast<double>(2 * kHalf);
  })) << http_get(metrics_port, "/metrics");

  ::kill(live, SIGTERM);
  ASSERT_EQ(wait_exit(live), 0) << slurp(work.path() + "/live.err");
  const auto summary = parse_json(slurp(work.path() + "/live.out"));
  ASSERT_TRUE(summary.has_value());
  EXPECT_GE((*summary)["live"]["reconnects"].get<uint64_t>(), 1u);
  // Publishing paused while the server was away and went on: every output reached it.
  EXPECT_GT(publishable_outputs(dir), 0u);
  EXPECT_EQ((*summary)["live"]["outputs_published"].get<uint64_t>(), publishable_outputs(dir));
  EXPECT_EQ((*summary)["live"]["outputs_unpublished"].get<uint64_t>(), 0u);
  const std::vector<uint64_t> seqs = stream_seqs(journal(dir));
  ASSERT_EQ(seqs.size(), 2 * kHalf);
  for (uint64_t i = 0; i < 2 * kHalf; ++i) ASSERT_EQ(seqs[i], i + 1) << "journal position " << i;
  EXPECT_EQ(run_tape("replay --data-dir " + dir + " --verify").exit_code, 0);
  EXPECT_EQ(run_tape("audit --data-dir " + dir).exit_code, 0);
}

}  // namespace
}  // namespace tape
