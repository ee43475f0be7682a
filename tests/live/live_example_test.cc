// The shipped example (examples/live/live.toml, docs/live.md's "Try it"): the ORCL bars imported,
// published into the stream with tape publish, traded live by the SMA plugin; the session's log
// replays and audits, and its outputs reached their subjects with their (seq, k).
#include <gtest/gtest.h>

#include <nats/nats.h>

#include <mutex>

#include "feed/json.h"
#include "live/nats_fixture.h"

namespace tape {
namespace {

using namespace live_testing;
using testing_util::run_tape;
using testing_util::slurp;

constexpr uint64_t kOrclBars = 5036;

// Collects what is published on a subject (core NATS, on the client's own thread).
class Subscriber {
 public:
  Subscriber(const std::string& url, const std::string& subject) {
    ok_ = natsConnection_ConnectTo(&nc_, url.c_str()) == NATS_OK &&
          natsConnection_Subscribe(&sub_, nc_, subject.c_str(), &Subscriber::on_msg, this) ==
              NATS_OK &&
          natsConnection_Flush(nc_) == NATS_OK;
  }
  ~Subscriber() {
    if (sub_ != nullptr) natsSubscription_Destroy(sub_);
    if (nc_ != nullptr) natsConnection_Destroy(nc_);
  }
  bool ok() const { return ok_; }
  std::vector<std::pair<std::string, std::string>> received() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }

 private:
  static void on_msg(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
    auto* s = static_cast<Subscriber*>(self);
    {
      std::lock_guard<std::mutex> lock(s->mu_);
      s->received_.emplace_back(natsMsg_GetSubject(msg),
                                std::string(natsMsg_GetData(msg),
                                            static_cast<size_t>(natsMsg_GetDataLength(msg))));
    }
    natsMsg_Destroy(msg);
  }
  natsConnection* nc_ = nullptr;
  natsSubscription* sub_ = nullptr;
  bool ok_ = false;
  std::mutex mu_;
  std::vector<std::pair<std::string, std::string>> received_;
};

TEST(LiveExample, ShippedExampleTradesPublishedOrclBarsAndReplays) {
  NatsServer nats;
  ASSERT_TRUE(nats.ready());
  TempDir work("example");
  std::filesystem::create_directories(work.path());
  const std::string dir = work.path() + "/session";
  const int metrics_port = free_port();
  Subscriber outputs(nats.url(), "tape.out.>");
  ASSERT_TRUE(outputs.ok());
  // The two commands of docs/live.md: the shipped file straight into the stream, then the session.
  const auto published = run_tape("publish " TAPE_SHARED_DATA "/orcl-1995-2014.txt --format bars "
                                  "--symbol ORCL --subject tape.in.orcl --url " + nats.url());
  ASSERT_EQ(published.exit_code, 0) << published.err;

  const pid_t live = spawn({TAPE_BINARY, "live", "examples/live/live.toml", "--data-dir", dir,
                            "--json", "--set", "live.nats.url=\"" + nats.url() + "\"", "--set",
                            "live.metrics_port=" + std::to_string(metrics_port)},
                           work.path() + "/live.out", work.path() + "/live.err");
  ASSERT_TRUE(wait_until([&] {
    return metric(http_get(metrics_port, "/metrics"), "tape_live_acked_stream_seq") ==
           static_cast<double>(kOrclBars);
  })) << slurp(work.path() + "/live.err");
  ::kill(live, SIGTERM);
  ASSERT_EQ(wait_exit(live), 0) << slurp(work.path() + "/live.err");
  const auto summary = parse_json(slurp(work.path() + "/live.out"));
  ASSERT_TRUE(summary.has_value());
  const uint64_t published_outputs = (*summary)["live"]["outputs_published"].get<uint64_t>();
  EXPECT_GT(published_outputs, 0u);  // the strategy traded: accepted, fills, positions

  EXPECT_EQ(stream_seqs(journal(dir)).size(), kOrclBars);
  EXPECT_EQ(run_tape("replay --data-dir " + dir + " --verify").exit_code, 0);
  EXPECT_EQ(run_tape("audit --data-dir " + dir).exit_code, 0);

  // Every published output arrived on <prefix>.<type>, carrying its (seq, k).
  ASSERT_TRUE(wait_until([&] { return outputs.received().size() == published_outputs; },
                         std::chrono::seconds(30)));
  bool fill = false;
  for (const auto& [subject, body] : outputs.received()) {
    const auto j = parse_json(body);
    ASSERT_TRUE(j.has_value()) << body;
    EXPECT_TRUE(j->contains("seq") && j->contains("k")) << body;
    EXPECT_EQ(subject, "tape.out." + (*j)["type"].get<std::string>());
    fill = fill || subject == "tape.out.fill";
  }
  EXPECT_TRUE(fill);
}

}  // namespace
}  // namespace tape
