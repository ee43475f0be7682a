// The streaming CSV reader (feed/csv.h): fields and their columns, quoting, line endings, and
// lines that straddle its buffer.
#include <gtest/gtest.h>

#include <fstream>

#include "cli_util.h"
#include "feed/csv.h"

namespace tape {
namespace {

using testing_util::TempDir;

struct Rows {
  std::vector<std::vector<std::string>> fields;
  std::vector<std::vector<uint32_t>> columns;
  std::vector<uint64_t> lines;
  std::vector<std::string> bad;  // "line:column:reason"
};

Rows read_all(const std::string& text) {
  TempDir dir("csv");
  std::filesystem::create_directories(dir.path());
  const std::string path = dir.path() + "/f.csv";
  std::ofstream(path, std::ios::binary) << text;
  auto reader = CsvReader::open(path, ',');
  EXPECT_TRUE(reader.is_ok());
  Rows rows;
  for (;;) {
    auto step = reader.value()->next();
    EXPECT_TRUE(step.is_ok());
    if (!step.is_ok() || step.value() == CsvReader::Step::kEnd) break;
    CsvReader& r = *reader.value();
    if (step.value() == CsvReader::Step::kBadRow) {
      rows.bad.push_back(std::to_string(r.line()) + ":" + std::to_string(r.bad_column()) + ":" +
                         r.bad_reason());
      continue;
    }
    std::vector<std::string> f;
    std::vector<uint32_t> c;
    for (const CsvField& field : r.fields()) {
      f.emplace_back(field.text);
      c.push_back(field.column);
    }
    rows.fields.push_back(f);
    rows.columns.push_back(c);
    rows.lines.push_back(r.line());
  }
  return rows;
}

TEST(FeedCsvTest, FieldsCarryTheirByteColumns) {
  Rows r = read_all("Date,Open\n1995-01-03,2.179012\n");
  ASSERT_EQ(r.fields.size(), 2u);
  EXPECT_EQ(r.fields[1], (std::vector<std::string>{"1995-01-03", "2.179012"}));
  EXPECT_EQ(r.columns[1], (std::vector<uint32_t>{1, 12}));
  EXPECT_EQ(r.lines[1], 2u);
}

TEST(FeedCsvTest, CrlfBlankLinesBomAndNoFinalNewline) {
  Rows r = read_all("\xEF\xBB\xBF" "a,b\r\n\r\n  \n1,2\r\n3,4");
  ASSERT_EQ(r.fields.size(), 3u);
  EXPECT_EQ(r.fields[0], (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.fields[1], (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(r.lines[1], 4u);  // blank lines are counted, not yielded
  EXPECT_EQ(r.fields[2], (std::vector<std::string>{"3", "4"}));
}

TEST(FeedCsvTest, QuotedFieldsHoldDelimitersAndEscapedQuotes) {
  Rows r = read_all("\"a,b\", \"say \"\"hi\"\"\" ,c\n,,\n");
  ASSERT_EQ(r.fields.size(), 2u);
  EXPECT_EQ(r.fields[0], (std::vector<std::string>{"a,b", "say \"hi\"", "c"}));
  EXPECT_EQ(r.columns[0], (std::vector<uint32_t>{1, 8, 22}));
  EXPECT_EQ(r.fields[1], (std::vector<std::string>{"", "", ""}));
}

TEST(FeedCsvTest, UnterminatedQuoteAndTextAfterQuoteAreBadRowsAndReadingGoesOn) {
  Rows r = read_all("a,\"open\n\"x\"y,2\nok,1\n");
  EXPECT_EQ(r.bad, (std::vector<std::string>{"1:3:bad_quote", "2:4:bad_quote"}));
  ASSERT_EQ(r.fields.size(), 1u);
  EXPECT_EQ(r.fields[0], (std::vector<std::string>{"ok", "1"}));
  EXPECT_EQ(r.lines[0], 3u);
}

TEST(FeedCsvTest, LinesStraddlingTheBufferAreWhole) {
  // ~3 MiB of rows: chunk boundaries fall inside lines.
  std::string text;
  for (int i = 0; i < 150'000; ++i) text += std::to_string(i) + ",abcdefghij\n";
  Rows r = read_all(text);
  ASSERT_EQ(r.fields.size(), 150'000u);
  for (size_t i = 0; i < r.fields.size(); ++i) {
    ASSERT_EQ(r.fields[i][0], std::to_string(i));
    ASSERT_EQ(r.fields[i][1], "abcdefghij");
  }
}

TEST(FeedCsvTest, LineLongerThanTheBufferIsABadRow) {
  std::string text = "a,b\n" + std::string(CsvReader::kLineBytesMax + 10, 'x') + "\nc,d\n";
  Rows r = read_all(text);
  EXPECT_EQ(r.bad, (std::vector<std::string>{"2:1:line_too_long"}));
  ASSERT_EQ(r.fields.size(), 2u);
  EXPECT_EQ(r.fields[1], (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(r.lines[1], 3u);
}

TEST(FeedCsvTest, MissingFileIsAnIoError) {
  auto reader = CsvReader::open("/nonexistent/file.csv", ',');
  ASSERT_FALSE(reader.is_ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kIo);
  EXPECT_NE(reader.status().message().find("/nonexistent/file.csv"), std::string::npos);
}

}  // namespace
}  // namespace tape
