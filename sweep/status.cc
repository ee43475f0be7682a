#include "sweep/status.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tape {
namespace {

namespace fs = std::filesystem;

std::optional<Json> read_json_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  std::stringstream ss;
  ss << f.rdbuf();
  return parse_json(ss.str());
}

}  // namespace

Result<SweepPlan> read_sweep_plan(const std::string& out) {
  const std::string path = sweep_plan_path(out);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return Status::invalid(out + " holds no sweep (" + path +
                           " is missing): give the --out of a `tape sweep` or `tape sweep submit`");
  }
  const std::optional<Json> j = read_json_file(path);
  if (!j) return Status::invalid(path + ": not JSON");
  return plan_from_json(*j, path);
}

Result<SweepStatus> sweep_status(const std::string& out) {
  SweepStatus s;
  ASSIGN_OR_RETURN(s.plan, read_sweep_plan(out));
  for (const PlannedRun& run : s.plan.runs) {
    RunStatus r;
    r.run = &run;
    ASSIGN_OR_RETURN(r.recorded, read_run_state(out, run.id));
    r.lock_pid = run_lock_holder(run_lock_path(out, run.id));
    if (r.lock_pid != 0) {
      r.state = "running";
    } else if (!r.recorded) {
      r.state = "pending";
    } else if (r.recorded->state == "done" || r.recorded->state == "failed") {
      r.state = r.recorded->state;
    } else {
      r.state = "interrupted";  // "interrupted", or "running" with nobody holding the lock
    }
    size_t& count = r.state == "done"      ? s.done
                    : r.state == "failed"  ? s.failed
                    : r.state == "running" ? s.running
                    : r.state == "pending" ? s.pending
                                           : s.interrupted;
    ++count;
    s.runs.push_back(std::move(r));
  }
  if (std::optional<Json> submit = read_json_file((fs::path(out) / "submit.json").string())) {
    if (submit->is_object() && submit->contains("jobs")) s.slurm = (*submit)["jobs"];
  }
  return s;
}

Json status_to_json(const SweepStatus& s, const std::string& out) {
  Json runs = Json::array();
  for (const RunStatus& r : s.runs) {
    Json j = {{"index", r.run->index}, {"id", r.run->id}, {"state", r.state}, {"params", r.run->params}};
    if (r.run->seed) j["seed"] = *r.run->seed;
    if (r.recorded) {
      j["attempt"] = r.recorded->attempt;
      j["host"] = r.recorded->host;
      if (r.state == "failed") {
        j["exit_code"] = r.recorded->exit_code;
        j["error"] = r.recorded->error;
      }
      if (r.state == "done") j["chain_head"] = r.recorded->chain_head;
    }
    if (r.lock_pid) j["pid"] = r.lock_pid;
    runs.push_back(std::move(j));
  }
  Json j = {{"sweep", s.plan.name}, {"out", out},           {"runs", s.plan.runs.size()},
            {"done", s.done},       {"failed", s.failed},   {"running", s.running},
            {"interrupted", s.interrupted}, {"pending", s.pending}};
  if (!s.slurm.is_null()) j["slurm_jobs"] = s.slurm;
  j["run_states"] = std::move(runs);
  return j;
}

}  // namespace tape
