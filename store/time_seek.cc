// Seeking the log by simulated time. Input timestamps never decrease along the log (the
// sequencer clamps any that would), so "stamped at or after t" is monotone in seq and a binary
// search over seqs, decoding one batch per probe, finds the boundary in O(log n) batch reads.
#include "core/codec.h"
#include "store/event_log.h"

namespace tape {
namespace {

// The timestamp of input `seq` (which must be in the log), decoding the batch that holds it.
Result<Timestamp> ts_of(const EventLog& log, Seq seq, std::vector<Input>& scratch) {
  auto cursor = log.batches(seq);
  ASSIGN_OR_RETURN(const bool found, cursor.next());
  if (!found) return Status::mismatch("log has no batch holding seq " + std::to_string(seq.value()));
  RETURN_IF_ERROR(cursor.decode(scratch, nullptr));
  const uint64_t index = seq.value() - cursor.first_seq().value();
  if (seq < cursor.first_seq() || index >= scratch.size()) {
    return Status::mismatch("events block at seq " + std::to_string(cursor.first_seq().value()) +
                            " does not hold seq " + std::to_string(seq.value()));
  }
  return scratch[index].ts;
}

}  // namespace

Result<Seq> first_seq_at_or_after(const EventLog& log, Timestamp ts) {
  std::vector<Input> scratch;
  uint64_t lo = 1, hi = log.last_seq().value() + 1;  // the answer lies in [lo, hi]
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    ASSIGN_OR_RETURN(Timestamp at, ts_of(log, Seq(mid), scratch));
    if (at >= ts) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return Seq(lo);
}

Result<Timestamp> timestamp_of(const EventLog& log, Seq seq) {
  std::vector<Input> scratch;
  return ts_of(log, seq, scratch);
}

}  // namespace tape
