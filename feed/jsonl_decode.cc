// The JSONL line decoder (feed/jsonl_decode.h): a line becomes a flat field list
// (feed/jsonl_line.h), then one input of the type the line names. Field checks run in a fixed
// order so a line's first problem is reported.
#include "feed/jsonl_decode.h"

#include <algorithm>
#include <limits>

#include "core/codec.h"

namespace tape {
namespace {

// Keys of every type, then the type's own (order = the order inspect --json writes them).
constexpr std::string_view kCommonKeys[] = {"seq", "ts_ns", "ts", "type", "symbol", "stream_seq"};

struct TypeKeys {
  const char* type;
  std::vector<std::string_view> keys;
};
const std::vector<TypeKeys>& type_keys() {
  static const std::vector<TypeKeys> kTypes = {
      {"quote", {"bid", "bid_qty", "ask", "ask_qty"}},
      {"trade", {"price", "qty", "aggressor"}},
      {"new_order", {"id", "account", "side", "order_type", "tif", "price", "qty", "stop_price",
                     "post_only", "expire"}},
      {"cancel", {"id", "account"}},
      {"replace", {"id", "account", "price", "qty"}},
      {"control", {"kind"}},
      {"heartbeat", {}},
      {"bar", {"open", "high", "low", "close", "volume", "period_ns"}},
      {"book_message", {"action", "order_id", "side", "price", "qty"}},
  };
  return kTypes;
}


constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kI64Max = uint64_t(std::numeric_limits<int64_t>::max());

const std::initializer_list<std::pair<const char*, Side>> kSides = {{"buy", Side::kBuy},
                                                                     {"sell", Side::kSell}};

// The type's own fields into `body`. `sym` is the record's symbol (prices are per symbol).
class BodyDecoder {
 public:
  BodyDecoder(JsonlLine& line, const std::string& sym, TickConverter& ticks)
      : l_(line), sym_(sym), ticks_(ticks) {}

  bool operator()(QuoteIn& q) {
    return price("bid", q.bid) && size("bid_qty", q.bid_qty) && price("ask", q.ask) &&
           size("ask_qty", q.ask_qty);
  }
  bool operator()(TradeIn& t) {
    return price("price", t.price) && size("qty", t.qty) &&
           l_.enumerated("aggressor", kSides, t.aggressor, /*optional=*/true);
  }
  bool operator()(NewOrderIn& o) {
    return order(o.id, o.account) && l_.enumerated("side", kSides, o.side) &&
           l_.enumerated<OrderType>("order_type",
                                    {{"limit", OrderType::kLimit},
                                     {"market", OrderType::kMarket},
                                     {"stop", OrderType::kStop},
                                     {"stop_limit", OrderType::kStopLimit}},
                                    o.type) &&
           l_.enumerated<TimeInForce>("tif",
                                      {{"gtc", TimeInForce::kGtc},
                                       {"ioc", TimeInForce::kIoc},
                                       {"fok", TimeInForce::kFok},
                                       {"day", TimeInForce::kDay},
                                       {"gtd", TimeInForce::kGtd}},
                                      o.tif) &&
           price("price", o.price) && size("qty", o.qty) && order_type_fields(o);
  }
  bool operator()(CancelIn& c) { return order(c.id, c.account); }
  bool operator()(ReplaceIn& r) {
    return order(r.id, r.account) && price("price", r.price) && size("qty", r.qty);
  }
  bool operator()(ControlIn& c) {
    return l_.enumerated<ControlKind>("kind",
                                      {{"halt", ControlKind::kHalt},
                                       {"resume", ControlKind::kResume},
                                       {"kill_switch_on", ControlKind::kKillSwitchOn},
                                       {"kill_switch_off", ControlKind::kKillSwitchOff}},
                                      c.kind);
  }
  bool operator()(HeartbeatIn&) { return true; }
  bool operator()(BarIn& b) {
    if (!(price("open", b.open) && price("high", b.high) && price("low", b.low) &&
          price("close", b.close) && size("volume", b.volume))) {
      return false;
    }
    const JsonField* f = l_.find("period_ns");
    return f == nullptr || l_.integer(f, 0, kI64Max, false, b.period_ns);
  }
  bool operator()(BookMessageIn& m) {
    int64_t id = 0;
    return l_.enumerated<BookAction>("action",
                                     {{"add", BookAction::kAdd},
                                      {"reduce", BookAction::kReduce},
                                      {"delete", BookAction::kDelete},
                                      {"execute", BookAction::kExecute},
                                      {"hidden_execute", BookAction::kHiddenExecute},
                                      {"cross", BookAction::kCross},
                                      {"halt", BookAction::kHalt},
                                      {"quote_resume", BookAction::kQuoteResume},
                                      {"trade_resume", BookAction::kTradeResume}},
                                     m.action) &&
           uid("order_id", m.order_id, id) && l_.enumerated("side", kSides, m.side) &&
           price("price", m.price) && size("qty", m.qty);
  }

