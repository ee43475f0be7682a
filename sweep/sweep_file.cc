#include "sweep/sweep_file.h"

#include <algorithm>
#include <filesystem>

#include "sim/scenario_internal.h"
#include "sim/scenario_reader.h"

namespace tape {
namespace {

namespace fs = std::filesystem;
using scenario_detail::closest_key;
using scenario_detail::type_name;
using scenario_detail::where;

struct Leaf {
  std::string key;
  const toml::node* node;
};

std::string at(const toml::node& node, const std::string& file) { return where(node.source(), file); }

// Every key of `t` must be one of `allowed`; the first other one is an error naming it and the
// closest allowed key.
Status check_keys(const toml::table& t, const std::vector<std::string>& allowed,
                  const std::string& path, const std::string& file) {
  for (auto&& [key, value] : t) {
    const std::string k(key.str());
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
    std::string msg = at(value, file) + ": unknown key '" + (path.empty() ? k : path + "." + k) + "'";
    const std::string near = closest_key(k, allowed);
    if (!near.empty()) msg += " (did you mean '" + (path.empty() ? near : path + "." + near) + "'?)";
    msg += "; a sweep file has " + std::string(path.empty() ? "[sweep], [set], [grid] and [zip]"
                                                            : "name, config, seeds and seed_key");
    return Status::invalid(msg);
  }
  return Status::ok();
}

// The leaves of a table: "a.b.c" for a quoted key or a TOML dotted key alike, in the order they
// were written (toml++ keeps keys sorted; the source position gives the written order).
void flatten(const toml::table& t, const std::string& prefix, std::vector<Leaf>& out) {
  for (auto&& [key, value] : t) {
    const std::string k = prefix + std::string(key.str());
    if (const toml::table* sub = value.as_table()) {
      flatten(*sub, k + ".", out);
    } else {
      out.push_back({k, &value});
    }
  }
}

std::vector<Leaf> leaves_in_written_order(const toml::table& t) {
  std::vector<Leaf> out;
  flatten(t, "", out);
  std::stable_sort(out.begin(), out.end(), [](const Leaf& a, const Leaf& b) {
    const auto& sa = a.node->source().begin;
    const auto& sb = b.node->source().begin;
    return std::pair(sa.line, sa.column) < std::pair(sb.line, sb.column);
  });
  return out;
}

bool is_path_key(const std::string& key) {
  if (key == "data.file" || key == "data.files" || key == "data.log") return true;
  return key.starts_with("strategies.") && key.ends_with(".plugin");
}

// A relative path in a sweep file is relative to the sweep file; a bare plugin name stays bare
// (the backtest looks it up as it would in the config).
std::string resolve_value_path(const std::string& key, const std::string& value,
                               const std::string& dir) {
  if (value.empty() || fs::path(value).is_absolute()) return value;
  if (key.ends_with(".plugin") && value.find('/') == std::string::npos &&
      !value.ends_with(".so")) {
    return value;
  }
  return (fs::path(dir) / value).lexically_normal().string();
}

Result<SweepValue> scalar_value(const std::string& key, const toml::node& node,
                                const std::string& dir, const std::string& file) {
  SweepValue v;
  if (auto i = node.value_exact<int64_t>(); i && node.is_integer()) {
    v.toml = v.text = std::to_string(*i);
    v.json = *i;
  } else if (node.is_floating_point()) {
    const double d = *node.value<double>();
    v.toml = v.text = scenario_detail::format_double(d);
    v.json = d;
  } else if (node.is_boolean()) {
    const bool b = *node.value<bool>();
    v.toml = v.text = b ? "true" : "false";
    v.json = b;
  } else if (node.is_string()) {
    const std::string s = *node.value<std::string>();
    v.text = s;
    v.json = s;
    v.toml = scenario_detail::toml_quote(is_path_key(key) ? resolve_value_path(key, s, dir) : s);
  } else {
    return Status::invalid(at(node, file) + ": '" + key +
                           "' values must be numbers, strings or booleans (got " +
                           type_name(node) + ")");
  }
  return v;
}

// A value: a scalar, or a list of scalars (e.g. one run's data.files).
Result<SweepValue> value_of(const std::string& key, const toml::node& node, const std::string& dir,
                            const std::string& file) {
  const toml::array* list = node.as_array();
  if (!list) return scalar_value(key, node, dir, file);
  SweepValue v;
  v.json = Json::array();
  v.toml = "[";
  v.text = "[";
  for (size_t i = 0; i < list->size(); ++i) {
    ASSIGN_OR_RETURN(SweepValue e, scalar_value(key, (*list)[i], dir, file));
    v.toml += (i ? ", " : "") + e.toml;
    v.text += (i ? ", " : "") + e.text;
    v.json.push_back(e.json);
  }
  v.toml += "]";
  v.text += "]";
  return v;
}

Status check_key_text(const Leaf& leaf, const std::string& section, const std::string& file) {
  if (leaf.key.empty() || leaf.key.find_first_of("= \t") != std::string::npos ||
      leaf.key.front() == '.' || leaf.key.back() == '.' ||
      leaf.key.find("..") != std::string::npos) {
    return Status::invalid(at(*leaf.node, file) + ": [" + section + "] key '" + leaf.key +
                           "' is not a dotted config key (like strategies.0.params.fast)");
  }
  return Status::ok();
}

// An axis: a non-empty list of distinct values.
Result<SweepAxis> read_axis(const Leaf& leaf, const std::string& section, const std::string& dir,
                            const std::string& file) {
  RETURN_IF_ERROR(check_key_text(leaf, section, file));
  SweepAxis axis{leaf.key, at(*leaf.node, file), {}};
  const std::string name = "[" + section + "] '" + leaf.key + "'";
  const toml::array* list = leaf.node->as_array();
  if (!list || list->empty()) {
    return Status::invalid(axis.where + ": " + name + " must be a non-empty list of values, like [5, 10, 20] (got " +
                           (list ? std::string("an empty list") : std::string(type_name(*leaf.node))) + ")");
  }
  if (list->size() > kSweepAxisValuesMax) {
    return Status::invalid(axis.where + ": " + name + " has more than " +
                           std::to_string(kSweepAxisValuesMax) + " values (the limit)");
  }
  for (const toml::node& item : *list) {
    Result<SweepValue> v = value_of(leaf.key, item, dir, file);
    if (!v.is_ok()) return Status::invalid(v.status().message());
    for (const SweepValue& seen : axis.values) {
      if (seen.toml == v.value().toml) {
        return Status::invalid(at(item, file) + ": " + name + " lists " + v.value().text +
                               " twice (two runs would be the same run)");
      }
    }
    axis.values.push_back(std::move(v.value()));
  }
  return axis;
}

Status read_sweep_table(const toml::table& root, const std::string& file, const std::string& dir,
                        SweepSpec& s) {
  const toml::node* node = root.get("sweep");
  if (!node || !node->is_table()) {
    return Status::invalid(file + ": 'sweep' is required: a [sweep] table naming the base config");
  }
  const toml::table& t = *node->as_table();
  RETURN_IF_ERROR(check_keys(t, {"name", "config", "seeds", "seed_key"}, "sweep", file));
  auto string_key = [&](const char* key, std::string& out) -> Status {
    const toml::node* n = t.get(key);
    if (!n) return Status::ok();
    if (!n->is_string() || n->value<std::string>()->empty()) {
      return Status::invalid(at(*n, file) + ": 'sweep." + key + "' must be a non-empty string (got " +
                             type_name(*n) + ")");
    }
    out = *n->value<std::string>();
    return Status::ok();
  };
  RETURN_IF_ERROR(string_key("name", s.name));
  std::string config;
  RETURN_IF_ERROR(string_key("config", config));
  if (config.empty()) {
    return Status::invalid(at(t, file) + ": 'sweep.config' is required: the base backtest config");
  }
  s.config_where = at(*t.get("config"), file);
  s.config = fs::path(config).is_absolute() ? config : (fs::path(dir) / config).lexically_normal().string();
  RETURN_IF_ERROR(string_key("seed_key", s.seed_key));
  if (const toml::node* n = t.get("seeds")) {
    const toml::array* list = n->as_array();
    if (!list || list->empty()) {
      return Status::invalid(at(*n, file) + ": 'sweep.seeds' must be a non-empty list of integers");
    }
    for (const toml::node& item : *list) {
      const auto v = item.value_exact<int64_t>();
      if (!item.is_integer() || !v || *v < 0) {
        return Status::invalid(at(item, file) + ": 'sweep.seeds' values must be integers >= 0 (got " +
                               (v ? std::to_string(*v) : std::string(type_name(item))) + ")");
      }
      if (std::find(s.seeds.begin(), s.seeds.end(), *v) != s.seeds.end()) {
        return Status::invalid(at(item, file) + ": 'sweep.seeds' lists " + std::to_string(*v) + " twice");
      }
      s.seeds.push_back(*v);
    }
    s.seed_where = at(*n, file);
    if (s.seed_key.empty()) {
      return Status::invalid(at(*n, file) +
                             ": 'sweep.seed_key' is required with seeds: the config key each seed "
                             "is given to (a backtest has no seed of its own), e.g. "
                             "\"strategies.0.params.seed\"");
    }
  } else if (!s.seed_key.empty()) {
    return Status::invalid(at(*t.get("seed_key"), file) + ": 'sweep.seed_key' without 'sweep.seeds'");
  }
  return Status::ok();
}

// No key may be given by two sections (which would win would be a guess).
Status check_unique_keys(const SweepSpec& s, const std::vector<Leaf>& set,
                         const std::string& file) {
  std::vector<std::pair<std::string, std::string>> seen;  // key, where
  auto add = [&](const std::string& key, const std::string& loc) -> Status {
    for (const auto& [k, w] : seen) {
      if (k == key) return Status::invalid(loc + ": '" + key + "' is also given at " + w);
    }
    seen.emplace_back(key, loc);
    return Status::ok();
  };
  for (const Leaf& l : set) RETURN_IF_ERROR(add(l.key, at(*l.node, file)));
  for (const SweepAxis& a : s.zip) RETURN_IF_ERROR(add(a.key, a.where));
  for (const SweepAxis& a : s.grid) RETURN_IF_ERROR(add(a.key, a.where));
  if (!s.seed_key.empty()) RETURN_IF_ERROR(add(s.seed_key, s.seed_where));
  return Status::ok();
}

Status read_axes(const toml::table& root, const char* section, const std::string& dir,
                 const std::string& file, std::vector<SweepAxis>& out) {
  const toml::node* node = root.get(section);
  if (!node) return Status::ok();
  if (!node->is_table()) {
    return Status::invalid(at(*node, file) + ": '" + section + "' must be a table of key = [values]");
  }
  for (const Leaf& leaf : leaves_in_written_order(*node->as_table())) {
    ASSIGN_OR_RETURN(SweepAxis axis, read_axis(leaf, section, dir, file));
    out.push_back(std::move(axis));
  }
  return Status::ok();
}

}  // namespace

Result<SweepSpec> load_sweep_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return Status::invalid("cannot read sweep file '" + path + "': " +
                           (ec ? ec.message() : std::string("no such file")));
  }
  ASSIGN_OR_RETURN(toml::table root, scenario_detail::load_toml_tree(path, {}));
  SweepSpec s;
  s.path = fs::absolute(path, ec).lexically_normal().string();
  const std::string dir = fs::path(s.path).parent_path().string();
  s.name = fs::path(path).stem().string();
  if (s.name.ends_with(".sweep")) s.name.resize(s.name.size() - 6);
  RETURN_IF_ERROR(check_keys(root, {"sweep", "set", "grid", "zip"}, "", path));
  RETURN_IF_ERROR(read_sweep_table(root, path, dir, s));
  std::vector<Leaf> set;
  if (const toml::node* node = root.get("set")) {
    if (!node->is_table()) return Status::invalid(at(*node, path) + ": 'set' must be a table of key = value");
    set = leaves_in_written_order(*node->as_table());
    for (const Leaf& leaf : set) {
      RETURN_IF_ERROR(check_key_text(leaf, "set", path));
      Result<SweepValue> v = value_of(leaf.key, *leaf.node, dir, path);
      if (!v.is_ok()) return Status::invalid(v.status().message());
      s.set.push_back(leaf.key + "=" + v.value().toml);
    }
  }
  RETURN_IF_ERROR(read_axes(root, "zip", dir, path, s.zip));
  RETURN_IF_ERROR(read_axes(root, "grid", dir, path, s.grid));
  for (const SweepAxis& a : s.zip) {
    if (a.values.size() != s.zip.front().values.size()) {
      return Status::invalid(a.where + ": [zip] '" + a.key + "' has " + std::to_string(a.values.size()) +
                             " values but '" + s.zip.front().key + "' has " +
                             std::to_string(s.zip.front().values.size()) +
                             " (zipped lists are walked together: one length)");
    }
  }
  RETURN_IF_ERROR(check_unique_keys(s, set, path));
  RETURN_IF_ERROR(sweep_run_count(s).status());
  return s;
}

Result<size_t> sweep_run_count(const SweepSpec& s) {
  size_t n = s.zip.empty() ? 1 : s.zip.front().values.size();
  auto times = [&](size_t k) -> Status {
    if (k != 0 && n > kSweepRunsMax / k) {
      return Status::invalid(s.path + ": the sweep has more than " + std::to_string(kSweepRunsMax) +
                             " runs (the limit); split it into several sweep files");
    }
    n *= k;
    return Status::ok();
  };
  for (const SweepAxis& a : s.grid) RETURN_IF_ERROR(times(a.values.size()));
  if (!s.seeds.empty()) RETURN_IF_ERROR(times(s.seeds.size()));
  return n;
}

}  // namespace tape
