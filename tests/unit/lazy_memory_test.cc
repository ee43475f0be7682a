// The core's preallocated structures commit memory lazily without changing what they do: lazy
// arrays read as zero (also when a released mapping is reused), the order pool hands out the
// same indices as an eagerly threaded free list, the id map agrees with a reference map, the
// event queue reuses slot 0 after draining, and a full-size engine costs next to no page
// faults to build or to look up absent ids in.
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <vector>

#include "core/book_id_map.h"
#include "core/config.h"
#include "core/engine.h"
#include "core/event_queue.h"
#include "core/lazy_array.h"
#include "core/order_pool.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TAPE_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TAPE_TEST_SANITIZED 1
#endif
#endif

namespace tape {
namespace {

// xorshift64*: the test's own randomness (no std distributions).
uint64_t next_random(uint64_t& s) {
  s ^= s >> 12;
  s ^= s << 25;
  s ^= s >> 27;
  return s * 0x2545F4914F6CDD1DULL;
}

// The pool before it was lazy: every node threaded onto the free list at construction.
class EagerFreeList {
 public:
  explicit EagerFreeList(uint32_t capacity) : next_(capacity) {
    for (uint32_t i = 0; i < capacity; ++i) next_[i] = i + 1 < capacity ? i + 1 : kNilIndex;
    head_ = capacity > 0 ? 0 : kNilIndex;
  }
  uint32_t alloc() {
    const uint32_t i = head_;
    if (i != kNilIndex) head_ = next_[i];
    return i;
  }
  void free(uint32_t i) {
    next_[i] = head_;
    head_ = i;
  }

