// The scenario's seeded generator as a session Source. Its state bytes are exactly the
// generator's save_state encoding, as snapshots have always held it, so logs and snapshots are
// byte-identical to those written before sources existed.
#pragma once

#include "session/source.h"
#include "sim/generator.h"
#include "sim/scenario.h"

namespace tape {

class GeneratorSource final : public Source {
 public:
  // `scenario` and `market` must outlive the source.
  GeneratorSource(const Scenario& scenario, uint64_t seed, const MarketView* market)
      : generator_(scenario, seed, market) {}

  bool next(Timestamp& ts, InputBody& body) override { return generator_.next(ts, body); }
  std::string save_state() const override;
  // Empty bytes are refused: a snapshot without a generator state cannot resume a run.
  Status restore_state(std::string_view bytes) override;

 private:
  Generator generator_;
};

// A factory for sessions over `scenario` (which must outlive every source made).
SourceFactory generator_source(const Scenario& scenario, uint64_t seed);

}  // namespace tape
