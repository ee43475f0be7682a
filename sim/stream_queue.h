// The generator's stream schedule: each stream's next due time, and which stream is next.
// An indexed binary min-heap keyed by (due, stream id), so the next stream is the earliest, the
// lower id on a tie (a total order: the heap's shape never decides). O(log n) per update, which
// keeps 1,000+ instruments cheap where a linear scan per input would not be.
// Allocates in reset() only. Thread: one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace tape {

class StreamQueue {
 public:
  // Takes the due time of every stream (index = stream id) and rebuilds the heap.
  void reset(std::vector<int64_t> due) {
    due_ = std::move(due);
    heap_.resize(due_.size());
    pos_.resize(due_.size());
    for (size_t s = 0; s < due_.size(); ++s) heap_[s] = pos_[s] = static_cast<uint32_t>(s);
    for (size_t i = heap_.size() / 2; i-- > 0;) sift_down(i);
  }

  size_t size() const { return due_.size(); }
  const std::vector<int64_t>& due() const { return due_; }
  int64_t due(size_t stream) const { return due_[stream]; }
  // The stream due first (precondition: size() > 0).
  size_t top() const { return heap_[0]; }

  void set(size_t stream, int64_t due) {
    const int64_t old = due_[stream];
    due_[stream] = due;
    const size_t i = pos_[stream];
    if (due < old) {
      sift_up(i);
    } else {
      sift_down(i);
    }
  }

 private:
  bool before(uint32_t a, uint32_t b) const {
    return due_[a] < due_[b] || (due_[a] == due_[b] && a < b);
  }
  void place(size_t i, uint32_t stream) {
    heap_[i] = stream;
    pos_[stream] = static_cast<uint32_t>(i);
  }
  void sift_up(size_t i) {
    const uint32_t s = heap_[i];
    while (i > 0 && before(s, heap_[(i - 1) / 2])) {
      place(i, heap_[(i - 1) / 2]);
      i = (i - 1) / 2;
    }
    place(i, s);
  }
  void sift_down(size_t i) {
    const uint32_t s = heap_[i];
    const size_t n = heap_.size();
    while (true) {
      size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
      if (!before(heap_[child], s)) break;
      place(i, heap_[child]);
      i = child;
    }
    place(i, s);
  }

  std::vector<int64_t> due_;    // by stream id
  std::vector<uint32_t> heap_;  // stream ids, heap ordered
  std::vector<uint32_t> pos_;   // by stream id: index in heap_
};

}  // namespace tape
