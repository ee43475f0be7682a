// Shared by the event log tests: distinct batches to append, iteration and chain-link helpers,
// and a fixture that gives each test its own log dir under the test temp dir.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "store/event_log.h"

namespace tape::testing_util {

// Arbitrary but distinct bytes for batch `first..last`: every batch differs from every other.
inline EncodedBatch make_batch(uint64_t first, uint64_t last) {
  EncodedBatch b;
  b.first_seq = Seq(first);
  b.last_seq = Seq(last);
  b.first_ts = Timestamp(static_cast<int64_t>(first) * 1000);
  b.last_ts = Timestamp(static_cast<int64_t>(last) * 1000);
  b.input_count = static_cast<uint32_t>(last - first + 1);
  b.output_count = b.input_count / 2;
  for (uint64_t s = first; s <= last; ++s) b.inputs += "in" + std::to_string(s) + ";";
  for (uint64_t s = first; s <= last; s += 2) b.outputs += "out" + std::to_string(s) + ";";
  return b;
}

// Appends `n` batches of `per` inputs each, starting after `after`; returns the last seq.
inline uint64_t append_batches(EventLog& log, uint64_t after, int n, uint64_t per) {
  for (int i = 0; i < n; ++i) {
    EXPECT_TRUE(log.append(make_batch(after + 1, after + per)).is_ok());
    after += per;
  }
  return after;
}

inline std::vector<uint64_t> batch_starts(const EventLog& log, Seq from) {
  std::vector<uint64_t> out;
  auto c = log.batches(from);
  while (true) {
    auto more = c.next();
    EXPECT_TRUE(more.is_ok()) << more.status().message();
    if (!more.is_ok() || !more.value()) break;
    out.push_back(c.first_seq().value());
  }
  return out;
}

// The documented link formula, computed independently of store/chain.cc.
inline std::string reference_link(const std::string& prev, const EncodedBatch& b) {
  std::string msg = prev + seq_key(b.first_seq) + seq_key(b.last_seq) + b.inputs + b.outputs;
  unsigned char md[32];
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(msg.data(), msg.size(), md, &len, EVP_sha256(), nullptr), 1);
  return std::string(reinterpret_cast<const char*>(md), len);
}

class EventLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    root_ = std::filesystem::path(::testing::TempDir()) /
            ("tape_event_log_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
    dir_ = (root_ / "log").string();
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::unique_ptr<EventLog> create(const LogOptions& options = {}, bool overwrite = false) {
    auto log = EventLog::create(dir_, options, overwrite);
    EXPECT_TRUE(log.is_ok()) << log.status().message();
    return log.is_ok() ? std::move(log).value() : nullptr;
  }
  std::unique_ptr<EventLog> open(bool read_only, const LogOptions& options = {}) {
    auto log = EventLog::open(dir_, read_only, options);
    EXPECT_TRUE(log.is_ok()) << log.status().message();
    return log.is_ok() ? std::move(log).value() : nullptr;
  }

  std::filesystem::path root_;
  std::string dir_;
};

}  // namespace tape::testing_util
