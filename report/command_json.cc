#include "report/command_json.h"

namespace tape {

Json audit_object(const std::string& dir, const AuditReport& r) {
  Json o = Json::object();
  o["data_dir"] = dir;
  o["ok"] = r.ok();
  o["batches"] = r.batches;
  o["inputs"] = r.inputs;
  o["outputs"] = r.outputs;
  o["chain_links"] = r.chain_links;
  o["snapshots"] = r.snapshots;
  o["inputs_regenerated"] = r.inputs_regenerated;
  o["meta_keys"] = r.meta_keys;
  o["state_hash_checked"] = r.state_hash_checked;
  o["head_checked"] = r.head_checked;
  if (!r.chain_head.empty()) o["chain_head"] = r.chain_head;
  if (!r.ok()) {
    Json failure = Json::object();
    failure["seq"] = r.failure_seq;
    failure["check"] = r.failure_check;
    if (!r.failure_key.empty()) failure["key"] = r.failure_key;
    failure["message"] = r.failure;
    o["failure"] = std::move(failure);
  }
  return o;
}

Json diff_object(const DiffResult& r) {
  Json o = Json::object();
  o["identical"] = r.identical;
  o["inputs_compared"] = r.inputs_compared;
  o["outputs_compared"] = r.outputs_compared;
  if (!r.identical) {
    o["seq"] = r.seq;
    o["what"] = r.what;
    o["a"] = r.a;
    o["b"] = r.b;
  }
  return o;
}

Json snapshot_object(const std::string& dir, const SnapshotData& snap, uint64_t replayed_from,
                     uint64_t tail_replayed) {
  Json o = Json::object();
  o["data_dir"] = dir;
  o["seq"] = snap.seq.value();
  o["state_hash"] = snap.state_hash;
  o["bytes"] = snap.core_state.size() + snap.generator_state.size();
  o["replayed_from_snapshot"] = replayed_from;
  o["tail_replayed"] = tail_replayed;
  return o;
}

Json finished_run_object(const std::string& dir, const FinishedRun& run) {
  Json o = Json::object();
  o["command"] = "run";
  o["data_dir"] = dir;
  o["complete"] = true;
  o["resumed"] = false;
  o["seq_last"] = run.seq_last;
  o["state_hash"] = run.state_hash;
  o["chain_head"] = run.chain_head;
  return o;
}

}  // namespace tape
