#include "replay/audit.h"

#include <memory>
#include <vector>

#include "core/codec.h"
#include "core/core.h"
#include "store/chain.h"
#include "store/snapshot_store.h"

namespace tape {
namespace {

class Auditor {
 public:
  Auditor(const EventLog& log, const CoreConfig& config, const InputOracleFactory& oracle)
      : log_(log), core_(std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr)) {
    if (oracle) oracle_ = oracle(*core_);
  }

  AuditReport run() {
    auto seqs = snapshot_seqs(log_);
    if (!seqs.is_ok()) {
      fail(0, "snapshot", seqs.status().message());
      return report_;
    }
    snapshot_seqs_ = seqs.value();
    std::string prev = zero_link();
    std::string link;
    auto cursor = log_.batches(Seq(1));
    for (; cursor.valid() && report_.ok(); cursor.next()) {
      if (!cursor.status().is_ok()) {
        fail(cursor.first_seq().value(), "decode", cursor.status().message());
        break;
      }
      ++report_.batches;
      hasher_.link(prev, cursor.first_seq(), last_seq_of(cursor), cursor.inputs(),
                   cursor.outputs(), &link);
      const bool chain_ok = link == cursor.link();
      // The finer checks run first so a change inside a batch is named by its own seq.
      check_batch(cursor);
      if (report_.ok() && !chain_ok) {
        fail(cursor.first_seq().value(), "chain",
             "hash chain broken at the batch starting at seq " +
                 std::to_string(cursor.first_seq().value()) +
                 ": its bytes or its place in the log were altered");
      }
      if (report_.ok()) ++report_.chain_links;
      prev = cursor.link();
    }
    if (report_.ok() && !cursor.status().is_ok()) {
      fail(next_seq_, "decode", cursor.status().message());
    }
    if (report_.ok()) check_end(prev);
    return report_;
  }

 private:
  // The last seq a block claims, read from its OutputBlock header (0 if undecodable; the
  // decode check reports that).
  Seq last_seq_of(const EventLog::BatchCursor& cursor) {
    outputs_.clear();
    inputs_.clear();
    decode_ok_ = decode_input_block(cursor.inputs(), where(cursor, "events"), inputs_);
    if (decode_ok_.is_ok()) {
      decode_ok_ = decode_output_block(cursor.outputs(), where(cursor, "outputs"), outputs_);
    }
    return inputs_.empty() ? Seq(0) : inputs_.back().seq;
  }

  static std::string where(const EventLog::BatchCursor& c, const char* cf) {
    return std::string(cf) + " block at seq " + std::to_string(c.first_seq().value());
  }

  void check_batch(const EventLog::BatchCursor& cursor) {
    if (!decode_ok_.is_ok()) return fail(cursor.first_seq().value(), "decode", decode_ok_.message());
    if (inputs_.empty()) return fail(cursor.first_seq().value(), "decode", "empty events block");
    if (inputs_.front().seq != cursor.first_seq()) {
      return fail(cursor.first_seq().value(), "seq",
                  "block key says seq " + std::to_string(cursor.first_seq().value()) +
                      " but its first input is seq " + std::to_string(inputs_.front().seq.value()));
    }
    size_t o = 0;
    for (const Input& in : inputs_) {
      if (in.seq.value() != next_seq_) {
        return fail(next_seq_, "seq", "expected seq " + std::to_string(next_seq_) + ", found seq " +
                                          std::to_string(in.seq.value()));
      }
      if (in.ts < last_ts_) {
        return fail(in.seq.value(), "seq", "timestamp goes backwards at seq " +
                                               std::to_string(in.seq.value()));
      }
      if (oracle_) {
        Status expected = oracle_->expect(in);
        if (!expected.is_ok()) return fail(in.seq.value(), "inputs", expected.message());
        ++report_.inputs_regenerated;
      }
      Status st = core_->process(in);
      if (!st.is_ok()) return fail(in.seq.value(), "outputs", st.message());
      const auto produced = core_->last_outputs();
      for (size_t k = 0; k < produced.size(); ++k, ++o) {
        if (o >= outputs_.size() || !(outputs_[o] == produced[k])) {
          return fail(in.seq.value(), "outputs",
                      "recorded output differs from the recomputed one at seq " +
                          std::to_string(in.seq.value()) + " k=" + std::to_string(k) +
                          "\n  recomputed: " + describe(produced[k]) + "\n  recorded:   " +
                          (o < outputs_.size() ? describe(outputs_[o]) : "(missing)"));
        }
      }
      if (o < outputs_.size() && outputs_[o].seq == in.seq) {
        return fail(in.seq.value(), "outputs",
                    "extra recorded output at seq " + std::to_string(in.seq.value()) + ": " +
                        describe(outputs_[o]));
      }
      report_.outputs += produced.size();
      ++report_.inputs;
      if (next_snapshot_ < snapshot_seqs_.size() && snapshot_seqs_[next_snapshot_] == in.seq) {
        check_snapshot(in.seq);
        if (!report_.ok()) return;
      }
      last_ts_ = in.ts;
      ++next_seq_;
    }
    if (o < outputs_.size()) {
      fail(outputs_[o].seq.value(), "outputs",
           "recorded output for seq " + std::to_string(outputs_[o].seq.value()) +
               " outside its block's inputs");
    }
  }