 private:
  std::vector<uint32_t> next_;
  uint32_t head_ = kNilIndex;
};

TEST(LazyArrayTest, StartsZeroedAtEverySizeAndMovesOwnership) {
  for (size_t n : {size_t{1}, size_t{1000}, size_t{1} << 20}) {  // heap and mapped
    LazyArray<uint64_t> a(n);
    ASSERT_EQ(a.size(), n);
    EXPECT_EQ(a[0], 0u);
    EXPECT_EQ(a[n / 2], 0u);
    EXPECT_EQ(a[n - 1], 0u);
    a[n - 1] = 7;
    LazyArray<uint64_t> b(std::move(a));
    EXPECT_EQ(a.size(), 0u);
    EXPECT_EQ(b[n - 1], 7u);
  }
}

TEST(LazyArrayTest, AReusedMappingReadsZeroEverywhere) {
  constexpr size_t kSize = size_t{3} << 20;  // 24 MiB: mapped, cached on release
  const uint64_t* first = nullptr;
  {
    LazyArray<uint64_t> a(kSize);
    first = a.data();
    for (size_t i = 0; i < kSize; i += 4096 / sizeof(uint64_t) * 3) a[i] = i + 1;  // 1 page in 3
    a[kSize - 1] = 9;
  }
  LazyArray<uint64_t> b(kSize);
  EXPECT_EQ(b.data(), first) << "the released mapping was not reused";
  for (size_t i = 0; i < kSize; ++i) ASSERT_EQ(b[i], 0u) << "slot " << i;
}

TEST(OrderPoolTest, HandsOutTheIndicesOfAnEagerlyThreadedFreeList) {
  constexpr uint32_t kCapacity = 5000;
  OrderPool pool(kCapacity);
  EagerFreeList ref(kCapacity);
  std::vector<uint32_t> live;
  uint64_t rng = 11;
  for (int step = 0; step < 200000; ++step) {
    const bool alloc = live.empty() || next_random(rng) % 100 < 55;
    if (alloc) {
      const uint32_t got = pool.alloc();
      ASSERT_EQ(got, ref.alloc()) << "step " << step;
      if (got == kNilIndex) {
        ASSERT_TRUE(pool.full());
        continue;
      }
      EXPECT_EQ(pool[got].prev, kNilIndex);
      EXPECT_EQ(pool[got].next, kNilIndex);
      pool[got].next = 12345;  // dirty the links, as a book would
      live.push_back(got);
    } else {
      const size_t k = next_random(rng) % live.size();
      pool.free(live[k]);
      ref.free(live[k]);
      live[k] = live.back();
      live.pop_back();
    }
    ASSERT_EQ(pool.used(), live.size());
  }
}

TEST(OrderPoolTest, FullAtCapacityOnly) {
  OrderPool pool(3);
  EXPECT_FALSE(pool.full());
  for (uint32_t i = 0; i < 3; ++i) EXPECT_EQ(pool.alloc(), i);
  EXPECT_TRUE(pool.full());
  EXPECT_EQ(pool.alloc(), kNilIndex);
  pool.free(1);
  EXPECT_FALSE(pool.full());
  EXPECT_EQ(pool.alloc(), 1u);
  EXPECT_TRUE(pool.full());
}

TEST(OrderIdMapTest, AgreesWithAReferenceMapOverManyBlocks) {
  OrderIdMap map(1 << 16);  // 512 blocks
  std::map<uint64_t, uint32_t> ref;
  uint64_t rng = 3;
  // Sequential runs from several bases (how tape's sources number orders), colliding strides
  // and arbitrary ids, with about as many erases as inserts.
  const uint64_t bases[] = {1, uint64_t{1} << 62, (uint64_t{1} << 62) + (uint64_t{1} << 40)};
  uint64_t counters[3] = {0, 0, 0};
  for (int round = 0; round < 300000; ++round) {
    const uint64_t r = next_random(rng);
    uint64_t id = 0;
    if (r % 4 == 0 && !ref.empty()) {
      auto it = ref.lower_bound(next_random(rng));
      if (it == ref.end()) it = ref.begin();
      ASSERT_TRUE(map.erase(it->first));
      ref.erase(it);
      continue;
    }
    if (r % 4 == 1) {
      id = (next_random(rng) % 4096) << 20;
    } else if (r % 4 == 2) {
      id = next_random(rng);
    } else {
      const size_t source = (r >> 8) % 3;
      id = bases[source] + counters[source]++;
    }
    if (ref.count(id) != 0 || ref.size() >= (1u << 16)) continue;
    EXPECT_FALSE(map.contains(id));
    map.insert(id, static_cast<uint32_t>(round));
    ref[id] = static_cast<uint32_t>(round);
  }
  ASSERT_EQ(map.size(), ref.size());
  for (const auto& [k, v] : ref) ASSERT_EQ(map.find(k), v);
  for (const auto& [k, v] : ref) ASSERT_TRUE(map.erase(k));
  EXPECT_EQ(map.size(), 0u);
  EXPECT_FALSE(map.contains(bases[0]));
}

// Resident bytes of this process now (not the peak): /proc/self/statm's second field.
[[maybe_unused]] size_t resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  unsigned long size = 0, resident = 0;
  if (f != nullptr) {
    if (std::fscanf(f, "%lu %lu", &size, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

TEST(LazyArrayTest, DecommitGivesWholePagesBackAndTheyReadAsZero) {
  LazyArray<uint64_t> a(size_t{1} << 20);  // 8 MiB: a mapping
  const size_t page_slots = static_cast<size_t>(sysconf(_SC_PAGESIZE)) / sizeof(uint64_t);
  for (size_t i = 0; i < 4 * page_slots; ++i) a[i] = i + 1;
  std::vector<unsigned char> resident(4);
  ASSERT_EQ(mincore(a.data(), 4 * page_slots * sizeof(uint64_t), resident.data()), 0);
  for (unsigned char r : resident) {
    EXPECT_TRUE(r & 1);
  }
  for (size_t i = 0; i < 4 * page_slots; ++i) a[i] = 0;
  a.decommit(0, 3 * page_slots);
  ASSERT_EQ(mincore(a.data(), 4 * page_slots * sizeof(uint64_t), resident.data()), 0);
  EXPECT_FALSE(resident[0] & 1);
  EXPECT_FALSE(resident[2] & 1);
  EXPECT_TRUE(resident[3] & 1);  // outside the range
  for (size_t i = 0; i < 4 * page_slots; ++i) ASSERT_EQ(a[i], 0u) << i;
}

// What a long run does to the id map: ids only grow, a few thousand are live at a time. Without
// giving emptied blocks back, every block the ids ever hashed to stays resident (the whole
// 32 MiB table here); with it, about as many pages as the live ids fill.
TEST(OrderIdMapTest, ResidentMemoryFollowsTheLiveIdsNotTheIdsEverSeen) {
#ifdef TAPE_TEST_SANITIZED
  GTEST_SKIP() << "resident memory is the sanitizer's to decide";
#else
  OrderIdMap map(1 << 20);  // 2 Mi slots, 32 MiB reserved
  constexpr uint64_t kLive = 4096;
  const size_t before = resident_bytes();
  for (uint64_t id = 1; id <= 4'000'000; ++id) {
    map.insert(id, static_cast<uint32_t>(id % 1000));
    if (id > kLive) {
      ASSERT_TRUE(map.erase(id - kLive));
    }
  }
  EXPECT_EQ(map.size(), kLive);
  const size_t grown = resident_bytes() - std::min(before, resident_bytes());
  EXPECT_LT(grown, size_t{4} << 20) << "resident memory grew by " << grown << " bytes";
  for (uint64_t id = 4'000'000 - kLive + 1; id <= 4'000'000; ++id) ASSERT_TRUE(map.contains(id));
  EXPECT_FALSE(map.contains(1));
#endif
}

TEST(EventQueueTest, ReusesSlotZeroOnceDrained) {
  EventQueue q(8);
  q.publish(HeartbeatIn{});
  const BusEvent* first = &q.front();
  q.publish(BookChanged{InstrumentId(1)});
  q.pop();
  q.pop();
  ASSERT_TRUE(q.empty());
  q.publish(BookChanged{InstrumentId(2)});
  EXPECT_EQ(&q.front(), first);
  EXPECT_EQ(q.front(), BusEvent(BookChanged{InstrumentId(2)}));
  q.pop();
  // A drained queue takes its whole capacity again, in order.
  for (uint32_t i = 0; i < 8; ++i) q.publish(BookChanged{InstrumentId(i)});
  for (uint32_t i = 0; i < 8; ++i, q.pop()) {
    EXPECT_EQ(q.front(), BusEvent(BookChanged{InstrumentId(i)}));
  }
  EXPECT_EQ(q.high_water(), 8u);
}

// Sanitizers shadow every access (and fault their shadow pages in): the count means nothing there.
#ifndef TAPE_TEST_SANITIZED
// Minor page faults taken by this thread so far.
long thread_minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_minflt;
}

TEST(LazyMemoryTest, FullSizeEngineAndAbsentIdLookupsFaultInFewPages) {
  CoreConfig config;
  config.instruments.resize(2);
  config.engine.order_pool_capacity = 1u << 20;  // 48 MiB of nodes, 32 MiB of id map
  EventQueue queue(65536);                        // 5.5 MiB
  const long before = thread_minor_faults();
  auto engine = std::make_unique<Engine>(config, queue);
  for (uint64_t id = 1; id < 1'000'000; id += 97) ASSERT_FALSE(engine->is_resting(OrderId(id)));
  // Eagerly initialised, these structures were ~22,000 pages; the books' ladders are ~100.
  EXPECT_LT(thread_minor_faults() - before, 1000);
}
#endif

}  // namespace
}  // namespace tape
