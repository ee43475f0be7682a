// Per-subject figures of /metrics and the --json summary: messages journaled and lag (what the
// stream holds past the consumer) for each configured subject, moving during a session on two
// subjects and consistent with what was published, at every scrape and at the end.
#include <gtest/gtest.h>

#include <csignal>

#include "feed/json.h"
#include "live/nats_fixture.h"

namespace tape {
namespace {

using namespace live_testing;
using testing_util::run_tape;
using testing_util::slurp;

constexpr uint64_t kOnA = 60'000, kOnB = 30'000, kOnC = 5'000;  // c: not a configured subject

std::string messages_of(const std::string& s) {
  return "tape_live_messages_total{subject=\"" + s + "\"}";
}
std::string lag_of(const std::string& s) { return "tape_live_lag{subject=\"" + s + "\"}"; }

struct Session {
  std::string work, config, dir;
  int metrics_port;
  std::string url;
  pid_t start(const std::vector<std::string>& extra) const {
    std::vector<std::string> argv = {
        TAPE_BINARY, "live",   config,  "--data-dir",
        dir,         "--json", "--set", R"(live.nats.subjects=["tape.in.a","tape.in.b"])"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return spawn(argv, work + "/live.out", work + "/live.err");
  }
  void publish(const std::string& subject, uint64_t n, uint64_t first_id) const {
    const std::string file = work + "/" + subject + ".jsonl";
    write_messages(file, n, first_id);
    const auto r = run_tape("publish " + file + " --subject " + subject + " --url " + url);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
};

TEST(LiveMetrics, LiveMessagesAndLagPerSubjectMoveAndAddUp) {
  NatsServer nats;
  ASSERT_TRUE(nats.ready());
  TempDir work("metrics");
  std::filesystem::create_directories(work.path());
  const Session s{work.path(), work.path() + "/live.toml", work.path() + "/session", free_port(),
                  nats.url()};
  write_config(s.config, nats.url(), s.metrics_port);
  // Everything is in the stream before the session starts: on each configured subject,
  // journaled + lag can never exceed what was published there, and end equal to it.
  s.publish("tape.in.a", kOnA, 1);
  s.publish("tape.in.b", kOnB, 1'000'000);
  s.publish("tape.in.c", kOnC, 2'000'000);
  const uint64_t total = kOnA + kOnB + kOnC;

  const pid_t live = s.start({});
  bool lag_seen_a = false, lag_seen_b = false;
  ASSERT_TRUE(wait_until([&] {
    const std::string m = http_get(s.metrics_port, "/metrics");
    if (m.empty()) return false;
    // Messages are rendered before lag: a count read first can only make the sum smaller.
    const double ma = metric(m, messages_of("tape.in.a")), la = metric(m, lag_of("tape.in.a"));
    const double mb = metric(m, messages_of("tape.in.b")), lb = metric(m, lag_of("tape.in.b"));
    EXPECT_GE(ma, 0);
    EXPECT_GE(la, 0);
    EXPECT_LE(ma + la, static_cast<double>(kOnA)) << m;
    EXPECT_LE(mb + lb, static_cast<double>(kOnB)) << m;
    lag_seen_a = lag_seen_a || la > 0;
    lag_seen_b = lag_seen_b || lb > 0;
    return metric(m, "tape_live_acked_stream_seq") == static_cast<double>(total) && la == 0 &&
           lb == 0;
  })) << slurp(s.work + "/live.err");
  EXPECT_TRUE(lag_seen_a);
  EXPECT_TRUE(lag_seen_b);
  const std::string m = http_get(s.metrics_port, "/metrics");
  EXPECT_EQ(metric(m, messages_of("tape.in.a")), static_cast<double>(kOnA));
  EXPECT_EQ(metric(m, messages_of("tape.in.b")), static_cast<double>(kOnB));
  EXPECT_EQ(metric(m, messages_of("tape.in.c")), static_cast<double>(kOnC));  // its own label
  EXPECT_EQ(metric(m, lag_of("tape.in.c")), -1);  // lag only for configured subjects
  ::kill(live, SIGTERM);
  ASSERT_EQ(wait_exit(live), 0) << slurp(s.work + "/live.err");
  const auto summary = parse_json(slurp(s.work + "/live.out"));
  ASSERT_TRUE(summary.has_value());
  const Json& l = (*summary)["live"];
  EXPECT_EQ(l["messages_by_subject"],
            Json({{"tape.in.a", kOnA}, {"tape.in.b", kOnB}, {"tape.in.c", kOnC}}));
  EXPECT_EQ(l["lag_by_subject"], Json({{"tape.in.a", 0}, {"tape.in.b", 0}}));

  // A resumed session stopped while it still lags (one message a fetch keeps it slow): its
  // summary's lag is what it left in the stream, so journaled + lag is what was published
  // since, on each subject, wherever the stop landed.
  s.publish("tape.in.a", 3'000, 3'000'000);
  s.publish("tape.in.b", 7'000, 4'000'000);
  const pid_t resumed = s.start({"--resume", "--set", "live.nats.fetch_batch=1"});
  ASSERT_TRUE(wait_until([&] { return !http_get(s.metrics_port, "/metrics").empty(); }))
      << slurp(s.work + "/live.err");
  ::kill(resumed, SIGTERM);
  ASSERT_EQ(wait_exit(resumed), 0) << slurp(s.work + "/live.err");
  const auto second = parse_json(slurp(s.work + "/live.out"));
  ASSERT_TRUE(second.has_value());
  const Json& by_subject = (*second)["live"]["messages_by_subject"];
  const Json& lag = (*second)["live"]["lag_by_subject"];
  EXPECT_EQ(by_subject["tape.in.a"].get<uint64_t>() + lag["tape.in.a"].get<uint64_t>(), 3'000u);
  EXPECT_EQ(by_subject["tape.in.b"].get<uint64_t>() + lag["tape.in.b"].get<uint64_t>(), 7'000u);
  EXPECT_GT(lag["tape.in.a"].get<uint64_t>() + lag["tape.in.b"].get<uint64_t>(), 0u);
}

}  // namespace
}  // namespace tape
