// Bad sweep files and bad sweep options, one test per kind: each is refused before any run
// starts, with the exit code of the CLI contract (DESIGN section 5: 2 for a bad file, naming the
// file, line:column and key; 1 for a bad option value, naming the option and its text).
#include <gtest/gtest.h>

#include <initializer_list>

#include "stress/sweep_test_util.h"

namespace tape {
namespace {

using namespace sweep_test;
using testing_util::CliResult;
using testing_util::run_tape;
using testing_util::TempDir;

const std::string kHead = "[sweep]\nname = \"bad\"\nconfig = \"" + kConfig + "\"\n";

class SweepBadFile : public testing::Test {
 protected:
  SweepBadFile() : dir_("sweep_bad") {}

  // Writes `text` as bad.sweep.toml, runs `tape sweep plan` and `tape sweep` on it and expects
  // both to exit `code` with a message holding each of `parts` (after "bad.sweep.toml" for a
  // position: the file as given on the command line). Nothing may have been run.
  void expect_refused(const std::string& text, int code, std::initializer_list<std::string> parts) {
    write_text(file(), text);
    for (const std::string& cmd : {"sweep plan " + file(), "sweep " + file() + " --out " + out()}) {
      const CliResult r = run_tape(cmd);
      EXPECT_EQ(r.exit_code, code) << cmd << "\n" << r.out << r.err;
      EXPECT_EQ(r.err.rfind("tape: ", 0), 0u) << r.err;
      EXPECT_NE(r.err.find(file()), std::string::npos) << "the message must name the file: " << r.err;
      for (const std::string& p : parts) EXPECT_NE(r.err.find(p), std::string::npos) << "wanted '" << p << "' in: " << r.err;
    }
    EXPECT_FALSE(std::filesystem::exists(out() + "/runs")) << "a refused sweep must not start a run";
  }
  // `tape sweep <good file> <options>` must exit 1 naming `parts`.
  void expect_bad_option(const std::string& options, std::initializer_list<std::string> parts) {
    write_text(file(), grid_sweep_text());
    const CliResult r = run_tape("sweep " + file() + " --out " + out() + " " + options);
    EXPECT_EQ(r.exit_code, 1) << options << "\n" << r.out << r.err;
    for (const std::string& p : parts) EXPECT_NE(r.err.find(p), std::string::npos) << "wanted '" << p << "' in: " << r.err;
    EXPECT_FALSE(std::filesystem::exists(out() + "/runs")) << "a refused sweep must not start a run";
  }
  std::string file() const { return dir_.path() + "/bad.sweep.toml"; }
  std::string out() const { return dir_.path() + "/out"; }

