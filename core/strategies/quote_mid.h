// The fallback mid of the strategies that price off the feed: the last valid QuoteIn of one
// instrument (bid > 0, ask > 0, bid < ask), kept doubled (mid2 = bid + ask) so it stays in
// integer ticks. Part of the strategy state: hashed and restored as a flag byte then mid2.
#pragma once

#include <cstdint>

#include "core/events.h"
#include "core/state_hash.h"
#include "core/state_reader.h"

namespace tape {

struct QuoteMid {
  bool has = false;
  int64_t mid2 = 0;

  // Takes `q`'s mid when it is a valid two-sided quote; otherwise keeps the last one.
  void observe(const QuoteIn& q) {
    if (q.bid.value() > 0 && q.ask.value() > 0 && q.bid < q.ask) {
      has = true;
      mid2 = q.bid.value() + q.ask.value();
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
