#include "core/codec.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include <capnp/serialize.h>
#include <kj/exception.h>

namespace tape {
namespace {

namespace s = schema;

template <typename E>
constexpr E as(auto v) { return static_cast<E>(static_cast<uint16_t>(v)); }

// Decoding guards: a stored enum outside its range is corruption, not a value.
template <typename E>
bool in_range(auto v, E max) { return static_cast<uint16_t>(v) <= static_cast<uint16_t>(max); }

void put_new_order(s::NewOrder::Builder b, const NewOrderIn& o) {
  b.setId(o.id.value()); b.setAccount(o.account.value()); b.setInstrument(o.instrument.value());
  b.setSide(as<s::Side>(o.side)); b.setType(as<s::OrderType>(o.type));
  b.setTif(as<s::TimeInForce>(o.tif)); b.setPrice(o.price.value()); b.setQty(o.qty.value());
  b.setStopPrice(o.stop_price.value()); b.setPostOnly(o.post_only);
  b.setExpireNs(o.expire.value());
}

void put_intent(s::Intent::Builder b, const OrderIntent& o) {
  b.setKind(as<s::IntentKind>(o.kind)); b.setId(o.id.value()); b.setAccount(o.account.value());
  b.setInstrument(o.instrument.value()); b.setSide(as<s::Side>(o.side));
  b.setType(as<s::OrderType>(o.type)); b.setTif(as<s::TimeInForce>(o.tif));
  b.setPrice(o.price.value()); b.setQty(o.qty.value());
  b.setStopPrice(o.stop_price.value()); b.setPostOnly(o.post_only);
  b.setExpireNs(o.expire.value());
}

struct InputWriter {
  s::Input::Builder b;
  void operator()(const QuoteIn& q) {
    auto x = b.initQuote();
    x.setInstrument(q.instrument.value()); x.setBid(q.bid.value()); x.setBidQty(q.bid_qty.value());
    x.setAsk(q.ask.value()); x.setAskQty(q.ask_qty.value());
  }
  void operator()(const TradeIn& t) {
    auto x = b.initTrade();
    x.setInstrument(t.instrument.value()); x.setPrice(t.price.value()); x.setQty(t.qty.value());
    x.setAggressor(as<s::Side>(t.aggressor));
  }
  void operator()(const NewOrderIn& o) { put_new_order(b.initNewOrder(), o); }
  void operator()(const CancelIn& c) {
    auto x = b.initCancel();
    x.setId(c.id.value()); x.setAccount(c.account.value()); x.setInstrument(c.instrument.value());
  }
  void operator()(const ReplaceIn& r) {
    auto x = b.initReplace();
    x.setId(r.id.value()); x.setAccount(r.account.value()); x.setInstrument(r.instrument.value());
    x.setPrice(r.price.value()); x.setQty(r.qty.value());
  }
  void operator()(const ControlIn& c) {
    auto x = b.initControl();
    x.setKind(as<s::ControlKind>(c.kind)); x.setInstrument(c.instrument.value());
  }
  void operator()(const HeartbeatIn&) { b.setHeartbeat(); }
  void operator()(const BarIn& x) {
    auto y = b.initBar();
    y.setInstrument(x.instrument.value()); y.setOpen(x.open.value()); y.setHigh(x.high.value());
    y.setLow(x.low.value()); y.setClose(x.close.value()); y.setVolume(x.volume.value());
    y.setPeriodNs(x.period_ns);
  }
  void operator()(const BookMessageIn& m) {
    auto y = b.initBookMessage();
    y.setInstrument(m.instrument.value()); y.setAction(as<s::BookAction>(m.action));
    y.setOrderId(m.order_id); y.setSide(as<s::Side>(m.side)); y.setPrice(m.price.value());
    y.setQty(m.qty.value());
  }
};

struct OutputWriter {
  s::Output::Builder b;
  void operator()(const OrderAccepted& a) {
    auto x = b.initAccepted();
    x.setId(a.id.value()); x.setAccount(a.account.value()); x.setInstrument(a.instrument.value());
    x.setSide(as<s::Side>(a.side)); x.setType(as<s::OrderType>(a.type));
    x.setTif(as<s::TimeInForce>(a.tif)); x.setPrice(a.price.value()); x.setQty(a.qty.value());
    x.setStopPrice(a.stop_price.value()); x.setPostOnly(a.post_only);
    x.setExpireNs(a.expire.value());
  }
  void operator()(const OrderRejected& r) {
    auto x = b.initRejected();
    x.setId(r.id.value()); x.setAccount(r.account.value()); x.setInstrument(r.instrument.value());
    x.setReason(static_cast<uint16_t>(r.reason)); x.setText(reject_reason_name(r.reason));
  }
  void operator()(const Fill& f) {
    auto x = b.initFill();
    x.setInstrument(f.instrument.value()); x.setMaker(f.maker.value());
    x.setMakerAccount(f.maker_account.value()); x.setTaker(f.taker.value());
    x.setTakerAccount(f.taker_account.value()); x.setPrice(f.price.value());
    x.setQty(f.qty.value()); x.setAggressor(as<s::Side>(f.aggressor));
    x.setMakerLeaves(f.maker_leaves.value()); x.setTakerLeaves(f.taker_leaves.value());
  }
  void operator()(const OrderCancelled& c) {
    auto x = b.initCancelled();
    x.setId(c.id.value()); x.setAccount(c.account.value()); x.setInstrument(c.instrument.value());
    x.setQty(c.qty.value()); x.setReason(static_cast<uint8_t>(c.reason));
  }
  void operator()(const OrderReplaced& r) {
    auto x = b.initReplaced();
    x.setId(r.id.value()); x.setAccount(r.account.value()); x.setInstrument(r.instrument.value());
    x.setPrice(r.price.value()); x.setQty(r.qty.value()); x.setPriorityKept(r.priority_kept);
  }
  void operator()(const OrderIntent& i) { put_intent(b.initIntent(), i); }
  void operator()(const RiskDecision& d) {
    auto x = b.initRiskDecision();
    put_intent(x.initIntent(), d.intent);
    x.setApproved(d.approved); x.setReason(static_cast<uint16_t>(d.reason));
  }
  void operator()(const InputRejected& r) {
    auto x = b.initInputRejected();
    x.setInstrument(r.instrument.value());
    x.setReason(static_cast<uint16_t>(r.reason));
    x.setText(reject_reason_name(r.reason));
  }
  void operator()(const PositionUpdate& p) {
    auto x = b.initPositionUpdate();
    x.setAccount(p.account.value()); x.setInstrument(p.instrument.value());
    x.setPosition(p.position); x.setCash(p.cash.value());
    x.setRealizedPnl(p.realized_pnl.value()); x.setFees(p.fees.value());
  }
};

Status corrupt(uint64_t seq, const char* what) {
  return Status::mismatch("corrupt record at seq " + std::to_string(seq) + ": " + what);
}

// The readers below fill `out` and return nullptr, or name what is corrupt. Replay decodes
// every recorded event through them, so the good path builds no Status and no string.

const char* read_intent(s::Intent::Reader r, OrderIntent& out) {
  if (!in_range(r.getKind(), IntentKind::kReplace) || !in_range(r.getSide(), Side::kSell) ||
      !in_range(r.getType(), OrderType::kStopLimit) || !in_range(r.getTif(), TimeInForce::kGtd)) {
    return "intent enum out of range";
  }
  out = OrderIntent{as<IntentKind>(r.getKind()), OrderId(r.getId()), AccountId(r.getAccount()),
                    InstrumentId(r.getInstrument()), as<Side>(r.getSide()),
                    as<OrderType>(r.getType()), as<TimeInForce>(r.getTif()),
                    Price(r.getPrice()), Qty(r.getQty()), Price(r.getStopPrice()),
                    r.getPostOnly(), Timestamp(r.getExpireNs())};
  return nullptr;
}

const char* read_input_body(s::Input::Reader r, InputBody& out) {
  switch (r.which()) {
    case s::Input::QUOTE: {
      auto q = r.getQuote();
      out = QuoteIn{InstrumentId(q.getInstrument()), Price(q.getBid()), Qty(q.getBidQty()),
                    Price(q.getAsk()), Qty(q.getAskQty())};
      return nullptr;
    }
    case s::Input::TRADE: {
      auto t = r.getTrade();
      if (!in_range(t.getAggressor(), Side::kSell)) return "trade side";
      out = TradeIn{InstrumentId(t.getInstrument()), Price(t.getPrice()), Qty(t.getQty()),
                    as<Side>(t.getAggressor())};
      return nullptr;
    }
    case s::Input::NEW_ORDER: {
      auto o = r.getNewOrder();
      if (!in_range(o.getSide(), Side::kSell) || !in_range(o.getType(), OrderType::kStopLimit) ||
          !in_range(o.getTif(), TimeInForce::kGtd)) {
        return "new order enum out of range";
      }
      out = NewOrderIn{OrderId(o.getId()), AccountId(o.getAccount()),
                       InstrumentId(o.getInstrument()), as<Side>(o.getSide()),
                       as<OrderType>(o.getType()), as<TimeInForce>(o.getTif()),
                       Price(o.getPrice()), Qty(o.getQty()), Price(o.getStopPrice()),
                       o.getPostOnly(), Timestamp(o.getExpireNs())};
      return nullptr;
    }
    case s::Input::CANCEL: {
      auto c = r.getCancel();
      out = CancelIn{OrderId(c.getId()), AccountId(c.getAccount()),
                     InstrumentId(c.getInstrument())};
      return nullptr;
    }
    case s::Input::REPLACE: {
      auto x = r.getReplace();
      out = ReplaceIn{OrderId(x.getId()), AccountId(x.getAccount()),
                      InstrumentId(x.getInstrument()), Price(x.getPrice()), Qty(x.getQty())};
      return nullptr;
    }
    case s::Input::CONTROL: {
      auto c = r.getControl();
      if (!in_range(c.getKind(), ControlKind::kKillSwitchOff)) return "control kind";
      out = ControlIn{as<ControlKind>(c.getKind()), InstrumentId(c.getInstrument())};
      return nullptr;
    }
    case s::Input::HEARTBEAT:
      out = HeartbeatIn{};
      return nullptr;
    case s::Input::BAR: {
      auto x = r.getBar();
      out = BarIn{InstrumentId(x.getInstrument()), Price(x.getOpen()), Price(x.getHigh()),
                  Price(x.getLow()), Price(x.getClose()), Qty(x.getVolume()), x.getPeriodNs()};
      return nullptr;
    }
    case s::Input::LIVE_MESSAGE:
      return "a live message where a body belongs";
    case s::Input::BOOK_MESSAGE: {
      auto m = r.getBookMessage();
      const auto action = static_cast<uint16_t>(m.getAction());
      if (action == 0 || !in_range(m.getAction(), kLastBookAction)) return "book message action";
      if (!in_range(m.getSide(), Side::kSell)) return "book message side";
      out = BookMessageIn{InstrumentId(m.getInstrument()), as<BookAction>(m.getAction()),
                          m.getOrderId(), as<Side>(m.getSide()), Price(m.getPrice()),
                          Qty(m.getQty())};
      return nullptr;
    }
  }
  return "unknown input type";
}

// Order events (the bulk of every output block).
const char* read_order_output(s::Output::Reader r, OutputBody& out) {
  switch (r.which()) {
    case s::Output::ACCEPTED: {
      auto a = r.getAccepted();
      if (!in_range(a.getSide(), Side::kSell) || !in_range(a.getType(), OrderType::kStopLimit) ||
          !in_range(a.getTif(), TimeInForce::kGtd)) {
        return "accepted enum out of range";
      }
      out = OrderAccepted{OrderId(a.getId()), AccountId(a.getAccount()),
                          InstrumentId(a.getInstrument()), as<Side>(a.getSide()),
                          as<OrderType>(a.getType()), as<TimeInForce>(a.getTif()),
                          Price(a.getPrice()), Qty(a.getQty()), Price(a.getStopPrice()),
                          a.getPostOnly(), Timestamp(a.getExpireNs())};
      return nullptr;
    }
    case s::Output::REJECTED: {
      auto x = r.getRejected();
      if (x.getReason() > static_cast<uint16_t>(kLastRejectReason)) {
        return "reject reason out of range";
      }
      out = OrderRejected{OrderId(x.getId()), AccountId(x.getAccount()),
                          InstrumentId(x.getInstrument()), static_cast<RejectReason>(x.getReason())};
      return nullptr;
    }
    case s::Output::FILL: {
      auto f = r.getFill();
      if (!in_range(f.getAggressor(), Side::kSell)) return "fill side";
      out = Fill{InstrumentId(f.getInstrument()), OrderId(f.getMaker()),
                 AccountId(f.getMakerAccount()), OrderId(f.getTaker()),
                 AccountId(f.getTakerAccount()), Price(f.getPrice()), Qty(f.getQty()),
                 as<Side>(f.getAggressor()), Qty(f.getMakerLeaves()), Qty(f.getTakerLeaves())};
      return nullptr;
    }
    case s::Output::CANCELLED: {
      auto c = r.getCancelled();
      if (c.getReason() > static_cast<uint8_t>(CancelReason::kEndOfData)) {
        return "cancel reason out of range";
      }
      out = OrderCancelled{OrderId(c.getId()), AccountId(c.getAccount()),
                           InstrumentId(c.getInstrument()), Qty(c.getQty()),
                           static_cast<CancelReason>(c.getReason())};
      return nullptr;
    }
    case s::Output::REPLACED: {
      auto x = r.getReplaced();
      out = OrderReplaced{OrderId(x.getId()), AccountId(x.getAccount()),
                          InstrumentId(x.getInstrument()), Price(x.getPrice()), Qty(x.getQty()),
                          x.getPriorityKept()};
      return nullptr;
    }
    default:
      return "unknown output type";
  }
}

const char* read_output_body(s::Output::Reader r, OutputBody& out) {
  switch (r.which()) {
    case s::Output::INTENT: {
      OrderIntent i;
      if (const char* bad = read_intent(r.getIntent(), i)) return bad;
      out = i;
      return nullptr;
    }
    case s::Output::RISK_DECISION: {
      auto d = r.getRiskDecision();
      OrderIntent i;
      if (const char* bad = read_intent(d.getIntent(), i)) return bad;
      if (d.getReason() > static_cast<uint16_t>(kLastRejectReason)) {
        return "risk reason out of range";
      }
      out = RiskDecision{i, d.getApproved(), static_cast<RejectReason>(d.getReason())};
      return nullptr;
    }
    case s::Output::INPUT_REJECTED: {
      auto x = r.getInputRejected();
      if (x.getReason() > static_cast<uint16_t>(kLastRejectReason)) {
        return "input reject reason out of range";
      }
      out = InputRejected{InstrumentId(x.getInstrument()),
                          static_cast<RejectReason>(x.getReason())};
      return nullptr;
    }
    case s::Output::POSITION_UPDATE: {
      auto p = r.getPositionUpdate();
      out = PositionUpdate{AccountId(p.getAccount()), InstrumentId(p.getInstrument()),
                           p.getPosition(), Money(p.getCash()), Money(p.getRealizedPnl()),
                           Money(p.getFees())};
      return nullptr;
    }
    default:
      return read_order_output(r, out);
  }
}

// Zeroed scratch reused as the first segment of every block this thread encodes, so encoding
// a block allocates nothing but its result. Cap'n Proto zeroes what it used when the builder
// is destroyed, keeping the scratch ready for the next block.
// Storage is uint64_t: capnp::word is not movable, which std::vector needs under clang.
kj::ArrayPtr<capnp::word> first_segment(size_t words) {
  thread_local std::vector<uint64_t> scratch;
  if (scratch.size() < words) {
    scratch.clear();
    scratch.resize(words);  // value-initialised: zero
  }
  return kj::arrayPtr(reinterpret_cast<capnp::word*>(scratch.data()), words);
}

// The block as stored: Cap'n Proto's flat-array (stream) framing, written straight into the
// result instead of through an intermediate kj::Array.
std::string to_bytes(capnp::MessageBuilder& msg) {
  std::string out(capnp::computeSerializedSizeInWords(msg) * sizeof(capnp::word), '\0');
  kj::ArrayOutputStream stream(kj::arrayPtr(reinterpret_cast<kj::byte*>(out.data()), out.size()));
  capnp::writeMessage(stream, msg);
  return out;
}

// Cap'n Proto reads 8-byte-aligned words; RocksDB slices are not aligned
// (docs/event_log_format.md, Alignment).
kj::ArrayPtr<const capnp::word> aligned_words(std::string_view bytes,
                                              std::vector<uint64_t>& scratch) {
  const size_t n = bytes.size() / sizeof(capnp::word);
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(capnp::word) == 0) {
    return {reinterpret_cast<const capnp::word*>(bytes.data()), n};
  }
  if (scratch.size() < n) scratch.resize(n);
  std::memcpy(scratch.data(), bytes.data(), n * sizeof(capnp::word));
  return {reinterpret_cast<const capnp::word*>(scratch.data()), n};
}

template <typename Fn>
Status with_reader(std::string_view bytes, const std::string& context, Fn&& fn) {
  if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0) {
    return Status::mismatch(context + ": block is " + std::to_string(bytes.size()) +
                            " bytes, not a whole number of 8-byte words");
  }
  thread_local std::vector<uint64_t> scratch;
  // The limit follows the block's own size: a block tape wrote reaches each of its objects once,
  // so it never reads more words than it holds (the slack covers fields read twice). A fixed
  // limit would let a few corrupt bytes claim a list of millions of zero-sized structs, which
  // Cap'n Proto charges one word each, and make the decoder allocate gigabytes for them.
  const uint64_t words = bytes.size() / sizeof(capnp::word);
  capnp::ReaderOptions options;
  options.traversalLimitInWords = std::min(kBlockTraversalLimitWords, 4 * words + 64);
  try {
    capnp::FlatArrayMessageReader reader(aligned_words(bytes, scratch), options);
    return fn(reader);
  } catch (const kj::Exception& e) {
    return Status::mismatch(context + ": undecodable: " + e.getDescription().cStr());
  }
}

