// Strategies from plugins: the loaded C table of include/tape/plugin.h (PluginFactory, and the
// parameter rules it shares with the built-ins: core/plugin_params.cc) and the adapter that hosts
// one instance for StrategyHost (PluginStrategy, a HostedStrategy: core/plugin_strategy.cc).
//
// The core never opens a file: session/plugin.h loads the library and builds the factory; the
// factory keeps the library loaded (a shared handle) for as long as any config or instance
// holds it.
//
// Parameters. A plugin declares its parameters (name, type, default as TOML text, doc). The
// config gives `key = value` pairs as TOML text (core/config.h PluginParam). resolve() checks
// them and returns one value per declared parameter in declaration order, the config's value or
// else the default. Text accepted per type (TOML's forms):
//   int:     [+-]digits, single '_' between digits allowed; must fit int64.
//   decimal: [+-]digits[.digits] (or an int), '_' as for int, no exponent, at most 18 fraction
//            digits; value = units / 10^scale exactly, units must fit int64.
//   string:  a TOML basic "..." (escapes \" \\ \b \t \n \f \r) or literal '...' string.
//   bool:    true | false.
//
// Errors (DESIGN section 8). A callback that returns an error, an order with an enumeration out
// of range, or a failed create leaves the strategy failed: status() names the plugin, the
// strategy, the callback and the input seq; no callback of that instance runs again, and the
// core stops the run with that status (exit 2). An order that is merely invalid (qty <= 0, a bad
// price) is sent as usual and rejected by risk like any other. A plugin that crashes is not
// caught.
//
// State. hash_state writes the plugin's save_state bytes, length-prefixed (the host writes the
// kind before). restore_state reads them back through load_state into the fresh instance.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/events.h"
#include "core/hosted_strategy.h"
#include "core/state_hash.h"
#include "core/state_reader.h"
#include "core/status.h"
#include "tape/plugin.h"

namespace tape {

class StrategyContext;
class PluginStrategy;

// What the host table's functions reach through `self` (core/plugin_strategy.cc).
struct PluginCallScope {
  PluginStrategy* strategy;
  StrategyContext* ctx;
};

enum class PluginParamType : uint8_t {
  kInt = TAPE_PARAM_INT,
  kDecimal = TAPE_PARAM_DECIMAL,
  kString = TAPE_PARAM_STRING,
  kBool = TAPE_PARAM_BOOL,
};
const char* plugin_param_type_name(PluginParamType t);  // "int", "decimal", "string", "bool"

struct PluginParamDecl {
  std::string name;
  PluginParamType type = PluginParamType::kInt;
  std::string default_text;
  std::string doc;
};

// A checked parameter value, as handed to the plugin.
struct PluginParamValue {
  std::string name;
  PluginParamType type = PluginParamType::kInt;
  int64_t int_value = 0;  // int; bool 0/1; decimal units
  int32_t scale = 0;      // decimal
  std::string text;       // string: the string; decimal: canonical text; else as written
};

// Parses `text` as a value of `type` (rules above). The error says what was expected.
Result<PluginParamValue> parse_plugin_param(const std::string& name, PluginParamType type,
                                            const std::string& text);

// One value per declaration, in declaration order: `given`'s text for its key, else the
// declared default. Unknown keys ("<who> has no parameter 'k'"), repeated keys and ill-typed
// values are Status::invalid naming the key.
Result<std::vector<PluginParamValue>> resolve_params(const std::vector<PluginParamDecl>& decls,
                                                     const std::vector<PluginParam>& given,
                                                     const std::string& who);
// The C view of `values` (pointing into them: valid while they are).
std::vector<tape_param_value_v1> c_param_values(const std::vector<PluginParamValue>& values);

// The size of the error buffer a callback writes into, and its text ("(no message)" if empty).
inline constexpr size_t kPluginErrLen = 512;
std::string plugin_error_text(const char* err, size_t len);

class PluginFactory {
 public:
  // `table` must stay valid while `library` is held. Validates the table's shape (abi version,
  // size, every function present, parameter declarations well formed, defaults parse).
  static Result<std::shared_ptr<const PluginFactory>> make(const tape_plugin_v1* table,
                                                           std::shared_ptr<const void> library,
                                                           std::string path);

  const std::string& name() const { return name_; }
  const std::string& path() const { return path_; }
  uint32_t abi_version() const { return table_->abi_version; }
  const std::vector<PluginParamDecl>& params() const { return params_; }
  const tape_plugin_v1& table() const { return *table_; }

  // One value per declared parameter, in declaration order (see the header comment). Unknown
  // keys, repeated keys and ill-typed values are Status::invalid naming the key.
  Result<std::vector<PluginParamValue>> resolve(const std::vector<PluginParam>& given) const;
  // A new instance built with `values` (from resolve); the plugin's own refusal is an error
  // with its message. The caller owns the instance (destroy through table().destroy).
  Result<void*> create(const std::vector<PluginParamValue>& values) const;

 private:
  PluginFactory() = default;
  const tape_plugin_v1* table_ = nullptr;
  std::shared_ptr<const void> library_;
  std::string name_;
  std::string path_;
  std::vector<PluginParamDecl> params_;
};

// The hosted member set (core/hosted_strategy.h) over one plugin instance.
class PluginStrategy final : public HostedStrategy {
 public:
  // Aborts (TAPE_CHECK) when config.plugin is null (the config parser loads it). A create or
  // parameter failure is reported through status(), not an abort.
  PluginStrategy(const StrategyConfig& config, size_t instrument_count);
  ~PluginStrategy();
  PluginStrategy(PluginStrategy&& other) noexcept;
  PluginStrategy& operator=(PluginStrategy&&) = delete;
  PluginStrategy(const PluginStrategy&) = delete;

  void on_start(StrategyContext& ctx) override;
  void on_bar(StrategyContext& ctx, const BarIn& bar) override;
  void on_quote(StrategyContext& ctx, const QuoteIn& quote) override;
  void on_trade(StrategyContext& ctx, const TradeIn& trade) override;
  void on_book(StrategyContext& ctx, InstrumentId instrument) override;
  void on_fill(StrategyContext& ctx, const Fill& fill) override;
  void on_order(StrategyContext& ctx, const OrderAccepted& e) override;
  void on_order(StrategyContext& ctx, const OrderRejected& e) override;
  void on_order(StrategyContext& ctx, const OrderCancelled& e) override;
  void on_order(StrategyContext& ctx, const OrderReplaced& e) override;
  void on_timer(StrategyContext& ctx) override;

  // The plugin's save_state bytes, length-prefixed. A save_state error writes an empty string
  // and fails status().
  void hash_state(StateHasher& h) const override;
  Status restore_state(StateReader& r, const StrategyContext& ctx) override;

  // Ok, or the first failure (see the header comment).
  const Status& status() const override { return status_; }
  const PluginFactory& factory() const { return *factory_; }

  // Called by the host table's send when a spec is malformed (the C layer's enumerations).
  void fail_call(std::string why);

 private:
  template <typename Call>
  void call(StrategyContext& ctx, const char* what, Call&& fn);
  void fail(std::string what, const std::string& why, uint64_t seq) const;

  // The host table is built once (and again after a move: its `self` points at scope_); each
  // call sets the context.
  void bind_host();

  std::shared_ptr<const PluginFactory> factory_;
  PluginCallScope scope_{this, nullptr};
  tape_host_v1 host_{};
  std::string strategy_name_;
  void* instance_ = nullptr;
  mutable Status status_;
  std::string call_error_;  // set by fail_call during a callback
};

}  // namespace tape
