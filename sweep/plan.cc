#include "sweep/plan.h"

#include <filesystem>
#include <map>
#include <sstream>

#include <toml++/toml.h>

#include "feed/import.h"
#include "session/backtest_config.h"
#include "session/plugin.h"
#include "sim/scenario_reader.h"
#include "store/chain.h"
#include "store/event_log.h"
#include "sweep/prefixed.h"

namespace tape {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPlanFormat = "tape-sweep-plan-1";
constexpr const char* kIdentityVersion = "tape-sweep-run-id-1\n";
constexpr size_t kIdHexDigits = 16;

// What the files a config names hold, each hashed once per plan.
class ContentHashes {
 public:
  Result<std::string> file(const std::string& path, const std::string& key) {
    auto it = files_.find(path);
    if (it != files_.end()) return it->second;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      return Status::invalid("'" + key + "': " + path + " is not a file");
    }
    uint64_t bytes = 0;
    ASSIGN_OR_RETURN(std::string sha, file_sha256(path, bytes));
    return files_[path] = "sha256:" + sha;
  }
  Result<std::string> data_log(const std::string& dir) {
    auto it = logs_.find(dir);
    if (it != logs_.end()) return it->second;
    Result<std::unique_ptr<EventLog>> log = EventLog::open(dir, /*read_only=*/true);
    if (!log.is_ok()) {
      return Status::invalid("'data.log': " + dir + ": " + log.status().message());
    }
    return logs_[dir] = "chain:" + log.value()->chain_head();
  }

 private:
  std::map<std::string, std::string> files_, logs_;
};

// The config's identity text: its canonical TOML with paths replaced by content hashes.
Result<std::string> identity_of(const BacktestConfig& c, ContentHashes& hashes) {
  toml::table tree;
  try {
    tree = toml::parse(c.canonical_toml, std::string_view("canonical config"));
  } catch (const toml::parse_error& e) {
    return Status::invalid("the resolved config does not parse back: " + std::string(e.description()));
  }
  if (toml::table* d = tree["data"].as_table()) {
    if (!c.data.log.empty()) {
      ASSIGN_OR_RETURN(std::string head, hashes.data_log(c.data.log));
      d->insert_or_assign("log", head);
    }
    if (!c.data.files.empty()) {
      toml::array files;
      for (const std::string& f : c.data.files) {
        ASSIGN_OR_RETURN(std::string sha, hashes.file(f, "data.files"));
        files.push_back(sha);
      }
      d->insert_or_assign("files", std::move(files));
    }
  }
  if (toml::array* list = tree["strategies"].as_array()) {
    for (size_t i = 0; i < list->size() && i < c.strategies.size(); ++i) {
      toml::table* t = (*list)[i].as_table();
      if (!t) continue;
      ASSIGN_OR_RETURN(std::string sha, hashes.file(c.strategies[i].plugin,
                                                    "strategies." + std::to_string(i) + ".plugin"));
      t->insert_or_assign("plugin", sha);
    }
  }
  std::ostringstream out;
  out << kIdentityVersion << tree;
  return out.str();
}

class Plugins {
 public:
  Result<const LoadedPlugin*> get(const std::string& path) {
    auto it = loaded_.find(path);
    if (it == loaded_.end()) {
      ASSIGN_OR_RETURN(LoadedPlugin p, load_plugin(path));
      it = loaded_.emplace(path, std::move(p)).first;
    }
    return &it->second;
  }

 private:
  std::map<std::string, LoadedPlugin> loaded_;
};

// Each strategy's parameter names are ones its plugin declares (values are checked per run:
// one value alone may be refused only in combination, fast >= slow say).
Status check_param_names(const BacktestConfig& c, Plugins& plugins) {
  for (size_t i = 0; i < c.strategies.size(); ++i) {
    ASSIGN_OR_RETURN(const LoadedPlugin* p, plugins.get(c.strategies[i].plugin));
    std::vector<std::string> declared;
    for (const PluginParamDecl& d : p->params) declared.push_back(d.name);
    for (const PluginParam& param : c.strategies[i].params) {
      if (std::find(declared.begin(), declared.end(), param.key) != declared.end()) continue;
      std::string msg = "'strategies." + std::to_string(i) + ".params." + param.key +
                        "': plugin '" + p->name + "' declares no parameter '" + param.key + "'";
      const std::string near = scenario_detail::closest_key(param.key, declared);
      if (!near.empty()) msg += " (did you mean 'strategies." + std::to_string(i) + ".params." + near + "'?)";
      return Status::invalid(msg);
    }
  }
  return Status::ok();
}

