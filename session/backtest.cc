#include "session/backtest.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "core/builtin_strategy.h"
#include "feed/data_log.h"
#include "feed/import_options.h"
#include "feed/json.h"
#include "session/backtest_internal.h"
#include "session/backtest_l3.h"
#include "session/backtest_seed.h"
#include "session/data_log_source.h"
#include "session/plugin.h"
#include "session/session.h"

namespace tape {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Money written in the config at kMoneyScale, at the run's scale (>= kMoneyScale, both powers of
// ten); Status::invalid naming `what` when it leaves int64.
Result<int64_t> rescale(int64_t at_base, int64_t money_scale, const std::string& what) {
  const __int128 v = static_cast<__int128>(at_base) * (money_scale / kMoneyScale);
  if (v > std::numeric_limits<int64_t>::max() || v < std::numeric_limits<int64_t>::min()) {
    return Status::invalid(what + " is too large at the run's money scale");
  }
  return static_cast<int64_t>(v);
}

VenueModel venue_for(const std::string& data_kind) {
  if (data_kind == "bars") return VenueModel::kBars;
  if (data_kind == "quotes" || data_kind == "trades") return VenueModel::kQuotes;
  if (data_kind == "lobster") return VenueModel::kL3;
  return VenueModel::kBook;
}

Result<std::string> meta_text(const EventLog& log, std::string_view key) {
  ASSIGN_OR_RETURN(std::optional<std::string> v, log.get_meta(key));
  if (!v) return Status::mismatch(log.dir() + ": meta has no " + std::string(key));
  return *v;
}

Status write_meta(EventLog& log, const BacktestConfig& config, const ResolvedBacktest& r,
                  const EventLog& data, const std::string& data_kind, const Json& seeds) {
  Json files = Json::array();
  ASSIGN_OR_RETURN(std::string import_text, meta_text(data, kMetaImport));
  std::optional<Json> import = parse_json(import_text);
  if (import.has_value() && import.value().contains("files")) {
    for (const Json& f : import.value()["files"]) {
      files.push_back({{"path", f.value("path", "")},
                       {"sha256", f.value("sha256", "")},
                       {"bytes", f.value("bytes", 0)}});
    }
  }
  Json d = {{"log", config.data.log},
            {"files", files},
            {"format", data_kind},
            {"chain_head", data.chain_head()},
            {"seq_last", data.last_seq().value()},
            {"import", import.has_value() ? import.value() : Json(import_text)}};
  if (!seeds.empty()) d["book_seeds"] = seeds;
  Json plugins = Json::array();
  for (const PluginRecord& p : r.plugins) plugins.push_back(plugin_record_json(p));
  RETURN_IF_ERROR(log.put_meta(kMetaLogKind, kLogKindBacktest));
  RETURN_IF_ERROR(log.put_meta(kMetaInstruments, instruments_json(r.instruments)));
  RETURN_IF_ERROR(log.put_meta(kMetaData, dump_json(d)));
  RETURN_IF_ERROR(log.put_meta(kMetaPlugins, dump_json(plugins)));
  RETURN_IF_ERROR(log.put_meta(kMetaBacktestName, config.name));
  // Last: a log with its config has all of its start meta.
  return log.put_meta(kMetaBacktest, config.canonical_toml);
}

// The L3 seeds for the data: the message files are the config's (imported on the fly) or those
// the data log's import names; the price scale is the import's.
Result<ResolvedSeeds> l3_seeds(const BacktestConfig& config, const EventLog& data,
                               const InstrumentTable& instruments) {
  std::vector<std::string> files = config.data.files;
  int price_scale = 4;
  ASSIGN_OR_RETURN(std::string text, meta_text(data, kMetaImport));
  std::optional<Json> import = parse_json(text);
  if (import.has_value() && import.value().is_object()) {
    const Json& j = import.value();
    if (files.empty() && j.contains("files") && j["files"].is_array()) {
      for (const Json& f : j["files"]) files.push_back(f.value("path", ""));
    }
    if (j.contains("options") && j["options"].is_object()) {
      price_scale = j["options"].value("price_scale", 4);
    }
  }
  return resolve_book_seeds(config.data, files, price_scale, instruments);
}

std::string describe_data(const BacktestConfig& config, const InstrumentTable& instruments,
                          const std::string& kind) {
  std::string symbols;
  for (const InstrumentSpec& s : instruments) symbols += (symbols.empty() ? "" : ",") + s.symbol;
  std::string from;
  if (!config.data.log.empty()) {
    from = config.data.log;
  } else {
    for (const std::string& f : config.data.files) {
      from += (from.empty() ? "" : ", ") + fs::path(f).filename().string();
    }
  }
  return symbols + " " + kind + " from " + from;
}

}  // namespace

