// The configured subjects of a live session ([live.nats] subjects, NATS wildcards allowed) and
// which of them a message's subject falls under: the label its figures (messages, lag) are
// counted under in /metrics and the --json summary (docs/live.md, "Metrics").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tape {

// NATS subject matching: tokens split on '.', "*" matches one token, ">" (last) the rest, one
// token or more.
bool subject_matches(std::string_view filter, std::string_view subject);

// Not thread-safe (a one-entry cache): one per thread.
class SubjectLabels {
 public:
  explicit SubjectLabels(std::vector<std::string> configured)
      : configured_(std::move(configured)) {}
  // The index of the first configured subject `subject` matches, or -1: the stream existed with
  // subjects outside the configured ones.
  int index_of(std::string_view subject);
  // The configured subject `subject` falls under, else `subject` itself.
  const std::string& label_of(std::string_view subject);
  const std::vector<std::string>& configured() const { return configured_; }

 private:
  std::vector<std::string> configured_;
  std::string last_subject_;  // the cache: consecutive messages mostly share a subject
  int last_index_ = -1;
  bool cached_ = false;
};

}  // namespace tape
