#include "core/core.h"

#include "core/state_hash.h"
#include "core/state_reader.h"

namespace tape {
namespace {

bool bad_price(Price p) { return p.value() <= 0 || p.value() > kMaxFeedValue; }

// Market data the core must not act on. Orders are validated by the engine (they get
// OrderRejected); quotes, trades, bars, book messages and controls are checked here because
// nothing downstream answers them.
RejectReason validate_input(const InputBody& body, size_t instruments) {
  auto known = [instruments](InstrumentId i) { return i.value() < instruments; };
  if (const auto* q = std::get_if<QuoteIn>(&body)) {
    if (!known(q->instrument)) return RejectReason::kUnknownInstrument;
    if (bad_price(q->bid) || bad_price(q->ask)) return RejectReason::kInvalidPrice;
    if (q->bid_qty.value() <= 0 || q->ask_qty.value() <= 0 || q->bid_qty.value() > kMaxFeedValue ||
        q->ask_qty.value() > kMaxFeedValue) {
      return RejectReason::kInvalidQty;
    }
    if (q->bid >= q->ask) return RejectReason::kCrossedQuote;
  } else if (const auto* t = std::get_if<TradeIn>(&body)) {
    if (!known(t->instrument)) return RejectReason::kUnknownInstrument;
    if (bad_price(t->price)) return RejectReason::kInvalidPrice;
    if (t->qty.value() <= 0 || t->qty.value() > kMaxFeedValue) return RejectReason::kInvalidQty;
  } else if (const auto* b = std::get_if<BarIn>(&body)) {
    if (!known(b->instrument)) return RejectReason::kUnknownInstrument;
    if (bad_price(b->open) || bad_price(b->high) || bad_price(b->low) || bad_price(b->close)) {
      return RejectReason::kInvalidPrice;
    }
    if (b->volume.value() < 0 || b->volume.value() > kMaxFeedValue || b->period_ns < 0) {
      return RejectReason::kInvalidQty;
    }
    if (b->low > b->high || b->open < b->low || b->open > b->high || b->close < b->low ||
        b->close > b->high) {
      return RejectReason::kInvalidBar;
    }
  } else if (const auto* m = std::get_if<BookMessageIn>(&body)) {
    if (!known(m->instrument)) return RejectReason::kUnknownInstrument;
    const bool halt_kind = m->action >= BookAction::kHalt;
    if (!halt_kind && bad_price(m->price)) return RejectReason::kInvalidPrice;
    if (!halt_kind && (m->qty.value() <= 0 || m->qty.value() > kMaxFeedValue)) {
      return RejectReason::kInvalidQty;
    }
  } else if (const auto* c = std::get_if<ControlIn>(&body)) {
    const bool per_instrument = c->kind == ControlKind::kHalt || c->kind == ControlKind::kResume;
    if (per_instrument && !known(c->instrument)) return RejectReason::kUnknownInstrument;
  }
  return RejectReason::kNone;
}

}  // namespace

Core::Core(const CoreConfig& config, Recorder::Mode mode, BatchSink* sink)
    : config_(config),
      queue_(config.event_queue_capacity),
      engine_(config_, queue_),
      risk_(config_, clock_, queue_),
      portfolio_(config_, queue_),
      strategies_(config_, clock_, engine_, portfolio_, queue_),
      recorder_(config_.recorder, clock_, mode, sink),
      bus_(queue_, risk_, engine_, portfolio_, strategies_, recorder_) {}

Status Core::process(const Input& in) {
  TAPE_CHECK(in.seq.value() == clock_.seq().value() + 1, "input seq gap");
  TAPE_CHECK(in.ts >= clock_.now(), "input time went backwards past the sequencer");
  clock_.advance(in.seq, in.ts);
  recorder_.begin_input(in);
  // Rule (docs/determinism.md): a timer due at t fires before any input stamped t, and its
  // outputs are numbered under that input's seq.
  strategies_.advance_time(in.ts);
  bus_.drain();
  const RejectReason bad = validate_input(in.body, config_.instruments.size());
  if (bad != RejectReason::kNone) {
    bus_.publish(InputRejected{instrument_of(in.body).value_or(InstrumentId(0)), bad});
  } else {
    std::visit([this](const auto& body) { bus_.publish(body); }, in.body);
  }
  bus_.drain();
  // The portfolio refuses (never aborts on) a fill it cannot book in int64: the run stops here.
  if (!portfolio_.status().is_ok()) {
    return Status::invalid("seq " + std::to_string(in.seq.value()) + ": " +
                           portfolio_.status().message());
  }
  return recorder_.end_input();
}

Status Core::finish() { return recorder_.finish(); }

std::string Core::state_hash() const {
  StateHasher h;
  save_state(h);
  return h.hex();
}

void Core::save_state(StateHasher& h) const {
  h.tag("clock");
  h.v(clock_.seq());
  h.v(clock_.now());
  h.tag("engine");
  engine_.hash_state(h);
  h.tag("risk");
  risk_.hash_state(h);
  h.tag("portfolio");
  portfolio_.hash_state(h);
  h.tag("strategies");
  strategies_.hash_state(h);
}

SnapshotData Core::snapshot() const {
  StateHasher h;
  save_state(h);
  SnapshotData s;
  s.seq = clock_.seq();
  s.ts = clock_.now();
  s.state_hash = h.hex();
  s.core_state = h.bytes();
  return s;
}

Status Core::restore_state(std::string_view bytes) {
  TAPE_CHECK(clock_.seq().value() == 0, "restore_state needs a fresh core");
  StateReader r(bytes);
  r.expect_tag("clock");
  const Seq seq = r.v<Seq>();
  const Timestamp now = r.v<Timestamp>();
  r.expect_tag("engine");
  RETURN_IF_ERROR(engine_.restore_state(r));
  r.expect_tag("risk");
  RETURN_IF_ERROR(risk_.restore_state(r));
  r.expect_tag("portfolio");
  RETURN_IF_ERROR(portfolio_.restore_state(r));
  r.expect_tag("strategies");
  RETURN_IF_ERROR(strategies_.restore_state(r));
  RETURN_IF_ERROR(r.status());
  if (!r.at_end()) return Status::mismatch("snapshot state: trailing bytes after the strategies");
  clock_.advance(seq, now);
  // Prove the restore: the restored core must encode to exactly the bytes it came from.
  StateHasher again;
  save_state(again);
  if (again.bytes() != bytes) {
    return Status::mismatch("snapshot state: restored core encodes differently at seq " +
                            std::to_string(seq.value()));
  }
  return Status::ok();
}

}  // namespace tape
