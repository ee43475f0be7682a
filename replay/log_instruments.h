// The instruments of any log, as a person reads them: a data log's or a backtest's meta
// "instruments", or a run's scenario (tick size = tick_value / kMoneyScale). inspect and report print through them
// (feed/event_format.h).
#pragma once

#include <string>

#include "feed/instruments.h"
#include "store/event_log.h"

namespace tape {

// Status::mismatch naming the key when the meta it comes from is missing or malformed (a log
// that lost its instruments is corrupt, exit 3).
Result<InstrumentTable> log_instruments(const EventLog& log);

}  // namespace tape
