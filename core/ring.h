// A FIFO of trivially copyable items in one power-of-two array that doubles when full: the
// core's queues of held events (order latency, feed latency). std::deque allocates a chunk of
// 512 bytes every few items and frees it again as they drain, a malloc/free pair per handful of
// events on the hot path; this ring allocates only while it grows to the deepest backlog a run
// reaches, then never again. Iteration is in FIFO order (index 0 = the front).
// Bound: the owner's (it checks size() against its own capacity before push_back).
// Thread: one.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "core/status.h"

namespace tape {

template <typename T>
class Ring {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  // Preconditions: !empty(); i < size().
  const T& front() const { return slots_[head_]; }
  const T& back() const { return (*this)[size_ - 1]; }
  const T& operator[](size_t i) const { return slots_[(head_ + i) & mask_]; }
  T& operator[](size_t i) { return slots_[(head_ + i) & mask_]; }

  void push_back(const T& item) {
    if (size_ == slots_.size()) grow();
    slots_[(head_ + size_) & mask_] = item;
    ++size_;
  }
  // Appends a slot and returns it for the caller to fill (its old contents: assign every
  // field). Building an item in place spares a copy of a temporary that was just written.
  T& push_back_slot() {
    if (size_ == slots_.size()) grow();
    ++size_;
    return slots_[(head_ + size_ - 1) & mask_];
  }
  // Inserts `item` so that it becomes element `at` (at <= size()); later elements move back.
  void insert(size_t at, const T& item) {
    TAPE_CHECK(at <= size_, "ring insert past the end");
    push_back(item);
    for (size_t i = size_ - 1; i > at; --i) std::swap((*this)[i], (*this)[i - 1]);
  }
  void pop_front() {
    TAPE_CHECK(size_ > 0, "pop from an empty ring");
    head_ = (head_ + 1) & mask_;
    if (--size_ == 0) head_ = 0;
  }
  void clear() { head_ = size_ = 0; }

 private:
  void grow() {
    std::vector<T> next(slots_.empty() ? 16 : slots_.size() * 2);
    for (size_t i = 0; i < size_; ++i) next[i] = (*this)[i];
    slots_.swap(next);
    mask_ = slots_.size() - 1;
    head_ = 0;
  }

  std::vector<T> slots_;
  size_t mask_ = 0;
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace tape
