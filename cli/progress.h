// A progress bar on stderr, shown only when stderr is a terminal (the CLI contract). Redraws at
// most
// ten times a second; callers tick it cheaply on every input.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <unistd.h>

namespace tape {

class ProgressBar {
 public:
  explicit ProgressBar(const char* label) : label_(label), enabled_(isatty(STDERR_FILENO)) {}
  ~ProgressBar() { done(); }

  // `fraction` in [0, 1]; `events` processed so far.
  void tick(double fraction, uint64_t events) {
    if (!enabled_ || (events & 0xFFF) != 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    draw(fraction, events);
  }
  void done() {
    if (!enabled_ || finished_) return;
    finished_ = true;
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }

 private:
  void draw(double fraction, uint64_t events) {
    if (fraction < 0) fraction = 0;
    if (fraction > 1) fraction = 1;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    char bar[kWidth + 1];
    for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : '.';
    bar[kWidth] = 0;
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::fprintf(stderr, "\r%s [%s] %3.0f%%  %llu events  %.2f M/s", label_, bar,
                 fraction * 100, static_cast<unsigned long long>(events),
                 secs > 0 ? static_cast<double>(events) / secs / 1e6 : 0.0);
    std::fflush(stderr);
  }

  const char* label_;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace tape