  // The snapshot taken after `seq` must decode and hold the state the replay reached there.
  void check_snapshot(Seq seq) {
    ++next_snapshot_;
    auto snap = read_snapshot(log_, seq);
    if (!snap.is_ok()) return fail(seq.value(), "snapshot", snap.status().message());
    if (snap.value().seq != seq) {
      return fail(seq.value(), "snapshot", "snapshot stored at seq " + std::to_string(seq.value()) +
                                               " says seq " + std::to_string(snap.value().seq.value()));
    }
    const std::string replayed = core_->state_hash();
    if (snap.value().state_hash != replayed) {
      return fail(seq.value(), "snapshot",
                  "snapshot at seq " + std::to_string(seq.value()) + " holds state hash " +
                      snap.value().state_hash + ", the replay reached " + replayed);
    }
    if (oracle_) {
      Status generator = oracle_->expect_snapshot(snap.value());
      if (!generator.is_ok()) return fail(seq.value(), "snapshot", generator.message());
    }
    ++report_.snapshots;
  }

  void check_end(const std::string& last_link) {
    const uint64_t last = next_seq_ - 1;
    if (log_.last_seq().value() != last) {
      return fail(last + 1, "meta", "meta says the log ends at seq " +
                                        std::to_string(log_.last_seq().value()) +
                                        " but its events end at seq " + std::to_string(last));
    }
    if (log_.chain_head() != to_hex(last_link)) {
      return fail(last, "chain", "meta chain head differs from the last batch's link (seq " +
                                     std::to_string(last) + ")");
    }
    if (oracle_) {
      auto complete = log_.get_meta("complete");
      Status end = oracle_->expect_end(complete.is_ok() && complete.value() == "1");
      if (!end.is_ok()) return fail(last + 1, "inputs", end.message());
    }
    auto recorded = log_.get_meta("state_hash");
    if (recorded.is_ok() && recorded.value()) {
      report_.state_hash_checked = true;
      if (*recorded.value() != core_->state_hash()) {
        fail(last, "state_hash", "final state hash differs: recorded " + *recorded.value() +
                                     ", recomputed " + core_->state_hash());
      }
    }
  }

  void fail(uint64_t seq, const char* check, const std::string& what) {
    if (!report_.ok()) return;
    report_.failure_seq = seq;
    report_.failure_check = check;
    report_.failure = what;
  }

  const EventLog& log_;
  std::unique_ptr<Core> core_;
  std::unique_ptr<InputOracle> oracle_;
  ChainHasher hasher_;
  AuditReport report_;
  Status decode_ok_;
  std::vector<Input> inputs_;
  std::vector<Output> outputs_;
  uint64_t next_seq_ = 1;
  Timestamp last_ts_;
  std::vector<Seq> snapshot_seqs_;
  size_t next_snapshot_ = 0;
};

}  // namespace

Result<AuditReport> audit_log(const EventLog& log, const CoreConfig& config,
                              const InputOracleFactory& oracle) {
  Auditor auditor(log, config, oracle);
  return auditor.run();
}

}  // namespace tape
