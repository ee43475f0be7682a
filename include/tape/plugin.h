/* The C boundary between tape and a strategy plugin (DESIGN section 8).
 *
 * A plugin is a shared library exporting one C function,
 *     const tape_plugin_v1* tape_strategy_plugin_v1(void);
 * that returns a table of plain data and function pointers, valid for as long as the library is
 * loaded. Nothing else crosses the boundary: no C++ types, no exceptions, no allocation owned by
 * the other side. Authors normally never see this file: tape/strategy.h wraps it in an ordinary
 * C++ class and one export macro (TAPE_STRATEGY_PLUGIN).
 *
 * Versioning rule. `abi_version` is TAPE_PLUGIN_ABI_VERSION of the headers the plugin was built
 * with. The host loads a plugin only when it equals its own; any other value is refused at load,
 * naming the file, its version and the host's. The version is bumped whenever any struct or
 * function signature below changes in a way an older plugin would misread; fields are never
 * reordered or reused within one version. `struct_size` fields let a host check that a table is
 * at least as large as the one it was compiled against.
 *
 * Units. Prices are int64 ticks of the instrument, quantities int64 lots, money int64 minor
 * units (money_scale per currency unit), times int64 ns since the run's epoch. Instruments are
 * their index in the run's instrument list. Enumerations are the uint8 values below.
 *
 * Errors. Every callback returns TAPE_OK (0) or an error code; on error it writes a
 * NUL-terminated message of at most `err_len - 1` bytes into `err`. The host stops the run with
 * an error naming the plugin, the callback and the input seq. An order the venue or risk refuses
 * (e.g. qty <= 0) is not an error: it comes back as an order event of kind REJECTED.
 *
 * Threading. The host calls one instance from one thread at a time (the core's thread); the
 * host functions in tape_host_v1 may be called only during a callback, on that thread.
 */
#ifndef TAPE_PLUGIN_H_
#define TAPE_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TAPE_PLUGIN_ABI_VERSION 1u
#define TAPE_PLUGIN_ENTRY_POINT "tape_strategy_plugin_v1"

/* Return codes. */
#define TAPE_OK 0
#define TAPE_ERROR 1          /* the plugin failed; the message says why */
#define TAPE_ERROR_STATE 2    /* load_state: the bytes are not a state this plugin wrote */
#define TAPE_ERROR_PARAMS 3   /* create: a parameter value the plugin refuses */

/* Side, order type, time in force: the values of the event log (frozen). */
#define TAPE_SIDE_BUY 0
#define TAPE_SIDE_SELL 1
#define TAPE_ORDER_LIMIT 0
#define TAPE_ORDER_MARKET 1
#define TAPE_ORDER_STOP 2       /* market once a print reaches stop_price */
#define TAPE_ORDER_STOP_LIMIT 3 /* limit at price once a print reaches stop_price */
#define TAPE_TIF_GTC 0
#define TAPE_TIF_IOC 1
#define TAPE_TIF_FOK 2
#define TAPE_TIF_DAY 3 /* expires at the end of the UTC day it was accepted in */
#define TAPE_TIF_GTD 4 /* expires at expire_ns */

/* Parameter types. */
#define TAPE_PARAM_INT 0     /* int64 */
#define TAPE_PARAM_DECIMAL 1 /* exact decimal: units / 10^scale */
#define TAPE_PARAM_STRING 2
#define TAPE_PARAM_BOOL 3

/* Kinds of order events. */
#define TAPE_ORDER_EVENT_ACCEPTED 0
#define TAPE_ORDER_EVENT_REJECTED 1
#define TAPE_ORDER_EVENT_CANCELLED 2 /* by the user, IOC remainder, kill switch, ... (reason) */
#define TAPE_ORDER_EVENT_REPLACED 3
#define TAPE_ORDER_EVENT_EXPIRED 4   /* a DAY or GTD order reached its expiry */

typedef struct tape_bar_v1 {
  uint32_t instrument;
  int64_t open, high, low, close; /* ticks */
  int64_t volume;                 /* lots */
  int64_t period_ns;              /* 0 = not known */
} tape_bar_v1;

typedef struct tape_quote_v1 {
  uint32_t instrument;
  int64_t bid, bid_qty, ask, ask_qty;
} tape_quote_v1;

typedef struct tape_trade_v1 {
  uint32_t instrument;
  int64_t price, qty;
  uint8_t aggressor; /* TAPE_SIDE_* of the taker */
} tape_trade_v1;

typedef struct tape_book_top_v1 {
  uint32_t instrument;
  uint8_t has_bid, has_ask;
  int64_t bid, bid_qty, ask, ask_qty; /* total resting quantity at the best price */
} tape_book_top_v1;

/* One price level of a book side: its price, total resting quantity and order count. */
typedef struct tape_level_v1 {
  int64_t price, qty;
  uint32_t orders;
} tape_level_v1;

/* One fill of one of the strategy's own orders, from its side. */
typedef struct tape_fill_v1 {
  uint32_t instrument;
  uint64_t order_id;
  uint8_t side;     /* TAPE_SIDE_* of the strategy's order */
  uint8_t is_maker; /* 1 if the strategy's order was resting */
  int64_t price, qty;
  int64_t leaves;   /* the order's quantity still open after this fill */
} tape_fill_v1;

typedef struct tape_order_event_v1 {
  uint8_t kind; /* TAPE_ORDER_EVENT_* */
  uint64_t order_id;
  uint32_t instrument;
  /* ACCEPTED: the order as accepted. REPLACED: price and qty (the new open quantity). */
  uint8_t side, type, tif, post_only, priority_kept;
  int64_t price, qty, stop_price, expire_ns;
  /* REJECTED: the reject reason; CANCELLED/EXPIRED: the cancel reason and the qty cancelled
   * (in qty). The code is the event log's value, the name its stable text (e.g. "invalid_qty").
   * reason_name is valid during the callback only. */
  uint16_t reason;
  const char* reason_name;
} tape_order_event_v1;

