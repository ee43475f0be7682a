// Where an approved strategy decision goes: the bus stage in the engine's place. Every event
// the engine handles is passed straight to it; a RiskDecision is routed instead:
//   order latency (LatencyConfig::order_on()): held in the core's LatencyQueue until
//     now + order_ns (the core delivers it through execute(); core/core.h). A decision that
//     finds the queue full is answered at once with OrderRejected{kBookFull}.
//     A drawn latency (LatencyConfig::order_dist) keeps each account's decisions in the order
//     they were made (an order entry session is FIFO): due = max(now + draw, the due time of
//     the account's last decision still in flight). Decisions of different accounts may pass
//     each other. A constant latency is FIFO by itself.
//   no latency: executed now, exactly where the engine would have executed it.
// execute() hands a decision to the venue of the run: the engine's book with VenueModel::kBook,
// the L3 venue with kL3, else the data venue (the engine then never sees strategy decisions).
// Controls (halts, the kill switch) reach the engine, then the L3 venue.
// Thread: the core thread only.
#pragma once

#include <concepts>

#include "core/bus.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/data_venue.h"
#include "core/engine.h"
#include "core/event_queue.h"
#include "core/l3_venue.h"
#include "core/latency_draw.h"
#include "core/latency_queue.h"

namespace tape {

class VenueRouter {
 public:
  VenueRouter(const CoreConfig& config, const SimClock& clock, Engine& engine, DataVenue& venue,
              L3Venue& l3, LatencyQueue& in_flight, EventQueue& queue)
      : order_(config.latency.order_ns, config.latency.order_dist, config.latency.seed,
               LatencyKind::kOrder),
        clock_(clock),
        engine_(engine),
        venue_(venue),
        l3_(l3),
        in_flight_(in_flight),
        queue_(queue) {}

  // Everything else the engine handles reaches it unchanged.
  template <typename Event>
  requires(Handles<Engine, Event> && !std::same_as<Event, RiskDecision>) void on(const Event& e) {
    engine_.on(e);
  }

  void on(const ControlIn& c) {
    engine_.on(c);
    l3_.on(c);
  }

  void on(const RiskDecision& d) {
    if (!d.approved) return;  // Risk has published the OrderRejected
    if (!order_.on()) {
      execute(d);
      return;
    }
    if (!in_flight_.push(due_of(d), d)) {
      const OrderIntent& it = d.intent;
      queue_.publish(OrderRejected{it.id, it.account, it.instrument, RejectReason::kBookFull});
    }
  }

  // Order latency's draws (their RNG state is core state, core/core.h).
  const LatencyDraw& order_latency() const { return order_; }
  LatencyDraw& order_latency() { return order_; }

  // The decision reaches its venue now.
  void execute(const RiskDecision& d) {
    if (l3_.active()) {
      l3_.execute(d);
    } else if (venue_.active()) {
      venue_.execute(d);
    } else {
      engine_.on(d);
    }
  }

 private:
  // When `d` reaches its venue (the FIFO rule above). The account's last decision in flight is
  // the first of its account from the back of the queue (the queue is in due-time order); with
  // none in flight its last one arrived at or before now. No state beyond the queue.
  Timestamp due_of(const RiskDecision& d) {
    int64_t due = clock_.now().value() + order_.next_ns();
    if (!order_.drawn()) return Timestamp(due);
    for (size_t k = in_flight_.size(); k > 0; --k) {
      if (in_flight_.decision(k - 1).intent.account == d.intent.account) {
        const int64_t last = in_flight_.due(k - 1).value();
        if (last > due) due = last;
        break;
      }
    }
    return Timestamp(due);
  }

  LatencyDraw order_;
  const SimClock& clock_;
  Engine& engine_;
  DataVenue& venue_;
  L3Venue& l3_;
  LatencyQueue& in_flight_;
  EventQueue& queue_;
};

}  // namespace tape
