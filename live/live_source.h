// The live feed as a session Source (session/source.h): each JetStream message becomes one
// input in the JSONL form of `tape import --format jsonl` (feed/jsonl_decode.h), stamped from
// the wall clock (its own "ts", if any, is not used: DESIGN §3 rule 9) and carrying its stream
// sequence. A message that is no input (bad JSON, an unknown type or instrument, a wrong field)
// is journaled as a heartbeat carrying its reason, which the core answers with an
// InputRejected: never dropped. A message whose stream sequence is not above the last journaled
// one is a redelivery and is skipped. When no message comes for heartbeat_ms, a heartbeat input
// moves timers and the recorder's time-bound flush.
//
// Messages yielded are kept until the batch holding their input is durable (release()); then
// the last of them is acknowledged, which acknowledges all (AckAll).
//
// Position (save_state): the last journaled stream sequence. Thread: the core's.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "feed/jsonl_decode.h"
#include "feed/record.h"
#include "live/live_config.h"
#include "live/live_metrics.h"
#include "live/nats_feed.h"
#include "live/subjects.h"
#include "session/source.h"

namespace tape {

// The live position as snapshot bytes (the last journaled stream sequence), and back:
// Status naming trailing or missing bytes. LiveSource and resume's journal tail share it.
std::string live_position_bytes(uint64_t last_stream_seq);
Result<uint64_t> parse_live_position(std::string_view bytes);

class LiveSource final : public Source {
 public:
  // `last_seq` is the log's last input seq and `last_stream_seq` the last stream sequence
  // journaled (0, 0 for a new session). `feed`, `metrics` and `stop` must outlive the source;
  // `stop` (may be null) shortens the wait for messages once it is set.
  LiveSource(const LiveConfig& config, NatsFeed& feed, LiveMetrics& metrics, uint64_t last_seq,
             uint64_t last_stream_seq, const std::atomic<bool>* stop);
  ~LiveSource() override;

  bool next(Timestamp& ts, InputBody& body) override;
  void decorate(Input& in) const override {
    in.stream_seq = current_stream_seq_;
    in.reject = current_reject_;
  }
  std::string save_state() const override;
  Status restore_state(std::string_view bytes) override;

  // Acknowledges every message whose input seq is <= `durable_seq`; records their arrival to
  // durable latency.
  void release(uint64_t durable_seq);
  // Steady-clock ns when the message of the input last yielded arrived (0 for a heartbeat).
  int64_t current_arrival_ns() const { return current_arrival_ns_; }

 private:
  void decode(const FeedMessage& m, InputBody& body);

  const LiveConfig& config_;
  NatsFeed& feed_;
  LiveMetrics& metrics_;
  const std::atomic<bool>* stop_;
  TickConverter ticks_;
  JsonlDecoder decoder_;
  std::map<std::string, InstrumentId> symbols_;
  uint64_t next_seq_;              // the seq the sequencer gives the next input
  uint64_t last_stream_seq_;       // last stream sequence yielded
  uint64_t current_stream_seq_ = 0;
  RejectReason current_reject_ = RejectReason::kNone;
  int64_t current_arrival_ns_ = 0;
  struct Held {
    uint64_t seq;
    FeedMessage message;
  };
  std::deque<Held> held_;  // yielded, not yet durable: bounded by the recorder's queue
  static constexpr size_t kInboxMax = 4096;  // messages taken from the feed's queue at once
  std::deque<FeedMessage> inbox_;  // taken, not yet yielded
  SubjectLabels labels_;  // which configured subject a message's subject falls under
  std::string last_subject_;
  std::atomic<uint64_t>* subject_count_ = nullptr;  // last_subject_'s label's counter in metrics_
};

// The RejectReason of a JSONL bad-row reason ("bad_json" -> kBadJson, ...).
RejectReason reject_reason_of(const std::string& bad_row_reason);

// Wall-clock ns since the Unix epoch: the stamp of a live input. Only the sequencer's side of
// the session reads it.
int64_t wall_clock_ns();

}  // namespace tape
