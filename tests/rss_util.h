// Peak RSS of a child `tape` process, for the tests that show memory flat in a run's or a file's
// length. Sanitizers multiply allocations and RSS unevenly: such tests skip themselves when
// TAPE_RSS_TEST_SANITIZED is defined.
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_util.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TAPE_RSS_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TAPE_RSS_TEST_SANITIZED 1
#endif
#endif

namespace tape::testing_util {

// Runs `tape <args...>` to its end; its peak RSS in KiB, or -1 when it could not be waited for.
// A non-zero exit fails the calling test.
inline long tape_peak_rss_kib(const std::vector<std::string>& args) {
  const pid_t pid = spawn_tape(args);
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) return -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "tape status " << status;
  return usage.ru_maxrss;
}

}  // namespace tape::testing_util
