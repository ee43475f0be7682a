// A data log: a log of inputs only, written by `tape import` (feed/import.h). Its meta keys
// (besides those every log has, store/event_log.h), all required in a data log:
//   "log_kind"    = "data"
//   "instruments" = instruments_json(...): InstrumentId = index in the array
//   "import"      = one JSON object: importer_version, format, files [{path, sha256, bytes, rows,
//                   imported, skipped}], options (resolved), bad_rows {reason: count},
//                   unknown_orders {action: count} (lobster), inputs, first_ts_ns, last_ts_ns
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "feed/instruments.h"
#include "store/event_log.h"

namespace tape {

inline constexpr std::string_view kMetaLogKind = "log_kind";
inline constexpr std::string_view kLogKindData = "data";
inline constexpr std::string_view kMetaInstruments = "instruments";
inline constexpr std::string_view kMetaImport = "import";

// The instrument table of a data log; Status::mismatch naming the key when it is missing or
// malformed.
Result<InstrumentTable> data_log_instruments(const EventLog& log);

}  // namespace tape
