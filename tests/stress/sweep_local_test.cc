// `tape sweep` on one machine: a 3 x 3 grid over the SMA example with --jobs 2, killed mid-way
// and rerun (only the runs that had not finished run again), collected into 9 rows whose chain
// heads are those of 9 single `tape backtest` runs; a finished run whose log no longer proves
// itself is run again; a failing run is listed with its error by status and collect.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include "stress/sweep_test_util.h"

namespace tape {
namespace {

using namespace sweep_test;
using testing_util::run_tape;
using testing_util::TempDir;

size_t count_done(const std::string& out) {
  size_t n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(out + "/state", ec)) {
    if (e.path().extension() != ".json") continue;
    const nlohmann::json st = read_json(e.path().string());
    n += st.is_object() && st.value("state", "") == "done";
  }
  return n;
}

TEST(SweepLocal, KilledSweepRerunsOnlyUnfinishedRunsAndCollectEqualsSingleRuns) {
  TempDir dir("sweep_local");
  const std::string file = dir.path() + "/grid.sweep.toml", out = dir.path() + "/out";
  write_text(file, grid_sweep_text());

  // Killed (SIGKILL, no chance to clean up) once three runs are finished.
  const pid_t pid = testing_util::spawn_tape({"sweep", file, "--out", out, "--jobs", "2"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (count_done(out) < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  const std::map<std::string, std::string> before = done_heads(out);
  ASSERT_GE(before.size(), 3u);
  ASSERT_LT(before.size(), 9u) << "the sweep finished before it could be killed";
  std::map<std::string, std::string> started;
  for (const auto& [id, head] : before)
    started[id] = read_json(out + "/state/" + id + ".json")["started"];

  const testing_util::CliResult rerun =
      run_tape("sweep " + file + " --out " + out + " --jobs 2 --json");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  const nlohmann::json r = nlohmann::json::parse(rerun.out);
  EXPECT_EQ(r["runs"], 9);
  EXPECT_EQ(r["already_finished"], before.size());
  EXPECT_EQ(r["ran"], 9 - before.size());
  EXPECT_EQ(r["done"], 9 - before.size());
  for (const auto& [id, when] : started) {
    const nlohmann::json st = read_json(out + "/state/" + id + ".json");
    EXPECT_EQ(st["started"], when) << id << " was finished and must not have run again";
    EXPECT_EQ(st["attempt"], 1) << id;
  }
  // Nothing a killed attempt left behind survives its restart (temporary data logs).
  for (const auto& e : std::filesystem::directory_iterator(out + "/runs")) {
    EXPECT_EQ(e.path().filename().string().size(), 16u) << e.path();
  }
  // The grid's one data file was imported into the sweep's data cache, once, and every run read
  // it from there (docs/sweep.md).
  std::vector<std::string> cached;
  for (const auto& e : std::filesystem::directory_iterator(out + "/data-cache")) {
    cached.push_back(e.path().filename().string());
  }
  ASSERT_EQ(cached.size(), 1u);
  EXPECT_EQ(cached[0].size(), 64u);
  const nlohmann::json planned = read_json(out + "/sweep.json");
  for (const nlohmann::json& run : planned["runs"]) {
    const nlohmann::json summary =
        read_json(out + "/runs/" + run["id"].get<std::string>() + "/summary.json");
    EXPECT_EQ(summary["data_cache"]["entry"], out + "/data-cache/" + cached[0]);
  }

  const testing_util::CliResult collect = run_tape("sweep collect " + out + " --json");
  ASSERT_EQ(collect.exit_code, 0) << collect.err;
  const nlohmann::json results = nlohmann::json::parse(collect.out);
  ASSERT_EQ(results["rows"].size(), 9u);
  EXPECT_EQ(results["done"], 9);
  const nlohmann::json plan = read_json(out + "/sweep.json");
  for (size_t i = 0; i < 9; ++i) {
    const nlohmann::json& row = results["rows"][i];
    EXPECT_EQ(row["status"], "done");
    EXPECT_EQ(row["id"], plan["runs"][i]["id"]);
    const std::string alone =
        single_run_head(plan["runs"][i], dir.path() + "/single" + std::to_string(i));
    EXPECT_EQ(row["chain_head"], alone)
        << "run " << i << " differs from the same backtest run alone";
  }
  EXPECT_EQ(results["rows"][4]["params"]["strategies.0.params.fast"], 10);
  EXPECT_EQ(results["rows"][4]["params"]["strategies.0.params.slow"], 50);
  // results.csv: a header and 9 rows; results.html: the heatmap and the table.
  const std::string csv = testing_util::slurp(out + "/results.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 10);
  EXPECT_NE(csv.find(",sharpe,"), std::string::npos);
  const std::string html = testing_util::slurp(out + "/results.html");
  EXPECT_NE(html.find("sharpe by strategies.0.params.fast"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos) << "results.html must not need the network";

  // A sweep with every run finished runs nothing.
  const testing_util::CliResult again = run_tape("sweep " + file + " --out " + out + " --json");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out)["ran"], 0);
}

TEST(SweepLocal, SameChainHeadsWithEightJobsAndInAnotherDir) {
  TempDir dir("sweep_jobs8");
  const std::string file = dir.path() + "/grid.sweep.toml";
  write_text(file, grid_sweep_text());
  ASSERT_EQ(run_tape("sweep " + file + " --out " + dir.path() + "/a --jobs 1").exit_code, 0);
  ASSERT_EQ(run_tape("sweep " + file + " --out " + dir.path() + "/b/c --jobs 8").exit_code, 0);
  const auto a = done_heads(dir.path() + "/a"), b = done_heads(dir.path() + "/b/c");
  EXPECT_EQ(a.size(), 9u);
  EXPECT_EQ(a, b) << "run ids and chain heads must not depend on --jobs or the output dir";
}

TEST(SweepLocal, FinishedRunWhoseLogNoLongerProvesItselfRunsAgain) {
  TempDir dir("sweep_redo");
  const std::string file = dir.path() + "/grid.sweep.toml", out = dir.path() + "/out";
  write_text(file, grid_sweep_text());
  ASSERT_EQ(run_tape("sweep " + file + " --out " + out + " --jobs 2").exit_code, 0);
  const nlohmann::json plan = read_json(out + "/sweep.json");
  // Run 2's state claims another chain head than its log ends at; run 5 lost its summary.
  const std::string id2 = plan["runs"][2]["id"], id5 = plan["runs"][5]["id"];
  nlohmann::json st = read_json(out + "/state/" + id2 + ".json");
  const std::string head = st["chain_head"];
  st["chain_head"] = std::string(64, 'a');
  write_text(out + "/state/" + id2 + ".json", st.dump());
  std::filesystem::remove(out + "/runs/" + id5 + "/summary.json");

  const testing_util::CliResult collect = run_tape("sweep collect " + out + " --json");
  ASSERT_EQ(collect.exit_code, 0) << collect.err;
  const nlohmann::json results = nlohmann::json::parse(collect.out);
  EXPECT_EQ(results["done"], 7) << "a run whose log does not prove its result is not counted done";
  EXPECT_EQ(results["rows"][2]["status"], "bad_log");
  EXPECT_NE(results["rows"][2]["error"].get<std::string>().find("head"), std::string::npos);
  EXPECT_EQ(results["rows"][5]["status"], "bad_log");

  const testing_util::CliResult rerun = run_tape("sweep " + file + " --out " + out + " --json");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(nlohmann::json::parse(rerun.out)["ran"], 2);
  EXPECT_EQ(done_heads(out).at(id2), head);
}

// A run whose attempt did not end (the sweep died: state "running"; or was stopped:
// "interrupted") continues its log with `tape backtest --resume` when the log is there, and
// starts again from nothing when it is not. (The resume itself, from real kills at seeded
// moments, is tests/stress/backtest_resume_test.cc's.)
TEST(SweepLocal, UnfinishedAttemptsResumeTheirLogOrStartAgain) {
  TempDir dir("sweep_resume");
  const std::string file = dir.path() + "/grid.sweep.toml", out = dir.path() + "/out";
  write_text(file, grid_sweep_text());
  ASSERT_EQ(run_tape("sweep " + file + " --out " + out + " --jobs 2").exit_code, 0);
  const nlohmann::json plan = read_json(out + "/sweep.json");
  const std::map<std::string, std::string> heads = done_heads(out);
  const std::string id3 = plan["runs"][3]["id"], id4 = plan["runs"][4]["id"],
                    id6 = plan["runs"][6]["id"];
  const auto mark = [&](const std::string& id, const char* state) {
    nlohmann::json st = read_json(out + "/state/" + id + ".json");
    st["state"] = state;
    st["pid"] = 0;
    st.erase("chain_head");
    write_text(out + "/state/" + id + ".json", st.dump());
  };
  // Run 3 was killed after its log was complete but before its report files were written;
  // run 4 was stopped; run 6 was killed before its log existed.
  mark(id3, "running");
  std::filesystem::remove(out + "/runs/" + id3 + "/summary.json");
  std::filesystem::remove(out + "/runs/" + id3 + "/trades.csv");
  mark(id4, "interrupted");
  mark(id6, "running");
  std::filesystem::remove_all(out + "/runs/" + id6);
  std::filesystem::create_directories(out + "/runs/" + id6);

  const testing_util::CliResult rerun = run_tape("sweep " + file + " --out " + out + " --json");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(nlohmann::json::parse(rerun.out)["ran"], 3);
  for (const std::string& id : {id3, id4, id6}) {
    const nlohmann::json st = read_json(out + "/state/" + id + ".json");
    EXPECT_EQ(st["state"], "done") << id;
    EXPECT_EQ(st["attempt"], 2) << id;
    EXPECT_EQ(st.value("resumed", false), id != id6) << id;
    EXPECT_EQ(st["chain_head"], heads.at(id)) << id;
  }
  EXPECT_TRUE(std::filesystem::is_regular_file(out + "/runs/" + id3 + "/summary.json"));
  EXPECT_TRUE(std::filesystem::is_regular_file(out + "/runs/" + id3 + "/trades.csv"));
  const nlohmann::json collect =
      nlohmann::json::parse(run_tape("sweep collect " + out + " --json").out);
  EXPECT_EQ(collect["done"], 9);
}

TEST(SweepLocal, FailedRunIsListedWithItsErrorByStatusAndCollect) {
  TempDir dir("sweep_fail");
  const std::string file = dir.path() + "/fails.sweep.toml", out = dir.path() + "/out";
  write_text(file, failing_sweep_text(dir.path()));
  const testing_util::CliResult run = run_tape("sweep " + file + " --out " + out + " --jobs 2");
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.out.find("failed: run 1"), std::string::npos) << run.out;

  const testing_util::CliResult status = run_tape("sweep status " + out + " --json");
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const nlohmann::json s = nlohmann::json::parse(status.out);
  EXPECT_EQ(s["done"], 1);
  EXPECT_EQ(s["failed"], 1);
  EXPECT_EQ(s["run_states"][1]["state"], "failed");
  EXPECT_EQ(s["run_states"][1]["exit_code"], 2);
  EXPECT_NE(s["run_states"][1]["error"].get<std::string>().find("bad-orcl.txt:101"),
            std::string::npos)
      << s["run_states"][1]["error"];

  const testing_util::CliResult collect = run_tape("sweep collect " + out + " --json");
  ASSERT_EQ(collect.exit_code, 0) << collect.err;
  const nlohmann::json c = nlohmann::json::parse(collect.out);
  ASSERT_EQ(c["rows"].size(), 2u);
  EXPECT_EQ(c["rows"][0]["status"], "done");
  EXPECT_EQ(c["rows"][1]["status"], "failed");
  EXPECT_NE(c["rows"][1]["error"].get<std::string>().find("bad-orcl.txt:101"), std::string::npos);
  const std::string csv = testing_util::slurp(out + "/results.csv");
  EXPECT_NE(csv.find(",failed,"), std::string::npos);
  EXPECT_NE(testing_util::slurp(out + "/results.html").find("bad-orcl.txt:101"), std::string::npos);
}

}  // namespace
}  // namespace tape
