// The built-in strategies (market_maker, momentum, fat_finger) as ordinary classes of the public
// strategy API (include/tape/strategy.h), and the host that calls them without the C table.
//
// A built-in is a tape::api::Strategy built from api::Params like a plugin, declared with a name,
// a version and its parameters (BuiltinSpec). Two things set it apart, both the core's:
//  * it is told the run's instrument count and the instruments it trades when it is built
//    (its state has one entry per instrument from the start);
//  * its state bytes are written inline in the core's state encoding (StateHasher), not
//    length-prefixed like a plugin's, so that every scenario's state hash and snapshot stay
//    what they were when the built-ins were a closed std::variant. save_state / load_state (the
//    API's) write and read exactly those bytes.
//
// Parameters. A scenario configures a built-in through its typed fields (StrategyConfig::mm,
// momentum, fat_finger: the scenario parser's ranges); a backtest through `params` (TOML text,
// declared and type-checked like a plugin's). The values used are the typed fields written as
// text (BuiltinSpec::config_params: the struct defaults when a backtest leaves them), each
// overridden by a `params` entry of the same name. Both are range-checked against the one table,
// BuiltinSpec::ranges: the scenario parser reads its ranges from it (builtin_range) and a
// backtest's `params` are checked with check_builtin_ranges (exit 2 naming the key and range).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/hosted_strategy.h"
#include "core/plugin_strategy.h"
#include "tape/strategy.h"

namespace tape {

// The instruments of the run, as a built-in is told them at construction.
struct BuiltinUniverse {
  size_t instrument_count = 0;
  std::vector<InstrumentId> traded;  // in config order; all when the config names none
};

// The base of the built-in strategy classes.
class BuiltinStrategy : public api::Strategy {
 public:
  // True if the strategy issued `id` (restore checks the ids its state holds).
  using IssuedFn = std::function<bool(OrderId)>;

  // The state in the core's encoding (see the header comment).
  virtual void hash_state(StateHasher& h) const = 0;
  // Reads back hash_state into a freshly constructed instance; fails the reader on bytes it did
  // not write or an order id `issued` refuses.
  virtual Status restore_state(StateReader& r, const IssuedFn& issued) = 0;
  // Intents its parameters may send within one input beyond the host's per-input cap
  // (HostedStrategy::intents_per_input_extra); 0 unless it sends bursts.
  virtual uint64_t intents_per_input_extra() const { return 0; }

  // The API's state calls over the two above: the same bytes. load_state takes any order id
  // (the host restores through restore_state, which checks them) and throws on bad bytes.
  void save_state(std::vector<uint8_t>& out) const final;
  void load_state(std::span<const uint8_t> in) final;
};

// A built-in's declaration.
// The generous bound of lots, positions and counts among the parameters, and one hour in ms.
inline constexpr int64_t kParamCountMax = 1'000'000'000'000;
inline constexpr int64_t kParamHourMs = 3'600'000;

// The values a built-in's parameter may take, inclusive: an int's value; a decimal's, in whole
// units (entry_threshold [0, 1]).
struct ParamRange {
  std::string name;
  int64_t lo = 0;
  int64_t hi = 0;
};

struct BuiltinSpec {
  std::string name;  // as configured: `builtin = "<name>"`
  uint32_t version = 1;  // bumped when its behaviour or state changes
  StrategyKind kind = StrategyKind::kMarketMaker;
  std::vector<PluginParamDecl> params;  // declaration order; defaults = the typed struct's
  std::vector<ParamRange> ranges;       // one per declared parameter
  // The typed fields of `config` as parameter text, one per declared parameter.
  std::vector<PluginParam> (*config_params)(const StrategyConfig& config) = nullptr;
  std::unique_ptr<BuiltinStrategy> (*make)(const api::Params& params,
                                           const BuiltinUniverse& universe) = nullptr;
};

// The declarations of `specs` (the API's int_param, decimal_param, ...).
std::vector<PluginParamDecl> param_decls(std::initializer_list<api::ParamSpec> specs);

// Every built-in, in StrategyKind order.
const std::vector<BuiltinSpec>& builtin_specs();
// The built-in named `name`, or nullptr.
const BuiltinSpec* find_builtin(std::string_view name);
// The built-in of a (non-plugin) kind.
const BuiltinSpec& builtin_spec(StrategyKind kind);
// The range of `kind`'s parameter `name` (aborts on a name it does not declare).
const ParamRange& builtin_range(StrategyKind kind, std::string_view name);
// Ok, or Status::invalid "'KEY' = VALUE is out of range [LO, HI]" for the first value (in
// declaration order) outside its range.
Status check_builtin_ranges(const BuiltinSpec& spec, const std::vector<PluginParamValue>& values);

// The checked values of `config`'s built-in (header comment: typed fields, then `params`): an
// unknown, repeated or ill-typed `params` entry is Status::invalid naming the key.
Result<std::vector<PluginParamValue>> builtin_params(const StrategyConfig& config);

// Hosts one built-in for StrategyHost. Aborts (TAPE_CHECK) on parameters the config parser
// should have refused (builtin_params fails).
class BuiltinHost final : public HostedStrategy {
 public:
  BuiltinHost(const StrategyConfig& config, const BuiltinUniverse& universe);
  ~BuiltinHost() override;

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
  void hash_state(StateHasher& h) const override { strategy_->hash_state(h); }
  Status restore_state(StateReader& r, const StrategyContext& ctx) override;
  const Status& status() const override;
  uint64_t intents_per_input_extra() const override { return strategy_->intents_per_input_extra(); }

  // The hosted class (tests and reports: dynamic_cast to MarketMaker, Momentum, FatFinger).
  const BuiltinStrategy& strategy() const { return *strategy_; }

 private:
  class Context;  // api::Context over a StrategyContext (core/builtin_strategy.cc)
  api::Context& bind(StrategyContext& ctx);

  std::unique_ptr<BuiltinStrategy> strategy_;
  std::unique_ptr<Context> api_ctx_;
};

}  // namespace tape
