#include "live/live_config.h"

#include <filesystem>
#include <sstream>

#include "sim/scenario_internal.h"
#include "sim/scenario_reader.h"

namespace tape {
namespace {

using scenario_detail::StringItem;
using scenario_detail::TableReader;

Status read_nats(TableReader& live, const std::string& source, NatsSettings& n) {
  ASSIGN_OR_RETURN(const toml::table* t, live.table("nats"));
  if (!t) return Status::ok();
  TableReader r(*t, "live.nats", source);
  RETURN_IF_ERROR(r.string("url", n.url));
  RETURN_IF_ERROR(r.string("stream", n.stream));
  std::vector<StringItem> subjects;
  RETURN_IF_ERROR(r.string_list("subjects", subjects));
  if (!subjects.empty()) {
    n.subjects.clear();
    for (const StringItem& s : subjects) n.subjects.push_back(s.value);
  }
  RETURN_IF_ERROR(r.string("durable", n.durable));
  RETURN_IF_ERROR(r.integer("fetch_batch", 1, 65536, n.fetch_batch));
  RETURN_IF_ERROR(r.integer("queue_messages_max", 16, 4'194'304, n.queue_messages_max));
  RETURN_IF_ERROR(r.integer("max_ack_pending", 1024, 100'000'000, n.max_ack_pending));
  if (n.url.empty()) return r.error_at("url", "must name the NATS server (nats://host:port)");
  if (n.stream.empty()) return r.error_at("stream", "must name the JetStream stream");
  if (n.durable.empty()) return r.error_at("durable", "must name the durable consumer");
  return r.finish();
}

Status read_live(TableReader& root, const std::string& source, LiveSettings& s) {
  ASSIGN_OR_RETURN(const toml::table* t, root.table("live"));
  if (!t) return root.error_at("live", "is required: a [live] table");
  TableReader r(*t, "live", source);
  RETURN_IF_ERROR(read_nats(r, source, s.nats));
  RETURN_IF_ERROR(r.integer("heartbeat_ms", 1, 60'000, s.heartbeat_ms));
  RETURN_IF_ERROR(r.string("output_prefix", s.output_prefix));
  RETURN_IF_ERROR(r.integer("metrics_port", 0, 65535, s.metrics_port));
  RETURN_IF_ERROR(r.string("metrics_host", s.metrics_host));
  RETURN_IF_ERROR(r.integer("backoff_min_ms", 1, 60'000, s.backoff_min_ms));
  RETURN_IF_ERROR(r.integer("backoff_max_ms", 1, 600'000, s.backoff_max_ms));
  if (s.backoff_max_ms < s.backoff_min_ms) {
    return r.error_at("backoff_max_ms", "must be at least backoff_min_ms");
  }
  return r.finish();
}

Status read_instruments(TableReader& root, const std::string& source, InstrumentTable& out) {
  ASSIGN_OR_RETURN(const toml::array* list, root.table_array("instruments"));
  if (!list || list->empty()) {
    return root.error_at("instruments", "is required: at least one [[instruments]] with a symbol");
  }
  for (size_t i = 0; i < list->size(); ++i) {
    TableReader r(*(*list)[i].as_table(), "instruments[" + std::to_string(i) + "]", source);
    InstrumentSpec spec;
    RETURN_IF_ERROR(r.string("symbol", spec.symbol, /*required=*/true));
    std::string tick = "0.01";
    RETURN_IF_ERROR(r.string("tick_size", tick));
    Result<Decimal> d = parse_decimal(tick);
    if (!d.is_ok() || d.value().units <= 0) {
      return r.error_at("tick_size", "'" + tick + "' is not a positive decimal (e.g. \"0.01\")");
    }
    spec.tick_size = d.value();
    RETURN_IF_ERROR(r.integer("lot_size", 1, 1'000'000'000, spec.lot_size));
    RETURN_IF_ERROR(r.finish());
    for (const InstrumentSpec& other : out) {
      if (other.symbol == spec.symbol) {
        return r.error_at("symbol", "\"" + spec.symbol + "\" names two instruments");
      }
    }
    out.push_back(std::move(spec));
  }
  return Status::ok();
}

Result<LiveConfig> read_live_config(const toml::table& tree, BacktestConfig backtest,
                                    const std::string& source) {
  LiveConfig c;
  TableReader root(tree, "", source);
  RETURN_IF_ERROR(read_live(root, source, c.live));
  RETURN_IF_ERROR(read_instruments(root, source, c.instruments));
  c.backtest = std::move(backtest);
  return c;
}

}  // namespace

Result<LiveConfig> load_live_file(const std::string& path,
                                  const std::vector<std::string>& overrides) {
  ASSIGN_OR_RETURN(toml::table tree, scenario_detail::load_toml_tree(path, overrides));
  if (!tree.contains("live")) {
    return Status::invalid(path + ": 'live' is required: a [live] table (a live config is a "
                           "backtest config with [live] and [[instruments]] instead of [data])");
  }
  ASSIGN_OR_RETURN(BacktestConfig backtest, load_backtest_file(path, overrides));
  return read_live_config(tree, std::move(backtest), path);
}

Result<LiveConfig> parse_live_text(std::string_view text, const std::string& source_name) {
  ASSIGN_OR_RETURN(toml::table tree, scenario_detail::parse_toml_tree(text, source_name));
  if (!tree.contains("live")) return Status::invalid(source_name + ": not a live config");
  ASSIGN_OR_RETURN(BacktestConfig backtest, parse_backtest_text(text, source_name, ""));
  return read_live_config(tree, std::move(backtest), source_name);
}

Result<std::string> live_identity(std::string_view canonical_toml, const std::string& source_name) {
  ASSIGN_OR_RETURN(toml::table tree, scenario_detail::parse_toml_tree(canonical_toml, source_name));
  tree.erase("live");
  std::ostringstream text;
  text << tree;
  return text.str();
}

}  // namespace tape
