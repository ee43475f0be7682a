#include "feed/data_log.h"

namespace tape {

Result<InstrumentTable> data_log_instruments(const EventLog& log) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, log.get_meta(kMetaInstruments));
  if (!text) return Status::mismatch(log.dir() + ": data log has no meta instruments");
  Result<InstrumentTable> table = parse_instruments_json(*text);
  if (!table.is_ok()) return Status::mismatch(log.dir() + ": " + table.status().message());
  return table;
}

}  // namespace tape
