// Human-readable and JSON renderings of events for inspect, diff and verify messages.
#include <cstdio>
#include <type_traits>
#include <iterator>
#include <string>

#include "core/codec.h"

namespace tape {
namespace {

const char* side_name(Side s) { return s == Side::kBuy ? "buy" : "sell"; }
const char* type_name(OrderType t) {
  switch (t) {
    case OrderType::kLimit: return "limit";
    case OrderType::kMarket: return "market";
    case OrderType::kStop: return "stop";
    case OrderType::kStopLimit: return "stop_limit";
  }
  return "?";
}
const char* tif_name(TimeInForce t) {
  switch (t) {
    case TimeInForce::kGtc: return "gtc";
    case TimeInForce::kIoc: return "ioc";
    case TimeInForce::kFok: return "fok";
    case TimeInForce::kDay: return "day";
    case TimeInForce::kGtd: return "gtd";
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
const char* intent_name(IntentKind k) {
  switch (k) {
    case IntentKind::kNew: return "new";
    case IntentKind::kCancel: return "cancel";
    case IntentKind::kReplace: return "replace";
  }
  return "?";
}

// Collects an event's fields in order, as typed values (the JSON form is built from them by a
// JSON library in replay/event_json.h; the text form here).
class Fields {
 public:
  explicit Fields(const ValueFormat* format) : format_(format) {}
  Fields& num(const char* k, int64_t v) { return add(k, v); }
  Fields& unum(const char* k, uint64_t v) { return add(k, v); }
  Fields& str(const char* k, const char* v) { return add(k, std::string(v)); }
  Fields& text(const char* k, const std::string& v) { return add(k, v); }
  Fields& flag(const char* k, bool v) { return add(k, v); }
  // The instrument the following prices belong to: its id, or with a format its symbol.
  Fields& instrument(uint32_t id) {
    instrument_ = InstrumentId(id);
    if (format_ == nullptr) return unum("instrument", id);
    return text("symbol", format_->symbol(instrument_));
  }
  // Ticks, or with a format the exact decimal price (a string: it stays exact in JSON too).
  Fields& price(const char* k, int64_t ticks) {
    if (format_ == nullptr) return num(k, ticks);
    return text(k, format_->price(instrument_, ticks));
  }
  // Minor units, or with a format currency units as an exact decimal.
  Fields& money(const char* k, int64_t minor) {
    if (format_ == nullptr) return num(k, minor);
    return text(k, format_->money(minor));
  }
  EventFields done() { return std::move(out_); }

 private:
  Fields& add(const char* k, EventField::Value v) {
    out_.push_back(EventField{k, std::move(v)});
    return *this;
  }
  const ValueFormat* format_;
  InstrumentId instrument_;
  EventFields out_;
};

void order_fields(Fields& f, OrderId id, AccountId acct, InstrumentId inst) {
  f.unum("id", id.value()).unum("account", acct.value()).instrument(inst.value());
}

// The order-type fields of format 2 (stop_price, post_only, expire), each only when it differs
// from its default (0, false, 0): a format-1 log reads them as defaults, so its inspect and
// export output stays as it was, and the JSON-lines import reads an absent field as the default.
void order_type_fields(Fields& f, Price stop_price, bool post_only, Timestamp expire) {
  if (stop_price.value() != 0) f.price("stop_price", stop_price.value());
  if (post_only) f.flag("post_only", true);
  if (expire.value() != 0) f.num("expire", expire.value());
}

void intent_fields(Fields& f, const OrderIntent& i) {
  f.str("kind", intent_name(i.kind));
  order_fields(f, i.id, i.account, i.instrument);
  f.str("side", side_name(i.side)).str("order_type", type_name(i.type)).str("tif", tif_name(i.tif));
  f.price("price", i.price.value()).num("qty", i.qty.value());
  order_type_fields(f, i.stop_price, i.post_only, i.expire);
}

struct InputFields {
  Fields& f;
  void operator()(const QuoteIn& q) {
    f.instrument(q.instrument.value()).price("bid", q.bid.value())
        .num("bid_qty", q.bid_qty.value()).price("ask", q.ask.value())
        .num("ask_qty", q.ask_qty.value());
  }
  void operator()(const TradeIn& t) {
    f.instrument(t.instrument.value()).price("price", t.price.value())
        .num("qty", t.qty.value()).str("aggressor", side_name(t.aggressor));
  }
  void operator()(const NewOrderIn& o) {
    order_fields(f, o.id, o.account, o.instrument);
    f.str("side", side_name(o.side)).str("order_type", type_name(o.type))
        .str("tif", tif_name(o.tif)).price("price", o.price.value()).num("qty", o.qty.value());
    order_type_fields(f, o.stop_price, o.post_only, o.expire);
  }
  void operator()(const CancelIn& c) { order_fields(f, c.id, c.account, c.instrument); }
  void operator()(const ReplaceIn& r) {
    order_fields(f, r.id, r.account, r.instrument);
    f.price("price", r.price.value()).num("qty", r.qty.value());
  }
  void operator()(const ControlIn& c) {
    f.str("kind", control_name(c.kind)).instrument(c.instrument.value());
  }
  void operator()(const HeartbeatIn&) {}
  void operator()(const BarIn& b) {
    f.instrument(b.instrument.value()).price("open", b.open.value())
        .price("high", b.high.value()).price("low", b.low.value()).price("close", b.close.value())
        .num("volume", b.volume.value()).num("period_ns", b.period_ns);
  }
  void operator()(const BookMessageIn& m) {
    f.instrument(m.instrument.value()).str("action", book_action_name(m.action))
        .unum("order_id", m.order_id).str("side", side_name(m.side))
        .price("price", m.price.value()).num("qty", m.qty.value());
  }
};

struct OutputFields {
  Fields& f;
  void operator()(const OrderAccepted& a) {
    order_fields(f, a.id, a.account, a.instrument);
    f.str("side", side_name(a.side)).str("order_type", type_name(a.type))
        .str("tif", tif_name(a.tif)).price("price", a.price.value()).num("qty", a.qty.value());
    order_type_fields(f, a.stop_price, a.post_only, a.expire);
  }
  void operator()(const OrderRejected& r) {
    order_fields(f, r.id, r.account, r.instrument);
    f.str("reason", reject_reason_name(r.reason));
  }
  void operator()(const Fill& x) {
    f.instrument(x.instrument.value()).unum("maker", x.maker.value())
        .unum("maker_account", x.maker_account.value()).unum("taker", x.taker.value())
        .unum("taker_account", x.taker_account.value()).price("price", x.price.value())
        .num("qty", x.qty.value()).str("aggressor", side_name(x.aggressor))
        .num("maker_leaves", x.maker_leaves.value()).num("taker_leaves", x.taker_leaves.value());
  }
  void operator()(const OrderCancelled& c) {
    order_fields(f, c.id, c.account, c.instrument);
    f.num("qty", c.qty.value()).str("reason", cancel_reason_name(c.reason));
  }
  void operator()(const OrderReplaced& r) {
    order_fields(f, r.id, r.account, r.instrument);
    f.price("price", r.price.value()).num("qty", r.qty.value()).flag("priority_kept", r.priority_kept);
  }
  void operator()(const OrderIntent& i) { intent_fields(f, i); }
  void operator()(const RiskDecision& d) {
    intent_fields(f, d.intent);
    f.flag("approved", d.approved).str("reason", reject_reason_name(d.reason));
  }
  void operator()(const InputRejected& r) {
    f.instrument(r.instrument.value()).str("reason", reject_reason_name(r.reason));
  }
  void operator()(const PositionUpdate& p) {
    f.unum("account", p.account.value()).instrument(p.instrument.value())
        .num("position", p.position).money("cash", p.cash.value())
        .money("realized_pnl", p.realized_pnl.value()).money("fees", p.fees.value());
  }
};

}  // namespace

EventFields fields_of(const Input& in, const ValueFormat* format) {
  Fields f(format);
  f.unum("seq", in.seq.value()).num("ts_ns", in.ts.value());
  if (format != nullptr) {
    const std::string ts = format->time(in.ts.value());
    if (!ts.empty()) f.text("ts", ts);
  }
  f.str("type", input_type_name(in.body));
  std::visit(InputFields{f}, in.body);
  if (in.stream_seq != 0) f.unum("stream_seq", in.stream_seq);
  if (in.reject != RejectReason::kNone) f.str("reject", reject_reason_name(in.reject));
  return f.done();
}

EventFields fields_of(const Output& o, const ValueFormat* format) {
  Fields f(format);
  f.unum("seq", o.seq.value()).unum("k", o.k).str("type", output_type_name(o.body));
  std::visit(OutputFields{f}, o.body);
  return f.done();
}

std::string text_of(const EventFields& fields) {
  std::string out;
  for (const EventField& field : fields) {
    if (!out.empty()) out += ' ';
    out += field.key;
    out += '=';
    std::visit(
        [&out](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::string>) {
            out += v;
          } else if constexpr (std::is_same_v<V, bool>) {
            out += v ? "true" : "false";
          } else {
            out += std::to_string(v);
          }
        },
        field.value);
  }
  return out;
}

const char* book_action_name(BookAction a) {
  switch (a) {
    case BookAction::kAdd: return "add";
    case BookAction::kReduce: return "reduce";
    case BookAction::kDelete: return "delete";
    case BookAction::kExecute: return "execute";
    case BookAction::kHiddenExecute: return "hidden_execute";
    case BookAction::kCross: return "cross";
    case BookAction::kHalt: return "halt";
    case BookAction::kQuoteResume: return "quote_resume";
    case BookAction::kTradeResume: return "trade_resume";
  }
  return "?";
}

const char* input_type_name(const InputBody& body) {
  static const char* kNames[] = {"quote",   "trade",     "new_order", "cancel",      "replace",
                                 "control", "heartbeat", "bar",       "book_message"};
  static_assert(std::size(kNames) == std::variant_size_v<InputBody>);
  return kNames[body.index()];
}

const char* output_type_name(const OutputBody& body) {
  static const char* kNames[] = {"accepted", "rejected", "fill", "cancelled",
                                 "replaced", "intent", "risk_decision", "position_update", "input_rejected"};
  return kNames[body.index()];
}

std::string describe(const Input& in, const ValueFormat* format) {
  return text_of(fields_of(in, format));
}
std::string describe(const Output& out, const ValueFormat* format) {
  return text_of(fields_of(out, format));
}

}  // namespace tape
