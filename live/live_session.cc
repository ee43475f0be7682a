#include "live/live_session.h"

#include <chrono>
#include <deque>
#include <filesystem>

#include "feed/data_log.h"
#include "feed/json.h"
#include "live/live_metrics.h"
#include "live/live_source.h"
#include "live/nats_feed.h"
#include "live/output_publisher.h"
#include "session/recorded_log_source.h"
#include "session/session.h"
#include "session/session_loop.h"
#include "store/log_dir.h"
#include "store/snapshot_store.h"

namespace tape {
namespace {

using Clock = std::chrono::steady_clock;

// The log as the session's sink, timing each batch from its hand-off until the log has
// written it (flush latency) and counting batches not yet written (recorder queue depth).
class LiveSink final : public BatchSink {
 public:
  LiveSink(EventLog& log, LiveMetrics& metrics) : log_(log), metrics_(metrics) {}
  Status append(EncodedBatch&& batch) override {
    pending_.push_back({batch.last_seq.value(), steady_ns()});
    Status st = log_.append(std::move(batch));
    observe();
    return st;
  }
  Status flush() override {
    Status st = log_.flush();
    observe();
    return st;
  }
  // Records the batches written since the last call; returns the log's durable seq.
  uint64_t observe() {
    const uint64_t durable = log_.last_seq().value();
    // The clock is read only when a batch was written since (once per batch, not per input).
    const int64_t now = !pending_.empty() && pending_.front().last_seq <= durable ? steady_ns() : 0;
    while (!pending_.empty() && pending_.front().last_seq <= durable) {
      metrics_.flush_ns.record(static_cast<uint64_t>(now - pending_.front().appended_ns));
      pending_.pop_front();
    }
    metrics_.recorder_queue_depth.store(pending_.size(), std::memory_order_relaxed);
    metrics_.durable_seq.store(durable, std::memory_order_relaxed);
    return durable;
  }

 private:
  struct Pending {
    uint64_t last_seq;
    int64_t appended_ns;
  };
  EventLog& log_;
  LiveMetrics& metrics_;
  std::deque<Pending> pending_;  // bounded by the log's queue (+ the batch being written)
};

// The journal's tail as the source that resume steps alongside it (session/session.h): the
// recorded inputs after the snapshot, and the live position (last stream sequence) kept as the
// live source keeps it, so a snapshot retaken in the tail reads back the same.
class JournalTail final : public Source {
 public:
  JournalTail(const EventLog& log, Seq after) : inner_(log, after) {}
  bool next(Timestamp& ts, InputBody& body) override {
    if (!inner_.next(ts, body)) return false;
    last_stream_seq_ = std::max(last_stream_seq_, inner_.last().input.stream_seq);
    return true;
  }
  Status status() const override { return inner_.status(); }
  void decorate(Input& in) const override { inner_.decorate(in); }
  std::string save_state() const override { return live_position_bytes(last_stream_seq_); }
  Status restore_state(std::string_view bytes) override {
    ASSIGN_OR_RETURN(last_stream_seq_, parse_live_position(bytes));
    return Status::ok();
  }
  uint64_t last_stream_seq() const { return last_stream_seq_; }

