// Wall-clock probes of the session loop: tick-to-order latency and the durable trace.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/stage_probe.h"
#include "store/event_log.h"

namespace tape {

// Tick-to-order latency: wall time from the start of Core::process to the input's first order
// intent, once risk has ruled on it. The core reports the moment; the clock is read here.
class DecisionTimer final : public DecisionProbe {
 public:
  using Clock = std::chrono::steady_clock;
  void start(Clock::time_point t0) {
    t0_ = t0;
    hit_ = false;
  }
  void decided() override {
    ns_ = static_cast<uint64_t>((Clock::now() - t0_).count());
    hit_ = true;
  }
  // The latency of the input just processed, if it led to an order.
  std::optional<uint64_t> latency_ns() const { return hit_ ? std::optional(ns_) : std::nullopt; }

 private:
  Clock::time_point t0_;
  uint64_t ns_ = 0;
  bool hit_ = false;
};

// Appends the log's durable seq to a file whenever it advances (LoopOptions::durable_trace).
class DurableTrace {
 public:
  explicit DurableTrace(const std::string& path);  // empty: off
  ~DurableTrace();
  DurableTrace(const DurableTrace&) = delete;
  DurableTrace& operator=(const DurableTrace&) = delete;
  void note(const EventLog& log);

 private:
  int fd_;
  uint64_t last_ = 0;
};

}  // namespace tape
