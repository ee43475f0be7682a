#include "replay/audit.h"

#include <memory>
#include <vector>

#include "core/codec.h"
#include "core/core.h"
#include "replay/audit_meta.h"
#include "store/chain.h"
#include "store/snapshot_store.h"

namespace tape {
namespace {

using audit_internal::Finding;

class Auditor {
 public:
  Auditor(const EventLog& log, const CoreConfig& config, const InputOracleFactory& oracle,
          const AuditOptions& options)
      : log_(log), options_(options), every_(config.snapshot.every_events),
        core_(std::make_unique<Core>(config, Recorder::Mode::kCollect, nullptr)) {
    if (oracle) oracle_ = oracle(*core_);
  }

  Result<AuditReport> run() {
    // Keys first: what the batch walk relies on (counters, cadence) must itself be sound.
    ASSIGN_OR_RETURN(std::optional<Finding> meta, audit_internal::read_meta(log_, meta_));
    report_.meta_keys = meta_.keys;
    if (meta) return found(*meta);
    if (!options_.scenario_name.empty() && meta_.scenario_name != options_.scenario_name) {
      fail(0, "meta", "meta scenario_name '" + meta_.scenario_name.value_or("") +
                          "' is not the recorded scenario's name '" + options_.scenario_name + "'");
      report_.failure_key = "meta scenario_name";
      return report_;
    }
    ASSIGN_OR_RETURN(std::optional<Finding> keys,
                     audit_internal::check_other_keys(log_, meta_, every_, snapshot_seqs_));
    if (keys) return found(*keys);
    std::string prev = zero_link();
    RETURN_IF_ERROR(walk(prev));
    if (report_.ok()) check_end(prev);
    if (report_.ok()) check_snapshots_past_end();
    return report_;
  }

 private:
  AuditReport found(const Finding& f) {
    fail(f.seq, f.check.c_str(), f.message);
    report_.failure_key = f.key;
    return report_;
  }

  Status walk(std::string& prev) {
    return audit_internal::walk_batches(log_, report_, inputs_, outputs_, prev,
                                        [this] { check_batch(); });
  }

 private:
  void check_batch() {
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

  // The meta's counters and end-of-run values must describe the log the walk found.
  void check_end(const std::string& last_link) {
    const uint64_t last = next_seq_ - 1;
    report_.chain_head = to_hex(last_link);
    audit_internal::check_counters(
        report_, last, meta_.last_seq, meta_.batch_count, meta_.chain_head, options_.expect_head,
        [&] {
          if (meta_.summary && meta_.summary_seq_last != last) {
            fail_key("meta summary", last, "meta",
                     "meta summary does not end at the log's last seq " + std::to_string(last));
          }
        });
    if (!report_.ok()) return;
    if (oracle_) {
      Status end = oracle_->expect_end(meta_.complete.value_or(false));
      if (!end.is_ok()) return fail(last + 1, "inputs", end.message());
    }
    if (meta_.ts_last && *meta_.ts_last != last_ts_.value()) {
      return fail_key("meta ts_last", last, "meta",
                      "meta ts_last is " + std::to_string(*meta_.ts_last) +
                          " ns but the last input (seq " + std::to_string(last) + ") is stamped " +
                          std::to_string(last_ts_.value()) + " ns");
    }
    if (meta_.state_hash) {
      report_.state_hash_checked = true;
      if (*meta_.state_hash != core_->state_hash()) {
        fail_key("meta state_hash", last, "state_hash",
                 "final state hash differs: recorded " + *meta_.state_hash + ", recomputed " +
                     core_->state_hash());
      }
    }
  }

  // Snapshots past the last batch (a run that died before writing it) cannot be replayed to,
  // but must still be whole snapshots of the seq they are keyed by.
  void check_snapshots_past_end() {
    for (size_t i = next_snapshot_; i < snapshot_seqs_.size() && report_.ok(); ++i) {
      const Seq seq = snapshot_seqs_[i];
      auto snap = read_snapshot(log_, seq);
      if (!snap.is_ok()) return fail(seq.value(), "snapshot", snap.status().message());
      if (snap.value().seq != seq) {
        return fail(seq.value(), "snapshot", "snapshot stored at seq " + std::to_string(seq.value()) +
                                                 " says seq " + std::to_string(snap.value().seq.value()));
      }
    }
  }

  void fail_key(const char* key, uint64_t seq, const char* check, const std::string& what) {
    audit_internal::record_failure(report_, seq, check, what, key);
  }
  void fail(uint64_t seq, const char* check, const std::string& what) {
    audit_internal::record_failure(report_, seq, check, what);
  }

  const EventLog& log_;
  const AuditOptions& options_;
  const uint64_t every_;
  audit_internal::Meta meta_;
  std::unique_ptr<Core> core_;
  std::unique_ptr<InputOracle> oracle_;
  AuditReport report_;
  std::vector<Input> inputs_;
  std::vector<Output> outputs_;
  uint64_t next_seq_ = 1;
  Timestamp last_ts_;
  std::vector<Seq> snapshot_seqs_;
  size_t next_snapshot_ = 0;
};

}  // namespace

Result<AuditReport> audit_log(const EventLog& log, const CoreConfig& config,
                              const InputOracleFactory& oracle, const AuditOptions& options) {
  // The core is large (order pool, ladders): keep it off the stack.
  auto auditor = std::make_unique<Auditor>(log, config, oracle, options);
  return auditor->run();
}

}  // namespace tape
