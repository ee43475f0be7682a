// `tape inspect`: print recorded inputs and the outputs derived from them, for any log (a run's
// or an imported data log). Prices, money and instruments read as a person writes them (exact
// decimals, symbols); --raw shows what is stored (ticks, minor units, ids).
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/log_point.h"
#include "cli/options.h"
#include "feed/jsonl_reader.h"
#include "feed/event_format.h"
#include "replay/inspect.h"
#include "replay/log_instruments.h"

namespace tape {
namespace {

// Resolves --instrument: a symbol of the log's instruments, or a numeric id.
std::optional<InstrumentId> resolve_instrument(const InstrumentTable& table, const std::string& s) {
  for (size_t i = 0; i < table.size(); ++i) {
    if (table[i].symbol == s) return InstrumentId(static_cast<uint32_t>(i));
  }
  if (!s.empty() && s.size() < 10 && s.find_first_not_of("0123456789") == std::string::npos) {
    const unsigned long id = std::stoul(s);
    if (id < table.size()) return InstrumentId(static_cast<uint32_t>(id));
  }
  return std::nullopt;
}

enum class Form : uint8_t { kText, kJson, kJsonl };

struct Printer {
  Form form;
  const ValueFormat* format;  // null with --raw
  const InstrumentTable& table;
  Json inputs = Json::array();

  void operator()(const InspectedInput& item) {
    switch (form) {
      case Form::kText:
        std::cout << describe(item.input, format) << "\n";
        for (const Output& out : item.outputs) std::cout << "    -> " << describe(out, format) << "\n";
        break;
      case Form::kJsonl:
        std::cout << format_jsonl(item.input, table) << "\n";
        break;
      case Form::kJson: {
        Json in = event_json(fields_of(item.input, format));
        in["outputs"] = Json::array();
        for (const Output& out : item.outputs) in["outputs"].push_back(event_json(fields_of(out, format)));
        inputs.push_back(std::move(in));
        break;
      }
    }
  }
};

Json instruments_array(const InstrumentTable& table) {
  Json a = Json::array();
  for (size_t i = 0; i < table.size(); ++i) {
    a.push_back({{"id", i},
                 {"symbol", table[i].symbol},
                 {"tick_size", format_decimal(table[i].tick_size)},
                 {"lot_size", table[i].lot_size}});
  }
  return a;
}

}  // namespace

int inspect_command(const std::vector<std::string>& args) {
  std::string dir, type, instrument;
  std::string from = "1", to;
  bool json = false, jsonl = false, raw = false;
  po::options_description desc("tape inspect --data-dir DIR");
  desc.add_options()("help,h", "show this help")(
      "data-dir", po::value<std::string>(&dir)->required(), "recorded or imported log")(
      "from", po::value<std::string>(&from),
      "first seq, or a simulated time (12.5s, 1500ms, 250us, 42ns, 2m: the first input at or "
      "after it); default 1")(
      "to", po::value<std::string>(&to),
      "last seq, or a simulated time (the last input at or before it); default: end of log")(
      "type", po::value<std::string>(&type),
      "only this input type (quote, trade, bar, book_message, new_order, cancel, replace, "
      "control, heartbeat) or output type (accepted, rejected, fill, cancelled, replaced, intent, "
      "risk_decision, position_update, input_rejected)")(
      "instrument", po::value<std::string>(&instrument), "only this instrument (symbol or id)")(
      "raw", po::bool_switch(&raw),
      "show stored values: prices in ticks, money in minor units, instruments by id")(
      "json", po::bool_switch(&json), "print one JSON object")(
      "jsonl", po::bool_switch(&jsonl),
      "print the inputs as JSON lines (no outputs) that `tape import --format jsonl` reads back "
      "into the same log");
  po::variables_map vm;
  if (auto code = parse_options("inspect", args, desc, nullptr, vm)) return *code;
  if (json && jsonl) return report_error(Status::usage("--json and --jsonl exclude each other"));
  if (jsonl && raw) return report_error(Status::usage("--jsonl writes decimal prices; drop --raw"));
  InspectFilter filter;
  if (!type.empty()) {
    const auto& names = inspect_type_names();
    if (std::find(names.begin(), names.end(), type) == names.end()) {
      std::string known;
      for (const auto& n : names) known += " " + n;
      return report_error(Status::usage("unknown --type '" + type + "'; one of:" + known));
    }
    filter.type = type;
  }
  auto log = EventLog::open(dir, /*read_only=*/true);
  if (!log.is_ok()) return report_error(log.status());
  auto table = log_instruments(*log.value());
  if (!table.is_ok()) return report_error(table.status());
  auto range = resolve_range(*log.value(), from, to);
  if (!range.is_ok()) return report_error(range.status());
  filter.from = range.value().from;
  filter.to = range.value().to;
  if (!instrument.empty()) {
    filter.instrument = resolve_instrument(table.value(), instrument);
    if (!filter.instrument) {
      return report_error(Status::usage("unknown --instrument '" + instrument + "'"));
    }
  }
  const InstrumentFormat format(table.value());
  Printer print{json ? Form::kJson : jsonl ? Form::kJsonl : Form::kText,
                raw ? nullptr : &format, format.table()};
  Status st = inspect_log(*log.value(), filter, [&](const InspectedInput& item) { print(item); });
  if (json) {
    Json o = {{"data_dir", dir}};
    o["instruments"] = instruments_array(table.value());
    o["inputs"] = std::move(print.inputs);
    // A reader that stops at an error says so in its output too, not only on stderr.
    if (!st.is_ok()) o["error"] = st.message();
    std::cout << dump_json(o) << "\n";
  }
  if (!st.is_ok()) return report_error(st);
  return 0;
}

}  // namespace tape
