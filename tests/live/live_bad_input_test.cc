// Bad messages are journaled, each rejected with its reason and its stream sequence, and the
// session goes on; bad configs and an unreachable server are the CLI contract's exit codes.
#include <gtest/gtest.h>

#include "feed/json.h"
#include "live/nats_fixture.h"

namespace tape {
namespace {

using namespace live_testing;
using testing_util::run_tape;
using testing_util::slurp;

struct BadMessage {
  const char* line;
  RejectReason reason;
};

const std::vector<BadMessage>& bad_messages() {
  static const std::vector<BadMessage> kBad = {
      {R"(this is not json)", RejectReason::kBadJson},
      {R"([1,2,3])", RejectReason::kBadJson},
      {R"({"type":"quote","type":"trade"})", RejectReason::kBadJson},
      {R"({"type":"bogus","symbol":"ACME"})", RejectReason::kUnknownType},
      {R"({"type":"trade","symbol":"NOPE","price":"1.00","qty":1})",
       RejectReason::kUnknownInstrument},
      {R"({"type":"trade","symbol":"ACME","price":true,"qty":1})", RejectReason::kBadType},
      {R"({"type":"trade","symbol":"ACME","qty":1})", RejectReason::kMissingField},
      {R"({"type":"trade","symbol":"ACME","price":"1.00","qty":1,"colour":"red"})",
       RejectReason::kUnknownField},
      {R"({"type":"trade","symbol":"ACME","price":"1.0x","qty":1})", RejectReason::kBadNumber},
      {R"({"type":"trade","symbol":"ACME","price":"1.001","qty":1})", RejectReason::kNotOnTick},
      {R"({"type":"trade","symbol":"ACME","price":"1.00","qty":-1})", RejectReason::kNegativeSize},
      {R"({"type":"trade","symbol":"ACME","price":"1.00","qty":1,"aggressor":"up"})",
       RejectReason::kBadEnum},
      {R"({"type":"trade","symbol":"ACME","price":"1.00","qty":1,"ts":"yesterday"})",
       RejectReason::kBadTime},
      {R"({"seq":1,"k":0,"type":"fill","symbol":"ACME"})", RejectReason::kNotAnInput},
  };
  return kBad;
}

TEST(LiveBadInput, LiveRejectsEveryKindOfBadMessageAndGoesOn) {
  NatsServer nats;
  ASSERT_TRUE(nats.ready());
  TempDir work("bad");
  std::filesystem::create_directories(work.path());
  const std::string config = work.path() + "/live.toml";
  const std::string dir = work.path() + "/session";
  const int metrics_port = free_port();
  write_config(config, nats.url(), metrics_port);
  {
    std::ofstream f(work.path() + "/msgs.jsonl");
    for (const BadMessage& b : bad_messages()) {
      f << b.line << "\n" << R"({"type":"trade","symbol":"ACME","price":"10.00","qty":1})" << "\n";
    }
  }
  const uint64_t total = bad_messages().size() * 2;
  const auto published = run_tape("publish " + work.path() + "/msgs.jsonl --subject tape.in.md --url " +
                                  nats.url());
  ASSERT_EQ(published.exit_code, 0) << published.err;
  const pid_t live = spawn({TAPE_BINARY, "live", config, "--data-dir", dir, "--json"},
                           work.path() + "/live.out", work.path() + "/live.err");
  ASSERT_TRUE(wait_until([&] {
    return metric(http_get(metrics_port, "/metrics"), "tape_live_acked_stream_seq") ==
           static_cast<double>(total);
  })) << slurp(work.path() + "/live.err");
  ::kill(live, SIGTERM);
  ASSERT_EQ(wait_exit(live), 0) << slurp(work.path() + "/live.err");

  std::vector<Input> messages;
  for (const Input& in : journal(dir)) {
    if (in.stream_seq != 0) messages.push_back(in);
  }
  ASSERT_EQ(messages.size(), total);
  for (size_t i = 0; i < bad_messages().size(); ++i) {
    const Input& bad = messages[2 * i];
    const Input& good = messages[2 * i + 1];
    EXPECT_EQ(bad.stream_seq, 2 * i + 1);
    EXPECT_EQ(bad.reject, bad_messages()[i].reason) << bad_messages()[i].line;
    EXPECT_TRUE(std::holds_alternative<HeartbeatIn>(bad.body));
    EXPECT_EQ(good.reject, RejectReason::kNone);  // the session went on
    EXPECT_TRUE(std::holds_alternative<TradeIn>(good.body));
  }
  const auto summary = parse_json(slurp(work.path() + "/live.out"));
  ASSERT_TRUE(summary.has_value());
  const Json& rejects = (*summary)["live"]["rejects_by_reason"];
  EXPECT_EQ(rejects["bad_json"].get<uint64_t>(), 3u);
  EXPECT_EQ(rejects["unknown_instrument"].get<uint64_t>(), 1u);
  EXPECT_EQ(rejects["not_on_tick"].get<uint64_t>(), 1u);
  EXPECT_EQ(rejects.size(), 12u);  // every reason once, bad_json three times
  // The last batch became durable only because an input came after the feed went quiet: a
  // wall-clock heartbeat, journaled with no stream sequence.
  EXPECT_GE((*summary)["live"]["heartbeats"].get<uint64_t>(), 1u);
  const std::vector<Input> all = journal(dir);
  EXPECT_TRUE(std::any_of(all.begin(), all.end(), [](const Input& in) {
    return in.stream_seq == 0 && std::holds_alternative<HeartbeatIn>(in.body);
  }));
  // Each rejection is an InputRejected output too, and the log replays and audits.
  const auto inspect = run_tape("inspect --data-dir " + dir + " --type input_rejected");
  EXPECT_NE(inspect.out.find("reason=negative_size"), std::string::npos) << inspect.out;
  EXPECT_EQ(run_tape("replay --data-dir " + dir + " --verify").exit_code, 0);
  EXPECT_EQ(run_tape("audit --data-dir " + dir).exit_code, 0);
}

TEST(LiveBadInput, LiveConfigUnknownKeyIsExit2NamingIt) {
  TempDir work("badcfg");
  std::filesystem::create_directories(work.path());
  const std::string config = work.path() + "/live.toml";
  write_config(config, "nats://127.0.0.1:1", 0, "[live.natz]\nurl = \"x\"\n");
  // [live.natz] lands inside [live]: the key is live.natz.
  const auto r = run_tape("live " + config + " --data-dir " + work.path() + "/s");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("live.natz"), std::string::npos) << r.err;
}

TEST(LiveBadInput, LiveConfigWithoutInstrumentsIsExit2) {
  TempDir work("noinst");
  std::filesystem::create_directories(work.path());
  const std::string config = work.path() + "/live.toml";
  std::ofstream(config) << "[live]\nheartbeat_ms = 20\n";
  const auto r = run_tape("live " + config + " --data-dir " + work.path() + "/s");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("instruments"), std::string::npos) << r.err;
}

TEST(LiveBadInput, LiveWithoutServerIsExit4) {
  TempDir work("noserver");
  std::filesystem::create_directories(work.path());
  const std::string config = work.path() + "/live.toml";
  write_config(config, "nats://127.0.0.1:" + std::to_string(free_port()), 0);
  const auto r = run_tape("live " + config + " --data-dir " + work.path() + "/s");
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("cannot connect"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(work.path() + "/s"));  // nothing was created
}

TEST(LiveBadInput, LiveResumeWithoutSessionIsExit2) {
  NatsServer nats;
  ASSERT_TRUE(nats.ready());
  TempDir work("noresume");
  std::filesystem::create_directories(work.path());
  const std::string config = work.path() + "/live.toml";
  write_config(config, nats.url(), 0);
  const auto r = run_tape("live " + config + " --data-dir " + work.path() + "/s --resume");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("no live session to resume"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tape
