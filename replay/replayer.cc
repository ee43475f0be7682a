#include "replay/replayer.h"

#include <vector>

#include "core/codec.h"
#include "store/snapshot_store.h"

namespace tape {
namespace {

std::string at_seq(Seq seq) { return "seq " + std::to_string(seq.value()); }

// Compares the outputs the core produced for one input with the recorded ones.
Status compare_outputs(Seq seq, std::span<const Output> produced,
                       std::span<const Output> recorded) {
  const size_t n = std::min(produced.size(), recorded.size());
  for (size_t k = 0; k < n; ++k) {
    if (!(produced[k] == recorded[k])) {
      return Status::mismatch("output differs at " + at_seq(seq) + " k=" + std::to_string(k) +
                              "\n  recorded: " + describe(recorded[k]) +
                              "\n  replayed: " + describe(produced[k]));
    }
  }
  if (produced.size() != recorded.size()) {
    const bool extra = produced.size() > recorded.size();
    const Output& o = extra ? produced[n] : recorded[n];
    return Status::mismatch("output count differs at " + at_seq(seq) + ": recorded " +
                            std::to_string(recorded.size()) + ", replayed " +
                            std::to_string(produced.size()) + "\n  first " +
                            (extra ? "extra replayed: " : "missing recorded: ") + describe(o));
  }
  return Status::ok();
}

class Replayer {
 public:
  Replayer(const EventLog& log, const CoreConfig& config, const ReplayOptions& options,
           const ReplayHooks& hooks)
      : log_(log), options_(options), hooks_(hooks),
        core_(config, Recorder::Mode::kCollect, nullptr) {}

  Result<ReplayResult> run() {
    const Seq log_last = log_.last_seq();
    const Seq to = options_.to.value() == 0 ? log_last : std::min(options_.to, log_last);
    RETURN_IF_ERROR(start_from_snapshot());
    auto cursor = log_.batches(Seq(result_.last_seq.value() + 1));
    while (result_.last_seq < to) {
      // The cursor's error (a checksum, a gap) is returned here, before "log ends early" could
      // be said about it.
      ASSIGN_OR_RETURN(const bool more, cursor.next());
      if (!more) break;
      RETURN_IF_ERROR(replay_batch(cursor));
    }
    RETURN_IF_ERROR(status_of_cursor_end(to));
    RETURN_IF_ERROR(core_.finish());
    result_.state_hash = core_.state_hash();
    if (hooks_.finished) hooks_.finished(core_, result_.state_hash);
    result_.reached_end = result_.last_seq == log_last;
    if (options_.verify && result_.reached_end) RETURN_IF_ERROR(verify_final_hash());
    return result_;
  }

 private:
  Status replay_batch(EventLog::BatchCursor& cursor) {
    recorded_.clear();
    RETURN_IF_ERROR(cursor.decode(inputs_, options_.verify ? &recorded_ : nullptr));
    size_t next_recorded = 0;
    for (const Input& in : inputs_) {
      if (options_.to.value() != 0 && in.seq > options_.to) break;
      if (in.seq <= result_.last_seq) {  // before the snapshot we started from
        while (next_recorded < recorded_.size() && recorded_[next_recorded].seq <= in.seq) {
          ++next_recorded;
        }
        continue;
      }
      if (in.seq.value() != result_.last_seq.value() + 1) {
        return Status::mismatch("seq gap: expected " + at_seq(Seq(result_.last_seq.value() + 1)) +
                                ", log has " + at_seq(in.seq));
      }
      if (hooks_.before) hooks_.before();
      RETURN_IF_ERROR(core_.process(in));
      if (hooks_.after) hooks_.after(in, core_);
      result_.last_seq = in.seq;
      ++result_.inputs;
      const auto produced = core_.last_outputs();
      result_.outputs += produced.size();
      if (!options_.verify) continue;
      const size_t begin = next_recorded;
      while (next_recorded < recorded_.size() && recorded_[next_recorded].seq == in.seq) {
        ++next_recorded;
      }
      if (in.seq < options_.from) continue;
      std::span<const Output> recorded(recorded_.data() + begin, next_recorded - begin);
      RETURN_IF_ERROR(compare_outputs(in.seq, produced, recorded));
      result_.outputs_compared += produced.size();
    }
    if (options_.verify && next_recorded < recorded_.size() &&
        (options_.to.value() == 0 || recorded_[next_recorded].seq <= options_.to)) {
      return Status::mismatch("recorded output with no matching input at " +
                              at_seq(recorded_[next_recorded].seq) + ": " +
                              describe(recorded_[next_recorded]));
    }
    return Status::ok();
  }

  // With --from past seq 1, start from the newest snapshot before it instead of seq 1.
  Status start_from_snapshot() {
    if (options_.from.value() <= 1) return Status::ok();
    ASSIGN_OR_RETURN(std::optional<SnapshotData> snap,
                     latest_snapshot(log_, Seq(options_.from.value() - 1)));
    if (!snap) return Status::ok();
    RETURN_IF_ERROR(core_.restore_state(snap->core_state));
    result_.last_seq = snap->seq;
    result_.snapshot_seq = snap->seq;
    return Status::ok();
  }

  Status status_of_cursor_end(Seq to) {
    if (result_.last_seq < to) {
      return Status::mismatch("log ends at " + at_seq(result_.last_seq) + " but its meta says " +
                              at_seq(to));
    }
    return Status::ok();
  }

  Status verify_final_hash() {
    ASSIGN_OR_RETURN(std::optional<std::string> recorded, log_.get_meta("state_hash"));
    if (!recorded) return Status::ok();  // a run that did not finish records no final hash
    if (*recorded != result_.state_hash) {
      return Status::mismatch("final state hash differs at " + at_seq(result_.last_seq) +
                              ": recorded " + *recorded + ", replayed " + result_.state_hash);
    }
    result_.state_hash_verified = true;
    return Status::ok();
  }

  const EventLog& log_;
  ReplayOptions options_;
  const ReplayHooks& hooks_;
  Core core_;
  ReplayResult result_;
  std::vector<Input> inputs_;
  std::vector<Output> recorded_;
};

}  // namespace

Result<ReplayResult> replay_log(const EventLog& log, const CoreConfig& config,
                                const ReplayOptions& options, const ReplayHooks& hooks) {
  // The core is large (order pool, ladders): keep it off the stack.
  auto replayer = std::make_unique<Replayer>(log, config, options, hooks);
  return replayer->run();
}

}  // namespace tape
