// A strategy plugin built out of tree: `cmake --install` this build into a temporary prefix, copy
// examples/sma_cross to a directory outside the source tree, configure and build it there with
// find_package(tape) against the prefix alone, then load the result by path and run it through
// a core next to the in-tree build of the same source.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_util.h"
#include "core/core.h"
#include "session/plugin.h"

namespace tape {
namespace {

namespace fs = std::filesystem;
using testing_util::slurp;
using testing_util::TempDir;

// Runs `cmd` through sh with its output in `log`; true on exit 0.
bool sh(const std::string& cmd, const std::string& log) {
  return std::system((cmd + " >" + log + " 2>&1").c_str()) == 0;
}

std::string q(const std::string& s) { return "'" + s + "'"; }

// The state hash after a few bars through a core hosting `plugin` with fast 2, slow 4.
std::string run_bars(const LoadedPlugin& plugin) {
  CoreConfig c;
  InstrumentConfig inst;
  inst.symbol = "T";
  c.instruments.push_back(inst);
  StrategyConfig s;
  s.name = "sma";
  set_plugin(s, plugin);
  s.params = {{"fast", "2"}, {"slow", "4"}};
  c.strategies.push_back(s);
  Core core(c, Recorder::Mode::kCollect, nullptr);
  const int64_t closes[] = {13, 12, 11, 10, 10, 14, 14, 10, 14, 10, 9, 20};
  uint64_t seq = 0;
  for (int64_t close : closes) {
    ++seq;
    const BarIn bar{InstrumentId(0), Price(close), Price(close + 1), Price(close - 1),
                    Price(close), Qty(100), 0};
    EXPECT_TRUE(core.process(Input{Seq(seq), Timestamp(int64_t(seq) * 1000), bar}).is_ok());
  }
  return core.state_hash();
}

TEST(PluginOutOfTree, InstalledPackageBuildsTheExampleThatLoadsAndRunsLikeTheInTreeBuild) {
  TempDir work("plugin_out_of_tree");
  const std::string prefix = work.path() + "/prefix";
  const std::string src = work.path() + "/sma_cross";
  fs::create_directories(work.path());

  const std::string install_log = work.path() + "/install.log";
  ASSERT_TRUE(sh(std::string(q(TAPE_CMAKE_COMMAND)) + " --install " + q(TAPE_BUILD_DIR) +
                     " --prefix " + q(prefix),
                 install_log))
      << slurp(install_log);
  for (const char* header : {"include/tape/strategy.h", "include/tape/plugin.h"}) {
    EXPECT_TRUE(fs::exists(prefix + "/" + header)) << header;
  }

  fs::copy(TAPE_SOURCE_DIR "/examples/sma_cross", src, fs::copy_options::recursive);
  fs::remove_all(src + "/build");
  const std::string configure_log = work.path() + "/configure.log";
  ASSERT_TRUE(sh(std::string(q(TAPE_CMAKE_COMMAND)) + " -S " + q(src) + " -B " + q(src + "/build") +
                     " -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=" + q(prefix) +
                     " -DCMAKE_CXX_COMPILER=" + q(TAPE_CXX_COMPILER),
                 configure_log))
      << slurp(configure_log);
  const std::string build_log = work.path() + "/build.log";
  ASSERT_TRUE(sh(std::string(q(TAPE_CMAKE_COMMAND)) + " --build " + q(src + "/build"), build_log))
      << slurp(build_log);
  // Built against the prefix only: the source tree's include/ is nowhere on its command lines.
  const std::string commands = slurp(build_log) + slurp(src + "/build/CMakeFiles/sma_cross.dir/flags.make");
  EXPECT_EQ(commands.find(TAPE_SOURCE_DIR "/include"), std::string::npos);

  Result<LoadedPlugin> outside = load_plugin(src + "/build/libsma_cross.so");
  ASSERT_TRUE(outside.is_ok()) << outside.status().message();
  EXPECT_EQ(outside->name, "sma_cross");
  EXPECT_EQ(outside->abi_version, TAPE_PLUGIN_ABI_VERSION);
  EXPECT_EQ(outside->params.size(), 3u);
  EXPECT_TRUE(check_params(outside.value(), {{"qty", "5"}}).is_ok());

  Result<LoadedPlugin> inside = load_plugin(TAPE_PLUGIN_SMA_CROSS);
  ASSERT_TRUE(inside.is_ok()) << inside.status().message();
  EXPECT_EQ(run_bars(outside.value()), run_bars(inside.value()));
}

}  // namespace
}  // namespace tape
