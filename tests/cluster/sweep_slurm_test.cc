// `tape sweep submit` on a real one-node Slurm cluster (slurm_cluster.h): the 3 x 3 SMA grid as
// an array job of 9 tasks, at most 2 at once, gives the same runs and chain heads as the same
// sweep file run locally; a task that fails shows up as failed, with its error, in `tape sweep
// status` and `tape sweep collect`. Skipped (with the reason) when not root or Slurm is missing.
#include <gtest/gtest.h>

#include <memory>

#include "cluster/slurm_cluster.h"
#include "stress/sweep_test_util.h"

namespace tape {
namespace {

using namespace sweep_test;
using testing_util::CliResult;
using testing_util::run_tape;
using testing_util::SlurmCluster;
using testing_util::TempDir;

class SweepSlurm : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    skip_ = SlurmCluster::unavailable();
    if (!skip_.empty()) return;
    dir_ = std::make_unique<TempDir>("slurm");
    cluster_ = std::make_unique<SlurmCluster>(dir_->path() + "/cluster");
    start_error_ = cluster_->start();
  }
  static void TearDownTestSuite() {
    cluster_.reset();  // the daemons stop before their directory goes
    dir_.reset();
  }
  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
    ASSERT_EQ(start_error_, "") << "the Slurm cluster did not start";
  }

  // Submits `file` to the cluster with --max-parallel 2 and waits for the array to leave the
  // queue; the job id.
  static std::string submit_and_wait(const std::string& file, const std::string& out) {
    const CliResult submit = run_tape("sweep submit " + file + " --out " + out + " --max-parallel 2 --json");
    EXPECT_EQ(submit.exit_code, 0) << submit.out << submit.err;
    const nlohmann::json s = nlohmann::json::parse(submit.out, nullptr, false);
    if (!s.is_object()) return "";
    const std::string job = s["job_id"];
    EXPECT_FALSE(job.empty());
    // The tasks run this same binary (resolved as /proc/self/exe resolves it).
    const std::string script = testing_util::slurp(s["script"].get<std::string>());
    EXPECT_NE(script.find("'" + std::filesystem::canonical(TAPE_BINARY).string() + "' sweep"), std::string::npos)
        << script;
    EXPECT_NE(script.find("%2\n"), std::string::npos) << script;
    EXPECT_TRUE(cluster_->wait_job_gone(job)) << "job " << job << " still queued" << cluster_->logs();
    return job;
  }

  static inline std::string skip_, start_error_;
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<SlurmCluster> cluster_;
};

TEST_F(SweepSlurm, ArrayJobGivesTheChainHeadsOfTheLocalSweep) {
  const std::string file = dir_->path() + "/grid.sweep.toml", out = dir_->path() + "/grid-slurm";
  write_text(file, grid_sweep_text());
  const std::string job = submit_and_wait(file, out);
  ASSERT_FALSE(job.empty());

  const CliResult status = run_tape("sweep status " + out + " --json");
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const nlohmann::json st = nlohmann::json::parse(status.out);
  EXPECT_EQ(st["done"], 9) << status.out << cluster_->logs();
  EXPECT_EQ(st["failed"], 0);
  const CliResult text = run_tape("sweep status " + out);
  EXPECT_NE(text.out.find("slurm job " + job), std::string::npos) << text.out;

  const CliResult collect = run_tape("sweep collect " + out + " --json");
  ASSERT_EQ(collect.exit_code, 0) << collect.err;
  const nlohmann::json results = nlohmann::json::parse(collect.out);
  ASSERT_EQ(results["rows"].size(), 9u);
  EXPECT_EQ(results["done"], 9);

  // Each task ran its one shard: 9 logs, each of one run.
  for (int i = 0; i < 9; ++i) {
    const std::string log = testing_util::slurp(out + "/slurm/" + job + "_" + std::to_string(i) + ".out");
    EXPECT_NE(log.find("1 runs in shard " + std::to_string(i) + "/9: 1 ran"), std::string::npos) << log;
  }

  const std::string local = dir_->path() + "/grid-local";
  const CliResult run = run_tape("sweep " + file + " --out " + local + " --jobs 2");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto on_slurm = done_heads(out), here = done_heads(local);
  EXPECT_EQ(on_slurm.size(), 9u);
  EXPECT_EQ(on_slurm, here) << "a Slurm array task must give a run the chain head a local sweep gives it";
  for (const auto& row : results["rows"]) {
    EXPECT_EQ(row["chain_head"], here.at(row["id"])) << row["id"];
  }
}

TEST_F(SweepSlurm, FailedTaskIsListedWithItsErrorByStatusAndCollect) {
  const std::string file = dir_->path() + "/fails.sweep.toml", out = dir_->path() + "/fails-slurm";
  write_text(file, failing_sweep_text(dir_->path()));
  const std::string job = submit_and_wait(file, out);
  ASSERT_FALSE(job.empty());

  const CliResult status = run_tape("sweep status " + out + " --json");
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const nlohmann::json s = nlohmann::json::parse(status.out);
  EXPECT_EQ(s["done"], 1) << status.out << cluster_->logs();
  EXPECT_EQ(s["failed"], 1);
  EXPECT_EQ(s["run_states"][1]["state"], "failed");
  EXPECT_EQ(s["run_states"][1]["exit_code"], 2);
  EXPECT_NE(s["run_states"][1]["error"].get<std::string>().find("bad-orcl.txt:101"), std::string::npos)
      << s["run_states"][1]["error"];
  const CliResult text = run_tape("sweep status " + out);
  EXPECT_NE(text.out.find("failed: run 1"), std::string::npos) << text.out;
  // The task's own log says so too, and its exit code made Slurm count it failed (slurmctld
  // keeps a finished job for MinJobAge, 300 s by default).
  EXPECT_NE(testing_util::slurp(out + "/slurm/" + job + "_1.out").find("failed: run 1"), std::string::npos);
  const std::string task1 = testing_util::run_shell("scontrol -o show job " + job + "_1").out;
  EXPECT_NE(task1.find("JobState=FAILED"), std::string::npos) << task1;
  EXPECT_NE(task1.find("ExitCode=2:0"), std::string::npos) << task1;
  const std::string task0 = testing_util::run_shell("scontrol -o show job " + job + "_0").out;
  EXPECT_NE(task0.find("JobState=COMPLETED"), std::string::npos) << task0;

  const CliResult collect = run_tape("sweep collect " + out + " --json");
  ASSERT_EQ(collect.exit_code, 0) << collect.err;
  const nlohmann::json c = nlohmann::json::parse(collect.out);
  ASSERT_EQ(c["rows"].size(), 2u);
  EXPECT_EQ(c["rows"][0]["status"], "done");
  EXPECT_EQ(c["rows"][1]["status"], "failed");
  EXPECT_NE(c["rows"][1]["error"].get<std::string>().find("bad-orcl.txt:101"), std::string::npos);
  EXPECT_NE(testing_util::slurp(out + "/results.csv").find(",failed,"), std::string::npos);
}

}  // namespace
}  // namespace tape
