#include "feed/instruments.h"

#include <limits>

#include "core/bounds.h"

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

namespace {

// The exponent of a power of ten.
int decimals_of(int64_t power_of_ten) {
  int d = 0;
  for (int64_t p = power_of_ten; p > 1; p /= 10) ++d;
  return d;
}

// tick x lot x scale as numerator / denominator (exact).
struct Money128 {
  __int128 numerator = 0;
  int64_t denominator = 1;
  bool whole() const { return numerator % denominator == 0; }
  __int128 value() const { return numerator / denominator; }
};

Money128 money_per_tick(const Decimal& tick, int64_t lot_size, int64_t money_scale) {
  const Decimal d = normalized(tick);
  const int money_decimals = decimals_of(money_scale);
  Money128 m;
  m.numerator = static_cast<__int128>(d.units) * lot_size;
  for (int i = d.scale; i < money_decimals; ++i) m.numerator *= 10;
  for (int i = money_decimals; i < d.scale; ++i) m.denominator *= 10;
  return m;
}

}  // namespace

Result<int64_t> money_scale_for(const InstrumentTable& table) {
  int64_t scale = kMoneyScale;
  for (const InstrumentSpec& spec : table) {
    while (!money_per_tick(spec.tick_size, spec.lot_size, scale).whole()) {
      if (scale >= kMoneyScaleMax) {
        return Status::invalid("instrument " + spec.symbol + ": tick size " +
                               format_decimal(spec.tick_size) + " x lot size " +
                               std::to_string(spec.lot_size) +
                               " is not a whole number of 10^-9 currency units, so notionals "
                               "could not be exact: import it with a coarser tick size");
      }
      scale *= 10;
    }
  }
  return scale;
}

Result<InstrumentConfig> instrument_at_scale(const InstrumentSpec& spec, int64_t money_scale,
                                             const std::string& where) {
  InstrumentConfig ic;
  ic.symbol = spec.symbol;
  const Money128 per_tick = money_per_tick(spec.tick_size, 1, money_scale);
  const Money128 per_lot = money_per_tick(spec.tick_size, spec.lot_size, money_scale);
  constexpr __int128 kMax = std::numeric_limits<int64_t>::max();
  if (per_tick.whole() && per_tick.value() <= kMax) {
    ic.tick_value = static_cast<int64_t>(per_tick.value());
    ic.lot_size = spec.lot_size;
  } else if (per_lot.whole() && per_lot.value() <= kMax) {
    ic.tick_value = static_cast<int64_t>(per_lot.value());
    ic.lot_size = 1;
  } else {
    return Status::invalid(where + ": tick size " + format_decimal(spec.tick_size) +
                           " x lot size " + std::to_string(spec.lot_size) +
                           " is not a whole number of the run's money units (1/" +
                           std::to_string(money_scale) + " currency units)");
  }
  RETURN_IF_ERROR(check_instrument_bounds(ic, where));
  return ic;
}

InstrumentTable instruments_of(const std::vector<InstrumentConfig>& instruments,
                               int64_t money_scale) {
  InstrumentTable table;
  for (const InstrumentConfig& c : instruments) {
    InstrumentSpec spec;
    spec.symbol = c.symbol;
    // tick_value / money_scale exactly: the scale is a power of ten (then normalized).
    spec.tick_size = normalized(Decimal{c.tick_value, decimals_of(money_scale)});
    spec.lot_size = c.lot_size;
    table.push_back(std::move(spec));
  }
  return table;
}

std::string format_price(int64_t ticks, const InstrumentSpec& spec) {
  return format_ticks(ticks, spec.tick_size);
}

}  // namespace tape
