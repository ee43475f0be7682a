// The invariant checker: run after every input (stress tests, `tape run --check-invariants`).
// A breach names the seq and the invariant; the runner stops with exit 3.
//
// Checked after every input: seqs contiguous; nothing dropped (every input recorded); the touched
// instruments' books not crossed at rest; every order's quantity conserved (each fill reduces
// both sides by its qty and the reported leaves agree; a cancel removes exactly the open qty);
// every order reaches exactly one terminal state (filled, cancelled or rejected) and nothing
// happens to it after; managed positions equal the sum of their fills; managed cash moves only
// by fills and fees. Every `full_check_every` inputs and at the end: the engine's full book
// check (level totals, id map, resting quantities > 0).
#pragma once

#include <cstdint>
#include <optional>
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

class InvariantChecker {
 public:
  // Default: 4096. Inputs between two full book walks.
  explicit InvariantChecker(const CoreConfig& config, uint64_t full_check_every = 4096);

  // Call after core.process(in) returned ok.
  std::optional<InvariantBreach> after_input(const Input& in, const Core& core);
  // Call once after the last input: full book check.
  std::optional<InvariantBreach> at_end(const Core& core);

  uint64_t checked() const { return checked_; }
  uint64_t live_orders() const { return open_.size(); }

 private:
  std::optional<InvariantBreach> check_outputs(const Input& in, const Core& core);
  std::optional<InvariantBreach> check_order_event(uint64_t seq, const OutputBody& body);
  std::optional<InvariantBreach> check_accounts(uint64_t seq, const Core& core);
  void note_fill_side(AccountId account, InstrumentId instrument, Side side, const Fill& f);

  CoreConfig config_;
  uint64_t full_check_every_;
  uint64_t last_seq_ = 0;
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
