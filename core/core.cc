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
      venue_(config_, clock_, queue_),
      l3_(config_, clock_, queue_),
      router_(config_, clock_, engine_, venue_, l3_, in_flight_, queue_),
      risk_(config_, clock_, queue_),
      portfolio_(config_, queue_),
      strategies_(config_, clock_,
                  l3_.active()      ? static_cast<const MarketView&>(l3_)
                  : venue_.active() ? static_cast<const MarketView&>(venue_)
                                    : static_cast<const MarketView&>(engine_),
                  portfolio_, queue_),
      recorder_(config_.recorder, clock_, mode, sink),
      bus_(queue_, risk_, router_, venue_, portfolio_, strategies_, recorder_) {
  if (venue_.active()) portfolio_.set_venue(&venue_);
  const LatencyConfig& l = config_.latency;
  delays_ = l.order_on() || l.ack_on() || ((l3_.active() || venue_.active()) && l.feed_on());
}

void Core::advance_venues(Timestamp t) {
  engine_.advance_time(t);
  venue_.advance_time(t);
  l3_.advance_time(t);
}

bool Core::next_timer(int64_t* due) const {
  bool any = false;
  for (size_t i = 0; i < strategies_.size(); ++i) {
    if (config_.strategies[i].timer_ms <= 0) continue;
    const int64_t t = strategies_.next_timer(i).value();
    if (!any || t < *due) *due = t;
    any = true;
  }
  return any;
}

void Core::run_due(Timestamp t) {
  const Seq seq = clock_.seq();
  int instants = 0;
  // The held kinds in the tie rule's order (core.h): decisions, acks, market data.
  enum Held { kDecision = 0, kAck = 1, kFeed = 2, kHeldKinds = 3 };
  const bool l3_feed = l3_.active();
  while (true) {
    const bool has[kHeldKinds] = {in_flight_.has_due(t), strategies_.has_due_ack(t),
                                  l3_feed ? l3_.has_due(t) : venue_.has_due(t)};
    int64_t due[kHeldKinds] = {};
    if (has[kDecision]) due[kDecision] = in_flight_.next_due().value();
    if (has[kAck]) due[kAck] = strategies_.next_ack_due().value();
    if (has[kFeed]) due[kFeed] = (l3_feed ? l3_.next_due() : venue_.next_due()).value();
    int first = -1;  // the earliest held kind; a tie goes to the kind first in the rule
    for (int k = 0; k < kHeldKinds; ++k) {
      if (has[k] && (first < 0 || due[k] < due[first])) first = k;
    }
    int64_t timer = 0;
    const bool has_timer = next_timer(&timer) && timer <= t.value();
    if (first >= 0 && (!has_timer || due[first] <= timer)) {
      const Timestamp at(due[first]);
      clock_.advance(seq, at);
      advance_venues(at);
      if (first == kDecision) {
        // Decisions made during these deliveries are due later (order_ns > 0).
        while (in_flight_.has_due(at)) {
          router_.execute(in_flight_.pop());
          bus_.drain();
        }
      } else if (first == kAck) {
        strategies_.deliver_acks(at);
        bus_.drain();
      } else if (l3_feed) {
        l3_.deliver_due(at, bus_);
        bus_.drain();
      } else {
        venue_.deliver_due(at);
        bus_.drain();
      }
      continue;
    }
    if (!has_timer) break;
    int64_t upto = timer;
    if (++instants > StrategyHost::kTimerCatchUpMax) {
      // A long gap: the rest up to the next delivery (or t) at once, under the catch-up rule.
      upto = t.value();
      for (int k = 0; k < kHeldKinds; ++k) {
        if (has[k] && due[k] - 1 < upto) upto = due[k] - 1;
      }
      instants = 0;
    }
    clock_.advance(seq, Timestamp(upto));
    advance_venues(Timestamp(upto));
    strategies_.advance_time(Timestamp(upto));
    bus_.drain();
  }
  clock_.advance(seq, t);
  advance_venues(t);
}

