#include "replay/invariants.h"

#include <algorithm>

#include "core/codec.h"
#include "core/state_hash.h"
#include "core/state_reader.h"

namespace tape {
namespace {

InvariantBreach breach(uint64_t seq, const char* name, std::string detail) {
  return InvariantBreach{seq, name, std::move(detail)};
}

std::string id_str(OrderId id) { return "order " + std::to_string(id.value()); }

}  // namespace

InvariantChecker::InvariantChecker(const CoreConfig& config, uint64_t full_check_every)
    : config_(config), full_check_every_(std::max<uint64_t>(1, full_check_every)) {
  position_.assign(kExternalAccountBase, std::vector<int64_t>(config.instruments.size(), 0));
  signed_notional_.assign(kExternalAccountBase, 0);
  account_touched_.assign(kExternalAccountBase, 0);
}

void InvariantChecker::note_fill_side(AccountId account, InstrumentId instrument, Side side,
                                      const Fill& f) {
  if (!is_managed(account)) return;
  const auto& inst = config_.instruments[instrument.value()];
  const int64_t notional = f.price.value() * inst.tick_value * inst.lot_size * f.qty.value();
  position_[account.value()][instrument.value()] += sign(side) * f.qty.value();
  signed_notional_[account.value()] -= sign(side) * notional;
  account_touched_[account.value()] = 1;
}

std::optional<InvariantBreach> InvariantChecker::check_order_event(uint64_t seq,
                                                                   const OutputBody& body) {
  if (const auto* a = std::get_if<OrderAccepted>(&body)) {
    if (open_.count(a->id.value())) {
      return breach(seq, "one_terminal_state", id_str(a->id) + " accepted while already live");
    }
    open_[a->id.value()] = a->qty.value();
    std::erase(pending_new_, a->id.value());
    touched_.push_back(a->instrument);
  } else if (const auto* f = std::get_if<Fill>(&body)) {
    for (auto [id, leaves] : {std::pair{f->maker, f->maker_leaves}, {f->taker, f->taker_leaves}}) {
      auto it = open_.find(id.value());
      if (it == open_.end()) {
        return breach(seq, "one_terminal_state", "fill on " + id_str(id) + " which is not live");
      }
      it->second -= f->qty.value();
      if (it->second != leaves.value() || it->second < 0) {
        return breach(seq, "quantity_conserved",
                      id_str(id) + " has " + std::to_string(it->second) +
                          " open after the fill, the fill says " + std::to_string(leaves.value()));
      }
      if (it->second == 0) open_.erase(it);
    }
    const Side maker_side = opposite(f->aggressor);
    note_fill_side(f->maker_account, f->instrument, maker_side, *f);
    note_fill_side(f->taker_account, f->instrument, f->aggressor, *f);
    touched_.push_back(f->instrument);
  } else if (const auto* c = std::get_if<OrderCancelled>(&body)) {
    auto it = open_.find(c->id.value());
    if (it == open_.end()) {
      return breach(seq, "one_terminal_state", "cancel of " + id_str(c->id) + " which is not live");
    }
    if (it->second != c->qty.value()) {
      return breach(seq, "quantity_conserved",
                    id_str(c->id) + " cancelled " + std::to_string(c->qty.value()) + " of " +
                        std::to_string(it->second) + " open");
    }
    open_.erase(it);
    touched_.push_back(c->instrument);
  } else if (const auto* r = std::get_if<OrderReplaced>(&body)) {
    auto it = open_.find(r->id.value());
    if (it == open_.end()) {
      return breach(seq, "one_terminal_state", "replace of " + id_str(r->id) + " which is not live");
    }
    it->second = r->qty.value();
    touched_.push_back(r->instrument);
  } else if (const auto* j = std::get_if<OrderRejected>(&body)) {
    // A reject ends a new order; for a cancel or replace request it changes nothing.
    auto p = std::find(pending_new_.begin(), pending_new_.end(), j->id.value());
    if (p != pending_new_.end()) {
      if (j->reason != RejectReason::kDuplicateOrderId && open_.count(j->id.value())) {
        return breach(seq, "one_terminal_state", id_str(j->id) + " rejected after it was accepted");
      }
      pending_new_.erase(p);
    }
  } else if (const auto* d = std::get_if<RiskDecision>(&body)) {
    if (d->intent.kind == IntentKind::kNew) pending_new_.push_back(d->intent.id.value());
  }
  return std::nullopt;
}

std::optional<InvariantBreach> InvariantChecker::check_accounts(uint64_t seq,
                                                                const CheckedState& p) {
  for (uint32_t a = 0; a < account_touched_.size(); ++a) {
    if (!account_touched_[a]) continue;
    const AccountId acct(a);
    for (uint32_t i = 0; i < position_[a].size(); ++i) {
      const int64_t have = p.position(acct, InstrumentId(i));
      if (have != position_[a][i]) {
        return breach(seq, "position_equals_fills",
                      "account " + std::to_string(a) + " instrument " + std::to_string(i) +
                          " position " + std::to_string(have) + ", fills sum to " +
                          std::to_string(position_[a][i]));
      }
    }
    const int64_t expected = signed_notional_[a] - p.fees(acct).value();
    if (p.cash(acct).value() != expected) {
      return breach(seq, "cash_moves_by_fills_and_fees",
                    "account " + std::to_string(a) + " cash " +
                        std::to_string(p.cash(acct).value()) + ", fills and fees give " +
                        std::to_string(expected));
    }
  }
  return std::nullopt;
}

std::optional<InvariantBreach> InvariantChecker::check_books(uint64_t seq,
                                                             const CheckedState& state) {
  for (InstrumentId inst : touched_) {
    const TopOfBook top = state.top(inst);
    if (top.has_bid && top.has_ask && top.bid >= top.ask) {
      return breach(seq, "book_not_crossed",
                    "instrument " + std::to_string(inst.value()) + " bid " +
                        std::to_string(top.bid.value()) + " >= ask " + std::to_string(top.ask.value()));
    }
  }
  if (seq % full_check_every_ == 0) {
    const std::string msg = state.book_check();
    if (!msg.empty()) return breach(seq, "book_consistent", msg);
  }
  return std::nullopt;
}

namespace {

// Market data the core refused (quotes, trades, bars, book messages answered by an
// InputRejected) reaches nothing else: the rejection is the input's only output. And a bar
// whose open or close lies outside [low, high] is never taken as good data.
std::optional<InvariantBreach> check_market_data(uint64_t seq, const InputBody& body,
                                                 std::span<const Output> outputs) {
  const bool rejected = std::any_of(outputs.begin(), outputs.end(), [](const Output& o) {
    return std::holds_alternative<InputRejected>(o.body);
  });
  if (rejected && outputs.size() != 1) {
    return breach(seq, "rejected_data_isolated",
                  std::string(input_type_name(body)) + " was rejected yet produced " +
                      std::to_string(outputs.size()) + " outputs");
  }
  if (const auto* b = std::get_if<BarIn>(&body); b && !rejected) {
    const bool inside = b->low <= b->open && b->open <= b->high && b->low <= b->close &&
                        b->close <= b->high;
    if (!inside) {
      return breach(seq, "bar_consistent", "a bar with open or close outside [low, high] was accepted");
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<InvariantBreach> InvariantChecker::after_input(const Input& in,
                                                             const CheckedState& state) {
  const uint64_t seq = in.seq.value();
  if (seq != last_seq_ + 1) {
    return breach(seq, "seq_contiguous", "expected seq " + std::to_string(last_seq_ + 1));
  }
  last_seq_ = seq;
  ++checked_;
  // Counted from where checking began: a restored core's recorder starts from 0.
  const uint64_t recorded = state.inputs_recorded() - inputs_base_;
  if (recorded != seq - seq_base_) {
    return breach(seq, "nothing_dropped",
                  "recorded " + std::to_string(recorded) + " inputs of the " +
                      std::to_string(seq - seq_base_) + " up to seq " + std::to_string(seq));
  }
  if (auto b = check_market_data(seq, in.body, state.last_outputs())) return b;
  pending_new_.clear();
  touched_.clear();
  if (const auto* o = std::get_if<NewOrderIn>(&in.body)) pending_new_.push_back(o->id.value());
  bool had_fill = false;
  for (const Output& out : state.last_outputs()) {
    if (auto b = check_order_event(seq, out.body)) return b;
    had_fill |= std::holds_alternative<Fill>(out.body);
  }
  if (!pending_new_.empty()) {
    return breach(seq, "one_terminal_state",
                  id_str(OrderId(pending_new_.front())) + " was submitted and got no response");
  }
  if (auto b = check_books(seq, state)) return b;
  if (had_fill) return check_accounts(seq, state);
  return std::nullopt;
}

std::optional<InvariantBreach> InvariantChecker::at_end(const CheckedState& state) {
  const std::string msg = state.book_check();
  if (!msg.empty()) return breach(last_seq_, "book_consistent", msg);
  if (state.resting_orders() != open_.size()) {
    return breach(last_seq_, "one_terminal_state",
                  std::to_string(open_.size()) + " orders live by the outputs, " +
                      std::to_string(state.resting_orders()) + " resting in the books");
  }
  return std::nullopt;
}

Result<InvariantChecker> InvariantChecker::resume_at(const Core& core, uint64_t full_check_every) {
  InvariantChecker checker(core.config(), full_check_every);
  RETURN_IF_ERROR(checker.rebuild_from(core));
  return checker;
}

// Live orders come from the engine's canonical state (engine.h documents its layout: per book
// its id, halted flag, then per side each level's price, count and orders (id, account, price,
// leaves)); accounts from the portfolio, whose cash is signed notional less fees.
Status InvariantChecker::rebuild_from(const Core& core) {
  last_seq_ = seq_base_ = core.last_seq().value();
  inputs_base_ = core.recorder().counters().inputs;
  StateHasher h;
  core.engine().hash_state(h);
  StateReader r(h.bytes());
  r.expect_tag("engine");
  const uint32_t books = r.u32();
  for (uint32_t b = 0; b < books && r.ok(); ++b) {
    r.v<InstrumentId>();
    r.u8();  // halted
    for (int side = 0; side < 2 && r.ok(); ++side) {
      r.u8();
      const uint32_t levels = r.u32();
      for (uint32_t l = 0; l < levels && r.ok(); ++l) {
        r.i64();  // price
        const uint32_t count = r.u32();
        for (uint32_t k = 0; k < count && r.ok(); ++k) {
          const OrderId id = r.v<OrderId>();
          r.v<AccountId>();
          r.v<Price>();
          open_[id.value()] = r.v<Qty>().value();
        }
      }
    }
  }
  RETURN_IF_ERROR(r.status());
  if (open_.size() != core.engine().counters().resting) {
    return Status::mismatch("invariant checker: the engine's state lists " +
                            std::to_string(open_.size()) + " resting orders, its counter " +
                            std::to_string(core.engine().counters().resting));
  }
  const Portfolio& p = core.portfolio();
  for (uint32_t a = 0; a < account_touched_.size(); ++a) {
    const AccountId acct(a);
    for (uint32_t i = 0; i < position_[a].size(); ++i) {
      position_[a][i] = p.position(acct, InstrumentId(i));
      account_touched_[a] |= position_[a][i] != 0 ? 1 : 0;
    }
    signed_notional_[a] = p.cash(acct).value() + p.fees(acct).value();
    account_touched_[a] |= signed_notional_[a] != 0 || p.fees(acct).value() != 0 ? 1 : 0;
  }
  return Status::ok();
}

}  // namespace tape
