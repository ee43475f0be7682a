// `tape diff`: the first input or output where two recorded runs part.
#pragma once

#include <optional>
#include <string>

#include "core/codec.h"
#include "core/status.h"
#include "session/log_reader.h"
#include "store/event_log.h"

namespace tape {

struct DiffResult {
  bool identical = true;
  uint64_t inputs_compared = 0;
  uint64_t outputs_compared = 0;
  uint64_t seq = 0;          // seq of the first difference
  std::string what;          // "input", "output k=N", "length"
  std::string a;             // side A as inspect prints it ("(none)" past its end)
  std::string b;
};

// Sides are described through `format_a` / `format_b` (each log's own instruments), or as
// stored (ticks, ids) when null.
Result<DiffResult> diff_logs(const EventLog& a, const EventLog& b,
                             const ValueFormat* format_a = nullptr,
                             const ValueFormat* format_b = nullptr);

}  // namespace tape
