// Loading strategy plugins by path (DESIGN section 8, determinism rule 8).
//
// load_plugin opens a shared library with dlopen(RTLD_NOW | RTLD_LOCAL), finds its one entry
// point (tape_strategy_plugin_v1, include/tape/plugin.h), checks the table's ABI version against
// TAPE_PLUGIN_ABI_VERSION and records the SHA-256 of the file's bytes (hashed just before the
// load). The library stays loaded while any copy of LoadedPlugin::factory (or a StrategyConfig or
// core holding it) lives.
//
// A path without a '/' is taken relative to the working directory (never searched for on the
// library path), so the file hashed is the file loaded.
//
// Errors are Status::invalid (exit 2), naming the file: not found, not a loadable library (with
// dlerror's text), no entry point, an ABI version other than ours (naming both), a malformed
// table. A plugin whose load-time code crashes is not caught (it runs in-process).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/builtin_strategy.h"
#include "core/config.h"
#include "core/plugin_strategy.h"
#include "core/status.h"

namespace tape {

struct LoadedPlugin {
  std::string path;    // as given
  std::string sha256;  // 64 lowercase hex digits of the file's bytes
  uint32_t abi_version = 0;
  std::string name;    // the plugin's own name
  std::vector<PluginParamDecl> params;  // as declared, in declaration order
  std::shared_ptr<const PluginFactory> factory;
};

[[nodiscard]] Result<LoadedPlugin> load_plugin(const std::string& path);

// Checks a config's parameter table against the plugin's declarations: an unknown key is an
// error naming it and the closest declared name (when one is plausibly meant); a value of the
// wrong type names the key and the type expected; a repeated key is an error; missing keys take
// their defaults. Then builds (and destroys) one instance with the resolved values, so a value
// the plugin itself refuses is reported here with its message, before a run starts.
[[nodiscard]] Status check_params(const LoadedPlugin& plugin,
                                  const std::vector<PluginParam>& params);

// The same checks for a built-in strategy's parameter table (core/builtin_strategy.h), by its
// declarations: a built-in accepts every value of the declared type (it clamps out-of-range
// values, as its header says).
[[nodiscard]] Status check_builtin_params(const BuiltinSpec& spec,
                                          const std::vector<PluginParam>& params);

// Fills a kPlugin StrategyConfig's plugin fields (kind, plugin, plugin_path, plugin_sha256,
// plugin_abi) from `plugin`; the params are the caller's.
void set_plugin(StrategyConfig& config, const LoadedPlugin& plugin);

}  // namespace tape
