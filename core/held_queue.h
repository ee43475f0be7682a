// Events held for strategies until a due time: the core's delayed deliveries other than order
// latency (core/latency_queue.h). Feed latency holds market data (the L3 venue's book changes
// and prints, core/l3_venue.h; the data venue's bars, quotes and prints, core/data_venue.h);
// ack latency holds the outcomes of a strategy's orders (core/strategy.h). The core delivers
// what is due as its time walks up to each input (core/core.h states the tie rule).
//
// The queue is in (due time, creation) order, so the front is always the earliest. hold() and
// hold_slot() append: the caller's due times must be non-decreasing (a constant latency over a
// clock that never goes back, or a drawn one made FIFO); hold_sorted() inserts an item after
// every item due at or before it (a drawn latency FIFO per owner only).
// Bound: at most `max` items; holding one more first hands the front (the earliest due, the
// oldest) to the caller's `early` function (delivered before its time, counted in early()).
// Item: trivially copyable, with a `Timestamp due` member.
// Thread: the core thread only.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/ring.h"
#include "core/types.h"

namespace tape {

template <typename Item>
class HeldQueue {
 public:
  explicit HeldQueue(size_t max) : max_(max) {}

  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  size_t max() const { return max_; }
  const Item& operator[](size_t i) const { return items_[i]; }
  const Item& front() const { return items_.front(); }
  // Precondition: !empty(). The latest due item.
  const Item& back() const { return items_.back(); }
  // True when an item is due at or before `t`.
  bool has_due(Timestamp t) const { return !items_.empty() && items_.front().due <= t; }
  // Precondition: !empty().
  Timestamp next_due() const { return items_.front().due; }

  // The slot to write the next item into (every field: it holds an old item's contents). At
  // the bound the oldest item is first passed to early(const Item&) and dropped.
  template <typename Early>
  Item& hold_slot(Early&& early) {
    if (items_.size() >= max_) {
      ++early_;
      early(items_.front());
      items_.pop_front();
    }
    return items_.push_back_slot();
  }
  template <typename Early>
  void hold(const Item& item, Early&& early) {
    hold_slot(early) = item;
  }

  // Holds `item` in (due, creation) order: after every item due at or before item.due.
  template <typename Early>
  void hold_sorted(const Item& item, Early&& early) {
    if (items_.empty() || items_.back().due <= item.due) {
      hold(item, early);
      return;
    }
    if (items_.size() >= max_) {
      ++early_;
      early(items_.front());
      items_.pop_front();
    }
    size_t lo = 0, hi = items_.size();  // the first item due after item.due
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (item.due < items_[mid].due) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    items_.insert(lo, item);
  }

  // Passes every item due at or before `t` to fn(const Item&), in creation order, and drops it.
  // fn must not hold into this queue (it is handed the item in place).
  template <typename Fn>
  void deliver_due(Timestamp t, Fn&& fn) {
    while (has_due(t)) {
      fn(items_.front());
      items_.pop_front();
    }
  }

  uint64_t early() const { return early_; }

  // Restore: empties the queue, then push_restored() each item and set_early().
  void clear() {
    items_.clear();
    early_ = 0;
  }
  // False (nothing held) beyond the bound or out of due-time order.
  bool push_restored(const Item& item) {
    if (items_.size() >= max_) return false;
    if (!items_.empty() && item.due < items_.back().due) return false;
    items_.push_back(item);
    return true;
  }
  void set_early(uint64_t n) { early_ = n; }

 private:
  size_t max_;
  Ring<Item> items_;
  uint64_t early_ = 0;
};

}  // namespace tape
