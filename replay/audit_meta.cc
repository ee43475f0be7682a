#include "replay/audit_meta.h"

#include "feed/json.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>
#include <rocksdb/db.h>

#include "store/rocks_status.h"

namespace tape::audit_internal {
namespace {

constexpr size_t kChainHexDigits = 64;
constexpr size_t kStateHashHexDigits = 32;

std::string_view view(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

// A key as a reader can see it: printable as is, else in hex.
std::string printable(std::string_view key) {
  const bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return c > 0x20 && c < 0x7f;
  });
  if (plain) return "'" + std::string(key) + "'";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "0x";
  for (const char c : key) {
    out += kHex[static_cast<unsigned char>(c) >> 4];
    out += kHex[static_cast<unsigned char>(c) & 0xf];
  }
  return out;
}

Finding meta_finding(std::string_view key, std::string message) {
  return Finding{"meta " + std::string(key), 0, "meta", std::move(message)};
}

Finding bad_value(std::string_view key, std::string_view value, const char* want) {
  std::string shown(value.substr(0, 64));
  return meta_finding(key, "meta " + std::string(key) + " is '" + shown +
                               (value.size() > 64 ? "...'" : "'") + ", not " + want);
}

// The end-of-run summary is a JSON object whose state hash is the meta's; its seq_last is kept
// in `m` (checked against the log's last seq at the end of the walk).
std::optional<Finding> check_summary(Meta& m) {
  const std::string& s = *m.summary;
  const nlohmann::json j = nlohmann::json::parse(s, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad_value("summary", s, "a JSON object");
  const auto hash = j.find("state_hash");
  if (m.state_hash && (hash == j.end() || !hash->is_string() || *hash != *m.state_hash)) {
    return meta_finding("summary", "meta summary does not report the meta's state_hash");
  }
  const auto seq_last = j.find("seq_last");
  if (seq_last != j.end() && seq_last->is_number_unsigned()) {
    m.summary_seq_last = seq_last->get<uint64_t>();
  }
  return std::nullopt;
}

// Keys written at a run's end (or clean stop), in this order: state_hash, ts_last, complete,
// summary. A crash may cut the sequence short, never leave a later key without an earlier one.
std::optional<Finding> check_end_keys(Meta& m) {
  const std::array<std::pair<const char*, bool>, 4> order = {{{"state_hash", m.state_hash.has_value()},
                                                              {"ts_last", m.ts_last.has_value()},
                                                              {"complete", m.complete.has_value()},
                                                              {"summary", m.summary.has_value()}}};
  for (size_t later = 1; later < order.size(); ++later) {
    if (!order[later].second) continue;
    for (size_t earlier = 0; earlier < later; ++earlier) {
      if (order[earlier].second) continue;
      return meta_finding(order[earlier].first,
                          std::string("meta ") + order[earlier].first + " is missing but " +
                              order[later].first + ", written after it, is there");
    }
  }
  if (m.summary) return check_summary(m);
  return std::nullopt;
}

// Parses one meta value into `m`; a Finding if the key is unknown or the value malformed.
std::optional<Finding> parse_one(std::string_view key, const std::string& value, Meta& m) {
  auto decimal = [&value](uint64_t max) -> std::optional<uint64_t> {
    auto v = parse_strict_decimal(value);
    if (v && *v <= max) return v;
    return std::nullopt;
  };
  constexpr uint64_t kI64Max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (key == kMetaFormatVersion) {
    if (value != std::to_string(kLogFormatVersion)) return bad_value(key, value, "1");
  } else if (key == kMetaTapeVersion) {
    const bool ok = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+';
    });
    if (!ok) return bad_value(key, value, "a version such as 0.1.0");
  } else if (key == kMetaLastSeq || key == kMetaBatchCount) {
    auto v = decimal(kI64Max);
    if (!v) return bad_value(key, value, "a decimal count");
    (key == kMetaLastSeq ? m.last_seq : m.batch_count) = *v;
  } else if (key == kMetaChainHead) {
    if (!is_lower_hex(value, kChainHexDigits)) return bad_value(key, value, "64 lowercase hex digits");
    m.chain_head = value;
  } else if (key == kMetaScenario || key == kMetaScenarioPath) {
    if (value.empty()) return bad_value(key, value, "a non-empty text");
  } else if (key == kMetaSeed) {
    auto v = decimal(kI64Max);
    if (!v) return bad_value(key, value, "a seed in [0, 2^63-1]");
    m.seed = *v;
  } else if (key == "scenario_name") {
    if (value.empty()) return bad_value(key, value, "a scenario name");
    m.scenario_name = value;
  } else if (key == "state_hash") {
    if (!is_lower_hex(value, kStateHashHexDigits)) return bad_value(key, value, "32 lowercase hex digits");
    m.state_hash = value;
  } else if (key == "ts_last") {
    auto v = decimal(kI64Max);
    if (!v) return bad_value(key, value, "a timestamp in ns");
    m.ts_last = static_cast<int64_t>(*v);
  } else if (key == "complete") {
    if (value != "0" && value != "1") return bad_value(key, value, "0 or 1");
    m.complete = value == "1";
  } else if (key == "summary") {
    m.summary = value;
  } else if (key == "log_kind") {
    // Data logs are audited by replay/data_log_audit.h; a run's log with a kind is a backtest.
    if (value != "backtest") return bad_value(key, value, "backtest");
    m.backtest = true;
  } else if (key == "backtest" || key == "backtest_name") {
    if (value.empty()) return bad_value(key, value, "a non-empty text");
    m.backtest_keys.emplace_back(key);
  } else if (key == "instruments" || key == "data" || key == "plugins") {
    const std::optional<Json> j = parse_json(value);
    const bool ok = j && (key == "data" ? j->is_object() : j->is_array());
    if (!ok) return bad_value(key, value, key == "data" ? "a JSON object" : "a JSON array");
    m.backtest_keys.emplace_back(key);
  } else {
    return meta_finding(key, "meta key " + printable(key) +
                                 " is not one the log format defines (docs/event_log_format.md)");
  }
  return std::nullopt;
}

}  // namespace

