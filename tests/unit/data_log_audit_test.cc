// Audit of a data log (inputs only, instruments and import record in meta): a whole log passes
// and every way of getting one wrong is named.
#include "replay/data_log_audit.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <vector>

#include <rocksdb/db.h>

#include "core/codec.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

std::vector<Input> bars(uint64_t first, uint64_t n, uint32_t instrument = 0) {
  std::vector<Input> out;
  for (uint64_t s = first; s < first + n; ++s) {
    out.push_back(Input{Seq(s), Timestamp(static_cast<int64_t>(s) * 1'000'000),
                        BarIn{InstrumentId(instrument), Price(100), Price(110), Price(90),
                              Price(105), Qty(7), 1'000'000}});
  }
  return out;
}

EncodedBatch batch_of(const std::vector<Input>& inputs, std::vector<Output> outputs = {}) {
  return encode_batch(inputs, outputs);
}

constexpr const char* kInstruments = R"([{"symbol":"ORCL","tick_size":"0.01","lot_size":1}])";
constexpr const char* kImport = R"({"importer_version":1,"files":[{"path":"a.csv","imported":8}]})";

class DataLogAudit : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("tape_data_audit_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes a data log of two batches of four bars; `edit` may change it before it closes.
  template <typename Edit>
  void write(Edit&& edit, std::vector<Output> second_outputs = {}, uint32_t instrument = 0) {
    auto log = EventLog::create(dir_, LogOptions{}, false);
    ASSERT_TRUE(log.is_ok()) << log.status().message();
    ASSERT_TRUE(log.value()->append(batch_of(bars(1, 4))).is_ok());
    ASSERT_TRUE(log.value()->append(batch_of(bars(5, 4, instrument), second_outputs)).is_ok());
    ASSERT_TRUE(log.value()->flush().is_ok());
    ASSERT_TRUE(log.value()->put_meta("log_kind", "data").is_ok());
    ASSERT_TRUE(log.value()->put_meta("instruments", kInstruments).is_ok());
    ASSERT_TRUE(log.value()->put_meta("import", kImport).is_ok());
    edit(*log.value());
  }
  AuditReport audit(const AuditOptions& options = {}) {
    auto log = EventLog::open(dir_, /*read_only=*/true);
    EXPECT_TRUE(log.is_ok()) << log.status().message();
    auto kind = is_data_log(*log.value());
    EXPECT_TRUE(kind.is_ok() && kind.value());
    auto report = audit_data_log(*log.value(), options);
    EXPECT_TRUE(report.is_ok()) << report.status().message();
    return report.value();
  }
  std::string dir_;
};

TEST_F(DataLogAudit, WholeDataLogPassesEveryCheck) {
  write([](EventLog&) {});
  const AuditReport r = audit();
  EXPECT_TRUE(r.ok()) << r.failure;
  EXPECT_EQ(r.inputs, 8u);
  EXPECT_EQ(r.batches, 2u);
  EXPECT_EQ(r.chain_links, 2u);
  EXPECT_EQ(r.meta_keys, 8u);
  AuditOptions anchored;
  anchored.expect_head = r.chain_head;
  EXPECT_TRUE(audit(anchored).head_checked);
}

TEST_F(DataLogAudit, AnOutputInADataLogIsNamedBySeq) {
  write([](EventLog&) {},
        {Output{Seq(6), 0, InputRejected{InstrumentId(0), RejectReason::kInvalidBar}}});
  const AuditReport r = audit();
  EXPECT_EQ(r.failure_check, "outputs");
  EXPECT_EQ(r.failure_seq, 6u);
}

TEST_F(DataLogAudit, InstrumentOutsideTheTableIsNamedBySeq) {
  write([](EventLog&) {}, {}, /*instrument=*/3);
  const AuditReport r = audit();
  EXPECT_EQ(r.failure_check, "inputs");
  EXPECT_EQ(r.failure_seq, 5u);
  EXPECT_NE(r.failure.find("instrument 3"), std::string::npos) << r.failure;
}

TEST_F(DataLogAudit, MissingImportRecordIsNamed) {
  write([](EventLog& log) {
    ASSERT_TRUE(log.db()->Delete(rocksdb::WriteOptions(), log.cf("meta"), "import").ok());
  });
  const AuditReport r = audit();
  EXPECT_EQ(r.failure_key, "meta import");
  EXPECT_NE(r.failure.find("missing"), std::string::npos) << r.failure;
}

TEST_F(DataLogAudit, RunKeyInADataLogIsRefused) {
  write([](EventLog& log) { ASSERT_TRUE(log.put_meta("seed", "7").is_ok()); });
  EXPECT_EQ(audit().failure_key, "meta seed");
}

TEST_F(DataLogAudit, ImportCountsThatDoNotAddUpToTheLogAreNamed) {
  write([](EventLog& log) {
    ASSERT_TRUE(log.put_meta("import", R"({"files":[{"imported":7}]})").is_ok());
  });
  const AuditReport r = audit();
  EXPECT_EQ(r.failure_key, "meta import");
  EXPECT_NE(r.failure.find("7 rows"), std::string::npos) << r.failure;
}

TEST_F(DataLogAudit, MalformedInstrumentsAreNamed) {
  write([](EventLog& log) { ASSERT_TRUE(log.put_meta("instruments", "[{\"symbol\":1}]").is_ok()); });
  EXPECT_EQ(audit().failure_key, "meta instruments");
}

TEST_F(DataLogAudit, AlteredBatchIsNamedByItsFirstSeq) {
  write([](EventLog& log) {
    // Change the last bar's volume inside the second batch's stored bytes (7 -> 8).
    std::string value;
    ASSERT_TRUE(log.db()->Get(rocksdb::ReadOptions(), log.cf("events"), seq_key(Seq(5)), &value).ok());
    const std::string block = encode_input_block(bars(5, 4));
    std::vector<Input> changed = bars(5, 4);
    std::get<BarIn>(changed.back().body).volume = Qty(8);
    ASSERT_EQ(value.substr(kBatchHeaderBytes), block);
    value = value.substr(0, kBatchHeaderBytes) + encode_input_block(changed);
    ASSERT_TRUE(log.db()->Put(rocksdb::WriteOptions(), log.cf("events"), seq_key(Seq(5)), value).ok());
  });
  const AuditReport r = audit();
  EXPECT_EQ(r.failure_check, "chain");
  EXPECT_EQ(r.failure_seq, 5u);
}

TEST_F(DataLogAudit, WrongHeadIsCaught) {
  write([](EventLog&) {});
  AuditOptions anchored;
  anchored.expect_head = std::string(64, 'a');
  const AuditReport r = audit(anchored);
  EXPECT_EQ(r.failure_check, "head");
}

}  // namespace
}  // namespace tape
