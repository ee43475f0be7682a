#include "replay/data_log_audit.h"

#include <memory>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>
#include <rocksdb/db.h>

#include "feed/instruments.h"
#include "replay/audit_meta.h"
#include "store/chain.h"
#include "store/rocks_status.h"

namespace tape {
namespace {

using audit_internal::is_lower_hex;
using audit_internal::parse_strict_decimal;

// What a data log's meta must hold, and what only a run's log may.
const std::set<std::string, std::less<>> kRequired = {
    "format_version", "tape_version", "last_seq", "chain_head", "batch_count",
    "log_kind",       "instruments",  "import"};

struct DataMeta {
  uint64_t keys = 0;
  uint64_t last_seq = 0;
  uint64_t batch_count = 0;
  std::string chain_head;
  size_t instruments = 0;
  uint64_t imported = 0;  // sum of import.files[].imported
};

class DataAuditor {
 public:
  DataAuditor(const EventLog& log, const AuditOptions& options) : log_(log), options_(options) {}

  Result<AuditReport> run() {
    RETURN_IF_ERROR(read_meta());
    report_.meta_keys = meta_.keys;
    if (report_.ok()) RETURN_IF_ERROR(check_empty("snapshots", "a data log holds no snapshots"));
    if (report_.ok()) RETURN_IF_ERROR(check_empty("default", "tape writes none"));
    std::string prev = zero_link();
    if (report_.ok()) RETURN_IF_ERROR(walk(prev));
    if (report_.ok()) check_end(prev);
    return report_;
  }

 private:
  Status read_meta() {
    std::unique_ptr<rocksdb::Iterator> it(
        log_.db()->NewIterator(rocksdb::ReadOptions(), log_.cf("meta")));
    std::set<std::string, std::less<>> missing = kRequired;
    for (it->SeekToFirst(); it->Valid() && report_.ok(); it->Next()) {
      const std::string key = it->key().ToString();
      ++meta_.keys;
      missing.erase(key);
      parse_one(key, it->value().ToString());
    }
    if (!it->status().ok()) {
      return store_internal::from_rocks(it->status(), log_.dir(), "reading meta");
    }
    if (report_.ok() && !missing.empty()) {
      const std::string& key = *missing.begin();
      fail_key("meta " + key, 0, "meta",
               "meta " + key + " is missing: a data log must have it, so the log is incomplete "
               "or altered");
    }
    return Status::ok();
  }

  void parse_one(const std::string& key, const std::string& value) {
    auto count = [&](uint64_t& out) {
      auto v = parse_strict_decimal(value);
      if (!v) return bad(key, value, "a decimal count");
      out = *v;
    };
    if (key == "format_version") {
      if (value != std::to_string(kLogFormatVersion)) bad(key, value, "1");
    } else if (key == "tape_version") {
      if (value.empty()) bad(key, value, "a version such as 0.1.0");
    } else if (key == "last_seq") {
      count(meta_.last_seq);
    } else if (key == "batch_count") {
      count(meta_.batch_count);
    } else if (key == "chain_head") {
      if (!is_lower_hex(value, 64)) return bad(key, value, "64 lowercase hex digits");
      meta_.chain_head = value;
    } else if (key == "log_kind") {
      if (value != kLogKindData) bad(key, value, "data");
    } else if (key == "instruments") {
      auto table = parse_instruments_json(value);
      if (!table.is_ok()) return fail_key("meta instruments", 0, "meta", table.status().message());
      meta_.instruments = table.value().size();
    } else if (key == "import") {
      parse_import(value);
    } else {
      fail_key("meta " + key, 0, "meta",
               "meta key '" + key + "' is not one a data log holds (docs/event_log_format.md)");
    }
  }

