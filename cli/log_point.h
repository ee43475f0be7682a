// Where --from/--to point in a recorded log: a seq ("1000"), or a simulated time since the
// run's start with a unit ("12.5s", "1500ms", "250us", "42ns", "2m"), so an incident known by
// its time can be inspected or replayed without first finding its seq.
#pragma once

#include <string_view>

#include "core/status.h"
#include "core/types.h"
#include "store/event_log.h"

namespace tape {

struct LogPoint {
  bool is_time = false;
  Seq seq;       // when !is_time
  Timestamp ts;  // when is_time: simulated ns since the run's start
};

// Status::invalid naming `text` when it is neither a seq nor a number with a time unit.
Result<LogPoint> parse_log_point(std::string_view text);

// The seq a --from point starts at: a time means the first input stamped at or after it.
// Status::invalid (naming the log's end) when no input is, for a seq as for a time.
Result<Seq> resolve_from(const EventLog& log, const LogPoint& point);
// The seq a --to point ends at: a time means the last input stamped at or before it.
// Status::invalid when no input is.
Result<Seq> resolve_to(const EventLog& log, const LogPoint& point);

// The seqs `tape inspect`/`tape replay` cover for their --from/--to texts (empty `to_text`: the
// log's end, returned as seq 0). Bad syntax or an empty range is a Status naming the option.
struct SeqRange {
  Seq from;
  Seq to;  // 0: the log's end
};
Result<SeqRange> resolve_range(const EventLog& log, std::string_view from_text,
                               std::string_view to_text);

}  // namespace tape