 private:
  bool price(const char* key, Price& out) { return l_.price(key, sym_, ticks_, out); }
  // Optional, each absent = its default (0, false, 0), as inspect --json leaves them out.
  bool order_type_fields(NewOrderIn& o) {
    if (l_.find("stop_price") != nullptr && !price("stop_price", o.stop_price)) return false;
    if (const JsonField* f = l_.find("post_only"); f != nullptr && !l_.boolean(f, o.post_only)) {
      return false;
    }
    int64_t expire = 0;
    if (const JsonField* f = l_.find("expire"); f != nullptr && !l_.time_ns(f, expire)) return false;
    o.expire = Timestamp(expire);
    return true;
  }
  bool size(const char* key, Qty& out) {
    int64_t v = 0;
    if (!l_.integer(key, 0, kI64Max, /*size=*/true, v)) return false;
    out = Qty(v);
    return true;
  }
  // Ids up to 2^64-1 arrive as unsigned; `scratch` only satisfies integer()'s signature.
  bool uid(const char* key, uint64_t& out, int64_t& scratch) {
    const JsonField* f = l_.need(key);
    if (f == nullptr) return false;
    if (f->kind == JsonField::Kind::kUnsigned) {
      out = f->u;
      return true;
    }
    if (!l_.integer(f, 0, kU64Max, false, scratch)) return false;
    out = static_cast<uint64_t>(scratch);
    return true;
  }
  bool order(OrderId& id, AccountId& account) {
    uint64_t raw = 0;
    int64_t scratch = 0, acct = 0;
    if (!uid("id", raw, scratch)) return false;
    id = OrderId(raw);
    if (!l_.integer("account", 0, std::numeric_limits<uint32_t>::max(), false, acct)) return false;
    account = AccountId(static_cast<uint32_t>(acct));
    return true;
  }

  JsonlLine& l_;
  const std::string& sym_;
  TickConverter& ticks_;
};

// An InputBody holding the alternative whose input_type_name is `type`; false if none.
bool body_for(const std::string& type, InputBody& body) {
  static const InputBody kAll[] = {QuoteIn{},   TradeIn{},     NewOrderIn{}, CancelIn{}, ReplaceIn{},
                                   ControlIn{}, HeartbeatIn{}, BarIn{},      BookMessageIn{}};
  static_assert(std::size(kAll) == std::variant_size_v<InputBody>);
  for (const InputBody& b : kAll) {
    if (type == input_type_name(b)) {
      body = b;
      return true;
    }
  }
  return false;
}

}  // namespace

bool JsonlDecoder::decode(std::string_view text, FeedRecord& out, BadRow& bad, JsonlSeq& seq) {
  std::string error;
  uint64_t column = 1;
  JsonlLine l(fields_, bad);
  if (!parse_json_line(text, fields_, error, column)) {
    l.fail(nullptr, "json", "bad_json", error);
    bad.column = column;
    return false;
  }
  if (const JsonField* k = l.find("k")) {
    return l.fail(k, "k", "not_an_input", "an output of a run log (it has \"k\"), not an input");
  }
  std::string type;
  if (!l.string("type", type)) return false;
  if (!body_for(type, out.body)) {
    return l.fail(l.find("type"), "type", "unknown_type", "'" + type + "' is not an input type");
  }
  const std::vector<std::string_view>& own = type_keys()[out.body.index()].keys;
  for (const JsonField& f : fields_) {
    auto is = [&](std::string_view k) { return f.key == k; };
    if (std::none_of(std::begin(kCommonKeys), std::end(kCommonKeys), is) &&
        std::none_of(own.begin(), own.end(), is)) {
      return l.fail(&f, f.key, "unknown_field", "'" + f.key + "' is not a field of " + type);
    }
  }
  seq = JsonlSeq{};
  if (!header(l, type, out, seq)) return false;
  if (!std::visit(BodyDecoder(l, out.symbol, ticks_), out.body)) return false;
  if (std::holds_alternative<HeartbeatIn>(out.body)) out.symbol.clear();  // no instrument
  return true;
}

// seq, the time and the symbol, common to every type.
bool JsonlDecoder::header(JsonlLine& l, const std::string& type, FeedRecord& out, JsonlSeq& seq) {
  if (const JsonField* f = l.find("seq")) {
    int64_t v = 0;
    if (f->kind == JsonField::Kind::kUnsigned) {
      seq.value = f->u;
    } else if (!l.integer(f, 0, kU64Max, false, v)) {
      return false;
    } else {
      seq.value = static_cast<uint64_t>(v);
    }
    seq.present = true;
    seq.column = f->column;
  }
  const JsonField* ts_ns = l.find("ts_ns");
  const JsonField* ts = l.find("ts");
  if (ts_ns != nullptr && ts != nullptr) {
    return l.fail(ts, "ts", "bad_time", "both \"ts_ns\" and \"ts\"; give one");
  }
  if (ts_ns != nullptr) {
    if (!l.integer(ts_ns, std::numeric_limits<int64_t>::min(), kI64Max, false, out.ts_ns)) {
      return false;
    }
  } else if (ts != nullptr) {
    if (ts->kind != JsonField::Kind::kString) return l.wrong_type(ts, "an ISO-8601 string");
    if (!parse_iso_ns(ts->text, out.ts_ns)) {
      return l.fail(ts, "ts", "bad_time",
                    "'" + ts->text + "' is not YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM)");
    }
  } else if (options_.need_time) {
    return l.fail(nullptr, "ts_ns", "missing_field", "missing (\"ts_ns\" or \"ts\")");
  } else {
    out.ts_ns = 0;
  }
  out.symbol.clear();
  if (l.find("symbol") != nullptr) return l.string("symbol", out.symbol);
  if (type == "heartbeat") return true;  // a heartbeat concerns no instrument
  if (options_.default_symbol.empty()) {
    return l.fail(nullptr, "symbol", "missing_field", "missing (and no default symbol given)");
  }
  out.symbol = options_.default_symbol;
  return true;
}

}  // namespace tape