  // The import record must account for the log's inputs: its files' imported rows add up.
  void parse_import(const std::string& value) {
    const auto j = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
    const auto files = j.is_object() ? j.find("files") : j.end();
    if (j.is_discarded() || !j.is_object() || files == j.end() || !files->is_array()) {
      return bad("import", value, "a JSON object with a files array");
    }
    for (const auto& f : *files) {
      const auto imported = f.is_object() ? f.find("imported") : f.end();
      if (!f.is_object() || imported == f.end() || !imported->is_number_unsigned()) {
        return bad("import", value, "files that each say how many rows they imported");
      }
      meta_.imported += imported->get<uint64_t>();
    }
  }

  Status check_empty(const char* cf, const char* why) {
    std::unique_ptr<rocksdb::Iterator> it(log_.db()->NewIterator(rocksdb::ReadOptions(), log_.cf(cf)));
    it->SeekToFirst();
    if (it->Valid()) {
      fail_key(std::string(cf) + " key", 0, "keys",
               std::string("column family ") + cf + " holds a key: " + why);
    }
    if (!it->status().ok()) return store_internal::from_rocks(it->status(), log_.dir(), cf);
    return Status::ok();
  }

  Status walk(std::string& prev) {
    return audit_internal::walk_batches(log_, report_, inputs_, outputs_, prev,
                                        [this] { check_batch(); });
  }

  void check_batch() {
    if (!outputs_.empty()) {
      return fail(outputs_.front().seq.value(), "outputs",
                  "a data log holds no outputs; found one for seq " +
                      std::to_string(outputs_.front().seq.value()));
    }
    for (const Input& in : inputs_) {
      const uint64_t seq = in.seq.value();
      if (seq != next_seq_) {
        return fail(next_seq_, "seq", "expected seq " + std::to_string(next_seq_) +
                                          ", found seq " + std::to_string(seq));
      }
      if (in.ts < last_ts_) {
        return fail(seq, "seq", "timestamp goes backwards at seq " + std::to_string(seq));
      }
      const auto instrument = instrument_of(in.body);
      if (instrument && instrument->value() >= meta_.instruments) {
        return fail(seq, "inputs", "seq " + std::to_string(seq) + " names instrument " +
                                       std::to_string(instrument->value()) + ", meta instruments "
                                       "lists " + std::to_string(meta_.instruments));
      }
      last_ts_ = in.ts;
      ++next_seq_;
      ++report_.inputs;
    }
  }

  void check_end(const std::string& last_link) {
    const uint64_t last = next_seq_ - 1;
    report_.chain_head = to_hex(last_link);
    audit_internal::check_counters(report_, last, meta_.last_seq, meta_.batch_count,
                                   meta_.chain_head, options_.expect_head);
    if (!report_.ok()) return;
    if (meta_.imported != last) {
      return fail_key("meta import", last, "meta",
                      "meta import says " + std::to_string(meta_.imported) +
                          " rows were imported but the log holds " + std::to_string(last) +
                          " inputs");
    }
  }

  void bad(const std::string& key, const std::string& value, const char* want) {
    const std::string shown = value.substr(0, 64) + (value.size() > 64 ? "..." : "");
    fail_key("meta " + key, 0, "meta", "meta " + key + " is '" + shown + "', not " + want);
  }
  void fail_key(const std::string& key, uint64_t seq, const char* check, const std::string& what) {
    audit_internal::record_failure(report_, seq, check, what, key);
  }
  void fail(uint64_t seq, const char* check, const std::string& what) {
    audit_internal::record_failure(report_, seq, check, what);
  }

  const EventLog& log_;
  const AuditOptions& options_;
  DataMeta meta_;
  AuditReport report_;
  std::vector<Input> inputs_;
  std::vector<Output> outputs_;
  uint64_t next_seq_ = 1;
  Timestamp last_ts_;
};

}  // namespace

Result<bool> is_data_log(const EventLog& log) {
  ASSIGN_OR_RETURN(std::optional<std::string> kind, log.get_meta(kMetaLogKind));
  // Any other kind than a backtest's is audited as a data log, whose audit names a wrong kind.
  return kind.has_value() && *kind != "backtest";
}

Result<AuditReport> audit_data_log(const EventLog& log, const AuditOptions& options) {
  return DataAuditor(log, options).run();
}

}  // namespace tape
