// `tape backtest --resume`: the run log a killed or interrupted backtest left, checked to be the
// run the config, its plugins and its data describe (determinism rule 8), rebuilt from its latest
// snapshot and the logged tail, then run on from where the log ends (session/backtest.h).
#include <toml++/toml.h>

#include <chrono>
#include <set>
#include <sstream>
#include <vector>

#include "feed/data_log.h"
#include "feed/import.h"
#include "feed/json.h"
#include "session/backtest.h"
#include "session/backtest_internal.h"

namespace tape {
namespace {

using namespace backtest_internal;
using Clock = std::chrono::steady_clock;

std::string render(const toml::node* n) {
  if (n == nullptr) return "absent";
  std::ostringstream out;
  out << toml::node_view<const toml::node>(n);
  return out.str();
}

// The first key (dotted, arrays by index, in key order) whose value differs between two config
// trees, with both values.
std::optional<std::string> first_difference(const toml::node* a, const toml::node* b,
                                            const std::string& key) {
  if (a != nullptr && b != nullptr && a->is_table() && b->is_table()) {
    std::set<std::string> keys;
    for (const auto& [k, v] : *a->as_table()) keys.insert(std::string(k.str()));
    for (const auto& [k, v] : *b->as_table()) keys.insert(std::string(k.str()));
    for (const std::string& k : keys) {
      auto d = first_difference(a->as_table()->get(k), b->as_table()->get(k),
                                key.empty() ? k : key + "." + k);
      if (d) return d;
    }
    return std::nullopt;
  }
  if (a != nullptr && b != nullptr && a->is_array() && b->is_array()) {
    const size_t n = std::max(a->as_array()->size(), b->as_array()->size());
    for (size_t i = 0; i < n; ++i) {
      auto d = first_difference(a->as_array()->get(i), b->as_array()->get(i),
                                key + "." + std::to_string(i));
      if (d) return d;
    }
    return std::nullopt;
  }
  const std::string ra = render(a), rb = render(b);
  if (ra == rb) return std::nullopt;
  return key + " is " + ra + " in the log, " + rb + " now";
}

std::string first_difference(const std::string& recorded, const std::string& given) {
  try {
    const toml::table a = toml::parse(recorded), b = toml::parse(given);
    std::optional<std::string> d = first_difference(&a, &b, "");
    if (d) return *d;
  } catch (const toml::parse_error&) {
    // Both were valid when parsed from their files; a damaged one shows no key.
  }
  return "the canonical configs differ";
}

// What the run recorded about its data (meta "data").
struct RecordedData {
  std::string log;  // the data log it read ("" when it imported the files itself)
  std::vector<std::pair<std::string, std::string>> files;  // path, sha256
  std::string chain_head;
};

Result<RecordedData> recorded_data(const EventLog& log) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, log.get_meta(kMetaData));
  std::optional<Json> d = text ? parse_json(*text) : std::nullopt;
  if (!d.has_value() || !d.value().is_object() || !d.value().contains("chain_head")) {
    return Status::mismatch(log.dir() + ": meta data is not the backtest's data record");
  }
  RecordedData r;
  r.log = d.value().value("log", "");
  r.chain_head = d.value().value("chain_head", "");
  if (d.value().contains("files") && d.value()["files"].is_array()) {
    for (const Json& f : d.value()["files"]) {
      r.files.emplace_back(f.value("path", ""), f.value("sha256", ""));
    }
  }
  return r;
}

// The log in `dir` must be a backtest's with its start meta.
Status check_backtest_log(const EventLog& log) {
  ASSIGN_OR_RETURN(std::optional<std::string> kind, log.get_meta(kMetaLogKind));
  if (!kind) {
    ASSIGN_OR_RETURN(std::optional<std::string> scenario, log.get_meta(kMetaScenario));
    if (!scenario && log.last_seq() == Seq(0)) {
      return Status::invalid(log.dir() +
                             ": the log is empty (a backtest killed while it was "
                             "being created?): run the backtest again with --overwrite");
    }
  }
  if (kind != std::optional<std::string>(std::string(kLogKindBacktest))) {
    const std::string what =
        kind ? "its meta log_kind is \"" + *kind + "\"" : std::string("a scenario run's log");
    return Status::invalid(log.dir() + ": not a backtest log (" + what + "): nothing to resume");
  }
  ASSIGN_OR_RETURN(std::optional<std::string> config, log.get_meta(kMetaBacktest));
  if (!config) {
    return Status::invalid(log.dir() +
                           ": the backtest log has no config (killed while it was "
                           "being created): run the backtest again with --overwrite");
  }
  return Status::ok();
}

Status check_same_config(const EventLog& log, const BacktestConfig& config) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, log.get_meta(kMetaBacktest));
  if (text && *text == config.canonical_toml) return Status::ok();
  return Status::mismatch(log.dir() + ": the backtest was recorded with a different config than " +
                          config.source + " (with these --set overrides): " +
                          first_difference(text.value_or(""), config.canonical_toml));
}

// Where a resume reads its data: --data-dir, else the data log the run read, else the files.
BacktestOptions data_options(const BacktestOptions& options, const RecordedData& recorded) {
  BacktestOptions o = options;
  if (o.data_dir.empty()) o.data_dir = recorded.log;
  return o;
}

