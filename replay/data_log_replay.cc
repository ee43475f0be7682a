#include "replay/data_log_replay.h"

#include <limits>

#include "replay/data_log_audit.h"
#include "replay/log_instruments.h"
#include "session/data_log_source.h"
#include "session/session.h"

namespace tape {
namespace {

std::string at_seq(Seq seq) { return "seq " + std::to_string(seq.value()); }

// tick_size x kMoneyScale exactly, or nullopt when it is not a whole number (or overflows).
std::optional<int64_t> tick_value_of(const Decimal& tick) {
  const Decimal d = normalized(tick);
  int64_t scale = 1;  // kMoneyScale = 10^4: the money decimals
  static_assert(kMoneyScale == 10'000);
  constexpr int kMoneyDecimals = 4;
  if (d.scale > kMoneyDecimals) {
    for (int i = kMoneyDecimals; i < d.scale; ++i) scale *= 10;
    if (d.units % scale != 0) return std::nullopt;
    return d.units / scale;
  }
  for (int i = d.scale; i < kMoneyDecimals; ++i) scale *= 10;
  if (d.units > std::numeric_limits<int64_t>::max() / scale) return std::nullopt;
  return d.units * scale;
}

}  // namespace

Result<CoreConfig> data_log_config(const EventLog& log) {
  ASSIGN_OR_RETURN(InstrumentTable table, log_instruments(log));
  CoreConfig config;
  for (size_t id = 0; id < table.size(); ++id) {
    const InstrumentSpec& spec = table[id];
    const std::optional<int64_t> tick_value = tick_value_of(spec.tick_size);
    if (!tick_value || *tick_value <= 0) {
      return Status::invalid(
          log.dir() + ": meta instruments: instrument '" + spec.symbol + "' (id " +
          std::to_string(id) + ") has tick size " + format_decimal(spec.tick_size) +
          ", which is not a whole number of the core's money units (0.0001): its prices cannot "
          "be valued exactly (its tick size must be a multiple of 0.0001 to replay)");
    }
    InstrumentConfig instrument;
    instrument.symbol = spec.symbol;
    instrument.tick_value = *tick_value;
    instrument.lot_size = spec.lot_size;
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
