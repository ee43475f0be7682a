// Ack latency in the strategy host: order outcomes held for their owners, delivered when due,
// and their state (the rule is in core/strategy.h).
#include <string>

#include "core/held_state.h"
#include "core/strategy.h"

namespace tape {

void StrategyHost::hold_ack(Slot& slot, const AckEvent& e) {
  StrategyContext& ctx = slot.ctx;
  int64_t due = ctx.clock_.now().value() + ack_.next_ns();
  if (ack_.drawn()) {
    // FIFO per strategy: not before its last outcome held (with none still held, that one was
    // due at or before now, so the bound is moot).
    if (slot.last_ack_due_ns > due) due = slot.last_ack_due_ns;
    slot.last_ack_due_ns = due;
  }
  HeldAck a{Timestamp(due), ctx.index(), 0, 0, e};
  if (const Fill* f = std::get_if<Fill>(&e)) {
    // The portfolio (the subscriber before this host) has booked the fill already.
    a.position = ctx.portfolio_.position(ctx.account(), f->instrument);
    a.cash = ctx.portfolio_.cash(ctx.account()).value();
  }
  auto early = [this](const HeldAck& held) { deliver_ack(held); };
  if (ack_.drawn()) {
    acks_.hold_sorted(a, early);
  } else {
    acks_.hold(a, early);
  }
}

void StrategyHost::deliver_ack(const HeldAck& a) {
  Slot& s = slots_[a.slot];
  if (const Fill* f = std::get_if<Fill>(&a.event)) {
    s.ctx.seen_position_[f->instrument.value()] = a.position;
    s.ctx.seen_cash_ = Money(a.cash);
    s.strategy->on_fill(s.ctx, *f);
    return;
  }
  std::visit(
      [&](const auto& e) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(e)>, Fill>) {
          s.strategy->on_order(s.ctx, e);
        }
      },
      a.event);
}

void StrategyHost::deliver_acks(Timestamp t) {
  // Only the bus handlers hold (never a strategy callback): each is delivered in place.
  acks_.deliver_due(t, [this](const HeldAck& a) { deliver_ack(a); });
}

void StrategyHost::hash_acks(StateHasher& h) const {
  h.tag("acks");
  for (const Slot& s : slots_) {
    h.v(s.ctx.seen_cash_);
    h.u64(s.ctx.seen_position_.size());
    for (int64_t p : s.ctx.seen_position_) h.i64(p);
  }
  h.u64(acks_.size());
  HeldWriter w(h);
  for (size_t k = 0; k < acks_.size(); ++k) {
    const HeldAck& a = acks_[k];
    h.v(a.due);
    h.u32(a.slot);
    h.i64(a.position);
    h.i64(a.cash);
    w.variant(a.event);
  }
  h.u64(acks_.early());
}

Status StrategyHost::restore_acks(StateReader& r) {
  r.expect_tag("acks");
  for (Slot& s : slots_) {
    if (!r.ok()) break;
    s.ctx.seen_cash_ = r.v<Money>();
    if (r.u64() != s.ctx.seen_position_.size()) {
      r.fail("acks: strategy " + std::to_string(s.ctx.index()) + " instrument count differs");
      break;
    }
    for (int64_t& p : s.ctx.seen_position_) p = r.i64();
  }
  const uint64_t n = r.u64();
  if (n > acks_.max()) r.fail("acks: more held than the bound");
  acks_.clear();
  for (Slot& s : slots_) s.last_ack_due_ns = 0;
  HeldReader reader(r);
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    HeldAck a;
    a.due = r.v<Timestamp>();
    a.slot = r.u32();
    a.position = r.i64();
    a.cash = r.i64();
    reader.variant(a.event);
    if (!r.ok()) break;
    const Fill* f = std::get_if<Fill>(&a.event);
    if (a.slot >= slots_.size() ||
        (f != nullptr && f->instrument.value() >= slots_[a.slot].ctx.seen_position_.size())) {
      r.fail("acks: held outcome " + std::to_string(k) + " names no strategy or instrument");
      break;
    }
    if (!acks_.push_restored(a)) {
      r.fail("acks: held outcomes out of due-time order");
      break;
    }
    Slot& owner = slots_[a.slot];
    if (a.due.value() > owner.last_ack_due_ns) owner.last_ack_due_ns = a.due.value();
  }
  acks_.set_early(r.u64());
  return r.status();
}

}  // namespace tape
