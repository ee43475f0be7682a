// NATS subject matching for the per-subject live figures (live/subjects.h): "*" is one token,
// ">" one token or more at the end, and a message counts under the first configured subject.
#include <gtest/gtest.h>

#include "live/subjects.h"

namespace tape {
namespace {

TEST(LiveSubjects, SubjectMatchesTokensAndWildcards) {
  EXPECT_TRUE(subject_matches("tape.in.a", "tape.in.a"));
  EXPECT_FALSE(subject_matches("tape.in.a", "tape.in.ab"));
  EXPECT_FALSE(subject_matches("tape.in.a", "tape.in.a.b"));
  EXPECT_FALSE(subject_matches("tape.in.a", "tape.in"));
  EXPECT_TRUE(subject_matches("tape.*.a", "tape.in.a"));
  EXPECT_FALSE(subject_matches("tape.*.a", "tape.in.x.a"));
  EXPECT_TRUE(subject_matches("tape.in.>", "tape.in.md"));
  EXPECT_TRUE(subject_matches("tape.in.>", "tape.in.md.orcl"));
  EXPECT_FALSE(subject_matches("tape.in.>", "tape.in"));  // ">" needs a token
  EXPECT_FALSE(subject_matches("tape.in.>", "tape.out.md"));
  EXPECT_TRUE(subject_matches(">", "x"));
}

TEST(LiveSubjects, LabelIsTheFirstConfiguredSubjectMatchedElseTheSubject) {
  SubjectLabels labels({"tape.in.a", "tape.in.>"});
  EXPECT_EQ(labels.index_of("tape.in.a"), 0);
  EXPECT_EQ(labels.label_of("tape.in.a"), "tape.in.a");
  EXPECT_EQ(labels.index_of("tape.in.b"), 1);
  EXPECT_EQ(labels.label_of("tape.in.b"), "tape.in.>");
  EXPECT_EQ(labels.index_of("other.x"), -1);
  EXPECT_EQ(labels.label_of("other.x"), "other.x");
  EXPECT_EQ(labels.label_of("tape.in.a"), "tape.in.a");  // the cache follows the subject
}

}  // namespace
}  // namespace tape