  TempDir dir_;
};

TEST_F(SweepBadFile, UnknownKeyInSweepTableNamesItAndTheClosest) {
  expect_refused(kHead + "nmae = \"x\"\n", 2, {"bad.sweep.toml:4:8", "unknown key 'sweep.nmae'", "did you mean 'sweep.name'"});
}

TEST_F(SweepBadFile, UnknownSectionNamesItAndTheClosest) {
  expect_refused(kHead + "[grids]\n\"strategies.0.params.fast\" = [5, 10]\n", 2,
                 {"bad.sweep.toml:4:1", "unknown key 'grids'", "did you mean 'grid'"});
}

TEST_F(SweepBadFile, GridKeyThatIsNoConfigKey) {
  expect_refused(kHead + "[grid]\n\"risk.max_ordr_qty\" = [1, 2]\n", 2,
                 {"bad.sweep.toml:5:23", "[grid] 'risk.max_ordr_qty'", "unknown key 'risk.max_ordr_qty'"});
}

TEST_F(SweepBadFile, GridKeyOfATopLevelTableThatDoesNotExist) {
  expect_refused(kHead + "[grid]\n\"nosuch.key\" = [1, 2]\n", 2, {"bad.sweep.toml:5:16", "[grid] 'nosuch.key'", "unknown key 'nosuch'"});
}

TEST_F(SweepBadFile, GridKeyOfAStrategyThatDoesNotExist) {
  expect_refused(kHead + "[grid]\n\"strategies.3.params.fast\" = [1, 2]\n", 2,
                 {"bad.sweep.toml:5:30", "[grid] 'strategies.3.params.fast'", "no table at index 3"});
}

TEST_F(SweepBadFile, GridKeyOfAParameterThePluginDoesNotDeclare) {
  expect_refused(kHead + "[grid]\n\"strategies.0.params.fastt\" = [1, 2]\n", 2,
                 {"bad.sweep.toml:5:31", "declares no parameter 'fastt'", "did you mean 'strategies.0.params.fast'"});
}

TEST_F(SweepBadFile, EmptyGridList) {
  expect_refused(kHead + "[grid]\n\"strategies.0.params.fast\" = []\n", 2,
                 {"bad.sweep.toml:5:30", "[grid] 'strategies.0.params.fast' must be a non-empty list", "empty list"});
}

TEST_F(SweepBadFile, GridValueThatIsNoList) {
  expect_refused(kHead + "[grid]\n\"strategies.0.params.fast\" = 5\n", 2,
                 {"bad.sweep.toml:5:30", "must be a non-empty list of values", "got integer"});
}

TEST_F(SweepBadFile, ZipListsOfDifferentLengths) {
  expect_refused(kHead + "[zip]\n\"strategies.0.params.fast\" = [5, 10]\n\"strategies.0.params.slow\" = [30, 50, 100]\n", 2,
                 {"bad.sweep.toml:6:30", "[zip] 'strategies.0.params.slow' has 3 values but 'strategies.0.params.fast' has 2"});
}

TEST_F(SweepBadFile, GridValueOfTheWrongTypeForThePlugin) {
  expect_refused(kHead + "[grid]\n\"strategies.0.params.fast\" = [5, \"ten\"]\n", 2,
                 {"bad.sweep.toml:5:30", "[grid] 'strategies.0.params.fast' = ten", "parameter 'fast': expected int"});
}

TEST_F(SweepBadFile, GridValueThatIsATable) {
  expect_refused(kHead + "[grid]\n\"strategies.0.params.fast\" = [{ a = 1 }]\n", 2,
                 {"bad.sweep.toml:5:31", "'strategies.0.params.fast' values must be numbers, strings or booleans", "got table"});
}

TEST_F(SweepBadFile, SweepKeysOfTheWrongType) {
  expect_refused("[sweep]\nconfig = 5\n", 2, {"bad.sweep.toml:2:10", "'sweep.config' must be a non-empty string", "got integer"});
  expect_refused("[sweep]\nname = 3\nconfig = \"" + kConfig + "\"\n", 2, {"bad.sweep.toml:2:8", "'sweep.name' must be a non-empty string"});
  expect_refused(kHead + "seeds = \"1\"\nseed_key = \"strategies.0.params.fast\"\n", 2,
                 {"bad.sweep.toml:4:9", "'sweep.seeds' must be a non-empty list of integers"});
  expect_refused(kHead + "seeds = [1, -2]\nseed_key = \"strategies.0.params.fast\"\n", 2,
                 {"bad.sweep.toml:4:13", "'sweep.seeds' values must be integers >= 0 (got -2)"});
}

TEST_F(SweepBadFile, SeedsWithoutSeedKey) {
  expect_refused(kHead + "seeds = [1, 2]\n", 2, {"bad.sweep.toml:4:9", "'sweep.seed_key' is required with seeds"});
}

TEST_F(SweepBadFile, RepeatedValueAndKeyGivenTwice) {
  expect_refused(kHead + "[grid]\n\"strategies.0.params.fast\" = [5, 5]\n", 2, {"bad.sweep.toml:5:34", "lists 5 twice"});
  expect_refused(kHead + "[zip]\n\"strategies.0.params.fast\" = [5, 6]\n[grid]\n\"strategies.0.params.fast\" = [7, 8]\n", 2,
                 {"bad.sweep.toml:7:30", "'strategies.0.params.fast' is also given at", "bad.sweep.toml:5:30"});
}

TEST_F(SweepBadFile, MissingBaseConfigKey) {
  expect_refused("[sweep]\nname = \"bad\"\n", 2, {"bad.sweep.toml:1:1", "'sweep.config' is required"});
  expect_refused("[grid]\n\"strategies.0.params.fast\" = [5]\n", 2, {"'sweep' is required"});
}

TEST_F(SweepBadFile, BaseConfigFileThatDoesNotExist) {
  expect_refused("[sweep]\nconfig = \"nothere.toml\"\n", 2, {"bad.sweep.toml:2:10", "'sweep.config'", "nothere.toml", "No such file"});
}

TEST_F(SweepBadFile, ZipDataFileThatDoesNotExist) {
  expect_refused(kHead + "[zip]\n\"data.file\" = [\"" + kOrcl + "\", \"missing.txt\"]\n", 2,
                 {"bad.sweep.toml:5:15", "[zip] 'data.file' = missing.txt", "missing.txt is not a file"});
}

TEST_F(SweepBadFile, ParameterCombinationThePluginRefusesNamesTheRun) {
  expect_refused(kHead + "[grid]\n\"strategies.0.params.fast\" = [5, 200]\n", 2,
                 {"run 1 (strategies.0.params.fast=200)", "fast < slow"});
}

TEST_F(SweepBadFile, TomlSyntaxError) {
  expect_refused("[sweep\nconfig = 1\n", 2, {"bad.sweep.toml:1:7", "TOML syntax error"});
}

TEST_F(SweepBadFile, SweepFileThatDoesNotExist) {
  const CliResult r = run_tape("sweep plan " + file());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("cannot read sweep file '" + file() + "'"), std::string::npos) << r.err;
}

TEST_F(SweepBadFile, BadShardText) {
  expect_bad_option("--shard 3/2", {"--shard '3/2': I must be below N"});
  expect_bad_option("--shard x/4", {"--shard 'x/4': I is not a whole number"});
  expect_bad_option("--shard 0/0", {"--shard '0/0': N must be at least 1"});
  expect_bad_option("--shard 1", {"--shard '1': no '/'"});
  expect_bad_option("--shard -1/4", {"--shard '-1/4': I is not a whole number"});
}

TEST_F(SweepBadFile, BadJobs) {
  expect_bad_option("--jobs 0", {"--jobs must be a whole number from 1 to 256, not '0'"});
  expect_bad_option("--jobs -1", {"--jobs must be a whole number from 1 to 256, not '-1'"});
  expect_bad_option("--jobs 257", {"not '257'"});
  expect_bad_option("--jobs two", {"not 'two'"});
}

TEST_F(SweepBadFile, BadSubmitCounts) {
  write_text(file(), grid_sweep_text());
  for (const std::string opt : {"--max-parallel 0", "--max-parallel -1", "--tasks 0", "--jobs-per-task 0"}) {
    const CliResult r = run_tape("sweep submit " + file() + " --out " + out() + " --dry-run " + opt);
    EXPECT_EQ(r.exit_code, 1) << opt << "\n" << r.err;
    EXPECT_NE(r.err.find(opt.substr(0, opt.find(' ')) + " must be a whole number"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace tape
