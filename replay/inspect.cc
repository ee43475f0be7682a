#include "replay/inspect.h"

#include <algorithm>

#include "core/codec.h"

namespace tape {
namespace {

template <typename Body>
bool instrument_ok(const InspectFilter& f, const Body& body) {
  if (!f.instrument) return true;
  auto inst = instrument_of(body);
  return inst && *inst == *f.instrument;
}

}  // namespace

const std::vector<std::string>& inspect_type_names() {
  static const std::vector<std::string> kNames = {
      "quote",    "trade",     "new_order", "cancel",   "replace",       "control",
      "heartbeat", "bar",      "book_message", "accepted", "rejected",  "fill",     "cancelled",     "replaced",
      "intent",   "risk_decision", "position_update", "input_rejected"};
  return kNames;
}

bool is_input_type(const std::string& name) {
  const auto& names = inspect_type_names();
  auto it = std::find(names.begin(), names.end(), name);
  return it != names.end() &&
         it - names.begin() < static_cast<std::ptrdiff_t>(std::variant_size_v<InputBody>);
}

Status inspect_log(const EventLog& log, const InspectFilter& filter,
                   const std::function<void(const InspectedInput&)>& visit) {
  const bool by_input_type = filter.type && is_input_type(*filter.type);
  const bool by_output_type = filter.type && !by_input_type;
  std::vector<Input> inputs;
  std::vector<Output> outputs;
  auto cursor = log.batches(filter.from);
  while (true) {
    ASSIGN_OR_RETURN(const bool more, cursor.next());
    if (!more) return Status::ok();
    RETURN_IF_ERROR(cursor.decode(inputs, &outputs));
    size_t o = 0;
    for (const Input& in : inputs) {
      if (filter.to.value() != 0 && in.seq > filter.to) return Status::ok();
      InspectedInput item{in, {}, true};
      for (; o < outputs.size() && outputs[o].seq == in.seq; ++o) {
        if (by_output_type && output_type_name(outputs[o].body) != *filter.type) continue;
        if (by_output_type && !instrument_ok(filter, outputs[o].body)) continue;
        item.outputs.push_back(outputs[o]);
      }
      if (in.seq < filter.from) continue;
      if (by_output_type) {
        if (item.outputs.empty()) continue;
        item.input_matches = false;
      } else {
        if (by_input_type && input_type_name(in.body) != *filter.type) continue;
        if (!instrument_ok(filter, in.body)) continue;
      }
      visit(item);
    }
  }
}

}  // namespace tape