Result<ResolvedBacktest> resolve_backtest(const BacktestConfig& config,
                                          const InstrumentTable& instruments,
                                          const std::string& data_kind) {
  ResolvedBacktest r;
  r.instruments = instruments;
  r.core = config.core;
  ASSIGN_OR_RETURN(r.core.money_scale, money_scale_for(instruments));
  const int64_t scale = r.core.money_scale;
  for (size_t id = 0; id < instruments.size(); ++id) {
    const std::string where =
        "data instruments[" + std::to_string(id) + "] (" + instruments[id].symbol + ")";
    ASSIGN_OR_RETURN(InstrumentConfig ic, instrument_at_scale(instruments[id], scale, where));
    r.core.instruments.push_back(std::move(ic));
  }
  r.core.venue.model = config.venue_model.value_or(venue_for(data_kind));
  FeeConfig& f = r.core.fees;
  ASSIGN_OR_RETURN(f.per_lot, rescale(f.per_lot, scale, "fees.per_share"));
  ASSIGN_OR_RETURN(f.per_order, rescale(f.per_order, scale, "fees.per_order"));
  ASSIGN_OR_RETURN(f.min_per_order, rescale(f.min_per_order, scale, "fees.min_per_order"));
  int64_t notional = 0;
  ASSIGN_OR_RETURN(notional, rescale(r.core.risk.max_notional.value(), scale, "risk.max_notional"));
  r.core.risk.max_notional = Money(notional);

  for (size_t i = 0; i < config.strategies.size(); ++i) {
    const BacktestStrategy& s = config.strategies[i];
    const std::string key = config.source + ": strategies[" + std::to_string(i) + "]";
    StrategyConfig sc;
    sc.kind = StrategyKind::kPlugin;
    sc.name = s.name;
    sc.account = AccountId(static_cast<uint32_t>(i + 1));
    sc.timer_ms = s.timer_ms;
    for (const std::string& symbol : s.instruments) {
      bool found = false;
      for (size_t id = 0; id < instruments.size() && !found; ++id) {
        if (instruments[id].symbol != symbol) continue;
        sc.instruments.push_back(InstrumentId(static_cast<uint32_t>(id)));
        found = true;
      }
      if (!found) {
        std::string list;
        for (const InstrumentSpec& spec : instruments)
          list += (list.empty() ? "" : ", ") + spec.symbol;
        return Status::invalid(key + ".instruments: \"" + symbol +
                               "\" is not an instrument of the data (" + list + ")");
      }
    }
    if (!s.builtin.empty()) {
      const BuiltinSpec* spec = find_builtin(s.builtin);
      if (spec == nullptr)
        return Status::invalid(key + ".builtin: no built-in \"" + s.builtin + "\"");
      Status params = check_builtin_params(*spec, s.params);
      if (!params.is_ok()) return Status::invalid(key + ".params: " + params.message());
      sc.kind = spec->kind;
      sc.params = s.params;
      r.core.strategies.push_back(std::move(sc));
      r.plugins.push_back(PluginRecord{s.name, "", "", 0, spec->name, spec->version});
      ASSIGN_OR_RETURN(int64_t cash, rescale(s.starting_cash, scale, key + ".starting_cash"));
      r.starting_cash.push_back(cash);
      continue;
    }
    Result<LoadedPlugin> loaded = load_plugin(s.plugin);
    if (!loaded.is_ok()) {
      return Status::invalid(key + ".plugin: " + loaded.status().message());
    }
    const LoadedPlugin& p = loaded.value();
    if (!s.plugin_sha256.empty() && s.plugin_sha256 != p.sha256) {
      return Status::invalid(key + ".plugin_sha256: " + s.plugin + " has SHA-256 " + p.sha256 +
                             ", not the pinned " + s.plugin_sha256);
    }
    Status params = check_params(p, s.params);
    if (!params.is_ok()) return Status::invalid(key + ".params: " + params.message());
    set_plugin(sc, p);
    sc.plugin_path = s.plugin;
    sc.params = s.params;
    r.core.strategies.push_back(std::move(sc));
    r.plugins.push_back(PluginRecord{s.name, s.plugin, p.sha256, p.abi_version, "", 0});
    ASSIGN_OR_RETURN(int64_t cash, rescale(s.starting_cash, scale, key + ".starting_cash"));
    r.starting_cash.push_back(cash);
  }
  return r;
}

