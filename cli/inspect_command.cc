// `tape inspect`: print recorded inputs and the outputs derived from them.
#include <iostream>

#include "cli/commands.h"
#include "cli/log_config.h"
#include "cli/log_point.h"
#include "cli/options.h"
#include "cli/summary.h"
#include "core/codec.h"
#include "replay/inspect.h"

namespace tape {
namespace {

// Resolves --instrument: a symbol from the scenario, or a numeric id.
std::optional<InstrumentId> resolve_instrument(const CoreConfig& config, const std::string& s) {
  for (size_t i = 0; i < config.instruments.size(); ++i) {
    if (config.instruments[i].symbol == s) return InstrumentId(static_cast<uint32_t>(i));
  }
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) {
    const unsigned long id = std::stoul(s);
    if (id < config.instruments.size()) return InstrumentId(static_cast<uint32_t>(id));
  }
  return std::nullopt;
}

}  // namespace

int inspect_command(const std::vector<std::string>& args) {
  std::string dir, type, instrument;
  std::string from = "1", to;
  bool json = false;
  po::options_description desc("tape inspect --data-dir DIR");
  desc.add_options()("help,h", "show this help")(
      "data-dir", po::value<std::string>(&dir)->required(), "recorded log")(
      "from", po::value<std::string>(&from),
      "first seq, or a simulated time (12.5s, 1500ms, 250us, 42ns, 2m: the first input at or "
      "after it); default 1")(
      "to", po::value<std::string>(&to),
      "last seq, or a simulated time (the last input at or before it); default: end of log")(
      "type", po::value<std::string>(&type),
      "only this input type (quote, trade, new_order, cancel, replace, control, heartbeat) or "
      "output type (accepted, rejected, fill, cancelled, replaced, intent, risk_decision, "
      "position_update)")(
      "instrument", po::value<std::string>(&instrument), "only this instrument (symbol or id)")(
      "json", po::bool_switch(&json), "print one JSON object");
  po::variables_map vm;
  if (auto code = parse_options("inspect", args, desc, nullptr, vm)) return *code;
  InspectFilter filter;
  if (!type.empty()) {
    const auto& names = inspect_type_names();
    if (std::find(names.begin(), names.end(), type) == names.end()) {
      std::cerr << "tape inspect: unknown --type '" << type << "'; one of:";
      for (const auto& n : names) std::cerr << " " << n;
      std::cerr << "\n";
      return 1;
    }
    filter.type = type;
  }
  auto opened = open_recorded_log(dir);
  if (!opened.is_ok()) return report_error(opened.status());
  auto range = resolve_range(*opened.value().log, from, to);
  if (!range.is_ok()) return report_error(range.status());
  filter.from = range.value().from;
  filter.to = range.value().to;
  if (!instrument.empty()) {
    filter.instrument = resolve_instrument(opened.value().config(), instrument);
    if (!filter.instrument) {
      std::cerr << "tape inspect: unknown --instrument '" << instrument << "'\n";
      return 1;
    }
  }
  bool first = true;
  if (json) std::cout << "{\"data_dir\":\"" << json_escape(dir) << "\",\"inputs\":[";
  Status st = inspect_log(*opened.value().log, filter, [&](const InspectedInput& item) {
    if (json) {
      std::string o = to_json(item.input);
      o.pop_back();
      o += ",\"outputs\":[";
      for (size_t i = 0; i < item.outputs.size(); ++i) {
        if (i > 0) o += ',';
        o += to_json(item.outputs[i]);
      }
      std::cout << (first ? "" : ",") << o << "]}";
    } else {
      std::cout << describe(item.input) << "\n";
      for (const Output& out : item.outputs) std::cout << "    -> " << describe(out) << "\n";
    }
    first = false;
  });
  if (json) {
    // A reader that stops at an error says so in its output too, not only on stderr.
    std::cout << "]";
    if (!st.is_ok()) std::cout << ",\"error\":\"" << json_escape(st.message()) << "\"";
    std::cout << "}\n";
  }
  if (!st.is_ok()) return report_error(st);
  return 0;
}

}  // namespace tape
