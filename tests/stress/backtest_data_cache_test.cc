// `tape backtest --data-cache DIR` (session/data_cache.h): the config's files are imported once
// per distinct data and read from the cache after; the run is the same with the cache as
// without it; a changed file or import option is a new entry; a damaged entry is an error naming
// it; a killed import's leftovers are removed.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_util.h"

namespace tape {
namespace {

namespace fs = std::filesystem;
using testing_util::run_tape;
using testing_util::slurp;
using testing_util::TempDir;

const std::string kOrcl = std::string(TAPE_SHARED_DATA) + "/orcl-1995-2014.txt";
const std::string kConfig = std::string(TAPE_SOURCE_DIR) + "/examples/sma_cross/sma_cross.toml";

struct CachedRun {
  int exit_code = -1;
  std::string err;
  nlohmann::json summary;
};

CachedRun backtest(const std::string& out, const std::string& args) {
  auto r = run_tape("backtest " + kConfig + " --out " + out + " --json " + args);
  CachedRun run{r.exit_code, r.err, {}};
  if (r.exit_code == 0) run.summary = nlohmann::json::parse(r.out);
  return run;
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(BacktestDataCache, ImportsOnceAndRunsExactlyAsWithoutIt) {
  TempDir d("data_cache_same");
  const std::string cache = d.path() + "/cache";
  const CachedRun plain = backtest(d.path() + "/plain", "");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_FALSE(plain.summary.contains("data_cache"));
  const CachedRun cold = backtest(d.path() + "/cold", "--data-cache " + cache);
  ASSERT_EQ(cold.exit_code, 0) << cold.err;
  const CachedRun warm = backtest(d.path() + "/warm", "--data-cache " + cache);
  ASSERT_EQ(warm.exit_code, 0) << warm.err;

  EXPECT_EQ(cold.summary["data_cache"]["hit"], false);
  EXPECT_EQ(warm.summary["data_cache"]["hit"], true);
  const std::vector<std::string> names = entries(cache);
  ASSERT_EQ(names.size(), 1u) << "one entry, no temporary dir left";
  EXPECT_EQ(names[0].size(), 64u);
  EXPECT_EQ(warm.summary["data_cache"]["entry"], cache + "/" + names[0]);
  for (const CachedRun* r : {&cold, &warm}) {
    for (const char* key : {"chain_head", "state_hash", "data_chain_head", "data", "fills",
                            "trades_closed", "final_value_exact", "analytics"}) {
      EXPECT_EQ(r->summary[key], plain.summary[key]) << key;
    }
  }
  for (const char* file : {"trades.csv", "fills.csv", "equity.csv"}) {
    EXPECT_EQ(slurp(d.path() + "/warm/" + file), slurp(d.path() + "/plain/" + file)) << file;
  }
  // The run log names the files, not the cache: diff finds nothing, audit passes.
  EXPECT_EQ(run_tape("diff " + d.path() + "/plain " + d.path() + "/warm").exit_code, 0);
  auto audit = run_tape("audit --data-dir " + d.path() + "/warm --expect-head " +
                        plain.summary["chain_head"].get<std::string>());
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
  EXPECT_FALSE(fs::exists(d.path() + "/warm.data-" + std::to_string(::getpid())));
}

TEST(BacktestDataCache, AChangedFileOrImportOptionIsANewEntry) {
  TempDir d("data_cache_keys");
  fs::create_directories(d.path());
  const std::string cache = d.path() + "/cache";
  const std::string file = d.path() + "/orcl.csv";
  fs::copy_file(kOrcl, file);
  const std::string data = "--set data.file=" + file + " --data-cache " + cache;
  const CachedRun first = backtest(d.path() + "/a", data);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(entries(cache).size(), 1u);

  // One more lot size: another import option, another entry.
  const CachedRun lots = backtest(d.path() + "/b", data + " --set data.lot_size=10");
  ASSERT_EQ(lots.exit_code, 0) << lots.err;
  EXPECT_EQ(lots.summary["data_cache"]["hit"], false);
  EXPECT_EQ(entries(cache).size(), 2u);

  // The last bar's volume one share higher (its last digit): the same path, other bytes.
  testing_util::rewrite_file(file, [](std::string& bytes) {
    size_t i = bytes.size() - 1;
    while (i > 0 && (bytes[i] < '0' || bytes[i] > '9')) --i;
    bytes[i] = bytes[i] == '9' ? '8' : static_cast<char>(bytes[i] + 1);
  });
  const CachedRun changed = backtest(d.path() + "/c", data);
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_EQ(changed.summary["data_cache"]["hit"], false);
  EXPECT_EQ(entries(cache).size(), 3u);
  EXPECT_NE(changed.summary["data_chain_head"], first.summary["data_chain_head"]);

  // And the original bytes again: the first entry.
  fs::remove(file);
  fs::copy_file(kOrcl, file);
  const CachedRun again = backtest(d.path() + "/d", data);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.summary["data_cache"]["hit"], true);
  EXPECT_EQ(again.summary["data_cache"]["entry"], first.summary["data_cache"]["entry"]);
  EXPECT_EQ(again.summary["chain_head"], first.summary["chain_head"]);
}

TEST(BacktestDataCache, ADamagedEntryIsExit4NamingIt) {
  TempDir d("data_cache_damaged");
  const std::string cache = d.path() + "/cache";
  const CachedRun first = backtest(d.path() + "/a", "--data-cache " + cache);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string entry = first.summary["data_cache"]["entry"];
  for (const auto& e : fs::directory_iterator(entry)) {
    if (e.path().extension() == ".sst") fs::resize_file(e.path(), 100);
  }
  auto r = run_tape("backtest " + kConfig + " --out " + d.path() + "/b --data-cache " + cache);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("data cache entry " + entry + " is damaged"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("remove it"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d.path() + "/b/summary.json"));

  // Removed as the message says: imported again, the same run.
  fs::remove_all(entry);
  const CachedRun again = backtest(d.path() + "/c", "--data-cache " + cache);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.summary["data_cache"]["hit"], false);
  EXPECT_EQ(again.summary["chain_head"], first.summary["chain_head"]);
}

TEST(BacktestDataCache, AKilledImportsLeftoversOnThisHostAreRemoved) {
  TempDir d("data_cache_leftovers");
  const std::string cache = d.path() + "/cache";
  const CachedRun first = backtest(d.path() + "/a", "--data-cache " + cache);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string entry = first.summary["data_cache"]["entry"];
  fs::remove_all(entry);
  // A process that is gone, as an import killed midway leaves its dirs.
  const pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  std::string h(host);
  for (char& c : h) {
    if (c == '/' || c == '.') c = '_';
  }
  const std::string leftover = entry + "." + h + "-" + std::to_string(dead);
  fs::create_directories(leftover + ".importing-" + std::to_string(dead));
  fs::create_directories(leftover);
  std::ofstream(leftover + "/CURRENT") << "half";
  // Someone else's (a live process: this test) is left alone.
  const std::string live = entry + "." + h + "-" + std::to_string(::getpid());
  fs::create_directories(live);

  const CachedRun again = backtest(d.path() + "/b", "--data-cache " + cache);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.summary["chain_head"], first.summary["chain_head"]);
  EXPECT_FALSE(fs::exists(leftover));
  EXPECT_FALSE(fs::exists(leftover + ".importing-" + std::to_string(dead)));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(entry));
}

}  // namespace
}  // namespace tape