Result<BacktestOutcome> run_backtest(const BacktestConfig& given, const BacktestOptions& options) {
  if (options.resume) return resume_backtest(given, options);
  using namespace backtest_internal;
  const auto start = Clock::now();
  BacktestConfig config = given;
  auto outcome = std::make_unique<BacktestOutcome>();
  remove_stale_temp_data_logs(options.out_dir);
  ASSIGN_OR_RETURN(OpenedData opened, open_data(config, options));
  const EventLog& data = *opened.log;
  outcome->data_cache_entry = opened.cache_entry;
  outcome->data_cache_hit = opened.cache_hit;
  ASSIGN_OR_RETURN(InstrumentTable instruments, data_log_instruments(data));
  ASSIGN_OR_RETURN(outcome->resolved, resolve_backtest(config, instruments, opened.kind));
  Json seeds_meta = Json::array();
  if (outcome->resolved.core.venue.model == VenueModel::kL3) {
    ASSIGN_OR_RETURN(ResolvedSeeds seeds, l3_seeds(config, data, instruments));
    outcome->resolved.core.venue.book_seeds = seeds.seeds;
    outcome->resolved.core.venue.l3_level1 = seeds.level1;
    seeds_meta = seeds.meta;
  }
  const ResolvedBacktest& resolved = outcome->resolved;
  outcome->data_chain_head = data.chain_head();
  outcome->data_description = describe_data(config, instruments, opened.kind);
  ASSIGN_OR_RETURN(
      std::unique_ptr<EventLog> log,
      EventLog::create(options.out_dir, backtest_log_options(resolved.core), options.overwrite));
  RETURN_IF_ERROR(write_meta(*log, config, resolved, data, opened.kind, seeds_meta));
  // Durable at once (one small table file): a backtest killed from here on is resumable.
  RETURN_IF_ERROR(log->flush());
  if (options.on_log_ready) RETURN_IF_ERROR(options.on_log_ready(*log));

  MeteredSink sink(*log, outcome->metrics);
  Status source_error;
  SessionState state =
      fresh_session(resolved.core, data_source(data, source_error), Recorder::Mode::kSink, &sink);
  RETURN_IF_ERROR(source_error);
  RETURN_IF_ERROR(run_to_end(state, *log, data, options, outcome->metrics, *outcome));
  outcome->elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  outcome->metrics.elapsed_s = outcome->elapsed_s;
  return std::move(*outcome);
}

Json plugin_record_json(const PluginRecord& p) {
  if (!p.builtin.empty()) {
    return {{"strategy", p.strategy},
            {"builtin", p.builtin},
            {"version", p.version},
            {"tape", std::string(kTapeVersion)}};
  }
  return {{"strategy", p.strategy}, {"path", p.path}, {"sha256", p.sha256}, {"abi", p.abi}};
}

