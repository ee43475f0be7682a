#include "sweep/collect.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/scenario_reader.h"
#include "sweep/run_state.h"
#include "sweep/status.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

const Json& total_figures(const Json& summary) {
  static const Json kNone = Json::object();
  if (!summary.is_object() || !summary.contains("analytics")) return kNone;
  const Json& a = summary["analytics"];
  if (!a.is_object() || !a.contains("total") || !a["total"].contains("figures")) return kNone;
  return a["total"]["figures"];
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string cell_text(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return dump_json(v);
}

// The figure must be one the runs report (when any run is done), and numeric.
Status check_figure(const CollectReport& r, const std::string& figure) {
  if (r.figures.empty()) return Status::ok();
  for (const std::string& f : r.figures) {
    if (f != figure) continue;
    for (const CollectedRow& row : r.rows) {
      if (row_figure(row, f).is_number()) return Status::ok();
    }
    return Status::invalid("--figure '" + figure + "' is not a number (a heatmap shows a numeric figure)");
  }
  std::string msg = "--figure '" + figure + "' is not an analytics figure of these runs";
  const std::string near = scenario_detail::closest_key(figure, r.figures);
  if (!near.empty()) msg += " (did you mean '" + near + "'?)";
  std::string all;
  for (const std::string& f : r.figures) all += (all.empty() ? "" : ", ") + f;
  return Status::invalid(msg + "; they have: " + all);
}

}  // namespace

Json row_figure(const CollectedRow& row, const std::string& figure) {
  if (row.status != "done") return Json();
  const Json& f = total_figures(row.summary);
  return f.contains(figure) ? f[figure] : Json();
}

Result<CollectReport> collect_sweep(const std::string& out, const CollectOptions& options) {
  ASSIGN_OR_RETURN(SweepStatus status, sweep_status(out));
  CollectReport r;
  r.plan = std::move(status.plan);
  for (size_t i = 0; i < r.plan.runs.size(); ++i) {
    const RunStatus& s = status.runs[i];
    CollectedRow row;
    row.run = &r.plan.runs[i];
    row.status = s.state;
    if (s.state == "failed") {
      row.error = "exit " + std::to_string(s.recorded->exit_code) + ": " + s.recorded->error;
    } else if (s.state == "done") {
      Status finished = verify_finished(out, row.run->id, *s.recorded);
      const std::optional<Json> summary =
          finished.is_ok() ? parse_json(slurp(run_dir_path(out, row.run->id) + "/summary.json"))
                           : std::nullopt;
      if (!finished.is_ok() || !summary || !summary->is_object()) {
        row.status = "bad_log";
        row.error = finished.is_ok() ? "summary.json does not parse" : finished.message();
      } else {
        row.summary = *summary;
        for (const auto& [k, v] : total_figures(row.summary).items()) {
          if (std::find(r.figures.begin(), r.figures.end(), k) == r.figures.end()) r.figures.push_back(k);
        }
      }
    } else if (s.state == "interrupted") {
      row.error = "interrupted: rerun the sweep to restart it";
    }
    size_t& count = row.status == "done" ? r.done : row.status == "failed" || row.status == "bad_log" ? r.failed : r.unfinished;
    ++count;
    r.rows.push_back(std::move(row));
  }
  RETURN_IF_ERROR(check_figure(r, options.figure));
  r.csv_path = (fs::path(out) / "results.csv").string();
  r.json_path = (fs::path(out) / "results.json").string();
  r.html_path = (fs::path(out) / "results.html").string();
  RETURN_IF_ERROR(write_whole_file(r.csv_path, results_csv(r)));
  RETURN_IF_ERROR(write_whole_file(r.json_path, dump_json(results_json(r, options.figure)) + "\n"));
  RETURN_IF_ERROR(write_whole_file(r.html_path, results_html(r, options.figure)));
  return r;
}

Json results_json(const CollectReport& r, const std::string& figure) {
  Json rows = Json::array();
  for (const CollectedRow& row : r.rows) {
    Json j = {{"index", row.run->index}, {"id", row.run->id}, {"status", row.status},
              {"params", row.run->params}};
    if (row.run->seed) j["seed"] = *row.run->seed;
    if (row.status == "done") {
      const Json& s = row.summary;
      j["data"] = s.value("data", "");
      j["data_chain_head"] = s.value("data_chain_head", "");
      j["chain_head"] = s.value("chain_head", "");
      j["state_hash"] = s.value("state_hash", "");
      j["final_value"] = s.value("final_value_exact", "");
      j["trades"] = s.value("trades_closed", uint64_t{0});
      j["fills"] = s.value("fills", uint64_t{0});
      j["figures"] = total_figures(s);
    } else if (!row.error.empty()) {
      j["error"] = row.error;
    }
    rows.push_back(std::move(j));
  }
  return {{"sweep", r.plan.name}, {"sweep_file", r.plan.sweep_file}, {"config", r.plan.config},
          {"runs", r.rows.size()}, {"done", r.done}, {"failed", r.failed}, {"unfinished", r.unfinished},
          {"figure", figure}, {"zip_keys", r.plan.zip_keys}, {"grid_keys", r.plan.grid_keys},
          {"seed_key", r.plan.seed_key}, {"rows", std::move(rows)}};
}

std::string results_csv(const CollectReport& r) {
  std::vector<std::string> keys = r.plan.zip_keys;
  keys.insert(keys.end(), r.plan.grid_keys.begin(), r.plan.grid_keys.end());
  std::string out = "index,id,status";
  for (const std::string& k : keys) out += "," + csv_field(k);
  if (!r.plan.seed_key.empty()) out += ",seed";
  out += ",data,chain_head,state_hash,final_value,trades,fills";
  for (const std::string& f : r.figures) out += "," + csv_field(f);
  out += ",error\n";
  for (const CollectedRow& row : r.rows) {
    out += std::to_string(row.run->index) + "," + row.run->id + "," + row.status;
    for (const std::string& k : keys) {
      out += "," + csv_field(row.run->params.contains(k) ? cell_text(row.run->params[k]) : "");
    }
    if (!r.plan.seed_key.empty()) out += "," + (row.run->seed ? std::to_string(*row.run->seed) : "");
    const Json& s = row.summary;
    const bool done = row.status == "done";
    out += "," + csv_field(done ? s.value("data", "") : "");
    out += "," + (done ? s.value("chain_head", "") : "");
    out += "," + (done ? s.value("state_hash", "") : "");
    out += "," + (done ? s.value("final_value_exact", "") : "");
    out += "," + (done ? std::to_string(s.value("trades_closed", uint64_t{0})) : "");
    out += "," + (done ? std::to_string(s.value("fills", uint64_t{0})) : "");
    for (const std::string& f : r.figures) out += "," + csv_field(cell_text(row_figure(row, f)));
    out += "," + csv_field(row.error) + "\n";
  }
  return out;
}

}  // namespace tape
