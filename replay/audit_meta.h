// Audit of the parts of a log that are not batches: every meta key must be one the format
// defines and parse strictly, the keys a run's log must have must be there, and every record in
// the `default` and `snapshots` column families must be explained. Internal to replay/audit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <functional>

#include "core/status.h"
#include "replay/audit.h"
#include "store/chain.h"
#include "store/event_log.h"

namespace tape::audit_internal {

// The meta values, as parsed. Absent optional keys are nullopt.
struct Meta {
  uint64_t keys = 0;                     // meta keys read
  uint64_t last_seq = 0;
  uint64_t batch_count = 0;
  std::string chain_head;                // hex
  std::optional<uint64_t> seed;
  std::optional<std::string> scenario_name;
  std::optional<std::string> state_hash;
  std::optional<int64_t> ts_last;
  std::optional<bool> complete;
  std::optional<std::string> summary;
  std::optional<uint64_t> summary_seq_last;  // the summary's seq_last, when it has one
  bool backtest = false;                 // log_kind = "backtest" (session/backtest.h)
  std::vector<std::string> backtest_keys;  // backtest-only keys present
};

// What was wrong, and where: a meta key or column family key, or a seq.
struct Finding {
  std::string key;    // "meta seed", "snapshots key 0x..", or empty
  uint64_t seq = 0;   // when the finding is about a seq
  std::string check;  // "meta", "snapshot", "keys"
  std::string message;
};

// Reads and strictly parses every meta key. A key the format does not define, a value that does
// not parse, a missing required key (format_version, tape_version, last_seq, chain_head,
// batch_count, and a scenario run's scenario, scenario_path, scenario_name, seed, or a
// backtest's log_kind, backtest, backtest_name, instruments, data, plugins) or end-of-run keys that break the
// order they are written in (state_hash, ts_last, complete, summary) is a Finding.
Result<std::optional<Finding>> read_meta(const EventLog& log, Meta& out);

// Every key of `snapshots` is a seq in [1, last_seq] (past last_seq only while the log is not
// complete: a run that dies may write a snapshot before its batch), in order, and `default` holds
// nothing. `seqs` gets the snapshot seqs. With `every` > 0 (the recorded cadence), every multiple
// of it up to last_seq must have its snapshot.
Result<std::optional<Finding>> check_other_keys(const EventLog& log, const Meta& meta,
                                                uint64_t every, std::vector<Seq>& seqs);

// Records a failure in `r` unless one is there already: an audit names the first thing wrong.
void record_failure(AuditReport& r, uint64_t seq, const char* check, const std::string& what,
                    const std::string& key = "");

// The end checks every log shares, in this order: meta last_seq is the walk's last seq, then
// `between` (a run's summary check), then meta batch_count is the batches walked, meta
// chain_head the last link (`r.chain_head`, set by the caller), and with `expect_head` the log
// ends there (r.head_checked).
void check_counters(AuditReport& r, uint64_t last, uint64_t meta_last_seq,
                    uint64_t meta_batch_count, const std::string& meta_chain_head,
                    const std::string& expect_head, const std::function<void()>& between = {});

// Walks every batch from seq 1 (the cursor's key, framing and seq checks), decoding it into
// `inputs` / `outputs`, calling `check()` on it, then recomputing its chain link from `prev`
// (the finer checks run first, so a change inside a batch is named by its own seq). Decode and
// chain failures are recorded in `r`; the walk stops at the first one. A Status is an
// environment failure (exit 4). `prev` ends as the last batch's stored link.
template <typename Check>
Status walk_batches(const EventLog& log, AuditReport& r, std::vector<Input>& inputs,
                    std::vector<Output>& outputs, std::string& prev, Check&& check) {
  ChainHasher hasher;
  std::string link;
  auto cursor = log.batches(Seq(1));
  while (r.ok()) {
    Result<bool> more = cursor.next();
    if (more.is_ok() && !more.value()) break;
    Status decoded = more.is_ok() ? cursor.decode(inputs, &outputs) : more.status();
    if (decoded.code() == StatusCode::kIo) return decoded;  // the environment, not the log
    if (!decoded.is_ok()) {
      record_failure(r, cursor.error_seq().value(), "decode", decoded.message());
      break;
    }
    ++r.batches;
    hasher.link(prev, cursor.first_seq(), inputs.back().seq, cursor.inputs(), cursor.outputs(),
                &link);
    check();
    if (r.ok() && link != cursor.link()) {
      record_failure(r, cursor.first_seq().value(), "chain",
                     "hash chain broken at the batch starting at seq " +
                         std::to_string(cursor.first_seq().value()) +
                         ": its bytes or its place in the log were altered");
    }
    if (r.ok()) ++r.chain_links;
    prev = cursor.link();
  }
  return Status::ok();
}

// "0", "1" ... as written: no sign, no leading zero, no blank; nullopt otherwise.
std::optional<uint64_t> parse_strict_decimal(std::string_view text);
// Lowercase hex of exactly `digits` digits.
bool is_lower_hex(std::string_view text, size_t digits);

}  // namespace tape::audit_internal