namespace {

// A built-in as the log recorded it must be this tape's built-in of that name and version.
Status check_recorded_builtin(const EventLog& log, const BacktestStrategy& s, const Json& p) {
  const std::string recorded = p.is_object() ? p.value("builtin", "") : "";
  const uint32_t version = p.is_object() ? p.value("version", uint32_t{0}) : 0;
  const BuiltinSpec* spec = find_builtin(s.builtin);
  if (recorded != s.builtin) {
    return Status::mismatch(log.dir() + ": strategy " + s.name + ": built-in " + s.builtin +
                            " is recorded in meta plugins as '" + recorded + "'");
  }
  if (spec == nullptr || spec->version != version) {
    return Status::mismatch(
        log.dir() + ": strategy " + s.name + ": built-in " + s.builtin +
        " was recorded at version " + std::to_string(version) + ", this tape has " +
        (spec == nullptr ? "none" : "version " + std::to_string(spec->version)));
  }
  return Status::ok();
}

}  // namespace

Result<bool> is_backtest_log(const EventLog& log) {
  ASSIGN_OR_RETURN(std::optional<std::string> kind, log.get_meta(kMetaLogKind));
  return kind == std::optional<std::string>(std::string(kLogKindBacktest));
}

Result<OpenedBacktest> open_backtest_config(const EventLog& log) {
  OpenedBacktest out;
  ASSIGN_OR_RETURN(std::string text, meta_text(log, kMetaBacktest));
  Result<BacktestConfig> config = parse_backtest_text(text, log.dir() + " (meta backtest)", "");
  // The stored config was valid when it ran: failing to read it now is a damaged log.
  if (!config.is_ok()) return Status::mismatch(config.status().message());
  out.config = std::move(config).value();
  ASSIGN_OR_RETURN(InstrumentTable instruments, data_log_instruments(log));
  ASSIGN_OR_RETURN(std::string data_text, meta_text(log, kMetaData));
  std::optional<Json> data = parse_json(data_text);
  if (!data.has_value() || !data.value().is_object() || !data.value().contains("format")) {
    return Status::mismatch(log.dir() + ": meta data is not the backtest's data record");
  }
  ASSIGN_OR_RETURN(std::string plugins_text, meta_text(log, kMetaPlugins));
  std::optional<Json> plugins = parse_json(plugins_text);
  if (!plugins.has_value() || !plugins.value().is_array() ||
      plugins.value().size() != out.config.strategies.size()) {
    return Status::mismatch(log.dir() + ": meta plugins does not list the config's strategies");
  }
  // The recorded hash is the pin: a different library file is refused before it runs.
  for (size_t i = 0; i < out.config.strategies.size(); ++i) {
    const Json& p = plugins.value()[i];
    BacktestStrategy& s = out.config.strategies[i];
    if (!s.builtin.empty()) {
      RETURN_IF_ERROR(check_recorded_builtin(log, s, p));
      continue;
    }
    const std::string recorded = p.value("sha256", "");
    Result<LoadedPlugin> loaded = load_plugin(s.plugin);
    if (!loaded.is_ok()) {
      return Status::mismatch(log.dir() + ": strategy " + s.name + ": plugin " + s.plugin +
                              " recorded with SHA-256 " + recorded +
                              " does not load: " + loaded.status().message());
    }
    if (loaded.value().sha256 != recorded ||
        loaded.value().abi_version != p.value("abi", uint32_t{0})) {
      return Status::mismatch(
          log.dir() + ": strategy " + s.name + ": plugin " + s.plugin + " has SHA-256 " +
          loaded.value().sha256 + " (ABI " + std::to_string(loaded.value().abi_version) +
          "), but the log was recorded "
          "with SHA-256 " +
          recorded + " (ABI " + std::to_string(p.value("abi", uint32_t{0})) + ")");
    }
    s.plugin_sha256 = recorded;
  }
  Result<ResolvedBacktest> resolved =
      resolve_backtest(out.config, instruments, data.value()["format"].get<std::string>());
  if (!resolved.is_ok()) return Status::mismatch(resolved.status().message());
  out.resolved = std::move(resolved).value();
  if (out.resolved.core.venue.model == VenueModel::kL3) {
    const Json none;
    ASSIGN_OR_RETURN(
        ResolvedSeeds seeds,
        seeds_from_meta(data.value().contains("book_seeds") ? data.value()["book_seeds"] : none,
                        instruments));
    out.resolved.core.venue.book_seeds = seeds.seeds;
    out.resolved.core.venue.l3_level1 = seeds.level1;
  }
  return out;
}

