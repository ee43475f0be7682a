#include "live/live_source.h"

#include <algorithm>
#include <chrono>

#include "core/state_hash.h"
#include "core/state_reader.h"
#include "live/live_metrics.h"

namespace tape {
namespace {

void set_instrument(InputBody& body, InstrumentId id) {
  std::visit(
      [id](auto& e) {
        if constexpr (requires { e.instrument; }) e.instrument = id;
      },
      body);
}

}  // namespace

int64_t wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

RejectReason reject_reason_of(const std::string& r) {
  static const std::map<std::string, RejectReason> kReasons = {
      {"bad_json", RejectReason::kBadJson},           {"unknown_type", RejectReason::kUnknownType},
      {"missing_field", RejectReason::kMissingField}, {"unknown_field", RejectReason::kUnknownField},
      {"bad_type", RejectReason::kBadType},           {"bad_number", RejectReason::kBadNumber},
      {"not_on_tick", RejectReason::kNotOnTick},      {"negative_size", RejectReason::kNegativeSize},
      {"bad_enum", RejectReason::kBadEnum},           {"bad_time", RejectReason::kBadTime},
      {"not_an_input", RejectReason::kNotAnInput},
  };
  auto it = kReasons.find(r);
  return it == kReasons.end() ? RejectReason::kBadJson : it->second;
}

LiveSource::LiveSource(const LiveConfig& config, NatsFeed& feed, LiveMetrics& metrics,
                       uint64_t last_seq, uint64_t last_stream_seq,
                       const std::atomic<bool>* stop)
    : config_(config), feed_(feed), metrics_(metrics), stop_(stop),
      ticks_(Decimal{1, 2}, Rounding::kReject),
      decoder_(JsonlDecodeOptions{"", /*need_time=*/false}, ticks_), next_seq_(last_seq + 1),
      last_stream_seq_(last_stream_seq), labels_(config.live.nats.subjects) {
  for (size_t i = 0; i < config.instruments.size(); ++i) {
    const InstrumentSpec& spec = config.instruments[i];
    ticks_.set_tick(spec.symbol, spec.tick_size);
    symbols_.emplace(spec.symbol, InstrumentId(static_cast<uint32_t>(i)));
  }
}

LiveSource::~LiveSource() {
  for (Held& h : held_) natsMsg_Destroy(h.message.msg);
  for (FeedMessage& m : inbox_) natsMsg_Destroy(m.msg);
}

void LiveSource::decode(const FeedMessage& m, InputBody& body) {
  FeedRecord rec;
  BadRow bad;
  JsonlSeq seq;
  const std::string_view text(natsMsg_GetData(m.msg),
                              static_cast<size_t>(natsMsg_GetDataLength(m.msg)));
  current_reject_ = RejectReason::kNone;
  if (!decoder_.decode(text, rec, bad, seq)) {
    current_reject_ = reject_reason_of(bad.reason);
  } else if (!rec.symbol.empty()) {
    auto it = symbols_.find(rec.symbol);
    if (it == symbols_.end()) {
      current_reject_ = RejectReason::kUnknownInstrument;
    } else {
      set_instrument(rec.body, it->second);
    }
  }
  if (current_reject_ != RejectReason::kNone) {
    metrics_.count_reject(reject_reason_name(current_reject_));
    body = HeartbeatIn{};
  } else {
    body = std::move(rec.body);
  }
}

bool LiveSource::next(Timestamp& ts, InputBody& body) {
  const auto heartbeat = std::chrono::milliseconds(config_.live.heartbeat_ms);
  FeedMessage m;
  for (;;) {
    if (inbox_.empty() && !feed_.pop_many(inbox_, kInboxMax, heartbeat, stop_)) {
      current_stream_seq_ = 0;
      current_reject_ = RejectReason::kNone;
      current_arrival_ns_ = 0;
      body = HeartbeatIn{};
      metrics_.heartbeats.fetch_add(1, std::memory_order_relaxed);
      break;
    }
    m = inbox_.front();
    inbox_.pop_front();
    if (m.stream_seq <= last_stream_seq_) {  // a redelivery of a journaled message
      metrics_.duplicates.fetch_add(1, std::memory_order_relaxed);
      natsMsg_Destroy(m.msg);
      continue;
    }
    decode(m, body);
    current_stream_seq_ = m.stream_seq;
    current_arrival_ns_ = m.arrival_ns;
    last_stream_seq_ = m.stream_seq;
    const char* subject = natsMsg_GetSubject(m.msg);
    if (subject_count_ == nullptr || last_subject_ != subject) {
      last_subject_ = subject;
      subject_count_ = &metrics_.subject_counter(labels_.label_of(last_subject_));
    }
    subject_count_->fetch_add(1, std::memory_order_relaxed);
    if (metrics_.messages.fetch_add(1, std::memory_order_relaxed) == 0) {
      metrics_.first_message_ns.store(m.arrival_ns, std::memory_order_relaxed);
    }
    metrics_.last_message_ns.store(m.arrival_ns, std::memory_order_relaxed);
    metrics_.last_stream_seq.store(m.stream_seq, std::memory_order_relaxed);
    held_.push_back(Held{next_seq_, m});
    break;
  }
  ts = Timestamp(wall_clock_ns());
  metrics_.inputs.fetch_add(1, std::memory_order_relaxed);
  ++next_seq_;
  return true;
}

void LiveSource::release(uint64_t durable_seq) {
  if (held_.empty() || held_.front().seq > durable_seq) return;
  const int64_t now = steady_ns();
  while (held_.size() > 1 && held_[1].seq <= durable_seq) {
    metrics_.input_to_durable_ns.record(static_cast<uint64_t>(now - held_.front().message.arrival_ns));
    natsMsg_Destroy(held_.front().message.msg);
    held_.pop_front();
  }
  const Held last = held_.front();
  held_.pop_front();
  metrics_.input_to_durable_ns.record(static_cast<uint64_t>(now - last.message.arrival_ns));
  metrics_.acked_stream_seq.store(last.message.stream_seq, std::memory_order_relaxed);
  feed_.ack(last.message.msg);
}

std::string live_position_bytes(uint64_t last_stream_seq) {
  StateHasher bytes;
  bytes.u64(last_stream_seq);
  return bytes.bytes();
}

Result<uint64_t> parse_live_position(std::string_view bytes) {
  StateReader r(bytes);
  const uint64_t seq = r.u64();
  if (r.ok() && !r.at_end()) r.fail("live source position has trailing bytes");
  RETURN_IF_ERROR(r.status());
  return seq;
}

std::string LiveSource::save_state() const { return live_position_bytes(last_stream_seq_); }

Status LiveSource::restore_state(std::string_view bytes) {
  ASSIGN_OR_RETURN(last_stream_seq_, parse_live_position(bytes));
  return Status::ok();
}

}  // namespace tape
