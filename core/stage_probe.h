// Hook for measuring where time goes per pipeline stage. The core never reads a clock: a probe
// installed from outside (the CLI's runner) does, around each subscriber's handler. With no
// probe installed the cost is one predictable branch per delivery.
#pragma once

#include <cstddef>

namespace tape {

// Stage ids are subscriber positions on the core's bus: see Core::kStageNames.
class StageProbe {
 public:
  virtual ~StageProbe() = default;
  virtual void enter(size_t stage) = 0;
  virtual void leave(size_t stage) = 0;
};

// Told when an input's first order intent has been decided (the strategy emitted it and risk
// has ruled on it): the "tick to order" moment. Like StageProbe, installed from outside the
// core, which never reads a clock.
class DecisionProbe {
 public:
  virtual ~DecisionProbe() = default;
  virtual void decided() = 0;
};

}  // namespace tape
