#include "live/subjects.h"

namespace tape {
namespace {

// The next token of `s` from `at` (moved past it and its dot).
std::string_view next_token(std::string_view s, size_t& at) {
  const size_t dot = s.find('.', at);
  const size_t end = dot == std::string_view::npos ? s.size() : dot;
  const std::string_view token = s.substr(at, end - at);
  at = dot == std::string_view::npos ? s.size() + 1 : dot + 1;
  return token;
}

}  // namespace

bool subject_matches(std::string_view filter, std::string_view subject) {
  size_t f = 0, s = 0;
  while (f <= filter.size()) {
    const std::string_view want = next_token(filter, f);
    if (s > subject.size()) return false;  // the subject has fewer tokens
    if (want == ">") return true;          // one token or more remain
    const std::string_view got = next_token(subject, s);
    if (want != "*" && want != got) return false;
  }
  return s > subject.size();  // no token of the subject is left over
}

int SubjectLabels::index_of(std::string_view subject) {
  if (cached_ && subject == last_subject_) return last_index_;
  last_subject_ = subject;
  cached_ = true;
  last_index_ = -1;
  for (size_t i = 0; i < configured_.size(); ++i) {
    if (subject_matches(configured_[i], subject)) {
      last_index_ = static_cast<int>(i);
      break;
    }
  }
  return last_index_;
}

const std::string& SubjectLabels::label_of(std::string_view subject) {
  const int i = index_of(subject);
  return i < 0 ? last_subject_ : configured_[static_cast<size_t>(i)];
}

}  // namespace tape