void record_failure(AuditReport& r, uint64_t seq, const char* check, const std::string& what,
                    const std::string& key) {
  if (!r.ok()) return;
  r.failure_seq = seq;
  r.failure_check = check;
  r.failure = what;
  r.failure_key = key;
}

void check_counters(AuditReport& r, uint64_t last, uint64_t meta_last_seq,
                    uint64_t meta_batch_count, const std::string& meta_chain_head,
                    const std::string& expect_head, const std::function<void()>& between) {
  if (meta_last_seq != last) {
    return record_failure(r, last + 1, "meta",
                          "meta says the log ends at seq " + std::to_string(meta_last_seq) +
                              " but its events end at seq " + std::to_string(last),
                          "meta last_seq");
  }
  if (between) between();
  if (!r.ok()) return;
  if (meta_batch_count != r.batches) {
    return record_failure(r, last, "meta",
                          "meta batch_count is " + std::to_string(meta_batch_count) +
                              " but the log holds " + std::to_string(r.batches) + " batches",
                          "meta batch_count");
  }
  if (meta_chain_head != r.chain_head) {
    return record_failure(r, last, "chain",
                          "meta chain head differs from the last batch's link (seq " +
                              std::to_string(last) + ")",
                          "meta chain_head");
  }
  if (!expect_head.empty()) {
    if (expect_head != r.chain_head) {
      return record_failure(r, last, "head",
                            "expected head " + expect_head + ", log ends at head " +
                                r.chain_head + " at seq " + std::to_string(last));
    }
    r.head_checked = true;
  }
}

