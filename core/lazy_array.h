// Fixed-capacity, zero-filled storage whose pages cost nothing until first written.
//
// The core sizes its pools for the worst case at start-up (a million resting orders, a 64 Ki
// event queue) and then never allocates on the hot path. Value-initialising that much memory
// would touch tens of MB (page faults, RSS) for slots most runs never use. LazyArray instead
// reserves anonymous zero pages from the OS, so a slot's page is committed the first time it
// is written. The capacity is fixed: the array never grows and never allocates again after
// construction.
//
// Large arrays are released to a small process-wide cache instead of the OS, and a later
// LazyArray of the same size takes the mapping back with the pages its last owner touched
// cleared in place (core/lazy_array.cc): a process that builds core after core (replays,
// audits, tests, benchmarks) pays the first touch of a page once, not once per core. The
// first owner of a mapping still pays it on first write; long-lived cores are unaffected.
//
// T must be trivially copyable and trivially destructible. Every slot starts as all-zero bytes;
// an owner whose T has a meaningful all-zero value (an empty hash slot) may read any slot, an
// owner that needs another initial value constructs it (std::construct_at) before first use.
// Single thread per array; the cache behind it is thread-safe. Not copyable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>

#include "core/status.h"

namespace tape {

namespace lazy_array_internal {
// Default: 256 KiB. Below this an array comes from the heap (calloc: a mapping costs a syscall
// and whole pages, and small arrays are touched entirely anyway).
inline constexpr size_t kMapBytesMin = size_t{256} << 10;
// `bytes` (>= kMapBytesMin) of zeroed, lazily committed memory: a cached mapping of that size
// cleared in place, or a fresh anonymous mapping. Throws std::bad_alloc when the address space
// is exhausted (the CLI reports it as an environment failure).
void* acquire_zeroed(size_t bytes);
// Returns the whole pages inside [p, p + bytes) of a mapping to the OS; they read as zero and
// cost nothing until written again.
void decommit(void* p, size_t bytes);
// Gives back what acquire_zeroed returned: into the cache, or to the OS when the cache is full.
void release(void* p, size_t bytes);
}  // namespace lazy_array_internal

template <typename T>
class LazyArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "LazyArray holds plain values only");

 public:
  LazyArray() = default;
  explicit LazyArray(size_t size) : size_(size) {
    if (size_ == 0) return;
    TAPE_CHECK(size_ <= SIZE_MAX / sizeof(T), "lazy array size overflows");
    bytes_ = size_ * sizeof(T);
    if (bytes_ < lazy_array_internal::kMapBytesMin) {
      data_ = static_cast<T*>(std::calloc(size_, sizeof(T)));
      if (data_ == nullptr) throw std::bad_alloc();
    } else {
      data_ = static_cast<T*>(lazy_array_internal::acquire_zeroed(bytes_));
    }
  }
  ~LazyArray() { reset(); }

  LazyArray(const LazyArray&) = delete;
  LazyArray& operator=(const LazyArray&) = delete;
  LazyArray(LazyArray&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)),
        bytes_(std::exchange(o.bytes_, 0)) {}
  LazyArray& operator=(LazyArray&& o) noexcept {
    if (this != &o) {
      reset();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      bytes_ = std::exchange(o.bytes_, 0);
    }
    return *this;
  }

  size_t size() const { return size_; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }

  // Precondition: slots [first, first + count) are all-zero bytes. Gives their memory back to
  // the OS where it can (the whole pages of a mapped array; a heap array keeps it), so an owner
  // whose slots empty again keeps its resident memory proportional to what it holds.
  void decommit(size_t first, size_t count) {
    if (bytes_ >= lazy_array_internal::kMapBytesMin && count != 0) {
      lazy_array_internal::decommit(data_ + first, count * sizeof(T));
    }
  }

 private:
  void reset() {
    if (data_ == nullptr) return;
    if (bytes_ < lazy_array_internal::kMapBytesMin) {
      std::free(data_);
    } else {
      lazy_array_internal::release(data_, bytes_);
    }
    data_ = nullptr;
    size_ = 0;
    bytes_ = 0;
  }

  T* data_ = nullptr;
  size_t size_ = 0;
  size_t bytes_ = 0;
};

}  // namespace tape
