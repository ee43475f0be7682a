// Writes the fuzz targets' seed corpus from the shipped quickstart scenario: the first events
// and outputs blocks a run records, snapshots (envelope, and raw core and generator state for
// state_fuzz) at a few seqs, and a few seq keys and --from/--to texts.
// The import fuzzers' seeds are slices of the shipped data files (../shared/data) and a few
// lines of every JSONL type and number and time form (fuzz/feed_corpus.h).
// Usage: tape_fuzz_corpus OUT_DIR   (creates OUT_DIR/{input_block,output_block,snapshot,state,
// log_text,csv_import,jsonl_import,lobster_import,decimal_time}; scenario_fuzz's corpus is the
// shipped scenarios/ and configs/ folders themselves)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/batch_sink.h"
#include "core/core.h"
#include "core/sequencer.h"
#include "core/snapshot.h"
#include "core/state_hash.h"
#include "fuzz/feed_corpus.h"
#include "fuzz/fuzz_common.h"
#include "sim/generator.h"
#include "store/event_log.h"

namespace {

namespace fs = std::filesystem;

struct CollectingSink final : tape::BatchSink {
  std::vector<tape::EncodedBatch> batches;
  tape::Status append(tape::EncodedBatch&& batch) override {
    batches.push_back(std::move(batch));
    return tape::Status::ok();
  }
  tape::Status flush() override { return tape::Status::ok(); }
};

void write(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: tape_fuzz_corpus OUT_DIR\n");
    return 1;
  }
  const fs::path out = argv[1];
  const tape::Scenario& scenario = tape::fuzz::quickstart();
  CollectingSink sink;
  tape::Core core(scenario.core, tape::Recorder::Mode::kSink, &sink);
  tape::Generator generator(scenario, 7, &core.engine());
  tape::Sequencer sequencer;
  tape::Timestamp ts;
  tape::InputBody body;
  int snapshots = 0;
  for (uint64_t n = 1; n <= 6000 && generator.next(ts, body); ++n) {
    if (!core.process(sequencer.stamp(ts, body)).is_ok()) return 2;
    if (n % 1500 != 0) continue;
    tape::SnapshotData snap = core.snapshot();
    tape::StateHasher gen;
    generator.save_state(gen);
    snap.generator_state = gen.bytes();
    const std::string id = std::to_string(n);
    write(out / "snapshot", id, tape::encode_snapshot(snap));
    write(out / "state", "core_" + id, '\0' + snap.core_state);
    write(out / "state", "generator_" + id, '\1' + snap.generator_state);
    ++snapshots;
  }
  if (!core.finish().is_ok()) return 2;
  for (size_t i = 0; i < sink.batches.size() && i < 8; ++i) {
    write(out / "input_block", std::to_string(i), sink.batches[i].inputs);
    write(out / "output_block", std::to_string(i), sink.batches[i].outputs);
  }
  for (uint64_t seq : {1ull, 4097ull, 1ull << 40}) {
    write(out / "log_text", "key_" + std::to_string(seq), tape::seq_key(tape::Seq(seq)));
  }
  const char* points[] = {"1000", "12.5s", "1500ms", "250us", "42ns", "2m"};
  for (const char* p : points) write(out / "log_text", std::string("point_") + p, p);
  const int feed_seeds = tape::fuzz::write_feed_corpus(out);
  if (feed_seeds < 0) return 2;
  std::printf("corpus: %d import seeds, ", feed_seeds);
  std::printf("%zu batches, %d snapshots in %s\n", sink.batches.size(), snapshots,
              out.c_str());
  return 0;
}
