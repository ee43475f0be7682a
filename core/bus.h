// Typed publish/subscribe on one thread. Subscribers are a fixed, ordered list of objects known
// at compile time; an event is delivered to every subscriber that has an `on(const T&)` overload
// for its type, in list order, with no virtual call. Handlers publish into the EventQueue; the
// bus delivers those events after the current one (breadth-first), so nothing re-enters.
#pragma once

#include <tuple>
#include <utility>
#include <variant>

#include "core/event_queue.h"
#include "core/stage_probe.h"

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
      std::visit([this](const auto& ev) { this->deliver(ev); }, e);
    }
  }

  // Delivers `ev` to every subscriber now, as drain() would when `ev` reached the front; the
  // events the handlers publish are queued. Equal to publish(e1) .. publish(en); drain() for
  // a sequence dispatched while the queue is empty (breadth-first: e1..en reach every handler
  // before anything they cause), without the copy into the queue and out of it.
  // Precondition: queue().empty() when the first event of such a sequence is dispatched.
  template <typename Event>
  void dispatch(const Event& ev) {
    deliver(ev);
  }

  EventQueue& queue() { return queue_; }
  // Times every handler call from now on (nullptr: none). Not owned.
  void set_probe(StageProbe* probe) { probe_ = probe; }

 private:
  template <typename Event>
  void deliver(const Event& ev) {
    deliver_all(ev, std::index_sequence_for<Subs...>{});
  }
  template <typename Event, size_t... I>
  void deliver_all(const Event& ev, std::index_sequence<I...>) {
    (deliver_one<I>(std::get<I>(subs_), ev), ...);
  }
  template <size_t I, typename Sub, typename Event>
  void deliver_one(Sub& s, const Event& ev) {
    if constexpr (Handles<Sub, Event>) {
      if (probe_ == nullptr) [[likely]] {
        s.on(ev);
      } else {
        probe_->enter(I);
        s.on(ev);
        probe_->leave(I);
      }
    }
  }

  EventQueue& queue_;
  std::tuple<Subs&...> subs_;
  StageProbe* probe_ = nullptr;
};

}  // namespace tape
