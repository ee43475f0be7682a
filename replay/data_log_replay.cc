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

// An instrument's money per tick and lot in the core's units (kMoneyScale per currency unit):
// tick_size x lot_size x kMoneyScale, exact.
struct MoneyPerTick {
  __int128 numerator = 0;  // the product is numerator / denominator
  int64_t denominator = 1;
  bool whole() const { return numerator % denominator == 0; }
};

MoneyPerTick money_per_tick(const Decimal& tick, int64_t lot_size) {
  constexpr int kMoneyDecimals = 4;
  static_assert(kMoneyScale == 10'000, "kMoneyDecimals is kMoneyScale's exponent");
  const Decimal d = normalized(tick);
  MoneyPerTick m;
  m.numerator = static_cast<__int128>(d.units) * lot_size;
  for (int i = d.scale; i < kMoneyDecimals; ++i) m.numerator *= 10;
  for (int i = kMoneyDecimals; i < d.scale; ++i) m.denominator *= 10;
  return m;
}

// The smallest lot size that makes `m` (computed for lot 1) whole.
int64_t whole_lot(const MoneyPerTick& m) {
  return m.denominator / std::gcd(static_cast<int64_t>(m.numerator % m.denominator),
                                  m.denominator);
}

// The core values a position as price x tick_value x lot_size x qty, and only through that
// product; so when the tick alone is finer than a money unit but tick x lot is whole, the
// product becomes the tick value (lot 1) and every notional stays exact.
Result<InstrumentConfig> instrument_config(const InstrumentSpec& spec, size_t id,
                                           const std::string& dir) {
  const std::string where = dir + ": meta instruments[" + std::to_string(id) + "] (" +
                            spec.symbol + ")";
  InstrumentConfig ic;
  ic.symbol = spec.symbol;
  const MoneyPerTick per_tick = money_per_tick(spec.tick_size, 1);
  const MoneyPerTick per_lot = money_per_tick(spec.tick_size, spec.lot_size);
  constexpr __int128 kMax = std::numeric_limits<int64_t>::max();
  if (per_tick.whole() && per_tick.numerator / per_tick.denominator <= kMax) {
    ic.tick_value = static_cast<int64_t>(per_tick.numerator / per_tick.denominator);
    ic.lot_size = spec.lot_size;
  } else if (per_lot.whole() && per_lot.numerator / per_lot.denominator <= kMax) {
    ic.tick_value = static_cast<int64_t>(per_lot.numerator / per_lot.denominator);
    ic.lot_size = 1;
  } else {
    return Status::invalid(
        where + ": tick size " + format_decimal(spec.tick_size) + " x lot size " +
        std::to_string(spec.lot_size) + " is not a whole number of the core's money units "
        "(0.0001 currency units), so notionals could not be exact: import it with a tick size "
        "that is a multiple of 0.0001 (e.g. --tick-size 0.0001 --round nearest) or a lot size "
        "that is a multiple of " + std::to_string(whole_lot(per_tick)));
  }
  RETURN_IF_ERROR(check_instrument_bounds(ic, where));
  return ic;
}

}  // namespace

Result<CoreConfig> data_log_config(const EventLog& log) {
  ASSIGN_OR_RETURN(InstrumentTable table, log_instruments(log));
  CoreConfig config;
  for (size_t id = 0; id < table.size(); ++id) {
    ASSIGN_OR_RETURN(InstrumentConfig instrument, instrument_config(table[id], id, log.dir()));
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
