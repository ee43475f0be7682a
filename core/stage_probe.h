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

}  // namespace tape
