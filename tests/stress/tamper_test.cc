// Tampering with a real log on disk through RocksDB: `tape audit` must exit 3 and name the
// first bad seq; an untouched log audits clean. The log is recorded once (tamper_util.h).
#include "tamper_util.h"

#include "core/state_hash.h"

namespace tape {
namespace {

using tamper::pristine;
using testing_util::run_tape;
using testing_util::TempDir;

class Tamper : public tamper::TamperTest {
 protected:
  // Lets `edit` change the second snapshot, then stores it re-encoded (a valid checksum, so
  // only what the snapshot says can give it away); returns its seq.
  Seq reseal_second_snapshot(const std::function<void(SnapshotData&)>& edit) {
    std::vector<Seq> seqs = snapshots();
    EXPECT_GE(seqs.size(), 2u);
    if (seqs.size() < 2u) return Seq(0);
    const Seq seq = seqs[1];
    auto snap = decode_snapshot(get_raw("snapshots", seq_key(seq)), "t");
    EXPECT_TRUE(snap.is_ok()) << snap.status().message();
    if (!snap.is_ok()) return Seq(0);
    SnapshotData s = snap.value();
    edit(s);
    put_raw("snapshots", seq_key(seq), encode_snapshot(s));
    return seq;
  }

  std::vector<Seq> snapshots() {
    auto log = EventLog::open(dir(), true);
    EXPECT_TRUE(log.is_ok());
    if (!log.is_ok()) return {};
    auto seqs = snapshot_seqs(*log.value());
    EXPECT_TRUE(seqs.is_ok());
    return seqs.is_ok() ? seqs.value() : std::vector<Seq>();
  }

  // The seq of the first new order in the n-th batch, and its index there.
  std::pair<uint64_t, size_t> first_new_order(size_t n) {
    RawBatch b = raw_batch(n);
    for (size_t i = 1; i < b.inputs.size(); ++i) {
      if (std::holds_alternative<NewOrderIn>(b.inputs[i].body)) return {b.inputs[i].seq.value(), i};
    }
    ADD_FAILURE() << "no new order in batch " << n;
    return {0, 0};
  }
};

TEST_F(Tamper, UntouchedLogAuditsClean) {
  auto r = audit();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"ok\":true"), std::string::npos) << r.out;
  EXPECT_GT(testing_util::json_number(r.out, "snapshots"), 0);
  EXPECT_GT(testing_util::json_number(r.out, "chain_links"), 0);
}

TEST_F(Tamper, OneByteFlippedInAnEvent) {
  auto [seq, index] = first_new_order(3);
  // Change the order's quantity by one: re-encoding differs from the original in one byte.
  edit_batch(3, [index = index](std::vector<Input>& in) {
    std::get<NewOrderIn>(in[index].body).qty += Qty(1);
  });
  expect_audit_fails_at(seq);
}

TEST_F(Tamper, EventDeleted) {
  auto [seq, index] = first_new_order(2);
  edit_batch(2, [index = index](std::vector<Input>& in) { in.erase(in.begin() + index); });
  expect_audit_fails_at(seq);
}

TEST_F(Tamper, EventInserted) {
  auto [seq, index] = first_new_order(2);
  edit_batch(2, [index = index](std::vector<Input>& in) { in.insert(in.begin() + index, in[index]); });
  expect_audit_fails_at(seq + 1);  // where seq + 1 should be, a second seq stands
}

TEST_F(Tamper, TwoEventsSwapped) {
  auto [seq, index] = first_new_order(4);
  edit_batch(4, [index = index](std::vector<Input>& in) { std::swap(in[index], in[index + 1]); });
  expect_audit_fails_at(seq);
}

TEST_F(Tamper, SnapshotAltered) {
  const Seq snap_seq = reseal_second_snapshot([](SnapshotData& s) {
    s.core_state[s.core_state.size() / 2] ^= 0x01;  // alter the state ...
    s.state_hash = hash_hex(s.core_state);           // ... and cover it with a matching hash
  });
  expect_audit_fails_at(snap_seq.value());
}

// A snapshot whose generator state was changed and re-sealed (checksum and state hash valid):
// only regenerating the scenario's inputs can tell, and the audit does.
TEST_F(Tamper, SnapshotGeneratorStateAlteredAndResealed) {
  const Seq snap_seq = reseal_second_snapshot([](SnapshotData& s) {
    ASSERT_FALSE(s.generator_state.empty());
    s.generator_state[s.generator_state.size() / 2] ^= 0x01;
  });
  auto r = audit();
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("at seq " + std::to_string(snap_seq.value()) + " (snapshot)"),
            std::string::npos) << r.err;
}