// The files the run imported must hold the bytes they held (checked before importing them).
Status check_files(const RecordedData& recorded) {
  for (const auto& [path, sha256] : recorded.files) {
    uint64_t bytes = 0;
    Result<std::string> now = file_sha256(path, bytes);
    if (!now.is_ok()) {
      return Status::invalid("data file " + path +
                             " the backtest was recorded on: " + now.status().message());
    }
    if (now.value() != sha256) {
      return Status::mismatch("data file " + path + " has SHA-256 " + now.value() +
                              ", but the backtest was recorded on SHA-256 " + sha256);
    }
  }
  return Status::ok();
}

Status check_chain_head(const EventLog& data, const RecordedData& recorded) {
  if (data.chain_head() == recorded.chain_head) return Status::ok();
  return Status::mismatch("data log " + data.dir() + " has chain head " + data.chain_head() +
                          ", but the backtest was recorded on data with chain head " +
                          recorded.chain_head);
}

// Everything a resume checks before it touches the log: a backtest log, the same config and
// plugins, the same data files (or data log). Returns the run's resolved config.
Result<OpenedBacktest> check_same_backtest(const EventLog& log, const BacktestConfig& config,
                                           const BacktestOptions& options, RecordedData& data) {
  RETURN_IF_ERROR(check_backtest_log(log));
  RETURN_IF_ERROR(check_same_config(log, config));
  ASSIGN_OR_RETURN(OpenedBacktest opened, open_backtest_config(log));
  ASSIGN_OR_RETURN(data, recorded_data(log));
  const BacktestOptions o = data_options(options, data);
  if (!o.data_dir.empty()) {
    ASSIGN_OR_RETURN(std::unique_ptr<EventLog> d, EventLog::open(o.data_dir, /*read_only=*/true));
    RETURN_IF_ERROR(check_chain_head(*d, data));
  } else {
    RETURN_IF_ERROR(check_files(data));
  }
  return opened;
}

}  // namespace

Result<std::optional<FinishedBacktest>> finished_backtest(const std::string& dir,
                                                          const BacktestConfig& config,
                                                          const BacktestOptions& options) {
  auto opened = EventLog::open(dir, /*read_only=*/true);
  if (!opened.is_ok()) return std::optional<FinishedBacktest>();
  const EventLog& log = *opened.value();
  RecordedData data;
  RETURN_IF_ERROR(check_same_backtest(log, config, options, data).status());
  ASSIGN_OR_RETURN(std::optional<std::string> complete, log.get_meta("complete"));
  if (complete != std::optional<std::string>("1")) return std::optional<FinishedBacktest>();
  ASSIGN_OR_RETURN(std::optional<std::string> hash, log.get_meta("state_hash"));
  return std::optional<FinishedBacktest>(
      FinishedBacktest{log.last_seq().value(), hash.value_or(""), log.chain_head()});
}

Result<BacktestOutcome> resume_backtest(const BacktestConfig& given,
                                        const BacktestOptions& options) {
  const auto start = Clock::now();
  auto outcome = std::make_unique<BacktestOutcome>();
  RecordedData recorded;
  {
    // Read-only first: a resume refused leaves even RocksDB's files as they were.
    ASSIGN_OR_RETURN(std::unique_ptr<EventLog> log, EventLog::open(options.out_dir, true));
    ASSIGN_OR_RETURN(OpenedBacktest same, check_same_backtest(*log, given, options, recorded));
    outcome->resolved = std::move(same.resolved);
  }
  remove_stale_temp_data_logs(options.out_dir);
  BacktestConfig config = given;
  const BacktestOptions data_opts = data_options(options, recorded);
  ASSIGN_OR_RETURN(OpenedData data, open_data(config, data_opts));
  // Files imported again (no cache, or a new cache entry) must give the recorded data log.
  RETURN_IF_ERROR(check_chain_head(*data.log, recorded));
  outcome->data_cache_entry = data.cache_entry;
  outcome->data_cache_hit = data.cache_hit;
  outcome->data_chain_head = data.log->chain_head();
  const ResolvedBacktest& resolved = outcome->resolved;

  ASSIGN_OR_RETURN(
      std::unique_ptr<EventLog> log,
      EventLog::open(options.out_dir, /*read_only=*/false, backtest_log_options(resolved.core)));
  outcome->resumed_at = log->last_seq().value();
  MeteredSink sink(*log, outcome->metrics);
  Status source_error;
  Result<SessionState> resumed =
      resume_session(*log, resolved.core, data_source(*data.log, source_error),
                     Recorder::Mode::kSink, &sink, log.get());
  RETURN_IF_ERROR(source_error);
  if (!resumed.is_ok()) {
    // The logged tail against the data (an input or an output that differs, naming the seq).
    const Status& st = resumed.status();
    if (st.code() != StatusCode::kMismatch) return st;
    return Status::mismatch(options.out_dir + ": " + st.message());
  }
  SessionState state = std::move(resumed).value();
  outcome->resumed_from = state.resumed_from.value();
  outcome->tail_inputs = state.tail_inputs;
  if (options.on_log_ready) RETURN_IF_ERROR(options.on_log_ready(*log));
  RETURN_IF_ERROR(run_to_end(state, *log, *data.log, options, outcome->metrics, *outcome));
  outcome->elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  outcome->metrics.elapsed_s = outcome->elapsed_s;
  return std::move(*outcome);
}

}  // namespace tape
