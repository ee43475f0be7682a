#include "session/plugin.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <utility>

#include "feed/import.h"
#include "sim/scenario_reader.h"
#include "tape/plugin.h"

namespace tape {
namespace {

std::string dl_error() {
  const char* e = dlerror();
  return e == nullptr ? "unknown dlopen error" : e;
}

}  // namespace

Result<LoadedPlugin> load_plugin(const std::string& path) {
  struct stat st{};
  if (path.empty() || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::invalid("plugin " + path + ": no such file");
  }
  uint64_t bytes = 0;
  Result<std::string> sha = file_sha256(path, bytes);
  if (!sha.is_ok()) return Status::invalid("plugin " + sha.status().message());

  // dlopen searches the library path for a bare name; "./" pins it to the file just hashed.
  const std::string open_path = path.find('/') == std::string::npos ? "./" + path : path;
  void* handle = dlopen(open_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return Status::invalid("plugin " + path + ": cannot load: " + dl_error());
  std::shared_ptr<const void> library(handle, [](const void* h) { dlclose(const_cast<void*>(h)); });

  dlerror();
  void* entry = dlsym(handle, TAPE_PLUGIN_ENTRY_POINT);
  if (entry == nullptr) {
    return Status::invalid("plugin " + path + ": no entry point " TAPE_PLUGIN_ENTRY_POINT
                           " (not a tape strategy plugin?)");
  }
  const auto fn = reinterpret_cast<tape_strategy_plugin_v1_fn>(entry);
  ASSIGN_OR_RETURN(std::shared_ptr<const PluginFactory> factory,
                   PluginFactory::make(fn(), std::move(library), path));

  LoadedPlugin out;
  out.path = path;
  out.sha256 = std::move(sha).value();
  out.abi_version = factory->abi_version();
  out.name = factory->name();
  out.params = factory->params();
  out.factory = std::move(factory);
  return out;
}

namespace {

// An error naming the first key of `params` that `decls` do not declare (and the closest
// declared name), else ok.
Status check_known_keys(const std::string& who, const std::vector<PluginParamDecl>& decls,
                        const std::vector<PluginParam>& params) {
  std::vector<std::string> declared;
  for (const PluginParamDecl& d : decls) declared.push_back(d.name);
  for (const PluginParam& p : params) {
    bool known = false;
    for (const std::string& d : declared) known = known || d == p.key;
    if (known) continue;
    const std::string near = scenario_detail::closest_key(p.key, declared);
    std::string msg = who + ": unknown parameter '" + p.key + "'";
    if (!near.empty()) msg += " (did you mean '" + near + "'?)";
    if (declared.empty()) msg += " (it declares none)";
    return Status::invalid(msg);
  }
  return Status::ok();
}

}  // namespace

Status check_params(const LoadedPlugin& plugin, const std::vector<PluginParam>& params) {
  const std::string who = "plugin '" + plugin.name + "' (" + plugin.path + ")";
  RETURN_IF_ERROR(check_known_keys(who, plugin.params, params));
  Result<std::vector<PluginParamValue>> values = plugin.factory->resolve(params);
  if (!values.is_ok()) return Status::invalid(who + ": " + values.status().message());
  Result<void*> instance = plugin.factory->create(values.value());
  if (!instance.is_ok()) return instance.status();
  plugin.factory->table().destroy(instance.value());
  return Status::ok();
}

Status check_builtin_params(const BuiltinSpec& spec, const std::vector<PluginParam>& params) {
  const std::string who = "built-in '" + spec.name + "'";
  RETURN_IF_ERROR(check_known_keys(who, spec.params, params));
  Result<std::vector<PluginParamValue>> values = resolve_params(spec.params, params, who);
  if (!values.is_ok()) return Status::invalid(who + ": " + values.status().message());
  Status ranges = check_builtin_ranges(spec, values.value());
  if (!ranges.is_ok()) return Status::invalid(who + ": " + ranges.message());
  return Status::ok();
}

void set_plugin(StrategyConfig& config, const LoadedPlugin& plugin) {
  config.kind = StrategyKind::kPlugin;
  config.plugin = plugin.factory;
  config.plugin_path = plugin.path;
  config.plugin_sha256 = plugin.sha256;
  config.plugin_abi = plugin.abi_version;
}

}  // namespace tape