namespace backtest_internal {

LogOptions backtest_log_options(const CoreConfig& core) {
  LogOptions log_options;
  log_options.sync = core.recorder.sync;
  // Two batches queued for the writer, not the recorder's 8: a backtest outruns its writer
  // whenever the box is busy, and every queued batch is held three times (the queue, the write
  // group, the WriteBatch) until written. A long run meets that worst case sooner or later, so a
  // deep queue made a 10x longer backtest peak ~6 MB higher (bench/RESULTS.md). The core waits
  // instead; its CPU is the same.
  log_options.queue_batches_max = std::min<uint32_t>(core.recorder.queue_batches_max, 2);
  // As an import's: a backtest log is written once, front to back, and read after; a smaller
  // memtable budget keeps a long backtest's peak RSS near a short one's (bench/RESULTS.md).
  log_options.memtable_bytes_max = uint64_t{16} << 20;
  // Under sync = none nothing of a backtest log is fsynced, so a short backtest does not wait
  // on the disk for a third of its time; it survives a process crash, not a power loss
  // (docs/backtest.md).
  log_options.sync_files = log_options.sync == RecorderOptions::Sync::kBatch;
  // Nor is it written twice: no write-ahead log (under sync = none). Its batches reach the OS
  // at the log's memtable flushes, every column family together, at each snapshot
  // (session/session_loop.h) and at its flush() and close; a killed backtest leaves the log as
  // it was at its last such flush, which --resume goes on from (store/event_log.h).
  log_options.write_ahead_log = false;
  return log_options;
}

SourceFactory data_source(const EventLog& data, Status& error) {
  return [&data, &error](const Core&) -> std::unique_ptr<Source> {
    Result<std::unique_ptr<DataLogSource>> s = DataLogSource::open(data);
    if (!s.is_ok()) {
      error = s.status();
      return nullptr;
    }
    return std::move(s).value();
  };
}

Status run_to_end(SessionState& state, EventLog& log, const EventLog& data,
                  const BacktestOptions& options, RunMetrics& metrics, BacktestOutcome& outcome) {
  const CoreConfig& config = outcome.resolved.core;
  LoopOptions loop = options.loop;
  loop.seq_total = data.last_seq().value();
  // A backtest reports no latency: time one input in 64, not each (two clock reads per input
  // were ~4% of a bar backtest's CPU), unless the caller chose another cadence.
  if (loop.input_timing_every == 1) loop.input_timing_every = 64;
  ASSIGN_OR_RETURN(const LoopEnd end, run_loop(state, &log, config, loop, metrics, Clock::now()));
  Core& core = *state.core;
  outcome.interrupted = end.interrupted;
  outcome.inputs = core.recorder().counters().inputs;
  metrics.events_in = outcome.inputs;
  metrics.events_out = core.recorder().counters().outputs;
  metrics.queue_depth_max = core.queue().high_water();
  outcome.state_hash = core.state_hash();
  if (core.l3().active()) outcome.l3 = l3_summary_json(core.l3(), outcome.resolved.instruments);
  core.set_record_mode(Recorder::Mode::kCollect);
  RETURN_IF_ERROR(log.flush());
  outcome.chain_head = log.chain_head();
  RETURN_IF_ERROR(log.put_meta("state_hash", outcome.state_hash));
  RETURN_IF_ERROR(log.put_meta("ts_last", std::to_string(core.now().value())));
  return log.put_meta("complete", outcome.interrupted ? "0" : "1");
}

}  // namespace backtest_internal

}  // namespace tape
