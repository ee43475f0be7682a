// Snapshot-resume versus full replay: for many seqs across several scenarios, restoring the
// snapshot and replaying the tail reaches the same final state hash as replaying from seq 1.
#include <gtest/gtest.h>

#include <ostream>

#include "session/run.h"
#include "cli_util.h"
#include "replay/replayer.h"
#include "store/snapshot_store.h"

namespace tape {
namespace {

struct Case {
  const char* file;
  std::vector<std::string> overrides;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.file; }

class SnapshotResume : public ::testing::TestWithParam<Case> {};

TEST_P(SnapshotResume, EverySnapshotReplaysToTheSameFinalHash) {
  testing_util::TempDir dir("snap");
  auto scenario = load_scenario_file(std::string(TAPE_SOURCE_DIR) + "/" + GetParam().file,
                                     GetParam().overrides);
  ASSERT_TRUE(scenario.is_ok()) << scenario.status().message();
  std::string run_hash;
  {
    auto log = EventLog::create(dir.path(), LogOptions{}, false);
    ASSERT_TRUE(log.is_ok()) << log.status().message();
    RunOptions options;
    options.seed = 5;
    auto out = run_scenario(scenario.value(), *log.value(), options);
    ASSERT_TRUE(out.is_ok()) << out.status().message();
    run_hash = out.value().state_hash;
  }
  auto log = EventLog::open(dir.path(), true);
  ASSERT_TRUE(log.is_ok());
  ReplayOptions full;
  full.verify = true;
  auto reference = replay_log(*log.value(), scenario.value().core, full);
  ASSERT_TRUE(reference.is_ok()) << reference.status().message();
  EXPECT_EQ(reference.value().state_hash, run_hash);

  auto seqs = snapshot_seqs(*log.value());
  ASSERT_TRUE(seqs.is_ok());
  ASSERT_GE(seqs.value().size(), 5u);
  for (Seq s : seqs.value()) {
    ReplayOptions from;
    from.from = Seq(s.value() + 1);
    from.verify = true;
    auto r = replay_log(*log.value(), scenario.value().core, from);
    ASSERT_TRUE(r.is_ok()) << "from snapshot " << s.value() << ": " << r.status().message();
    EXPECT_EQ(r.value().snapshot_seq, s);
    EXPECT_EQ(r.value().state_hash, reference.value().state_hash) << "snapshot " << s.value();
    EXPECT_TRUE(r.value().state_hash_verified);
    EXPECT_EQ(r.value().inputs, log.value()->last_seq().value() - s.value());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, SnapshotResume,
    ::testing::Values(Case{"scenarios/quickstart.toml", {"snapshot.every_events=997"}},
                      Case{"scenarios/burst_10k.toml", {"snapshot.every_events=1500"}},
                      Case{"scenarios/sustained_1k.toml",
                           {"scenario.duration_s=40", "snapshot.every_events=4000"}}),
    [](const auto& info) { return std::to_string(info.index); });

}  // namespace
}  // namespace tape