// An input's body, and for a live message (revision 3) its stream sequence and reject reason.
const char* read_input(s::Input::Reader r, Input& in) {
  in.stream_seq = 0;
  in.reject = RejectReason::kNone;
  if (r.which() != s::Input::LIVE_MESSAGE) return read_input_body(r, in.body);
  const auto live = r.getLiveMessage();
  const auto inner = live.getInput();
  if (inner.which() == s::Input::LIVE_MESSAGE) return "a live message inside a live message";
  if (const char* bad = read_input_body(inner, in.body)) return bad;
  in.stream_seq = live.getStreamSeq();
  if (live.getReject() > static_cast<uint16_t>(kLastRejectReason)) {
    return "input reject reason out of range";
  }
  in.reject = static_cast<RejectReason>(live.getReject());
  if (in.reject != RejectReason::kNone && !std::holds_alternative<HeartbeatIn>(in.body)) {
    return "a rejected message's input has a body";
  }
  return nullptr;
}

}  // namespace

void encode_input(const Input& in, schema::Input::Builder out) {
  out.setSeq(in.seq.value());
  out.setTsNs(in.ts.value());
  if (in.stream_seq == 0 && in.reject == RejectReason::kNone) {
    std::visit(InputWriter{out}, in.body);
    return;
  }
  auto live = out.initLiveMessage();
  live.setStreamSeq(in.stream_seq);
  live.setReject(static_cast<uint16_t>(in.reject));
  std::visit(InputWriter{live.initInput()}, in.body);
}