Status Core::process(const Input& in) {
  TAPE_CHECK(in.seq.value() == clock_.seq().value() + 1, "input seq gap");
  TAPE_CHECK(in.ts >= clock_.now(), "input time went backwards past the sequencer");
  const bool first = clock_.seq().value() == 0;
  clock_.advance(in.seq, in.ts);
  recorder_.begin_input(in);
  venue_.begin_input();
  strategies_.begin_input();
  // Rule (docs/determinism.md): a delayed decision, held ack, held market data or timer due at
  // t is delivered before any input stamped t, and its outputs are numbered under that input's
  // seq (core.h states the interleaving).
  if (delays_ && !first) {
    run_due(in.ts);
  } else {
    advance_venues(in.ts);
    strategies_.advance_time(in.ts);  // the first call anchors the timers at in.ts
  }
  bus_.drain();
  // A live message that was no input is journaled as a heartbeat carrying its reason.
  const RejectReason bad = in.reject != RejectReason::kNone
                               ? in.reject
                               : validate_input(in.body, config_.instruments.size());
  if (bad != RejectReason::kNone) {
    bus_.publish(InputRejected{instrument_of(in.body).value_or(InstrumentId(0)), bad});
  } else {
    bool held = false;
    if (venue_.active()) {
      // The venue works its orders against the data before anyone sees it (data_venue.h);
      // with feed latency it holds the data for the bus (held).
      std::visit(
          [this, &held](const auto& body) {
            if constexpr (requires { venue_.on_market(body); }) held = venue_.on_market(body);
          },
          in.body);
      bus_.drain();
    }
    if (l3_.active()) {
      // The L3 venue rebuilds the book and fills resting strategy orders first (l3_venue.h).
      if (const auto* m = std::get_if<BookMessageIn>(&in.body)) l3_.on_market(*m);
      bus_.drain();
    }
    if (!held) std::visit([this](const auto& body) { bus_.publish(body); }, in.body);
  }
  bus_.drain();
  // The portfolio refuses (never aborts on) a fill it cannot book in int64: the run stops here.
  if (!portfolio_.status().is_ok()) {
    return Status::invalid("seq " + std::to_string(in.seq.value()) + ": " +
                           portfolio_.status().message());
  }
  // A plugin strategy that failed (an error, a throw, a malformed order) stops the run (exit 2).
  if (!strategies_.status().is_ok()) return strategies_.status();
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
  // Sections of features that are off are left out: a kBook run without latency hashes and
  // snapshots exactly as before they existed.
  if (venue_.active()) venue_.hash_state(h);
  if (l3_.active()) l3_.hash_state(h);
  if (config_.latency.order_on()) in_flight_.hash_state(h);
  if (config_.latency.ack_on()) strategies_.hash_acks(h);
  if (config_.latency.any_drawn()) hash_latency_rngs(h);
}

// The draws' RNG states, order, feed, ack (each only when drawn). The feed's lives in the venue
// of the run (the L3 venue's, else the data venue's).
const LatencyDraw& Core::feed_latency() const {
  return l3_.active() ? l3_.feed_latency() : venue_.feed_latency();
}

void Core::hash_latency_rngs(StateHasher& h) const {
  h.tag("latency_rng");
  for (const LatencyDraw* d :
       {&router_.order_latency(), &feed_latency(), &strategies_.ack_latency()}) {
    if (!d->drawn()) continue;
    for (uint64_t w : d->rng_state()) h.u64(w);
  }
}

void Core::restore_latency_rngs(StateReader& r) {
  r.expect_tag("latency_rng");
  LatencyDraw& feed = l3_.active() ? l3_.feed_latency() : venue_.feed_latency();
  for (LatencyDraw* d : {&router_.order_latency(), &feed, &strategies_.ack_latency()}) {
    if (!d->drawn()) continue;
    Rng::State s;
    for (uint64_t& w : s) w = r.u64();
    if ((s[0] | s[1] | s[2] | s[3]) == 0) r.fail("latency rng: an all-zero state");
    d->set_rng_state(s);
  }
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
  if (venue_.active()) RETURN_IF_ERROR(venue_.restore_state(r));
  if (l3_.active()) RETURN_IF_ERROR(l3_.restore_state(r));
  if (config_.latency.order_on()) RETURN_IF_ERROR(in_flight_.restore_state(r));
  if (config_.latency.ack_on()) RETURN_IF_ERROR(strategies_.restore_acks(r));
  if (config_.latency.any_drawn()) restore_latency_rngs(r);
  RETURN_IF_ERROR(r.status());
  if (!r.at_end()) return Status::mismatch("snapshot state: trailing bytes after the last section");
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
