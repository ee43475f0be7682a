// JSONL: one JSON object per line for every input type, the shape `tape inspect --json` prints
// for inputs, so that a log exported with inspect --json imports back into the same log. The
// schema (keys, types, enum spellings, bad-row reasons) is in docs/data_formats.md. Prices are
// decimal strings or JSON numbers, exact either way (the number's text, never a double).
#pragma once

#include <memory>
#include <string>

#include "core/events.h"
#include "core/status.h"
#include "feed/instruments.h"
#include "feed/record.h"

namespace tape {

struct JsonlOptions {
  // Default: "" (a line without "symbol" is a missing_field). The symbol of a line without one.
  std::string default_symbol;
};

// Opens `path` for streaming (one buffer; a line up to 64 MiB, a longer one is Status::invalid).
// Status::io when it cannot be opened. `ticks` must outlive the reader. Blank lines are skipped.
// Bad-row reasons: bad_json, not_an_input (a run log's output line, it has "k"), missing_field,
// unknown_field, bad_type, unknown_type, bad_number, not_on_tick, negative_size, bad_enum,
// bad_time (an unreadable "ts", or both "ts" and "ts_ns"), time_backwards (below the previous
// good line's ts), seq_not_increasing. The column is the offending value's (1 when missing).
// A heartbeat's record has an empty symbol (it concerns no instrument).
Result<std::unique_ptr<RecordReader>> open_jsonl_reader(const std::string& path,
                                                        const JsonlOptions& options,
                                                        TickConverter& ticks);

// One input as a JSON line (no '\n'): "seq", "ts_ns" (integer), "type", "symbol" (from `table`;
// "#N" when the instrument is not in it) and the type's fields, prices written with the
// instrument's tick at the tick's full scale ("45.660000" for tick 0.000001) so a re-import's
// auto-tick scan finds the same tick. Sizes and ids are integers.
std::string format_jsonl(const Input& in, const InstrumentTable& table);

}  // namespace tape