 private:
  RecordedLogSource inner_;
  uint64_t last_stream_seq_ = 0;
};

Status write_live_meta(EventLog& log, const LiveConfig& c, const ResolvedBacktest& r) {
  Json plugins = Json::array();
  for (const PluginRecord& p : r.plugins) plugins.push_back(plugin_record_json(p));
  const Json data = {{"format", "jsonl"},
                     {"source", kLiveDataSource},
                     {"nats",
                      {{"url", c.live.nats.url},
                       {"stream", c.live.nats.stream},
                       {"durable", c.live.nats.durable}}}};
  RETURN_IF_ERROR(log.put_meta(kMetaLogKind, kLogKindBacktest));
  RETURN_IF_ERROR(log.put_meta(kMetaInstruments, instruments_json(c.instruments)));
  RETURN_IF_ERROR(log.put_meta(kMetaData, dump_json(data)));
  RETURN_IF_ERROR(log.put_meta(kMetaPlugins, dump_json(plugins)));
  RETURN_IF_ERROR(log.put_meta(kMetaBacktestName, c.backtest.name));
  return log.put_meta(kMetaBacktest, c.backtest.canonical_toml);  // last: the start meta is whole
}

// The log of the session being resumed, which must be a live session's with this config.
Result<std::unique_ptr<EventLog>> open_live_log(const LiveConfig& c, const ResolvedBacktest& r,
                                                const std::string& dir, const LogOptions& lo) {
  if (!std::filesystem::exists(dir)) {
    return Status::invalid(dir + ": no live session to resume (run without --resume first)");
  }
  ASSIGN_OR_RETURN(const store_internal::DirProbe probe, store_internal::probe_dir(dir, lo));
  if (probe.kind == store_internal::DirKind::kUnstarted ||
      probe.kind == store_internal::DirKind::kEmpty) {
    // Killed while creating the log: nothing was journaled, so the session starts afresh there.
    ASSIGN_OR_RETURN(std::unique_ptr<EventLog> log, EventLog::create(dir, lo, /*overwrite=*/false));
    RETURN_IF_ERROR(write_live_meta(*log, c, r));
    return log;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<EventLog> log, EventLog::open(dir, /*read_only=*/false, lo));
  ASSIGN_OR_RETURN(std::optional<std::string> text, log->get_meta(kMetaBacktest));
  if (!text) {
    // Killed between creating the log and finishing its start meta: nothing was journaled.
    if (log->last_seq().value() == 0) {
      RETURN_IF_ERROR(write_live_meta(*log, c, r));
      return log;
    }
    return Status::invalid(dir + ": not a live session's log (no config in its meta)");
  }
  // Its plugins are checked against the recorded SHA-256 (a different file: exit 3).
  RETURN_IF_ERROR(open_backtest_config(*log).status());
  ASSIGN_OR_RETURN(const std::string recorded, live_identity(*text, dir + " (meta backtest)"));
  ASSIGN_OR_RETURN(const std::string given, live_identity(c.backtest.canonical_toml, c.backtest.source));
  if (recorded != given) {
    return Status::invalid(dir + ": the session was recorded with another config than " +
                           c.backtest.source + " (resume with the same config)");
  }
  return log;
}

// The state the session goes on from: a fresh one for an empty log, else the latest snapshot
// plus the journaled tail (every output checked), and the last journaled stream sequence.
Result<SessionState> session_state(EventLog& log, const CoreConfig& core, BatchSink& sink,
                                   uint64_t& last_stream_seq) {
  last_stream_seq = 0;
  if (log.last_seq().value() == 0) {
    return fresh_session(core, [](const Core&) { return std::unique_ptr<Source>(); },
                         Recorder::Mode::kSink, &sink);
  }
  ASSIGN_OR_RETURN(std::optional<SnapshotData> snap, latest_snapshot(log, log.last_seq()));
  const Seq after = snap ? snap->seq : Seq(0);
  JournalTail* tail = nullptr;
  const SourceFactory factory = [&](const Core&) -> std::unique_ptr<Source> {
    auto t = std::make_unique<JournalTail>(log, after);
    tail = t.get();
    return t;
  };
  ASSIGN_OR_RETURN(SessionState state,
                   resume_session(log, core, factory, Recorder::Mode::kSink, &sink, &log));
  last_stream_seq = tail->last_stream_seq();
  return state;
}

}  // namespace

Result<LiveOutcome> run_live(const LiveConfig& config, const LiveOptions& options,
                             LiveMetrics& metrics) {
  const auto start = Clock::now();
  ASSIGN_OR_RETURN(ResolvedBacktest resolved,
                   resolve_backtest(config.backtest, config.instruments, "jsonl"));
  ASSIGN_OR_RETURN(std::unique_ptr<NatsFeed> feed, NatsFeed::connect(config.live, metrics));
  RETURN_IF_ERROR(feed->ensure_stream());

  LogOptions lo;
  lo.sync = resolved.core.recorder.sync;
  lo.queue_batches_max = resolved.core.recorder.queue_batches_max;
  std::unique_ptr<EventLog> log;
  if (options.resume) {
    ASSIGN_OR_RETURN(log, open_live_log(config, resolved, options.data_dir, lo));
  } else {
    ASSIGN_OR_RETURN(log, EventLog::create(options.data_dir, lo, /*overwrite=*/false));
    RETURN_IF_ERROR(write_live_meta(*log, config, resolved));
  }
  LiveOutcome out;
  LiveSink sink(*log, metrics);
  uint64_t last_stream_seq = 0;
  ASSIGN_OR_RETURN(SessionState state, session_state(*log, resolved.core, sink, last_stream_seq));
  if (state.sequencer.last_seq().value() > 0) out.resumed_from = log->last_seq().value();
  auto source = std::make_unique<LiveSource>(config, *feed, metrics,
                                             state.sequencer.last_seq().value(), last_stream_seq,
                                             options.stop);
  LiveSource& live = *source;
  state.source = std::move(source);
  metrics.last_stream_seq.store(last_stream_seq);
  out.stream_seq_first = last_stream_seq + 1;
  RETURN_IF_ERROR(feed->start(out.stream_seq_first));
  if (options.on_started) RETURN_IF_ERROR(options.on_started());

  OutputPublisher publisher(config.live.output_prefix, config.instruments, *feed, metrics);
  LoopOptions loop;
  loop.stop = options.stop;
  loop.durable_trace = options.durable_trace;
  loop.after_input = [&](const Input& in, const Core& core) {
    const auto outputs = core.last_outputs();
    if (!outputs.empty()) {
      publisher.hold(in.seq.value(), live.current_arrival_ns(),
                     std::vector<Output>(outputs.begin(), outputs.end()));
    }
    const uint64_t durable = sink.observe();
    live.release(durable);
    publisher.release(durable);
    return Status::ok();
  };
  Result<LoopEnd> end = run_loop(state, log.get(), resolved.core, loop, out.metrics, Clock::now());
  Status flushed = log->flush();
  const uint64_t durable = sink.observe();
  if (flushed.is_ok()) {
    live.release(durable);
    publisher.release(durable);
  }
  feed->stop();
  // The summary's lag: what the stream holds past the last journaled input, by subject.
  feed->probe_lag(metrics.last_stream_seq.load() + 1);
  RETURN_IF_ERROR(end.status());
  RETURN_IF_ERROR(flushed);
  Core& core = *state.core;
  out.interrupted = end.value().interrupted;
  out.state_hash = core.state_hash();
  core.set_record_mode(Recorder::Mode::kCollect);
  out.chain_head = log->chain_head();
  out.seq_last = log->last_seq().value();
  RETURN_IF_ERROR(log->put_meta("state_hash", out.state_hash));
  RETURN_IF_ERROR(log->put_meta("ts_last", std::to_string(core.now().value())));
  RETURN_IF_ERROR(log->put_meta("complete", "1"));
  out.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  out.metrics.elapsed_s = out.elapsed_s;
  return out;
}

}  // namespace tape
