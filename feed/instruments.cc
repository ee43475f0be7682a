#include "feed/instruments.h"

#include "feed/json.h"

#include "core/types.h"

namespace tape {

std::string instruments_json(const InstrumentTable& table) {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const InstrumentSpec& s : table) {
    arr.push_back({{"symbol", s.symbol},
                   {"tick_size", format_decimal(s.tick_size)},
                   {"lot_size", s.lot_size}});
  }
  return dump_json(arr);
}

Result<InstrumentTable> parse_instruments_json(const std::string& text) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_array()) {
    return Status::invalid("meta instruments: not a JSON array");
  }
  InstrumentTable table;
  for (size_t i = 0; i < doc.size(); ++i) {
    const nlohmann::json& e = doc[i];
    const std::string at = "meta instruments[" + std::to_string(i) + "]";
    if (!e.is_object()) return Status::invalid(at + ": not an object");
    InstrumentSpec spec;
    auto symbol = e.find("symbol");
    if (symbol == e.end() || !symbol->is_string() || symbol->get<std::string>().empty()) {
      return Status::invalid(at + ".symbol: missing or not a non-empty string");
    }
    spec.symbol = symbol->get<std::string>();
    auto tick = e.find("tick_size");
    if (tick == e.end() || !tick->is_string()) {
      return Status::invalid(at + ".tick_size: missing or not a decimal string");
    }
    Result<Decimal> d = parse_decimal(tick->get<std::string>());
    if (!d.is_ok() || d.value().units <= 0) {
      return Status::invalid(at + ".tick_size: '" + tick->get<std::string>() +
                             "' is not a positive decimal");
    }
    spec.tick_size = d.value();
    auto lot = e.find("lot_size");
    if (lot == e.end() || !lot->is_number_integer() || lot->get<int64_t>() < 1) {
      return Status::invalid(at + ".lot_size: missing or not a positive integer");
    }
    spec.lot_size = lot->get<int64_t>();
    for (auto it = e.begin(); it != e.end(); ++it) {
      if (it.key() != "symbol" && it.key() != "tick_size" && it.key() != "lot_size") {
        return Status::invalid(at + ": unknown key '" + it.key() + "'");
      }
    }
    table.push_back(std::move(spec));
  }
  return table;
}

InstrumentTable instruments_of(const std::vector<InstrumentConfig>& instruments) {
  InstrumentTable table;
  for (const InstrumentConfig& c : instruments) {
    InstrumentSpec spec;
    spec.symbol = c.symbol;
    // tick_value / kMoneyScale exactly: kMoneyScale = 10^4, so the scale is 4 (then normalized).
    static_assert(kMoneyScale == 10'000);
    spec.tick_size = normalized(Decimal{c.tick_value, 4});
    spec.lot_size = c.lot_size;
    table.push_back(std::move(spec));
  }
  return table;
}

std::string format_price(int64_t ticks, const InstrumentSpec& spec) {
  return format_ticks(ticks, spec.tick_size);
}

}  // namespace tape
