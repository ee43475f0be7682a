#include "store/snapshot_store.h"

#include <memory>

#include <rocksdb/db.h>

#include "store/rocks_status.h"

namespace tape {
namespace {

std::string context(Seq seq) { return "snapshot at seq " + std::to_string(seq.value()); }

}  // namespace

Status put_snapshot(EventLog& log, const SnapshotData& s, bool sync) {
  if (log.read_only()) return Status::invalid(log.dir() + ": log is open read-only");
  rocksdb::WriteOptions wo;
  wo.sync = sync && log.writes_wal();  // without a WAL it is durable at the log's next flush
  wo.disableWAL = !log.writes_wal();  // as the log's batches: a snapshot never outlives them
  const auto st = log.db()->Put(wo, log.cf("snapshots"), seq_key(s.seq), encode_snapshot(s));
  if (!st.ok()) return store_internal::from_rocks(st, log.dir(), "writing " + context(s.seq));
  return Status::ok();
}

Result<SnapshotData> read_snapshot(const EventLog& log, Seq seq) {
  std::string value;
  const EventLog& l = log;
  const auto st = l.db()->Get(rocksdb::ReadOptions(), l.cf("snapshots"), seq_key(seq), &value);
  if (st.IsNotFound()) return Status::invalid(log.dir() + ": no " + context(seq));
  if (!st.ok()) return store_internal::from_rocks(st, log.dir(), "reading " + context(seq));
  return decode_snapshot(value, context(seq));
}

Result<std::vector<Seq>> snapshot_seqs(const EventLog& log) {
  const EventLog& l = log;
  std::unique_ptr<rocksdb::Iterator> it(l.db()->NewIterator(rocksdb::ReadOptions(), l.cf("snapshots")));
  std::vector<Seq> out;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ASSIGN_OR_RETURN(Seq seq, parse_seq_key(std::string_view(it->key().data(), it->key().size())));
    out.push_back(seq);
  }
  if (!it->status().ok()) return store_internal::from_rocks(it->status(), log.dir(), "listing snapshots");
  return out;
}

Result<std::optional<SnapshotData>> latest_snapshot(const EventLog& log, Seq at) {
  const Seq limit = std::min(at, log.last_seq());
  const EventLog& l = log;
  std::unique_ptr<rocksdb::Iterator> it(l.db()->NewIterator(rocksdb::ReadOptions(), l.cf("snapshots")));
  it->SeekForPrev(seq_key(limit));
  if (!it->Valid()) {
    if (!it->status().ok()) {
      return store_internal::from_rocks(it->status(), log.dir(), "finding the latest snapshot");
    }
    return std::optional<SnapshotData>();
  }
  ASSIGN_OR_RETURN(Seq seq, parse_seq_key(std::string_view(it->key().data(), it->key().size())));
  ASSIGN_OR_RETURN(SnapshotData s,
                   decode_snapshot(std::string_view(it->value().data(), it->value().size()),
                                   context(seq)));
  if (s.seq != seq) return Status::mismatch(context(seq) + ": stored under the wrong key");
  return std::optional<SnapshotData>(std::move(s));
}

}  // namespace tape
