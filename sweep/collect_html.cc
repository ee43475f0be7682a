// results.html: one self-contained page (inline CSS and script, nothing from the network).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "sim/scenario_reader.h"
#include "sweep/collect.h"

namespace tape {
namespace {

std::string esc(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string text_of(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v.get<double>());
    return buf;
  }
  return dump_json(v);
}

// Red (the lowest) through yellow to green (the highest).
std::string color_of(double v, double lo, double hi) {
  const double t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
  char buf[32];
  std::snprintf(buf, sizeof buf, "hsl(%d,70%%,%d%%)", static_cast<int>(t * 120), 75);
  return buf;
}

const char* kStyle = R"(<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin:12px 0}
th,td{border:1px solid #ccc;padding:3px 7px;text-align:right;white-space:nowrap}
th{background:#f2f2f2;cursor:pointer;user-select:none}
td.t{text-align:left}
tr.failed td,tr.bad_log td{background:#fde8e8}
tr.pending td,tr.running td,tr.interrupted td{background:#f4f4f4;color:#777}
.heat td{width:80px;text-align:center}
.muted{color:#777}
</style>)";

// Click a header to sort by it; numbers sort as numbers, empty cells last.
const char* kScript = R"(<script>
document.querySelectorAll('table.sortable').forEach(function(t){
  t.querySelectorAll('th').forEach(function(th,i){
    th.addEventListener('click',function(){
      var asc=th.dataset.dir!=='asc'; th.dataset.dir=asc?'asc':'desc';
      var body=t.tBodies[0], rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){
        var x=a.cells[i].textContent, y=b.cells[i].textContent;
        if(x===''&&y!=='') return 1; if(y===''&&x!=='') return -1;
        var nx=parseFloat(x), ny=parseFloat(y);
        var c=(!isNaN(nx)&&!isNaN(ny)&&isFinite(x)&&isFinite(y))?nx-ny:x.localeCompare(y);
        return asc?c:-c;});
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
});
</script>)";

std::string table(const CollectReport& r) {
  std::vector<std::string> keys = r.plan.zip_keys;
  keys.insert(keys.end(), r.plan.grid_keys.begin(), r.plan.grid_keys.end());
  std::string h = "<table class=\"sortable\" id=\"runs\"><thead><tr><th>index</th><th>id</th><th>status</th>";
  for (const std::string& k : keys) h += "<th>" + esc(k) + "</th>";
  if (!r.plan.seed_key.empty()) h += "<th>seed</th>";
  h += "<th>final value</th><th>trades</th>";
  for (const std::string& f : r.figures) h += "<th>" + esc(f) + "</th>";
  h += "<th>chain head</th><th>error</th></tr></thead><tbody>\n";
  for (const CollectedRow& row : r.rows) {
    const bool done = row.status == "done";
    h += "<tr class=\"" + esc(row.status) + "\"><td>" + std::to_string(row.run->index) +
         "</td><td class=\"t\">" + esc(row.run->id) + "</td><td class=\"t\">" + esc(row.status) + "</td>";
    for (const std::string& k : keys) {
      h += "<td>" + esc(row.run->params.contains(k) ? text_of(row.run->params[k]) : "") + "</td>";
    }
    if (!r.plan.seed_key.empty()) h += "<td>" + (row.run->seed ? std::to_string(*row.run->seed) : "") + "</td>";
    h += "<td>" + esc(done ? row.summary.value("final_value_exact", "") : "") + "</td>";
    h += "<td>" + (done ? std::to_string(row.summary.value("trades_closed", uint64_t{0})) : "") + "</td>";
    for (const std::string& f : r.figures) h += "<td>" + esc(text_of(row_figure(row, f))) + "</td>";
    h += "<td class=\"t\"><code>" + esc(done ? row.summary.value("chain_head", "").substr(0, 16) : "") +
         "</code></td><td class=\"t\">" + esc(row.error) + "</td></tr>\n";
  }
  return h + "</tbody></table>\n";
}

// The values a key takes, in plan order.
std::vector<std::string> values_of(const CollectReport& r, const std::string& key) {
  std::vector<std::string> out;
  for (const CollectedRow& row : r.rows) {
    const std::string v = dump_json(row.run->params[key]);
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

// One heatmap per value of the other axes (zip entry and seed): rows the first grid key's
// values, columns the second's.
std::string heatmaps(const CollectReport& r, const std::string& figure) {
  if (r.plan.grid_keys.size() != 2) return "";
  const std::string& ky = r.plan.grid_keys[0];
  const std::string& kx = r.plan.grid_keys[1];
  const std::vector<std::string> ys = values_of(r, ky), xs = values_of(r, kx);
  std::map<std::string, std::map<std::pair<std::string, std::string>, const CollectedRow*>> groups;
  std::vector<std::string> order;
  for (const CollectedRow& row : r.rows) {
    std::string group;
    for (const std::string& k : r.plan.zip_keys) group += k + " = " + text_of(row.run->params[k]) + "  ";
    if (row.run->seed) group += "seed = " + std::to_string(*row.run->seed);
    if (!groups.count(group)) order.push_back(group);
    groups[group][{dump_json(row.run->params[ky]), dump_json(row.run->params[kx])}] = &row;
  }
  double lo = INFINITY, hi = -INFINITY;
  for (const CollectedRow& row : r.rows) {
    const Json v = row_figure(row, figure);
    if (v.is_number()) {
      lo = std::min(lo, v.get<double>());
      hi = std::max(hi, v.get<double>());
    }
  }
  std::string h = "<h2>" + esc(figure) + " by " + esc(ky) + " (rows) and " + esc(kx) + " (columns)</h2>\n";
  for (const std::string& g : order) {
    if (!g.empty()) h += "<h3>" + esc(g) + "</h3>\n";
    h += "<table class=\"heat\"><tr><th>" + esc(ky) + " \\ " + esc(kx) + "</th>";
    for (const std::string& x : xs) h += "<th>" + esc(text_of(*parse_json(x))) + "</th>";
    h += "</tr>\n";
    for (const std::string& y : ys) {
      h += "<tr><th>" + esc(text_of(*parse_json(y))) + "</th>";
      for (const std::string& x : xs) {
        auto it = groups[g].find({y, x});
        if (it == groups[g].end()) {
          h += "<td class=\"muted\">-</td>";
          continue;
        }
        const Json v = row_figure(*it->second, figure);
        if (v.is_number()) {
          h += "<td style=\"background:" + color_of(v.get<double>(), lo, hi) + "\" title=\"run " +
               std::to_string(it->second->run->index) + "\">" + esc(text_of(v)) + "</td>";
        } else {
          h += "<td class=\"muted\" title=\"" + esc(it->second->error) + "\">" + esc(it->second->status) + "</td>";
        }
      }
      h += "</tr>\n";
    }
    h += "</table>\n";
  }
  return h;
}

}  // namespace

std::string results_html(const CollectReport& r, const std::string& figure) {
  std::string h = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>sweep " + esc(r.plan.name) +
                  "</title>" + kStyle + "</head><body>\n";
  h += "<h1>sweep " + esc(r.plan.name) + "</h1>\n<p>" + std::to_string(r.rows.size()) + " runs: " +
       std::to_string(r.done) + " done, " + std::to_string(r.failed) + " failed, " +
       std::to_string(r.unfinished) + " not finished. Base config <code>" + esc(r.plan.config) +
       "</code>, sweep file <code>" + esc(r.plan.sweep_file) + "</code>.</p>\n";
  h += heatmaps(r, figure);
  h += "<h2>Runs</h2><p class=\"muted\">Click a column to sort by it.</p>\n" + table(r);
  h += std::string(kScript) + "</body></html>\n";
  return h;
}

}  // namespace tape
