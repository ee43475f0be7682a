#include "replay/data_log_replay.h"

#include <limits>
#include <numeric>

#include "core/bounds.h"
#include "replay/data_log_audit.h"
#include "replay/log_instruments.h"
#include "session/data_log_source.h"
#include "session/session.h"

namespace tape {
namespace {

std::string at_seq(Seq seq) { return "seq " + std::to_string(seq.value()); }

}  // namespace

Result<CoreConfig> data_log_config(const EventLog& log) {
  ASSIGN_OR_RETURN(InstrumentTable table, log_instruments(log));
  CoreConfig config;
  Result<int64_t> scale = money_scale_for(table);
  if (!scale.is_ok()) return Status::invalid(log.dir() + ": " + scale.status().message());
  config.money_scale = scale.value();
  for (size_t id = 0; id < table.size(); ++id) {
    const std::string where = log.dir() + ": meta instruments[" + std::to_string(id) + "] (" +
                              table[id].symbol + ")";
    ASSIGN_OR_RETURN(InstrumentConfig instrument,
                     instrument_at_scale(table[id], config.money_scale, where));
    config.instruments.push_back(std::move(instrument));
  }
  return config;
}

Result<ReplayResult> replay_data_log(const EventLog& log, const CoreConfig& config,
                                     const ReplayOptions& options, const ReplayHooks& hooks) {
  ReplayResult result;
  if (options.verify) {
    ASSIGN_OR_RETURN(AuditReport audit, audit_data_log(log));
    if (!audit.ok()) {
      return Status::mismatch("data log fails its audit (" + audit.failure_check + "): " +
                              audit.failure);
    }
    result.data_log_checked = true;
  }
  const Seq log_last = log.last_seq();
  const Seq to = options.to.value() == 0 ? log_last : std::min(options.to, log_last);
  ASSIGN_OR_RETURN(std::unique_ptr<DataLogSource> opened, DataLogSource::open(log, to));
  std::unique_ptr<Source> source = std::move(opened);
  const SourceFactory factory = [&](const Core&) { return std::move(source); };
  SessionState state = fresh_session(config, factory, Recorder::Mode::kCollect, nullptr);
  RETURN_IF_ERROR(replay_internal::drive(state, config, /*verifier=*/nullptr, log_last, hooks,
                                         result));
  if (result.last_seq < to) {
    return Status::mismatch("log ends at " + at_seq(result.last_seq) + " but its meta says " +
                            at_seq(to));
  }
  result.inputs = result.last_seq.value();
  result.outputs = state.core->recorder().counters().outputs;
  result.state_hash = state.core->state_hash();
  if (hooks.finished) hooks.finished(*state.core, result.state_hash);
  result.reached_end = result.last_seq == log_last;
  return result;
}

}  // namespace tape
