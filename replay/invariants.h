// The invariant checker: run after every input (stress tests, `tape run --check-invariants`).
// A breach names the seq and the invariant; the runner stops with exit 3.
//
// Checked after every input: seqs contiguous; nothing dropped (every input recorded); the touched
// instruments' books not crossed at rest; every order's quantity conserved (each fill reduces
// both sides by its qty and the reported leaves agree; a cancel removes exactly the open qty);
// every order reaches exactly one terminal state (filled, cancelled or rejected) and nothing
// happens to it after; managed positions equal the sum of their fills; managed cash moves only
// by fills and fees; an input answered by InputRejected has no other output, and no bar with its
// open or close outside [low, high] is accepted. Every `full_check_every` inputs and at the end: the engine's full book
// check (level totals, id map, resting quantities > 0).
//
// The checker reads the core through CheckedState, so that its own tests can show it crafted
// states that a real core cannot reach (restore refuses them) and prove each invariant fires.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/config.h"
#include "core/core.h"

namespace tape {

struct InvariantBreach {
  uint64_t seq = 0;
  std::string invariant;  // e.g. "book_not_crossed", "quantity_conserved"
  std::string detail;
};

// What the checker reads after an input.
class CheckedState {
 public:
  virtual ~CheckedState() = default;
  virtual std::span<const Output> last_outputs() const = 0;  // of the input just processed
  virtual uint64_t inputs_recorded() const = 0;              // since the core was built
  virtual TopOfBook top(InstrumentId instrument) const = 0;
  virtual int64_t position(AccountId account, InstrumentId instrument) const = 0;
  virtual Money cash(AccountId account) const = 0;
  virtual Money fees(AccountId account) const = 0;
  virtual std::string book_check() const = 0;  // the engine's full check: empty when it holds
  virtual uint64_t resting_orders() const = 0;
};

// A live core as the checker sees it. Holds a reference; the core must outlive it.
class CoreView final : public CheckedState {
 public:
  explicit CoreView(const Core& core) : core_(core) {}
  std::span<const Output> last_outputs() const override { return core_.last_outputs(); }
  uint64_t inputs_recorded() const override { return core_.recorder().counters().inputs; }
  TopOfBook top(InstrumentId i) const override { return core_.engine().top(i); }
  int64_t position(AccountId a, InstrumentId i) const override {
    return core_.portfolio().position(a, i);
  }
  Money cash(AccountId a) const override { return core_.portfolio().cash(a); }
  Money fees(AccountId a) const override { return core_.portfolio().fees(a); }
  std::string book_check() const override { return core_.engine().check_invariants(); }
  uint64_t resting_orders() const override { return core_.engine().counters().resting; }

 private:
  const Core& core_;
};

class InvariantChecker {
 public:
  // A checker for a fresh core (nothing processed yet).
  // Default: 4096. Inputs between two full book walks.
  explicit InvariantChecker(const CoreConfig& config, uint64_t full_check_every = 4096);

  // A checker for a core restored (from a snapshot, plus a replayed tail) at core.last_seq():
  // its live orders, positions and cash flows are rebuilt from the core's state, which the
  // restore has already proven consistent; checking then goes on from the next seq.
  static Result<InvariantChecker> resume_at(const Core& core, uint64_t full_check_every = 4096);

  // Call after core.process(in) returned ok.
  std::optional<InvariantBreach> after_input(const Input& in, const Core& core) {
    return after_input(in, CoreView(core));
  }
  std::optional<InvariantBreach> after_input(const Input& in, const CheckedState& state);
  // Call once after the last input: full book check.
  std::optional<InvariantBreach> at_end(const Core& core) { return at_end(CoreView(core)); }
  std::optional<InvariantBreach> at_end(const CheckedState& state);

  uint64_t checked() const { return checked_; }
  uint64_t live_orders() const { return open_.size(); }

 private:
  Status rebuild_from(const Core& core);
  std::optional<InvariantBreach> check_order_event(uint64_t seq, const OutputBody& body);
  std::optional<InvariantBreach> check_accounts(uint64_t seq, const CheckedState& state);
  std::optional<InvariantBreach> check_books(uint64_t seq, const CheckedState& state);
  void note_fill_side(AccountId account, InstrumentId instrument, Side side, const Fill& f);

  CoreConfig config_;
  uint64_t full_check_every_;
  uint64_t last_seq_ = 0;
  uint64_t inputs_base_ = 0;  // inputs the core had recorded when checking began
  uint64_t seq_base_ = 0;     // the seq checking began after
  uint64_t checked_ = 0;
  // Open quantity of every live order by id. Lookup only; never iterated into a result.
  std::unordered_map<uint64_t, int64_t> open_;
  std::vector<uint64_t> pending_new_;  // ids submitted as new orders by the current input
  std::vector<InstrumentId> touched_;
  // Managed accounts: expected position per (account, instrument) and flows of cash.
  std::vector<std::vector<int64_t>> position_;  // [account][instrument]
  std::vector<int64_t> signed_notional_;        // [account] sum of -side x notional
  std::vector<uint8_t> account_touched_;
};

}  // namespace tape
