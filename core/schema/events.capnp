# Persisted form of tape's events. Enum ordinals and field numbers are frozen: a change is a new
# format version (docs/event_log_format.md).
@0xc7182e3773a7477d;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("tape::schema");

enum Side { buy @0; sell @1; }
enum OrderType { limit @0; market @1; stop @2; stopLimit @3; }
enum TimeInForce { gtc @0; ioc @1; fok @2; day @3; gtd @4; }
enum ControlKind { halt @0; resume @1; killSwitchOn @2; killSwitchOff @3; }
enum IntentKind { new @0; cancel @1; replace @2; }

struct Quote { instrument @0 :UInt32; bid @1 :Int64; bidQty @2 :Int64; ask @3 :Int64; askQty @4 :Int64; }
struct Trade { instrument @0 :UInt32; price @1 :Int64; qty @2 :Int64; aggressor @3 :Side; }
struct NewOrder {
  id @0 :UInt64; account @1 :UInt32; instrument @2 :UInt32; side @3 :Side;
  type @4 :OrderType; tif @5 :TimeInForce; price @6 :Int64; qty @7 :Int64;
  # Format 2: stop and stop-limit orders' trigger, post-only, GTD expiry (0/false/0 when unused,
  # which is also what a format-1 record reads as).
  stopPrice @8 :Int64; postOnly @9 :Bool; expireNs @10 :Int64;
}
struct Cancel { id @0 :UInt64; account @1 :UInt32; instrument @2 :UInt32; }
struct Replace { id @0 :UInt64; account @1 :UInt32; instrument @2 :UInt32; price @3 :Int64; qty @4 :Int64; }
struct Control { kind @0 :ControlKind; instrument @1 :UInt32; }
struct Bar {
  instrument @0 :UInt32; open @1 :Int64; high @2 :Int64; low @3 :Int64; close @4 :Int64;
  volume @5 :Int64; periodNs @6 :Int64;
}
# Values match core/events.h BookAction (LOBSTER's message types 1..6; type 7 split in three).
enum BookAction { unused @0; add @1; reduce @2; delete @3; execute @4; hiddenExecute @5; cross @6;
                  halt @7; quoteResume @8; tradeResume @9; }
struct BookMessage {
  instrument @0 :UInt32; action @1 :BookAction; orderId @2 :UInt64; side @3 :Side;
  price @4 :Int64; qty @5 :Int64;
}

# One journaled input.
struct Input {
  seq @0 :UInt64;
  tsNs @1 :Int64;
  union {
    quote @2 :Quote;
    trade @3 :Trade;
    newOrder @4 :NewOrder;
    cancel @5 :Cancel;
    replace @6 :Replace;
    control @7 :Control;
    heartbeat @8 :Void;
    bar @9 :Bar;
    bookMessage @10 :BookMessage;
    # Revision 3, live sessions only: the input as it came from its source. A union member (not
    # new fields), so that every other log's bytes stay exactly what they were.
    liveMessage @11 :LiveMessage;
  }
}

# A live input: its body is `input`'s union (seq and tsNs unused there; never a liveMessage),
# with the message's stream sequence (NATS JetStream) and, for a message that could not be made
# into an input, its RejectReason (the body is then a heartbeat).
struct LiveMessage {
  streamSeq @0 :UInt64;
  reject @1 :UInt16;
  input @2 :Input;
}

struct Accepted {
  id @0 :UInt64; account @1 :UInt32; instrument @2 :UInt32; side @3 :Side;
  type @4 :OrderType; tif @5 :TimeInForce; price @6 :Int64; qty @7 :Int64;
  stopPrice @8 :Int64; postOnly @9 :Bool; expireNs @10 :Int64;   # format 2, as NewOrder
}
struct Rejected { id @0 :UInt64; account @1 :UInt32; instrument @2 :UInt32; reason @3 :UInt16; text @4 :Text; }
struct Fill {
  instrument @0 :UInt32; maker @1 :UInt64; makerAccount @2 :UInt32; taker @3 :UInt64;
  takerAccount @4 :UInt32; price @5 :Int64; qty @6 :Int64; aggressor @7 :Side;
  makerLeaves @8 :Int64; takerLeaves @9 :Int64;
}
struct Cancelled { id @0 :UInt64; account @1 :UInt32; instrument @2 :UInt32; qty @3 :Int64; reason @4 :UInt8; }
struct Replaced { id @0 :UInt64; account @1 :UInt32; instrument @2 :UInt32; price @3 :Int64; qty @4 :Int64; priorityKept @5 :Bool; }
struct Intent {
  kind @0 :IntentKind; id @1 :UInt64; account @2 :UInt32; instrument @3 :UInt32; side @4 :Side;
  type @5 :OrderType; tif @6 :TimeInForce; price @7 :Int64; qty @8 :Int64;
  stopPrice @9 :Int64; postOnly @10 :Bool; expireNs @11 :Int64;  # format 2, as NewOrder
}
struct RiskDecision { intent @0 :Intent; approved @1 :Bool; reason @2 :UInt16; }
struct PositionUpdate {
  account @0 :UInt32; instrument @1 :UInt32; position @2 :Int64; cash @3 :Int64;
  realizedPnl @4 :Int64; fees @5 :Int64;
}

struct InputRejected { instrument @0 :UInt32; reason @1 :UInt16; text @2 :Text; }

# One output, numbered (seq, k): the k-th output derived from input seq.
struct Output {
  seq @0 :UInt64;
  k @1 :UInt32;
  union {
    accepted @2 :Accepted;
    rejected @3 :Rejected;
    fill @4 :Fill;
    cancelled @5 :Cancelled;
    replaced @6 :Replaced;
    intent @7 :Intent;
    riskDecision @8 :RiskDecision;
    positionUpdate @9 :PositionUpdate;
    inputRejected @10 :InputRejected;
  }
}

# A batch of inputs: one RocksDB value in the `events` column family, keyed by firstSeq.
struct InputBlock {
  firstSeq @0 :UInt64;
  inputs @1 :List(Input);   # seqs firstSeq, firstSeq+1, ... contiguous
}

# The outputs derived from one InputBlock: one value in `outputs`, under the same key.
struct OutputBlock {
  firstSeq @0 :UInt64;
  lastSeq @1 :UInt64;
  outputs @2 :List(Output);
}

# A snapshot of the whole core state after input `seq`: one value in `snapshots`, keyed by seq.
# `coreState` is the canonical state encoding (core/state_hash.h): the bytes the state hash is
# computed over, read back by core/state_reader.h. `generatorState` is the sim generator's state
# at the same point (empty for snapshots taken during a replay).
struct Snapshot {
  formatVersion @0 :UInt32;
  seq @1 :UInt64;
  tsNs @2 :Int64;
  stateHash @3 :Text;
  coreState @4 :Data;
  generatorState @5 :Data;
  tsClamped @6 :UInt64;   # sequencer's count of clamped timestamps so far
}
