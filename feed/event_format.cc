#include "feed/event_format.h"

#include "feed/time_parse.h"

namespace tape {

std::string InstrumentFormat::symbol(InstrumentId instrument) const {
  if (instrument.value() >= table_.size()) return "#" + std::to_string(instrument.value());
  return table_[instrument.value()].symbol;
}

std::string InstrumentFormat::price(InstrumentId instrument, int64_t ticks) const {
  if (instrument.value() >= table_.size()) return std::to_string(ticks);
  return format_price(ticks, table_[instrument.value()]);
}

InstrumentFormat::InstrumentFormat(InstrumentTable table, bool with_time)
    : table_(std::move(table)), with_time_(with_time) {
  const Result<int64_t> scale = money_scale_for(table_);
  money_decimals_ = 0;
  for (int64_t p = scale.is_ok() ? scale.value() : kMoneyScale; p > 1; p /= 10) ++money_decimals_;
}

std::string InstrumentFormat::money(int64_t minor_units) const {
  return format_decimal(Decimal{minor_units, money_decimals_});
}

std::string InstrumentFormat::time(int64_t ts_ns) const {
  return with_time_ ? format_utc(ts_ns) : std::string();
}

Json event_json(const EventFields& fields) {
  Json j = Json::object();
  for (const EventField& f : fields) {
    std::visit([&](const auto& v) { j[f.key] = v; }, f.value);
  }
  return j;
}

}  // namespace tape
