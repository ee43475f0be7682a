// Reads recorded inputs with the outputs derived from them, filtered, for `tape inspect`
// (and, later, export).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/events.h"
#include "core/status.h"
#include "store/event_log.h"

namespace tape {

struct InspectFilter {
  Seq from = Seq(1);
  Seq to = Seq(0);  // 0 = end of log
  // An input type ("new_order", "quote", ...) keeps inputs of that type with all their
  // outputs; an output type ("fill", "rejected", ...) keeps only outputs of that type.
  std::optional<std::string> type;
  std::optional<InstrumentId> instrument;
};

struct InspectedInput {
  Input input;
  std::vector<Output> outputs;
  bool input_matches = true;  // false when only some outputs matched the filter
};

// Every valid type name, inputs then outputs.
const std::vector<std::string>& inspect_type_names();
bool is_input_type(const std::string& name);

// Calls `visit` for each input in range that (or one of whose outputs) matches the filter.
Status inspect_log(const EventLog& log, const InspectFilter& filter,
                   const std::function<void(const InspectedInput&)>& visit);

}  // namespace tape
