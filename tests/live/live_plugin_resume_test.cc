// Determinism rule 8 for live sessions: a plugin is part of the session's identity. `tape live
// --resume` with a plugin file whose bytes differ from the recorded one is exit 3 naming the
// strategy, the path and both SHA-256s; with the same file it resumes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "feed/import.h"
#include "live/nats_fixture.h"

namespace tape {
namespace {

using namespace live_testing;
using testing_util::run_tape;
using testing_util::slurp;

constexpr uint64_t kOrclBars = 5036;

TEST(LivePluginResume, ADifferentPluginFileIsRefusedNamingItAndTheSameOneResumes) {
  NatsServer nats;
  ASSERT_TRUE(nats.ready());
  TempDir work("plugin_resume");
  std::filesystem::create_directories(work.path());
  const std::string dir = work.path() + "/session";
  const std::string plugin = work.path() + "/libsma_cross.so";
  std::filesystem::copy_file(TAPE_PLUGIN_SMA_CROSS, plugin);
  const int metrics_port = free_port();
  const auto published = run_tape("publish " TAPE_SHARED_DATA
                                  "/orcl-1995-2014.txt --format bars "
                                  "--symbol ORCL --subject tape.in.orcl --url " +
                                  nats.url());
  ASSERT_EQ(published.exit_code, 0) << published.err;
  const std::vector<std::string> args = {TAPE_BINARY,
                                         "live",
                                         "examples/live/live.toml",
                                         "--data-dir",
                                         dir,
                                         "--json",
                                         "--set",
                                         "live.nats.url=\"" + nats.url() + "\"",
                                         "--set",
                                         "live.metrics_port=" + std::to_string(metrics_port),
                                         "--set",
                                         "strategies.0.plugin=\"" + plugin + "\""};

  const pid_t first = spawn(args, work.path() + "/first.out", work.path() + "/first.err");
  ASSERT_TRUE(wait_until([&] {
    return metric(http_get(metrics_port, "/metrics"), "tape_live_acked_stream_seq") ==
           static_cast<double>(kOrclBars);
  })) << slurp(work.path() + "/first.err");
  ::kill(first, SIGTERM);
  ASSERT_EQ(wait_exit(first), 0) << slurp(work.path() + "/first.err");
  uint64_t bytes = 0;
  const Result<std::string> recorded_hash = file_sha256(plugin, bytes);
  ASSERT_TRUE(recorded_hash.is_ok());

  // The same path, one byte more: another file (it still loads).
  std::ofstream(plugin, std::ios::binary | std::ios::app) << '\0';
  std::vector<std::string> resume = args;
  resume.push_back("--resume");
  const pid_t refused = spawn(resume, work.path() + "/refused.out", work.path() + "/refused.err");
  EXPECT_EQ(wait_exit(refused), 3);
  const std::string err = slurp(work.path() + "/refused.err");
  EXPECT_NE(err.find("sma_cross"), std::string::npos) << err;
  EXPECT_NE(err.find(plugin), std::string::npos) << err;
  EXPECT_NE(err.find(recorded_hash.value()), std::string::npos) << err;
  EXPECT_EQ(stream_seqs(journal(dir)).size(), kOrclBars) << "the refused resume journaled nothing";

  // The recorded file again: the session resumes and nothing is journaled twice.
  std::filesystem::remove(plugin);
  std::filesystem::copy_file(TAPE_PLUGIN_SMA_CROSS, plugin);
  const pid_t again = spawn(resume, work.path() + "/again.out", work.path() + "/again.err");
  ASSERT_TRUE(wait_until([&] {
    return port_open(metrics_port) &&
           metric(http_get(metrics_port, "/metrics"), "tape_live_connected") == 1;
  })) << slurp(work.path() + "/again.err");
  ::kill(again, SIGTERM);
  ASSERT_EQ(wait_exit(again), 0) << slurp(work.path() + "/again.err");
  EXPECT_EQ(stream_seqs(journal(dir)).size(), kOrclBars);
  EXPECT_EQ(run_tape("replay --data-dir " + dir + " --verify").exit_code, 0);
}

}  // namespace
}  // namespace tape
