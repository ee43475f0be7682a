// Every meta key, deleted or set to garbage: `tape audit` must refuse the log, naming the key.
// A missing required key is corruption (exit 3), never a reason to check less.
#include "tamper_util.h"

namespace tape {
namespace {

using tamper::pristine;
using tamper::TamperTest;

struct MetaCase {
  std::string key;
  std::optional<std::string> value;  // nullopt: delete the key
  int exit_code = 3;
  std::string named;  // what the message must contain (default: the key)
};

// How ctest lists a case: the key and what was done to it.
void PrintTo(const MetaCase& c, std::ostream* os) {
  *os << c.key << (c.value ? " = '" + *c.value + "'" : std::string(" deleted"));
}

MetaCase mc(std::string key, std::optional<std::string> value, int exit_code = 3,
            std::string named = "") {
  return MetaCase{std::move(key), std::move(value), exit_code, std::move(named)};
}

std::string case_name(const ::testing::TestParamInfo<MetaCase>& info) {
  return info.param.key + (info.param.value ? "_garbage" + std::to_string(info.index) : "_deleted");
}

class TamperMeta : public TamperTest, public ::testing::WithParamInterface<MetaCase> {};

TEST_P(TamperMeta, AuditRefusesTheLogNamingTheKey) {
  const MetaCase& c = GetParam();
  if (c.value) {
    put_raw("meta", c.key, *c.value);
  } else {
    delete_raw("meta", c.key);
  }
  auto r = audit();
  EXPECT_EQ(r.exit_code, c.exit_code) << r.out << r.err;
  const std::string named = c.named.empty() ? c.key : c.named;
  EXPECT_NE(r.err.find(named), std::string::npos) << "expected '" << named << "': " << r.err;
}

// Opening the log checks its format version (exit 2 for an unsupported one, as any reader; a log
// with events but none is corrupt) and its counters; the rest is audit's.
INSTANTIATE_TEST_SUITE_P(
    EveryKey, TamperMeta,
    ::testing::Values(
        mc("format_version", std::nullopt), mc("format_version", "2", 2, ""),
        mc("format_version", "one", 2, ""),
        mc("tape_version", std::nullopt), mc("tape_version", ""),
        mc("tape_version", "0.1.0 rm -rf"),
        mc("last_seq", std::nullopt), mc("last_seq", "x"),
        mc("last_seq", "014082"), mc("last_seq", "14081"),
        mc("chain_head", std::nullopt), mc("chain_head", "zz"),
        mc("chain_head", std::string(64, '0')),
        mc("batch_count", std::nullopt), mc("batch_count", "-60"),
        mc("batch_count", " 60"),
        mc("scenario", std::nullopt), mc("scenario", "[scenario\nname = 1", 2, ""),
        mc("scenario_path", std::nullopt), mc("scenario_path", ""),
        mc("scenario_name", std::nullopt), mc("scenario_name", "other"),
        mc("seed", std::nullopt), mc("seed", "x"), mc("seed", "+42"),
        mc("seed", "43", 3, "seq 1 "),
        mc("state_hash", std::nullopt), mc("state_hash", "nothex"),
        mc("state_hash", std::string(32, 'a')),
        mc("ts_last", std::nullopt), mc("ts_last", "x"),
        mc("ts_last", "-1"),
        mc("complete", std::nullopt), mc("complete", "2"),
        mc("complete", ""), mc("complete", "yes"),
        mc("summary", "{}"), mc("summary", "not json")),
    case_name);

// Deleting `summary` alone is what a run killed between its last two meta writes leaves; it
// is explained, not tampering.
TEST_F(TamperTest, SummaryAloneMissingIsWhatACrashLeaves) {
  delete_raw("meta", "summary");
  auto r = audit();
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// The case of the issue: a log generated with market.qty_max=51 given the qty_max=50
// scenario's text and no seed used to pass as the qty_max=50 run, since without a seed nothing
// was regenerated. The seed is required.
TEST(TamperSeed, AuditRequiresSeedMeta) {
  testing_util::TempDir other("qty51");
  ASSERT_EQ(testing_util::run_tape("run scenarios/quickstart.toml --set market.qty_max=51"
                                   " --set snapshot.every_events=2000 --data-dir " + other.path())
                .exit_code,
            0);
  std::string text;
  {
    auto real = EventLog::open(pristine().dir, true);
    ASSERT_TRUE(real.is_ok());
    text = real.value()->get_meta("scenario").value().value();
  }
  {
    auto log = EventLog::open(other.path(), false);
    ASSERT_TRUE(log.is_ok());
    auto* db = log.value()->db();
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), log.value()->cf("meta"), "scenario", text).ok());
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), log.value()->cf("meta"), "seed").ok());
  }
  auto r = testing_util::run_tape("audit --data-dir " + other.path());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("meta seed is missing"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tape
