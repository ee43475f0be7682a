// Data venue: feed latency (bars, quotes and prints held for the bus, data_venue.h) and its
// state.
#include <string>

#include "core/data_venue.h"
#include "core/held_state.h"

namespace tape {

Timestamp DataVenue::feed_due() {
  int64_t due = clock_.now().value() + feed_latency_.next_ns();
  // A drawn latency keeps the feed FIFO: no earlier than the data held before (with none held,
  // the last was due at or before now).
  if (!feed_.empty() && feed_.back().due.value() > due) due = feed_.back().due.value();
  return Timestamp(due);
}

void DataVenue::publish_held(const HeldData& held) {
  if (const QuoteIn* q = std::get_if<QuoteIn>(&held.data)) {
    Market& m = markets_[q->instrument.value()];
    m.has_seen = true;
    m.seen = *q;
  }
  std::visit([this](const auto& data) { queue_.publish(data); }, held.data);
}

void DataVenue::deliver_due(Timestamp t) {
  // publish_held never touches feed_: each is published in place.
  feed_.deliver_due(t, [this](const HeldData& held) { publish_held(held); });
}

void DataVenue::hash_feed(StateHasher& h) const {
  h.tag("venue_feed");
  for (const Market& m : markets_) {
    h.u8(m.has_seen);
    h.v(m.seen.bid);
    h.v(m.seen.bid_qty);
    h.v(m.seen.ask);
    h.v(m.seen.ask_qty);
  }
  h.u64(feed_.size());
  HeldWriter w(h);
  for (size_t k = 0; k < feed_.size(); ++k) {
    h.v(feed_[k].due);
    w.variant(feed_[k].data);
  }
  h.u64(feed_.early());
}

void DataVenue::restore_feed(StateReader& r) {
  r.expect_tag("venue_feed");
  for (size_t i = 0; i < markets_.size() && r.ok(); ++i) {
    Market& m = markets_[i];
    const uint8_t seen = r.u8();
    if (seen > 1) r.fail("venue feed: flag out of range");
    m.has_seen = seen == 1;
    m.seen.instrument = InstrumentId(static_cast<uint32_t>(i));
    m.seen.bid = r.v<Price>();
    m.seen.bid_qty = r.v<Qty>();
    m.seen.ask = r.v<Price>();
    m.seen.ask_qty = r.v<Qty>();
  }
  const uint64_t n = r.u64();
  if (n > feed_.max()) r.fail("venue feed: more held than the bound");
  feed_.clear();
  HeldReader reader(r);
  for (uint64_t k = 0; k < n && r.ok(); ++k) {
    HeldData held;
    held.due = r.v<Timestamp>();
    reader.variant(held.data);
    if (!r.ok()) break;
    const InstrumentId instrument =
        std::visit([](const auto& data) { return data.instrument; }, held.data);
    if (instrument.value() >= markets_.size()) {
      r.fail("venue feed: held data " + std::to_string(k) + " names an unknown instrument");
      break;
    }
    if (!feed_.push_restored(held)) {
      r.fail("venue feed: held data out of due-time order");
      break;
    }
  }
  feed_.set_early(r.u64());
}

}  // namespace tape
