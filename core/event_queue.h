// The bus's bounded FIFO. Components publish into it; the bus drains it breadth-first.
// Single thread. Capacity is fixed at construction and never grows: overflowing it means an
// input produced more derived events than the configured bound, a configuration error that
// would otherwise lose events, so it stops the process (events are never dropped).
//
// Whenever the queue drains empty its head and tail go back to slot 0, so the few events one
// input derives are written to the same few cache lines input after input. The ring is
// reserved up front but committed lazily (core/lazy_array.h): only slots ever reached by the
// deepest burst of derived events cost memory.
#pragma once

#include <cstddef>
#include <memory>
#include <type_traits>
#include <variant>

#include "core/events.h"
#include "core/lazy_array.h"
#include "core/status.h"

namespace tape {

template <typename T, typename V>
struct IsAlternative;
template <typename T, typename... A>
struct IsAlternative<T, std::variant<A...>> : std::bool_constant<(std::is_same_v<T, A> || ...)> {};
// T is one of BusEvent's alternatives.
template <typename T>
inline constexpr bool is_bus_alternative = IsAlternative<T, BusEvent>::value;

class EventQueue {
 public:
  // Default: 65536 events (the scenario key engine.event_queue_capacity). Must cover the events
  // one input can hold in the queue at once: events_per_input_bound (core/bounds.h), which
  // the scenario loader checks with check_event_queue_capacity. Rounded up to a power of two.
  explicit EventQueue(size_t capacity = 65536) : ring_(round_up(capacity)) {
    mask_ = ring_.size() - 1;
  }

  void publish(const BusEvent& e) {
    TAPE_CHECK(size() < ring_.size(), "event queue full: raise engine.event_queue_capacity");
    std::construct_at(&ring_[tail_++ & mask_], e);
    if (size() > high_water_) high_water_ = size();
  }
  // One alternative, built in its slot (no temporary BusEvent copied in).
  template <typename T>
    requires(is_bus_alternative<T>)
  void publish(const T& e) {
    TAPE_CHECK(size() < ring_.size(), "event queue full: raise engine.event_queue_capacity");
    std::construct_at(&ring_[tail_++ & mask_], std::in_place_type<T>, e);
    if (size() > high_water_) high_water_ = size();
  }
  bool empty() const { return head_ == tail_; }
  size_t size() const { return tail_ - head_; }
  size_t capacity() const { return ring_.size(); }
  size_t high_water() const { return high_water_; }
  // Precondition: !empty(). The reference stays valid until the next pop(): once the queue
  // drains empty, the next publish reuses slot 0. Copy the event before popping it.
  const BusEvent& front() const { return ring_[head_ & mask_]; }
  void pop() {
    if (++head_ == tail_) head_ = tail_ = 0;
  }
  void clear() { head_ = tail_ = 0; }

 private:
  static size_t round_up(size_t capacity) {
    size_t cap = 1;
    while (cap < capacity) cap <<= 1;
    return cap;
  }

  LazyArray<BusEvent> ring_;
  size_t mask_ = 0;
  size_t head_ = 0;
  size_t tail_ = 0;
  size_t high_water_ = 0;
};

}  // namespace tape
