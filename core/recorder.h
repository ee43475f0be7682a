// The recorder: the last subscriber on the bus. It journals every input (handed to it by the
// core before dispatch) and every output in delivery order, numbering outputs (seq, k), and
// closes batches on size and on time. A closed batch is encoded with Cap'n Proto and handed to
// a BatchSink (store/ writes it to RocksDB). Single thread (the core's).
#pragma once

#include <array>
#include <span>
#include <vector>

#include "core/batch_sink.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/events.h"
#include "core/stage_probe.h"

namespace tape {

class Recorder {
 public:
  enum class Mode : uint8_t {
    kSink,        // encode closed batches and hand them to the sink
    kEncodeOnly,  // encode and discard (benchmarks: the core's cost without I/O)
    kCollect,     // keep outputs only until the batch closes (replay verification)
  };

  struct Counters {
    uint64_t inputs = 0;
    uint64_t outputs = 0;
    uint64_t batches = 0;
    uint64_t batch_inputs_max = 0;
    uint64_t rejects = 0;
    std::array<uint64_t, 32> rejects_by_reason{};
    uint64_t fills = 0;
  };

  // `sink` is required in kSink mode and ignored otherwise; it must outlive the recorder.
  Recorder(const RecorderOptions& options, const SimClock& clock, Mode mode, BatchSink* sink);

  // Journals `in`. When the open batch is full, or `in` arrives at least flush_interval_ms
  // (simulated) after the batch's first input, the batch ends before `in`; it is encoded and
  // handed to the sink by end_input(), once `in` has been processed.
  void begin_input(const Input& in);
  // Hands over the batch that begin_input() ended, if any. Called after each input's outputs.
  Status end_input();
  // Closes the open batch (if any) and flushes the sink.
  Status finish();
  // Closes the open batch now, between inputs (paced runs close on wall time from outside).
  Status close_batch();
  // True when begin_input(in) would end the open batch before `in` (it is full, or `in` is due
  // past its time bound). Reads only: a clean stop asks this to end the log where an
  // uninterrupted run's batch ends too, so the stop leaves no short batch behind.
  bool ends_batch_before(const Input& in) const {
    return !inputs_.empty() &&
           (inputs_.size() >= options_.batch_events_max ||
            in.ts.value() - inputs_.front().ts.value() >= options_.flush_interval_ms * 1'000'000);
  }
  // True while inputs are journaled but not yet handed to the sink.
  bool batch_open() const { return !inputs_.empty(); }
  // Told when the first OrderIntent of each input is recorded (nullptr: nobody). Not owned.
  void set_decision_probe(DecisionProbe* probe) { decision_probe_ = probe; }
  // Switches mode between inputs, dropping the open batch unwritten. Recovery replays the
  // logged tail in kCollect mode, then switches to kSink at the log's end (a batch boundary).
  void set_mode(Mode mode) {
    TAPE_CHECK(mode != Mode::kSink || sink_ != nullptr, "recorder in sink mode needs a sink");
    mode_ = mode;
    closing_inputs_ = 0;
    inputs_.clear();
    outputs_.clear();
    current_first_output_ = 0;
  }

  // Outputs (bus handlers).
  void on(const OrderAccepted& e) { record(e); }
  void on(const OrderRejected& e);
  void on(const Fill& e);
  void on(const OrderCancelled& e) { record(e); }
  void on(const OrderReplaced& e) { record(e); }
  void on(const OrderIntent& e);
  void on(const RiskDecision& e) { record(e); }
  void on(const PositionUpdate& e) { record(e); }
  void on(const InputRejected& e);

  // The outputs of the input begun last, in order.
  std::span<const Output> current_outputs() const {
    return {outputs_.data() + current_first_output_, outputs_.size() - current_first_output_};
  }
  const Counters& counters() const { return counters_; }

 private:
  // Encodes one batch and hands it to the sink (kSink), counting it in every mode.
  Status emit(std::span<const Input> inputs, std::span<const Output> outputs);
  void record(const OutputBody& body) {
    outputs_.push_back(Output{clock_.seq(), next_k_++, body});
    ++counters_.outputs;
  }
  RecorderOptions options_;
  const SimClock& clock_;
  Mode mode_;
  BatchSink* sink_;
  std::vector<Input> inputs_;    // the open batch
  std::vector<Output> outputs_;  // outputs of the open batch
  size_t current_first_output_ = 0;
  size_t closing_inputs_ = 0;  // inputs of the batch begin_input() ended (0: none)
  uint32_t next_k_ = 0;
  bool decided_ = false;  // an OrderIntent was recorded for the current input
  DecisionProbe* decision_probe_ = nullptr;
  Counters counters_;
};

}  // namespace tape