void encode_output(const Output& o, schema::Output::Builder b) {
  b.setSeq(o.seq.value());
  b.setK(o.k);
  std::visit(OutputWriter{b}, o.body);
}

Result<Input> decode_input(schema::Input::Reader r) {
  Input in{Seq(r.getSeq()), Timestamp(r.getTsNs()), HeartbeatIn{}};
  if (const char* bad = read_input(r, in)) return corrupt(r.getSeq(), bad);
  return in;
}

Result<Output> decode_output(schema::Output::Reader r) {
  Output o{Seq(r.getSeq()), r.getK(), OrderAccepted{}};
  if (const char* bad = read_output_body(r, o.body)) return corrupt(r.getSeq(), bad);
  return o;
}

// The first segment's size is part of the stored bytes (a block that outgrows it spills into a
// second segment): keep these estimates as they are.
std::string encode_input_block(std::span<const Input> inputs) {
  // ~10 words per input; one first segment avoids growth for typical blocks.
  capnp::MallocMessageBuilder msg(first_segment(16 + inputs.size() * 10));
  auto block = msg.initRoot<schema::InputBlock>();
  block.setFirstSeq(inputs.empty() ? 0 : inputs.front().seq.value());
  auto list = block.initInputs(static_cast<unsigned>(inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) encode_input(inputs[i], list[i]);
  return to_bytes(msg);
}

std::string encode_output_block(Seq first_seq, Seq last_seq, std::span<const Output> outputs) {
  capnp::MallocMessageBuilder msg(first_segment(16 + outputs.size() * 12));
  auto block = msg.initRoot<schema::OutputBlock>();
  block.setFirstSeq(first_seq.value());
  block.setLastSeq(last_seq.value());
  auto list = block.initOutputs(static_cast<unsigned>(outputs.size()));
  for (size_t i = 0; i < outputs.size(); ++i) encode_output(outputs[i], list[i]);
  return to_bytes(msg);
}

// Both block decoders append in place and, on a corrupt record, leave `out` holding the
// records before it.
Status decode_input_block(std::string_view bytes, const std::string& context,
                          std::vector<Input>& out) {
  return with_reader(bytes, context, [&](capnp::MessageReader& reader) -> Status {
    auto list = reader.getRoot<schema::InputBlock>().getInputs();
    const size_t base = out.size();
    out.resize(base + list.size());
    for (unsigned i = 0; i < list.size(); ++i) {
      const auto r = list[i];
      Input& in = out[base + i];
      in.seq = Seq(r.getSeq());
      in.ts = Timestamp(r.getTsNs());
      if (const char* bad = read_input(r, in)) [[unlikely]] {
        out.resize(base + i);
        return corrupt(r.getSeq(), bad);
      }
    }
    return Status::ok();
  });
}

Status decode_output_block(std::string_view bytes, const std::string& context,
                           std::vector<Output>& out) {
  return with_reader(bytes, context, [&](capnp::MessageReader& reader) -> Status {
    auto list = reader.getRoot<schema::OutputBlock>().getOutputs();
    const size_t base = out.size();
    out.resize(base + list.size());
    for (unsigned i = 0; i < list.size(); ++i) {
      const auto r = list[i];
      Output& o = out[base + i];
      o.seq = Seq(r.getSeq());
      o.k = r.getK();
      if (const char* bad = read_output_body(r, o.body)) [[unlikely]] {
        out.resize(base + i);
        return corrupt(r.getSeq(), bad);
      }
    }
    return Status::ok();
  });
}

EncodedBatch encode_batch(std::span<const Input> inputs, std::span<const Output> outputs) {
  EncodedBatch batch;
  batch.first_seq = inputs.front().seq;
  batch.last_seq = inputs.back().seq;
  batch.first_ts = inputs.front().ts;
  batch.last_ts = inputs.back().ts;
  batch.input_count = static_cast<uint32_t>(inputs.size());
  batch.output_count = static_cast<uint32_t>(outputs.size());
  batch.inputs = encode_input_block(inputs);
  batch.outputs = encode_output_block(batch.first_seq, batch.last_seq, outputs);
  return batch;
}

}  // namespace tape