// Each strategy's parameter values have the types its plugin declares (every parameter has a
// default, so this depends on the values given alone, not on their combination).
Status check_param_types(const BacktestConfig& c, Plugins& plugins) {
  for (const BacktestStrategy& s : c.strategies) {
    ASSIGN_OR_RETURN(const LoadedPlugin* p, plugins.get(s.plugin));
    Result<std::vector<PluginParamValue>> values = p->factory->resolve(s.params);
    if (!values.is_ok()) {
      return Status::invalid("plugin '" + p->name + "' (" + p->path + "): " + values.status().message());
    }
  }
  return Status::ok();
}

Status check_params_all(const BacktestConfig& c, Plugins& plugins) {
  for (const BacktestStrategy& s : c.strategies) {
    ASSIGN_OR_RETURN(const LoadedPlugin* p, plugins.get(s.plugin));
    RETURN_IF_ERROR(check_params(*p, s.params));
  }
  return Status::ok();
}

// Each value of each axis alone on the base: a key the config or its plugin does not know, a
// value of the wrong type, a file that is not there is named where the sweep file writes it.
Status check_axis(const SweepSpec& spec, const SweepAxis& axis, const char* section,
                  Plugins& plugins, ContentHashes& hashes) {
  for (const SweepValue& v : axis.values) {
    std::vector<std::string> overrides = spec.set;
    overrides.push_back(axis.key + "=" + v.toml);
    Result<BacktestConfig> c = load_backtest_file(spec.config, overrides);
    Status st = c.is_ok() ? check_param_names(c.value(), plugins) : c.status();
    if (st.is_ok()) st = check_param_types(c.value(), plugins);
    if (st.is_ok()) st = identity_of(c.value(), hashes).status();  // the files it names exist
    if (!st.is_ok()) {
      return prefixed(st, axis.where + ": [" + section + "] '" + axis.key + "' = " + v.text + ": ");
    }
  }
  return Status::ok();
}

std::string describe(const PlannedRun& r) {
  std::string out;
  for (const auto& [k, v] : r.params.items()) {
    out += (out.empty() ? "" : ", ") + k + "=" + (v.is_string() ? v.get<std::string>() : dump_json(v));
  }
  if (r.seed) out += (out.empty() ? "seed=" : ", seed=") + std::to_string(*r.seed);
  return out;
}

// Run `index`'s overrides and axis values, from its mixed-radix digits.
PlannedRun expand(const SweepSpec& spec, size_t index) {
  PlannedRun r;
  r.index = index;
  r.overrides = spec.set;
  size_t rest = index;
  const size_t seeds = spec.seeds.empty() ? 1 : spec.seeds.size();
  const size_t seed_i = rest % seeds;
  rest /= seeds;
  std::vector<size_t> grid_i(spec.grid.size());
  for (size_t a = spec.grid.size(); a-- > 0;) {
    grid_i[a] = rest % spec.grid[a].values.size();
    rest /= spec.grid[a].values.size();
  }
  for (const SweepAxis& a : spec.zip) {
    r.overrides.push_back(a.key + "=" + a.values[rest].toml);
    r.params[a.key] = a.values[rest].json;
  }
  for (size_t a = 0; a < spec.grid.size(); ++a) {
    const SweepValue& v = spec.grid[a].values[grid_i[a]];
    r.overrides.push_back(spec.grid[a].key + "=" + v.toml);
    r.params[spec.grid[a].key] = v.json;
  }
  if (!spec.seeds.empty()) {
    r.seed = spec.seeds[seed_i];
    r.overrides.push_back(spec.seed_key + "=" + std::to_string(*r.seed));
  }
  return r;
}

}  // namespace