// A consistent forgery: a log recorded from other market activity, given this scenario's text.
// Its chain, outputs, snapshots and state hash all recompute; its inputs are not what the
// recorded scenario and seed generate, and the audit names the first that differs.
TEST(AuditRegenerates, ASelfConsistentLogWithForeignInputsIsCaught) {
  TempDir real("real"), forged("forged");
  ASSERT_EQ(run_tape("run scenarios/quickstart.toml --set snapshot.every_events=2000 --data-dir " +
                     real.path()).exit_code, 0);
  ASSERT_EQ(run_tape("run scenarios/quickstart.toml --set snapshot.every_events=2000"
                     " --set market.volatility_ticks_per_sqrt_s=4.5 --data-dir " + forged.path())
                .exit_code, 0);
  auto clean = run_tape("audit --json --data-dir " + forged.path());
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_GT(testing_util::json_number(clean.out, "inputs_regenerated"), 0) << clean.out;
  {
    auto a = EventLog::open(real.path(), true);
    auto b = EventLog::open(forged.path(), false);
    ASSERT_TRUE(a.is_ok() && b.is_ok());
    const auto text = a.value()->get_meta("scenario");
    ASSERT_TRUE(text.is_ok() && text.value());
    ASSERT_TRUE(b.value()->db()->Put(rocksdb::WriteOptions(), b.value()->cf("meta"), "scenario",
                                     *text.value()).ok());
  }
  auto diff = run_tape("diff --json " + real.path() + " " + forged.path());
  ASSERT_EQ(diff.exit_code, 3) << diff.out;
  const auto first_difference = static_cast<uint64_t>(testing_util::json_number(diff.out, "seq"));
  auto r = run_tape("audit --json --data-dir " + forged.path());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("at seq " + std::to_string(first_difference) + " (inputs)"),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("regenerated:"), std::string::npos) << r.err;
}

// A log that says its run completed but stops short of the scenario's end is caught.
TEST(AuditRegenerates, ALogCutShortButMarkedCompleteIsCaught) {
  TempDir dir("short");
  ASSERT_EQ(run_tape("run scenarios/quickstart.toml --set scenario.duration_s=20 --data-dir " +
                     dir.path()).exit_code, 0);
  std::string full_text;
  {
    TempDir longer("longer");
    ASSERT_EQ(run_tape("run scenarios/quickstart.toml --set scenario.duration_s=21 --data-dir " +
                       longer.path()).exit_code, 0);
    auto log = EventLog::open(longer.path(), true);
    ASSERT_TRUE(log.is_ok());
    full_text = log.value()->get_meta("scenario").value().value();
  }
  uint64_t last = 0;
  {
    auto log = EventLog::open(dir.path(), false);
    ASSERT_TRUE(log.is_ok());
    last = log.value()->last_seq().value();
    ASSERT_TRUE(log.value()->db()->Put(rocksdb::WriteOptions(), log.value()->cf("meta"),
                                       "scenario", full_text).ok());
  }
  auto r = run_tape("audit --json --data-dir " + dir.path());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("at seq " + std::to_string(last + 1) + " (inputs)"), std::string::npos)
      << r.err;
}

TEST_F(Tamper, SnapshotBytesCorrupted) {
  const Seq snap_seq = snapshots().front();
  std::string value = get_raw("snapshots", seq_key(snap_seq));
  value[value.size() - 9] ^= 0x40;
  put_raw("snapshots", seq_key(snap_seq), value);
  expect_audit_fails_at(snap_seq.value());
}

TEST_F(Tamper, TruncatedInTheMiddleOfABatch) {
  uint64_t first_missing = 0;
  edit_batch(pristine().batches - 1, [&](std::vector<Input>& in) {
    in.resize(in.size() / 2);
    first_missing = in.back().seq.value() + 1;
  });
  expect_audit_fails_at(first_missing);
}

TEST_F(Tamper, BatchValueCutShort) {
  RawBatch b = raw_batch(1);
  put_raw("events", seq_key(b.first_seq),
          b.events.substr(0, kBatchHeaderBytes + (b.events.size() - kBatchHeaderBytes) / 2 + 3));
  expect_audit_fails_at(b.first_seq.value());
}

TEST_F(Tamper, OutputAlteredWithChainRecomputedIsStillCaught) {
  // An attacker who rewrites an output cannot hide it: recomputation disagrees.
  RawBatch b = raw_batch(1);
  std::vector<Output> outs;
  ASSERT_TRUE(decode_output_block(b.outputs, "t", outs).is_ok());
  uint64_t seq = 0;
  for (Output& o : outs) {
    if (auto* f = std::get_if<OrderAccepted>(&o.body)) {
      f->price += Price(1);
      seq = o.seq.value();
      break;
    }
  }
  ASSERT_NE(seq, 0u);
  put_raw("outputs", seq_key(b.first_seq), encode_output_block(b.first_seq, outs.back().seq, outs));
  expect_audit_fails_at(seq);
}

TEST(Diff, NamesTheFirstDifferingSeq) {
  TempDir a("diff_a"), b("diff_b");
  ASSERT_EQ(run_tape("run scenarios/quickstart.toml --data-dir " + a.path()).exit_code, 0);
  ASSERT_EQ(run_tape("run scenarios/quickstart.toml --data-dir " + b.path()).exit_code, 0);
  auto same = run_tape("diff " + a.path() + " " + b.path());
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  ASSERT_EQ(run_tape("run scenarios/quickstart.toml --overwrite --set risk.max_order_qty=3 --data-dir " +
                     b.path()).exit_code, 0);
  auto differ = run_tape("diff --json " + a.path() + " " + b.path());
  EXPECT_EQ(differ.exit_code, 3) << differ.err;
  EXPECT_GT(testing_util::json_number(differ.out, "seq"), 0);
  EXPECT_NE(differ.out.find("\"a\":\"seq="), std::string::npos) << differ.out;
}

}  // namespace
}  // namespace tape
