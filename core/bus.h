// Typed publish/subscribe on one thread. Subscribers are a fixed, ordered list of objects known
// at compile time; an event is delivered to every subscriber that has an `on(const T&)` overload
// for its type, in list order, with no virtual call. Handlers publish into the EventQueue; the
// bus delivers those events after the current one (breadth-first), so nothing re-enters.
#pragma once

#include <tuple>
#include <variant>

#include "core/event_queue.h"

namespace tape {

template <typename Sub, typename Event>
concept Handles = requires(Sub& s, const Event& e) { s.on(e); };

template <typename... Subs>
class Bus {
 public:
  Bus(EventQueue& queue, Subs&... subs) : queue_(queue), subs_(subs...) {}

  void publish(const BusEvent& e) { queue_.publish(e); }

  // Publishes a batch in order, then delivers everything queued.
  template <typename Range>
  void publish_many(const Range& events) {
    for (const auto& e : events) queue_.publish(e);
    drain();
  }

  // Delivers queued events, and the events they cause, until the queue is empty.
  void drain() {
    while (!queue_.empty()) {
      // Copy out: a handler may publish and the slot must not change under it.
      const BusEvent e = queue_.front();
      queue_.pop();
      std::visit([this](const auto& ev) { deliver(ev); }, e);
    }
  }

  EventQueue& queue() { return queue_; }

 private:
  template <typename Event>
  void deliver(const Event& ev) {
    std::apply([&ev](auto&... s) { (deliver_one(s, ev), ...); }, subs_);
  }
  template <typename Sub, typename Event>
  static void deliver_one(Sub& s, const Event& ev) {
    if constexpr (Handles<Sub, Event>) s.on(ev);
  }

  EventQueue& queue_;
  std::tuple<Subs&...> subs_;
};

}  // namespace tape
