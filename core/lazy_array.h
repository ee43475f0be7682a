// Fixed-capacity, zero-filled storage whose pages cost nothing until first written.
//
// The core sizes its pools for the worst case at start-up (a million resting orders, a 64 Ki
// event queue) and then never allocates on the hot path. Value-initialising that much memory
// would touch tens of MB (page faults, RSS) for slots most runs never use. LazyArray instead
// reserves anonymous zero pages from the OS, so a slot's page is committed the first time it
// is written, and the whole array is released in the destructor. The capacity is fixed: the
// array never grows and never allocates again after construction.
//
// T must be trivially copyable and trivially destructible. Every slot starts as all-zero bytes;
// an owner whose T has a meaningful all-zero value (an empty hash slot) may read any slot, an
// owner that needs another initial value constructs it (std::construct_at) before first use.
// Single thread; not copyable.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <type_traits>
#include <utility>

#include "core/status.h"

namespace tape {

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
    if (bytes_ < kMapBytesMin) {
      // Small arrays (tests, tiny configs) come from the heap; zeroing them is free.
      data_ = static_cast<T*>(std::calloc(size_, sizeof(T)));
      TAPE_CHECK(data_ != nullptr, "out of memory reserving a lazy array");
      return;
    }
    // Fresh anonymous pages read as zero and are committed on first write. (glibc's calloc
    // would often do the same, but reuses freed heap memory below its moving mmap threshold
    // and then has to clear it, which is exactly the cost this class exists to avoid.)
    void* p = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    TAPE_CHECK(p != MAP_FAILED, "out of memory reserving a lazy array");
    data_ = static_cast<T*>(p);
  }
  ~LazyArray() { release(); }

  LazyArray(const LazyArray&) = delete;
  LazyArray& operator=(const LazyArray&) = delete;
  LazyArray(LazyArray&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)),
        bytes_(std::exchange(o.bytes_, 0)) {}
  LazyArray& operator=(LazyArray&& o) noexcept {
    if (this != &o) {
      release();
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

 private:
  // Default: 256 KiB. Below this the heap serves the array (a mapping costs a syscall and a
  // whole page; small arrays are touched entirely anyway).
  static constexpr size_t kMapBytesMin = size_t{256} << 10;

  void release() {
    if (data_ == nullptr) return;
    if (bytes_ < kMapBytesMin) {
      std::free(data_);
    } else {
      ::munmap(data_, bytes_);
    }
    data_ = nullptr;
  }

  T* data_ = nullptr;
  size_t size_ = 0;
  size_t bytes_ = 0;
};

}  // namespace tape