std::optional<uint64_t> parse_strict_decimal(std::string_view text) {
  if (text.empty() || text.size() > 20 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  uint64_t v = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

bool is_lower_hex(std::string_view text, size_t digits) {
  return text.size() == digits && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Result<std::optional<Finding>> read_meta(const EventLog& log, Meta& out) {
  std::unique_ptr<rocksdb::Iterator> it(log.db()->NewIterator(rocksdb::ReadOptions(), log.cf("meta")));
  // A run's log is made by `tape run`; without a "kind" key in the format, every log is one,
  // and these are what it writes at create (a missing one is never a reason to check less).
  std::vector<std::string> seen;
  std::optional<Finding> finding;
  for (it->SeekToFirst(); it->Valid() && !finding; it->Next()) {
    const std::string_view key = view(it->key());
    finding = parse_one(key, std::string(view(it->value())), out);
    ++out.keys;
    seen.emplace_back(key);
  }
  if (!it->status().ok()) {
    return store_internal::from_rocks(it->status(), log.dir(), "reading meta");
  }
  if (finding) return finding;
  // A backtest's log has its own start keys instead of a scenario's; neither may carry the
  // other's (a key that does not belong is as much an alteration as a missing one).
  std::vector<std::string> required = {std::string(kMetaFormatVersion), std::string(kMetaTapeVersion),
                                       std::string(kMetaLastSeq),       std::string(kMetaChainHead),
                                       std::string(kMetaBatchCount)};
  const std::vector<std::string> scenario_keys = {std::string(kMetaScenario),
                                                  std::string(kMetaScenarioPath), "scenario_name",
                                                  std::string(kMetaSeed)};
  const std::vector<std::string> backtest_keys = {"log_kind", "backtest", "backtest_name",
                                                  "instruments", "data", "plugins"};
  const std::vector<std::string>& own = out.backtest ? backtest_keys : scenario_keys;
  const std::vector<std::string>& other = out.backtest ? scenario_keys : backtest_keys;
  required.insert(required.end(), own.begin(), own.end());
  for (const std::string& key : seen) {
    std::erase(required, key);
    if (std::find(other.begin(), other.end(), key) != other.end()) {
      return std::optional<Finding>(meta_finding(
          key, "meta " + key + " does not belong in a " +
                   (out.backtest ? std::string("backtest's log") : std::string("scenario run's log"))));
    }
  }
  if (!required.empty()) {
    return std::optional<Finding>(meta_finding(
        required.front(), "meta " + required.front() +
                              " is missing: a run's log must have it, so the log is incomplete "
                              "or altered"));
  }
  return check_end_keys(out);
}

Result<std::optional<Finding>> check_other_keys(const EventLog& log, const Meta& meta,
                                                uint64_t every, std::vector<Seq>& seqs) {
  const rocksdb::ReadOptions ro;
  {
    std::unique_ptr<rocksdb::Iterator> it(log.db()->NewIterator(ro, log.cf("default")));
    it->SeekToFirst();
    if (it->Valid()) {
      return std::optional<Finding>(Finding{"default key " + printable(view(it->key())), 0, "keys",
                                            "column family default holds key " +
                                                printable(view(it->key())) + ": tape writes none"});
    }
    if (!it->status().ok()) return store_internal::from_rocks(it->status(), log.dir(), "reading default");
  }
  std::unique_ptr<rocksdb::Iterator> it(log.db()->NewIterator(ro, log.cf("snapshots")));
  seqs.clear();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key = view(it->key());
    auto seq = parse_seq_key(key);
    const uint64_t s = seq.is_ok() ? seq.value().value() : 0;
    const bool past_end = s > meta.last_seq;
    if (!seq.is_ok() || s == 0 || (past_end && meta.complete.value_or(false))) {
      return std::optional<Finding>(Finding{
          "snapshots key " + printable(key), s, "snapshot",
          "snapshot keyed " + (seq.is_ok() ? "seq " + std::to_string(s) : printable(key)) +
              " lies outside the log's seqs 1.." + std::to_string(meta.last_seq)});
    }
    seqs.push_back(seq.value());
  }
  if (!it->status().ok()) {
    const std::string after = seqs.empty() ? "" : " after seq " + std::to_string(seqs.back().value());
    return store_internal::from_rocks(it->status(), log.dir(), "reading the snapshots" + after);
  }
  if (every == 0) return std::optional<Finding>();
  // A run takes the snapshot at seq N·every once that input is processed, and the batch holding
  // it may already be durable: a run killed in between (no end-of-run meta) lacks that last
  // snapshot, legitimately. Resume takes it again while it replays the tail.
  const bool killed = !meta.complete.has_value();
  size_t i = 0;
  for (uint64_t want = every; want <= meta.last_seq; want += every) {
    while (i < seqs.size() && seqs[i].value() < want) ++i;
    const bool last_of_killed_run = killed && want + every > meta.last_seq;
    if ((i == seqs.size() || seqs[i].value() != want) && !last_of_killed_run) {
      return std::optional<Finding>(Finding{"", want, "snapshot",
                                            "no snapshot at seq " + std::to_string(want) +
                                                ": the recorded config takes one every " +
                                                std::to_string(every) + " inputs"});
    }
  }
  return std::optional<Finding>();
}

}  // namespace tape::audit_internal
