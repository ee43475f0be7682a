// The event log's record and scan throughput (performance target: record >= 4 M events/s with
// sync=none). Batches are synthetic: 4096 events of 48 bytes each (the size of an encoded quote)
// plus one 64-byte output per 4 events, so items/s counts input events.
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "store/event_log.h"

namespace tape {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kEventsPerBatch = 4096;
constexpr size_t kEventBytes = 48;
constexpr size_t kOutputBytes = 64;
constexpr int kScanBatches = 256;  // 1 Mi events

void put_u64(std::string& s, size_t at, uint64_t v) { std::memcpy(s.data() + at, &v, 8); }

// Field-shaped bytes (seq, ts, instrument, prices near a mid, small sizes), so a compressor sees
// what it would see in real blocks rather than noise or zeros.
EncodedBatch synthetic_batch(uint64_t first) {
  EncodedBatch b;
  b.first_seq = Seq(first);
  b.last_seq = Seq(first + kEventsPerBatch - 1);
  b.input_count = kEventsPerBatch;
  b.output_count = kEventsPerBatch / 4;
  b.inputs.assign(kEventsPerBatch * kEventBytes, '\0');
  b.outputs.assign(b.output_count * kOutputBytes, '\0');
  uint64_t x = first * 0x9e3779b97f4a7c15ull;
  for (uint64_t i = 0; i < kEventsPerBatch; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const size_t at = i * kEventBytes;
    put_u64(b.inputs, at, first + i);
    put_u64(b.inputs, at + 8, (first + i) * 1000 + (x & 0x3ff));
    put_u64(b.inputs, at + 16, x % 8);
    put_u64(b.inputs, at + 24, 100'000 + (x >> 20) % 64);
    put_u64(b.inputs, at + 32, 100'001 + (x >> 30) % 64);
    put_u64(b.inputs, at + 40, (x >> 40) % 500 + 1);
  }
  for (uint64_t k = 0; k < b.output_count; ++k) {
    const size_t at = k * kOutputBytes;
    put_u64(b.outputs, at, first + 4 * k);
    put_u64(b.outputs, at + 8, k);
    put_u64(b.outputs, at + 16, 100'000 + k % 64);
    put_u64(b.outputs, at + 24, k % 500 + 1);
  }
  return b;
}

std::string bench_dir(const char* name) {
  return (fs::temp_directory_path() / ("tape_store_bench_" + std::to_string(::getpid()) + "_" +
                                       name)).string();
}

std::unique_ptr<EventLog> must(Result<std::unique_ptr<EventLog>> r, benchmark::State& state) {
  if (!r.is_ok()) state.SkipWithError(r.status().message().c_str());
  return r.is_ok() ? std::move(r).value() : nullptr;
}

// One iteration records state.range(0) batches into a fresh log and flushes. The timed loop
// copies one pre-built batch per append (~30 us of the ~700 us a batch takes to record), as the
// recorder would hand over a freshly encoded one.
void BM_LogAppendBlocks(benchmark::State& state) {
  const std::string dir = bench_dir("append");
  const int64_t batches = state.range(0);
  const EncodedBatch proto = synthetic_batch(1);
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(dir);
    auto log = must(EventLog::create(dir, LogOptions{}, false), state);
    if (!log) break;
    state.ResumeTiming();
    for (int64_t i = 0; i < batches; ++i) {
      EncodedBatch b = proto;
      b.first_seq = Seq(1 + i * kEventsPerBatch);
      b.last_seq = Seq((i + 1) * kEventsPerBatch);
      if (!log->append(std::move(b)).is_ok()) state.SkipWithError("append failed");
    }
    if (!log->flush().is_ok()) state.SkipWithError("flush failed");
    state.PauseTiming();
    log.reset();
    state.ResumeTiming();
  }
  fs::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * batches * kEventsPerBatch);
  state.SetBytesProcessed(state.iterations() * batches *
                          (proto.inputs.size() + proto.outputs.size()));
}
// 1 Mi events (fits the memtable budget) and 16 Mi events (sustained: flushes and compactions).
BENCHMARK(BM_LogAppendBlocks)->Arg(256)->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime();

// One iteration scans a closed log of kScanBatches batches from the first seq (read from its
// table files: a closed log has flushed its memtables), touching every value.
void BM_LogScan(benchmark::State& state) {
  const std::string dir = bench_dir("scan");
  fs::remove_all(dir);
  {
    auto log = must(EventLog::create(dir, LogOptions{}, false), state);
    if (!log) return;
    for (int i = 0; i < kScanBatches; ++i) {
      if (!log->append(synthetic_batch(1 + i * kEventsPerBatch)).is_ok()) return;
    }
    if (!log->flush().is_ok()) state.SkipWithError("flush failed");
  }
  auto log = must(EventLog::open(dir, /*read_only=*/true), state);
  uint64_t events = 0;
  for (auto _ : state) {
    uint64_t bytes = 0;
    auto c = log->batches(Seq(1));
    Result<bool> more = c.next();
    for (; more.is_ok() && more.value(); more = c.next()) {
      bytes += c.inputs().size() + c.outputs().size() + static_cast<uint8_t>(c.inputs()[0]);
      events += kEventsPerBatch;
    }
    if (!more.is_ok()) state.SkipWithError(more.status().message().c_str());
    benchmark::DoNotOptimize(bytes);
  }
  log.reset();
  fs::remove_all(dir);
  state.SetItemsProcessed(static_cast<int64_t>(events));
}
BENCHMARK(BM_LogScan)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace tape
