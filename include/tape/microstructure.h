// Market microstructure indicators for strategies and analytics (docs/microstructure.md):
//
//   tape::micro::Ofi, MultiLevelOfi   order flow imbalance          tape/microstructure_ofi.h
//   tape::micro::Vpin                 VPIN, bulk volume classified  tape/microstructure_vpin.h
//   tape::micro::Hawkes               exponential-kernel intensity  tape/microstructure_hawkes.h
//
// All are header-only, standard library only, O(1) per update, allocate only at construction,
// and save/load their state as bytes so a strategy can put them in its save_state/load_state:
//
//   void save_state(std::vector<uint8_t>& out) const override { ofi_.save(out); vpin_.save(out); }
//   void load_state(std::span<const uint8_t> in) override {
//     ofi_.load(in);   // each load consumes its own bytes from the front of `in`
//     vpin_.load(in);
//     if (!in.empty()) throw std::runtime_error("trailing bytes in the saved state");
//   }
//
// Determinism: integers where the quantity is an integer (OFI entirely; VPIN's buckets); the
// doubles of VPIN and Hawkes come from + - * / and sqrt only (tape/microstructure_math.h), so a
// g++ and a clang++ build give the same bits when built with -ffp-contract=off and no fast-math
// (tape_add_strategy sets both).
#pragma once

#include "tape/microstructure_hawkes.h"
#include "tape/microstructure_math.h"
#include "tape/microstructure_ofi.h"
#include "tape/microstructure_vpin.h"
