// `tape import` of a bars CSV (performance target: >= 5 M rows/s on one core, reading, parsing,
// encoding and writing), against its yardstick: raw RocksDB Puts of the same encoded blocks
// (what the write alone costs). The CSV is generated once: 1 Mi one-minute bars in the generic
// Date,Time,Open,High,Low,Close,Volume,OpenInterest layout, prices with 2 decimals.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <rocksdb/db.h>

#include "bench/bench_data.h"
#include "core/codec.h"
#include "feed/csv_readers.h"
#include "feed/import.h"
#include "store/event_log.h"
#include "store/rocks_options.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kRows = 1 << 20;

std::string bench_path(const char* name) { return bench::bench_path(std::string("import_") + name); }

const std::string& bars_csv() { return bench::minute_bars_csv(bench_path("bars.csv"), kRows); }

// The whole pipeline: arg 0 = tick and period given (one pass), arg 1 = defaults (auto tick and
// period: a scan pass, then the import).
void BM_ImportBarsCsv(benchmark::State& state) {
  const std::string csv = bars_csv();
  const std::string dir = bench_path("log");
  ImportOptions o;
  o.format = ImportFormat::kBars;
  o.data_dir = dir;
  if (state.range(0) == 0) {
    o.tick_auto = false;
    o.default_tick = Decimal{1, 2};
    o.csv.bar_period_ns = 60'000'000'000;
  }
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(dir);
    state.ResumeTiming();
    auto r = run_import({csv}, o);
    if (!r.is_ok()) state.SkipWithError(r.status().message().c_str());
  }
  fs::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(fs::file_size(csv)));
}
BENCHMARK(BM_ImportBarsCsv)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// Reading and parsing only (the CSV reader's share).
void BM_ParseBarsCsv(benchmark::State& state) {
  const std::string csv = bars_csv();
  CsvOptions options;
  options.bar_period_ns = 60'000'000'000;
  TickConverter ticks(Decimal{1, 2}, Rounding::kReject);
  for (auto _ : state) {
    auto reader = open_csv_reader(csv, options, ticks, nullptr);
    if (!reader.is_ok()) {
      state.SkipWithError(reader.status().message().c_str());
      break;
    }
    FeedRecord rec;
    BadRow bad;
    int64_t n = 0;
    for (;;) {
      auto step = reader.value()->next(rec, bad);
      if (!step.is_ok() || step.value() != RecordReader::Step::kRecord) break;
      ++n;
    }
    if (n != kRows) state.SkipWithError("short read");
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_ParseBarsCsv)->Unit(benchmark::kMillisecond)->UseRealTime();

// The yardstick: the same rows' encoded blocks (4096 bars each, and their empty output blocks)
// Put into a raw RocksDB database with the log's options, no chain, no meta, no writer thread.
void BM_RawRocksPutOfTheSameBlocks(benchmark::State& state) {
  std::vector<std::string> blocks;
  {
    std::vector<Input> batch;
    for (int64_t i = 0; i < kRows; ++i) {
      BarIn bar{InstrumentId(0), Price(350'000), Price(350'010), Price(349'990),
                Price(350'005),  Qty(1200),      60'000'000'000};
      batch.push_back(Input{Seq(static_cast<uint64_t>(i + 1)),
                            Timestamp(1'136'160'000'000'000'000 + i * 60'000'000'000), bar});
      if (batch.size() == 4096) {
        blocks.push_back(encode_input_block(batch));
        blocks.push_back(encode_output_block(batch.front().seq, batch.back().seq, {}));
        batch.clear();
      }
    }
  }
  const std::string dir = bench_path("raw");
  const LogOptions log_options;
  int64_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(dir);
    rocksdb::DBOptions db_options = store_internal::db_options(log_options);
    db_options.create_if_missing = true;
    db_options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    const auto s = rocksdb::DB::Open(db_options, dir, store_internal::cf_descriptors(log_options),
                                     &handles, &db);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    state.ResumeTiming();
    for (size_t i = 0; i < blocks.size(); i += 2) {
      const std::string key = seq_key(Seq(1 + i / 2 * 4096));
      rocksdb::WriteBatch wb;
      wb.Put(handles[store_internal::kCfEvents], key, blocks[i]);
      wb.Put(handles[store_internal::kCfOutputs], key, blocks[i + 1]);
      if (!db->Write(rocksdb::WriteOptions(), &wb).ok()) state.SkipWithError("write failed");
      bytes += static_cast<int64_t>(blocks[i].size() + blocks[i + 1].size());
    }
    db->Flush(rocksdb::FlushOptions(), handles);
    state.PauseTiming();
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    delete db;
    state.ResumeTiming();
  }
  fs::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_RawRocksPutOfTheSameBlocks)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace tape
