// Every shipped scenario, run with its own seed, reaches the state hash and chain head it reached
// before the run loop moved into session/ (issue 8). A change to the engine that is meant to
// change a scenario's result updates this table in the same commit and says why; anything else
// that moves a hash here is a determinism regression.
#include <gtest/gtest.h>

#include <string>

#include "cli_util.h"

namespace tape {
namespace {

using testing_util::run_tape;
using testing_util::TempDir;

struct Golden {
  const char* scenario;
  const char* state_hash;
  const char* chain_head;
};

constexpr Golden kGolden[] = {
    {"bad_data", "31f10884ccb47b740c7c8ee159b42875",
     "92867c0d2f3db1addfabf0addeb801623b178651ea220f052d7105617f17f6cf"},
    {"burst_10k", "f9659d804d02bf92114998ba0300a194",
     "65b0644dabfb0ec2e029a10801ef5bfb9e8ecfb916e74dcb9066ababb0b2c029"},
    {"fat_finger", "9822ced60f1598ecda262f7d6de98975",
     "13c1f5166351f524aff5d76fa9d90c49d079e485f004d5ffef3f74caba16a28e"},
    {"flash_crash", "881ae77621696dded2a37f1e82c9e016",
     "50eafdd21e4a7a5afd2716559f90adc210074d2c6654872d28c004f864fc662b"},
    {"halt_resume", "fbbdb689ddfd1410f0a1456d074e5499",
     "32f60aa2bab5d2b6268fc1863383454981638c94401315ed3cd0a2cf812ee99e"},
    {"many_instruments", "38882f4665aaf16447d9dbcb01868adf",
     "838b472fd523e9c67e75846eaacd77105aea6bbef731dc3cc84d27dbc38e68f5"},
    {"quickstart", "501e0c77fa191e734f5e05c93af97968",
     "d345327937b350e0f6ae7dbdfb64d89119136899e37c5266246fbbd976829389"},
    {"stale_feed", "861a29ce8cb1b9506d9966ddd229c612",
     "83daae703df986354cd1324034dec3400f312b4007e05471b2a53ae147c3d4c6"},
    {"sustained_1k", "37d039e8938c1427f3e490f351845e38",
     "96486d4d863812b54e0fb203799c065b4e4dcce8b975e9e1a9269d0c09ab4d54"},
};

class ShippedHashes : public testing::TestWithParam<Golden> {};

TEST_P(ShippedHashes, RunReachesTheRecordedStateHashAndChainHead) {
  const Golden& g = GetParam();
  TempDir dir(std::string("golden_") + g.scenario);
  auto run = run_tape(std::string("run scenarios/") + g.scenario + ".toml --json --data-dir " +
                      dir.path());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find(std::string("\"state_hash\":\"") + g.state_hash + "\""),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find(std::string("\"chain_head\":\"") + g.chain_head + "\""),
            std::string::npos)
      << run.out;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ShippedHashes, testing::ValuesIn(kGolden),
                         [](const testing::TestParamInfo<Golden>& info) {
                           return std::string(info.param.scenario);
                         });

}  // namespace
}  // namespace tape
