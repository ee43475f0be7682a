// format_jsonl: the JSONL form of one input (the reader's schema, feed/jsonl_reader.h).
#include <nlohmann/json.hpp>

#include "core/codec.h"
#include "feed/jsonl_reader.h"

namespace tape {
namespace {

const char* side_name(Side s) { return s == Side::kBuy ? "buy" : "sell"; }
const char* order_type_name(OrderType t) { return t == OrderType::kLimit ? "limit" : "market"; }
const char* tif_name(TimeInForce t) {
  switch (t) {
    case TimeInForce::kGtc: return "gtc";
    case TimeInForce::kIoc: return "ioc";
    case TimeInForce::kFok: return "fok";
  }
  return "?";
}
const char* control_name(ControlKind k) {
  switch (k) {
    case ControlKind::kHalt: return "halt";
    case ControlKind::kResume: return "resume";
    case ControlKind::kKillSwitchOn: return "kill_switch_on";
    case ControlKind::kKillSwitchOff: return "kill_switch_off";
  }
  return "?";
}

// Appends `"key":value` pairs; prices go through the instrument's tick.
class Writer {
 public:
  Writer(std::string& out, const InstrumentTable& table) : out_(out), table_(table) {}

  Writer& raw(const char* key, const std::string& value) {
    out_ += out_.size() > 1 ? ",\"" : "\"";
    out_ += key;
    out_ += "\":";
    out_ += value;
    return *this;
  }
  Writer& num(const char* key, int64_t v) { return raw(key, std::to_string(v)); }
  Writer& unum(const char* key, uint64_t v) { return raw(key, std::to_string(v)); }
  Writer& str(const char* key, const std::string& v) { return raw(key, nlohmann::json(v).dump()); }
  Writer& instrument(InstrumentId id) {
    spec_ = id.value() < table_.size() ? &table_[id.value()] : nullptr;
    return str("symbol", spec_ != nullptr ? spec_->symbol : "#" + std::to_string(id.value()));
  }
  // Written at the tick's full scale ("45.660000" for tick 0.000001) so that a re-import's
  // auto-tick scan finds this tick; raw ticks when the instrument is not in the table.
  Writer& price(const char* key, Price p) {
    const Decimal tick = spec_ != nullptr ? spec_->tick_size : Decimal{1, 0};
    return str(key, format_ticks(p.value(), tick));
  }

 private:
  std::string& out_;
  const InstrumentTable& table_;
  const InstrumentSpec* spec_ = nullptr;
};

struct BodyWriter {
  Writer& w;
  void operator()(const QuoteIn& q) {
    w.instrument(q.instrument).price("bid", q.bid).num("bid_qty", q.bid_qty.value());
    w.price("ask", q.ask).num("ask_qty", q.ask_qty.value());
  }
  void operator()(const TradeIn& t) {
    w.instrument(t.instrument).price("price", t.price).num("qty", t.qty.value());
    w.str("aggressor", side_name(t.aggressor));
  }
  void operator()(const NewOrderIn& o) {
    w.instrument(o.instrument).unum("id", o.id.value()).unum("account", o.account.value());
    w.str("side", side_name(o.side)).str("order_type", order_type_name(o.type));
    w.str("tif", tif_name(o.tif)).price("price", o.price).num("qty", o.qty.value());
  }
  void operator()(const CancelIn& c) {
    w.instrument(c.instrument).unum("id", c.id.value()).unum("account", c.account.value());
  }
  void operator()(const ReplaceIn& r) {
    w.instrument(r.instrument).unum("id", r.id.value()).unum("account", r.account.value());
    w.price("price", r.price).num("qty", r.qty.value());
  }
  void operator()(const ControlIn& c) { w.instrument(c.instrument).str("kind", control_name(c.kind)); }
  void operator()(const HeartbeatIn&) {}
  void operator()(const BarIn& b) {
    w.instrument(b.instrument).price("open", b.open).price("high", b.high).price("low", b.low);
    w.price("close", b.close).num("volume", b.volume.value()).num("period_ns", b.period_ns);
  }
  void operator()(const BookMessageIn& m) {
    w.instrument(m.instrument).str("action", book_action_name(m.action));
    w.unum("order_id", m.order_id).str("side", side_name(m.side)).price("price", m.price);
    w.num("qty", m.qty.value());
  }
};

}  // namespace

std::string format_jsonl(const Input& in, const InstrumentTable& table) {
  std::string out = "{";
  Writer w(out, table);
  w.unum("seq", in.seq.value()).num("ts_ns", in.ts.value()).str("type", input_type_name(in.body));
  std::visit(BodyWriter{w}, in.body);
  out += '}';
  return out;
}

}  // namespace tape