Result<SweepPlan> make_plan(const SweepSpec& spec) {
  SweepPlan plan;
  plan.name = spec.name;
  plan.sweep_file = spec.path;
  plan.config = spec.config;
  plan.seed_key = spec.seed_key;
  for (const SweepAxis& a : spec.zip) plan.zip_keys.push_back(a.key);
  for (const SweepAxis& a : spec.grid) plan.grid_keys.push_back(a.key);
  Plugins plugins;
  {
    Result<BacktestConfig> base = load_backtest_file(spec.config, spec.set);
    Status st = base.is_ok() ? check_param_names(base.value(), plugins) : base.status();
    if (st.is_ok()) st = check_param_types(base.value(), plugins);
    if (!st.is_ok()) return prefixed(st, spec.config_where + ": 'sweep.config' (with [set]): ");
  }
  ContentHashes hashes;
  for (const SweepAxis& a : spec.zip) RETURN_IF_ERROR(check_axis(spec, a, "zip", plugins, hashes));
  for (const SweepAxis& a : spec.grid) RETURN_IF_ERROR(check_axis(spec, a, "grid", plugins, hashes));
  ASSIGN_OR_RETURN(const size_t count, sweep_run_count(spec));
  std::map<std::string, size_t> by_id;
  for (size_t i = 0; i < count; ++i) {
    PlannedRun r = expand(spec, i);
    auto fail = [&](const Status& st) {
      return prefixed(st, spec.path + ": run " + std::to_string(i) + " (" + describe(r) + "): ");
    };
    Result<BacktestConfig> c = load_backtest_file(spec.config, r.overrides);
    if (!c.is_ok()) return fail(c.status());
    if (Status st = check_params_all(c.value(), plugins); !st.is_ok()) return fail(st);
    Result<std::string> identity = identity_of(c.value(), hashes);
    if (!identity.is_ok()) return fail(identity.status());
    r.id = sha256_hex(identity.value()).substr(0, kIdHexDigits);
    if (auto [it, fresh] = by_id.emplace(r.id, i); !fresh) {
      return fail(Status::invalid("resolves to the same config as run " + std::to_string(it->second) +
                                  " (" + describe(plan.runs[it->second]) + "); each run must differ"));
    }
    plan.runs.push_back(std::move(r));
  }
  return plan;
}

std::vector<const PlannedRun*> shard_runs(const SweepPlan& plan, size_t shard, size_t shards) {
  std::vector<const PlannedRun*> out;
  for (const PlannedRun& r : plan.runs) {
    if (shards == 0 || r.index % shards == shard) out.push_back(&r);
  }
  return out;
}

Json plan_to_json(const SweepPlan& plan) {
  Json runs = Json::array();
  for (const PlannedRun& r : plan.runs) {
    Json j = {{"index", r.index}, {"id", r.id}, {"params", r.params}};
    if (r.seed) j["seed"] = *r.seed;
    j["overrides"] = r.overrides;
    runs.push_back(std::move(j));
  }
  return {{"format", kPlanFormat}, {"name", plan.name},        {"sweep_file", plan.sweep_file},
          {"config", plan.config}, {"zip_keys", plan.zip_keys}, {"grid_keys", plan.grid_keys},
          {"seed_key", plan.seed_key}, {"count", plan.runs.size()}, {"runs", std::move(runs)}};
}

Result<SweepPlan> plan_from_json(const Json& j, const std::string& file) {
  auto bad = [&](const std::string& what) {
    return Status::invalid(file + ": not a sweep plan (" + what + ")");
  };
  if (!j.is_object() || j.value("format", "") != kPlanFormat) return bad("format is not " + std::string(kPlanFormat));
  try {
    SweepPlan p;
    p.name = j.at("name").get<std::string>();
    p.sweep_file = j.at("sweep_file").get<std::string>();
    p.config = j.at("config").get<std::string>();
    p.zip_keys = j.at("zip_keys").get<std::vector<std::string>>();
    p.grid_keys = j.at("grid_keys").get<std::vector<std::string>>();
    p.seed_key = j.at("seed_key").get<std::string>();
    for (const Json& r : j.at("runs")) {
      PlannedRun run;
      run.index = r.at("index").get<size_t>();
      run.id = r.at("id").get<std::string>();
      run.params = r.at("params");
      if (r.contains("seed")) run.seed = r.at("seed").get<int64_t>();
      run.overrides = r.at("overrides").get<std::vector<std::string>>();
      if (run.index != p.runs.size() || run.id.size() != kIdHexDigits ||
          run.id.find_first_not_of("0123456789abcdef") != std::string::npos) {
        return bad("run " + std::to_string(p.runs.size()) + " has a bad index or id");
      }
      p.runs.push_back(std::move(run));
    }
    return p;
  } catch (const Json::exception& e) {
    return bad(e.what());
  }
}

Result<Shard> parse_shard(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return Status::usage("--shard '" + text + "': " + why +
                           " (expected I/N: shard I of N, 0 <= I < N, e.g. --shard 0/4)");
  };
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return bad("no '/'");
  const std::string a = text.substr(0, slash), b = text.substr(slash + 1);
  auto number = [](const std::string& s, size_t& out) {
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) return false;
    out = std::stoul(s);
    return true;
  };
  Shard s;
  if (!number(a, s.index)) return bad("I is not a whole number");
  if (!number(b, s.count)) return bad("N is not a whole number");
  if (s.count == 0) return bad("N must be at least 1");
  if (s.count > kSweepRunsMax) return bad("N is over " + std::to_string(kSweepRunsMax));
  if (s.index >= s.count) return bad("I must be below N");
  return s;
}

}  // namespace tape