/* What a strategy asks for. Fields a type does not use are ignored (price of a market order). */
typedef struct tape_order_spec_v1 {
  uint32_t instrument;
  uint8_t side, type, tif, post_only;
  int64_t price, stop_price, qty, expire_ns;
} tape_order_spec_v1;

/* The host's side of a callback: read the world, send orders. `self` is opaque. A string
 * returned here stays valid until the run ends. Order functions return the new order's id (0 if
 * the spec's enumerations are out of range: the host then fails the callback with an error). */
typedef struct tape_host_v1 {
  uint32_t struct_size;
  void* self;
  int64_t (*now_ns)(void* self);
  int64_t (*position)(void* self, uint32_t instrument); /* signed lots */
  int64_t (*cash)(void* self);                          /* money minor units, after fees */
  int64_t (*money_scale)(void* self);                   /* minor units per currency unit */
  uint32_t (*instrument_count)(void* self);
  const char* (*symbol)(void* self, uint32_t instrument);    /* NULL if unknown */
  const char* (*tick_size)(void* self, uint32_t instrument); /* exact decimal, NULL if unknown */
  int (*top)(void* self, uint32_t instrument, tape_book_top_v1* out); /* 0 if unknown */
  uint64_t (*send)(void* self, const tape_order_spec_v1* spec);
  void (*cancel)(void* self, uint32_t instrument, uint64_t order_id);
  void (*replace)(void* self, uint32_t instrument, uint64_t order_id, int64_t price, int64_t qty);
  /* on_timer every period_ns from now (the first firing at now + period_ns); 0 stops it. */
  void (*set_timer)(void* self, int64_t period_ns);
  /* Appended within version 1 (an older host's struct_size ends before them; the C++ layer then
   * answers "not halted" and "no levels"). */
  int (*halted)(void* self, uint32_t instrument); /* 1 while trading is halted, else 0 */
  /* Up to `max` levels of `side` (TAPE_SIDE_*) into `out`, best first; returns how many. The
   * same book as top (so empty on bars). */
  uint32_t (*depth)(void* self, uint32_t instrument, uint8_t side, tape_level_v1* out,
                    uint32_t max);
  /* Appended within version 1 (an older host: the C++ layer answers 1). 1 if top and depth
   * count the strategy's own resting orders (the matching engine's book, scenario runs); 0 on
   * the data venues (quote and L3 backtests), whose book is the data's alone. */
  int (*book_has_own_orders)(void* self);
} tape_host_v1;

/* A declared parameter. default_text is TOML text: 10, 0.5, "abc", true. */
typedef struct tape_param_decl_v1 {
  const char* name;
  uint8_t type; /* TAPE_PARAM_* */
  const char* default_text;
  const char* doc;
} tape_param_decl_v1;

/* A validated value, one per declared parameter, in declaration order. */
typedef struct tape_param_value_v1 {
  const char* name;
  uint8_t type;
  int64_t int_value;  /* INT; BOOL (0 or 1); DECIMAL: the units */
  int32_t scale;      /* DECIMAL: value = int_value / 10^scale, scale in [0, 18] */
  const char* text;   /* STRING: the string; DECIMAL: canonical text; else the TOML text */
} tape_param_value_v1;

/* Receives save_state's bytes; may be called several times, bytes are appended. */
typedef void (*tape_write_fn)(void* sink, const uint8_t* data, size_t len);

typedef struct tape_plugin_v1 {
  uint32_t abi_version; /* TAPE_PLUGIN_ABI_VERSION */
  uint32_t struct_size; /* sizeof(tape_plugin_v1) */
  const char* name;
  const tape_param_decl_v1* params;
  uint32_t param_count;

  int (*create)(const tape_param_value_v1* values, uint32_t count, void** out, char* err,
                size_t err_len);
  void (*destroy)(void* instance);

  int (*on_start)(void* instance, const tape_host_v1* host, char* err, size_t err_len);
  int (*on_bar)(void* instance, const tape_host_v1* host, const tape_bar_v1* bar, char* err,
                size_t err_len);
  int (*on_quote)(void* instance, const tape_host_v1* host, const tape_quote_v1* quote, char* err,
                  size_t err_len);
  int (*on_trade)(void* instance, const tape_host_v1* host, const tape_trade_v1* trade, char* err,
                  size_t err_len);
  int (*on_book)(void* instance, const tape_host_v1* host, const tape_book_top_v1* top, char* err,
                 size_t err_len);
  int (*on_fill)(void* instance, const tape_host_v1* host, const tape_fill_v1* fill, char* err,
                 size_t err_len);
  int (*on_order)(void* instance, const tape_host_v1* host, const tape_order_event_v1* event,
                  char* err, size_t err_len);
  int (*on_timer)(void* instance, const tape_host_v1* host, char* err, size_t err_len);

  /* The strategy's whole state as bytes: hashed into the run's state hash and stored in
   * snapshots. Equal states must give equal bytes. load_state reads them back into a fresh
   * instance created with the same parameters. */
  int (*save_state)(const void* instance, void* sink, tape_write_fn write, char* err,
                    size_t err_len);
  int (*load_state)(void* instance, const uint8_t* data, size_t len, char* err, size_t err_len);
} tape_plugin_v1;

typedef const tape_plugin_v1* (*tape_strategy_plugin_v1_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* TAPE_PLUGIN_H_ */
