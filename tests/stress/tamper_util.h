// Tampering with a real log on disk through RocksDB. One quickstart run (60 batches, 14,082
// inputs, a snapshot every 2000) is recorded once per test binary; each test alters its own copy.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "cli_util.h"
#include "core/codec.h"
#include "core/snapshot.h"
#include "store/event_log.h"
#include "store/snapshot_store.h"

namespace tape::tamper {

using testing_util::CliResult;
using testing_util::run_tape;
using testing_util::TempDir;

// What the pristine log looked like, read once.
struct Pristine {
  std::string dir;
  std::string chain_head;  // as `run --json` printed it
  uint64_t last_seq = 0;
  uint64_t batches = 0;
};

// The pristine log, recorded on first use and kept for the binary's life.
inline const Pristine& pristine() {
  static TempDir* dir = new TempDir("tamper_pristine");  // outlives every test; removed at exit
  static const Pristine p = [] {
    Pristine out;
    out.dir = dir->path();
    std::atexit([] { std::filesystem::remove_all(dir->path()); });
    CliResult r = run_tape("run scenarios/quickstart.toml --json --set snapshot.every_events=2000"
                           " --data-dir " + out.dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    out.chain_head = testing_util::json_string(r.out, "chain_head");
    auto log = EventLog::open(out.dir, true);
    EXPECT_TRUE(log.is_ok()) << log.status().message();
    if (log.is_ok()) {
      out.last_seq = log.value()->last_seq().value();
      out.batches = log.value()->batch_count();
    }
    return out;
  }();
  return p;
}

// A test's own copy of the pristine log, with helpers to alter it.
class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(pristine().chain_head.empty());
    std::filesystem::copy(pristine().dir, dir_.path(), std::filesystem::copy_options::recursive);
  }

  const std::string& dir() const { return dir_.path(); }

  std::unique_ptr<EventLog> open_rw() {
    auto log = EventLog::open(dir(), false);
    EXPECT_TRUE(log.is_ok()) << log.status().message();
    return log.is_ok() ? std::move(log.value()) : nullptr;
  }

  // Raw RocksDB edits, below every check EventLog makes.
  void put_raw(const char* cf, const std::string& key, const std::string& value) {
    auto log = open_rw();
    ASSERT_TRUE(log);
    ASSERT_TRUE(log->db()->Put(rocksdb::WriteOptions(), log->cf(cf), key, value).ok());
  }
  void delete_raw(const char* cf, const std::string& key) {
    auto log = open_rw();
    ASSERT_TRUE(log);
    ASSERT_TRUE(log->db()->Delete(rocksdb::WriteOptions(), log->cf(cf), key).ok());
  }
  std::string get_raw(const char* cf, const std::string& key) {
    auto log = EventLog::open(dir(), true);
    std::string value;
    EXPECT_TRUE(log.is_ok());
    if (log.is_ok()) {
      EXPECT_TRUE(log.value()->db()->Get(rocksdb::ReadOptions(), log.value()->cf(cf), key, &value).ok())
          << cf << " " << key;
    }
    return value;
  }

  // Raw views of batch `n` (0-based): its key, events value and outputs value.
  struct RawBatch {
    Seq first_seq;
    std::string events;
    std::string outputs;
    std::vector<Input> inputs;
  };
  RawBatch raw_batch(size_t n) {
    RawBatch b;
    auto log = EventLog::open(dir(), true);
    EXPECT_TRUE(log.is_ok());
    if (!log.is_ok()) return b;
    auto cursor = log.value()->batches();
    for (size_t i = 0; i <= n; ++i) {
      auto more = cursor.next();
      EXPECT_TRUE(more.is_ok() && more.value()) << "batch " << i;
      if (!more.is_ok() || !more.value()) return b;
    }
    b.first_seq = cursor.first_seq();
    b.events = std::string(kBatchMagic) + std::string(cursor.link()) + std::string(cursor.inputs());
    b.outputs = std::string(cursor.outputs());
    EXPECT_TRUE(cursor.decode(b.inputs, nullptr).is_ok());
    return b;
  }

  // Decodes batch `n`, lets `edit` change its inputs, writes it back (old chain link kept).
  void edit_batch(size_t n, const std::function<void(std::vector<Input>&)>& edit) {
    RawBatch b = raw_batch(n);
    edit(b.inputs);
    put_raw("events", seq_key(b.first_seq),
            b.events.substr(0, kBatchHeaderBytes) + encode_input_block(b.inputs));
  }

  CliResult audit(const std::string& extra = "") {
    return run_tape("audit --json --data-dir " + dir() + (extra.empty() ? "" : " " + extra));
  }

  // Runs audit; expects exit 3 and the failure to name `seq`.
  void expect_audit_fails_at(uint64_t seq) {
    CliResult r = audit();
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find("at seq " + std::to_string(seq) + " "), std::string::npos)
        << "expected seq " << seq << ": " << r.err;
  }
  // Runs audit; expects exit 3 and `what` (a key, a seq) in its message.
  void expect_audit_fails_naming(const std::string& what) {
    CliResult r = audit();
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find(what), std::string::npos) << "expected '" << what << "': " << r.err;
  }

  TempDir dir_{"tamper"};
};

}  // namespace tape::tamper
