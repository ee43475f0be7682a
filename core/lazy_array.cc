// Mappings behind LazyArray, and the cache that lets the next core reuse a released one.
//
// Reusing a mapping needs it zeroed again without touching the pages its last owner never
// wrote (that would commit them). mincore() tells which pages are resident: those are cleared
// with memset (the frames stay; clearing is ~10x cheaper than faulting fresh pages in on this
// kind of machine), the others are dropped with MADV_DONTNEED, which also discards anything
// swapped out, so every byte reads as zero afterwards whatever happened in between.
#include "core/lazy_array.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

namespace tape::lazy_array_internal {
namespace {

// Default: 8 mappings and 512 MiB of address space (what four default-sized cores reserve).
// Beyond either bound the oldest cached mapping goes back to the OS.
constexpr size_t kCachedMappingsMax = 8;
constexpr size_t kCachedBytesMax = size_t{512} << 20;

struct Mapping {
  void* p;
  size_t bytes;
};

struct Cache {
  std::mutex mu;
  std::vector<Mapping> mappings;  // oldest first
  size_t bytes = 0;
};

Cache& cache() {
  static Cache* c = new Cache;  // never destroyed: arrays may be released during exit
  return *c;
}

size_t page_bytes() {
  static const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  return page;
}

// Clears every byte of a mapping in place: resident pages by memset, the rest by dropping them.
void clear_mapping(void* p, size_t bytes) {
  char* base = static_cast<char*>(p);
  const size_t page = page_bytes();
  const size_t pages = (bytes + page - 1) / page;
  std::vector<unsigned char> resident(pages);
  if (::mincore(p, bytes, resident.data()) != 0) {
    TAPE_CHECK(::madvise(p, bytes, MADV_DONTNEED) == 0, "cannot clear a cached mapping");
    return;
  }
  for (size_t i = 0; i < pages;) {
    const bool in_memory = (resident[i] & 1) != 0;
    size_t j = i + 1;
    while (j < pages && ((resident[j] & 1) != 0) == in_memory) ++j;
    const size_t len = std::min(bytes, j * page) - i * page;
    if (in_memory) {
      std::memset(base + i * page, 0, len);
    } else {
      TAPE_CHECK(::madvise(base + i * page, len, MADV_DONTNEED) == 0,
                 "cannot clear a cached mapping");
    }
    i = j;
  }
}

}  // namespace

void* acquire_zeroed(size_t bytes) {
  void* reused = nullptr;
  {
    Cache& c = cache();
    std::lock_guard lock(c.mu);
    // Newest first: its pages are the likeliest to still be in cache.
    for (size_t i = c.mappings.size(); i-- > 0;) {
      if (c.mappings[i].bytes != bytes) continue;
      reused = c.mappings[i].p;
      c.mappings.erase(c.mappings.begin() + static_cast<ptrdiff_t>(i));
      c.bytes -= bytes;
      break;
    }
  }
  if (reused != nullptr) {
    clear_mapping(reused, bytes);
    return reused;
  }
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return p;
}

void decommit(void* p, size_t bytes) {
  const size_t page = page_bytes();
  const auto begin = reinterpret_cast<uintptr_t>(p);
  const uintptr_t first = (begin + page - 1) / page * page;
  const uintptr_t last = (begin + bytes) / page * page;
  if (last <= first) return;
  TAPE_CHECK(::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED) == 0,
             "cannot decommit pages of a lazy array");
}

void release(void* p, size_t bytes) {
  std::vector<Mapping> evicted;
  {
    Cache& c = cache();
    std::lock_guard lock(c.mu);
    c.mappings.push_back({p, bytes});
    c.bytes += bytes;
    while (c.mappings.size() > kCachedMappingsMax || c.bytes > kCachedBytesMax) {
      evicted.push_back(c.mappings.front());
      c.bytes -= c.mappings.front().bytes;
      c.mappings.erase(c.mappings.begin());
    }
  }
  for (const Mapping& m : evicted) ::munmap(m.p, m.bytes);
}

}  // namespace tape::lazy_array_internal
