// The fallback mid of the strategies that price off the feed: the last valid quote of one
// instrument (bid > 0, ask > 0, bid < ask), kept doubled (mid2 = bid + ask) so it stays in
// integer ticks. Part of the strategy state: hashed and restored as a flag byte then mid2.
#pragma once

#include <cstdint>

#include "core/state_hash.h"
#include "core/state_reader.h"

namespace tape {

struct QuoteMid {
  bool has = false;
  int64_t mid2 = 0;

  // Takes the quote's mid when it is a valid two-sided quote; otherwise keeps the last one.
  void observe(int64_t bid, int64_t ask) {
    if (bid > 0 && ask > 0 && bid < ask) {
      has = true;
      mid2 = bid + ask;
    }
  }
  void hash_state(StateHasher& h) const {
    h.u8(has);
    h.i64(mid2);
  }
  // Reads back hash_state(); fails the reader on a flag out of range.
  void restore_state(StateReader& r) {
    const uint8_t flag = r.u8();
    mid2 = r.i64();
    if (flag > 1) r.fail("quote mid flag out of range");
    has = flag == 1;
  }
};

}  // namespace tape
